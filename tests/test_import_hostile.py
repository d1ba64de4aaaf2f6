"""Hostile and damaged engagement files (issue 12): each is refused with an `InputError` naming the
file, line and field, and the ledger is left as it was. Also the one-rule checks of the import
formats: YAML duplicate keys, truncation, sources never overwritten, ASCII digits, date bounds."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import tracemalloc

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from legation._yaml import MAX_DEPTH
from legation.errors import InputError
from legation.ledger import Ledger, import_file
from legation.ledger.importing import import_frame
from legation.ledger.sources import SAMPLE
from legation.ledger.validate import MAX_PROBLEMS

HEADER = "instrument,actor,partner,start,end,magnitude,unit,polarity,source\n"
GOOD = "exercise,United States,India,2015-10,,1,count,+1,legation-sample\n"
OTHER = "exercise,United States,France,2016-10,,1,count,+1,legation-sample\n"
ITEM = "- {instrument: exercise, actor: France, partner: India, start: '2015', source: legation-sample}\n"


@pytest.fixture
def seeded(ledger: Ledger, write) -> Ledger:
    import_file(ledger, write("before.csv", HEADER + GOOD))
    return ledger


def _snapshot(ledger: Ledger) -> tuple:
    return (
        ledger.engagements(details=True).sort("id").rows(),
        ledger.query("SELECT * EXCLUDE (finished_at) FROM imports ORDER BY id").rows(),
        ledger.sources().sort("id").rows(),
    )


def _refused(ledger: Ledger, path, words: str) -> InputError:
    before = _snapshot(ledger)
    with pytest.raises(InputError) as err:
        import_file(ledger, path)
    assert words in str(err.value), str(err.value)
    assert str(path) in str(err.value)
    assert _snapshot(ledger) == before
    return err.value


def _parquet(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


BASE = {
    "instrument": ["exercise"],
    "actor": ["United States"],
    "partner": ["India"],
    "source": ["legation-sample"],
}

# name -> (file name, bytes, words in the message)
HOSTILE = {
    "bare CR": ("cr.csv", (HEADER + GOOD + OTHER).replace("\n", "\r").encode(), "carriage return"),
    "gzip": ("gz.csv", gzip.compress((HEADER + GOOD).encode()), "gzip file"),
    "binary": ("bin.csv", bytes(range(256)) * 4, "binary file"),
    "column _line": ("line.csv", ("_line," + HEADER + "1," + GOOD).encode(), "'_line': unknown column"),
    "engagements: 5": ("e5.yaml", b"engagements: 5\n", "'engagements' must be a list"),
    "sources: true": ("st.yaml", b"sources: true\n", "'sources' must be a list"),
    "deep flow": ("deep.yaml", b"engagements: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested more"),
    "deep block": ("deep2.yaml", b"engagements:\n- " + b"{a: " * 3000 + b"1" + b"}" * 3000 + b"\n", "nested"),
    "alias": ("alias.yaml", b"x: &a [1]\nengagements: *a\n", "alias"),
    "merge key": ("merge.yaml", b"engagements:\n- &a {instrument: exercise}\n- {<<: *a}\n", "alias"),
    "list column": ("list.parquet", _parquet(pa.table({**BASE, "start": [[1]]})), "List"),
    "map column": (
        "map.parquet",
        _parquet(
            pa.table(
                {**BASE, "start": ["2015"], "note": pa.array([[("a", 1)]], pa.map_(pa.string(), pa.int64()))}
            )
        ),
        "Map",
    ),
    "binary column": (
        "bin.parquet",
        _parquet(pa.table({**BASE, "start": pa.array([b"\xff"], pa.binary())})),
        "Binary",
    ),
    "duration column": (
        "dur.parquet",
        _parquet(pa.table({**BASE, "start": ["2015"], "magnitude": pa.array([5], pa.duration("s"))})),
        "Duration",
    ),
    "struct column": ("st.parquet", _parquet(pa.table({**BASE, "start": [{"y": 2015}]})), "Struct"),
    "parquet _line": ("pl.parquet", _parquet(pa.table({**BASE, "start": ["2015"], "_line": [7]})), "_line"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_file_is_refused_and_changes_nothing(seeded, write, case):
    name, data, words = HOSTILE[case]
    _refused(seeded, write(name, data), words)


def test_bare_cr_is_named_by_line(seeded, write):
    err = _refused(seeded, write("cr.csv", (HEADER + GOOD).replace("\n", "\r").encode()), "carriage")
    assert err.problems[0].row == 1


def test_yaml_alias_bomb_is_refused_in_bounded_memory(seeded, write):
    # each level holds ten of the one before: 10**9 leaves once expanded (or printed in an error)
    levels = "".join(f"- &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    path = write(
        "bomb.yaml", "sources:\n- &a0 [x, x, x, x, x, x, x, x, x, x]\n" + levels + "engagements:\n- *a9\n"
    )
    tracemalloc.start()
    try:
        _refused(seeded, path, "alias")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20


def test_nesting_within_the_bound_is_fine(seeded, write):
    # the format's own depth (document, list, item, value, list) passes; only MAX_DEPTH is refused
    ok = "sources:\n- {id: x1, name: X, version: '1', citation: C, coverage_actors: [2, 750]}\n"
    report = import_file(
        seeded, write("ok.yaml", ok + "engagements:\n" + ITEM.replace("legation-sample", "x1"))
    )
    assert report.rows_written == 1
    deep = "engagements:\n- {note: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}\n"
    _refused(seeded, write("deep.yaml", deep), f"nested more than {MAX_DEPTH}")


def test_a_million_column_header_gives_a_capped_error(seeded, write):
    wide = HEADER.strip() + "," + ",".join(f"c{i}" for i in range(200_000)) + "\n"
    err = _refused(seeded, write("wide.csv", wide), "unknown column")
    assert len(err.problems) == MAX_PROBLEMS and err.total == 200_000
    assert len(str(err)) < 50_000


def test_many_bad_yaml_items_give_a_capped_error(seeded, write):
    items = "".join(
        f"- {{instrument: bribery{i}, actor: France, partner: India, start: '2015'}}\n" for i in range(300)
    )
    err = _refused(seeded, write("many.yaml", "engagements:\n" + items), "more")
    assert len(err.problems) == MAX_PROBLEMS and err.total >= 300


def test_import_frame_refuses_a_line_column(seeded):
    df = pl.DataFrame({**BASE, "start": ["2015"], "_line": [3]})
    before = _snapshot(seeded)
    with pytest.raises(InputError, match="_line"):
        import_frame(seeded, df)
    assert _snapshot(seeded) == before


# item 7: YAML duplicate keys ------------------------------------------------------------------


def test_yaml_two_engagement_lists_are_refused_with_lines(seeded, write):
    text = "engagements:\n" + ITEM + "engagements:\n" + ITEM.replace("France", "Brazil")
    err = _refused(seeded, write("dup.yaml", text), "'engagements' appears twice (lines 1 and 3)")
    assert err.problems[0].row == 3


def test_yaml_two_actor_keys_are_refused_with_lines(seeded, write):
    text = (
        "engagements:\n- instrument: exercise\n  actor: France\n  partner: India\n  actor: Brazil\n"
        "  start: '2015'\n  source: legation-sample\n"
    )
    err = _refused(seeded, write("dup.yaml", text), "'actor' appears twice (lines 3 and 5)")
    assert err.problems[0].row == 5


# item 8: truncation, short rows, the digest ----------------------------------------------------


def test_cut_inside_the_last_field_is_refused(seeded, write):
    body = HEADER.replace(",source\n", ",source,note\n") + GOOD.replace("\n", ",Varuna 2015\n")
    _refused(seeded, write("cut.csv", body + GOOD.replace("\n", ",Varuna 2016 off Go")), "cut off")


def test_magnitude_cut_short_is_refused(seeded, write):
    head = "instrument,actor,partner,start,source,unit,magnitude\n"
    body = head + "exercise,United States,India,2015,legation-sample,personnel,1500\n"
    _refused(
        seeded,
        write("cut.csv", body + "exercise,United States,France,2015,legation-sample,personnel,12"),
        "cut off",
    )


def test_quoted_newline_in_the_last_record_without_final_newline_is_fine(ledger, write):
    body = HEADER.replace(",source\n", ",source,note\n") + GOOD.replace("\n", ',"two\nlines"')
    report = import_file(ledger, write("q.csv", body))
    assert report.rows_written == 1
    assert ledger.engagements()["note"].to_list() == ["two\nlines"]


def test_records_with_quoted_newlines_are_named_by_their_first_line(seeded, write):
    head = HEADER.replace(",source\n", ",source,note\n")
    body = (
        head + GOOD.replace("\n", ',"a\nb\nc"\n') + "exercise,Narnia,India,2015,,1,count,,legation-sample,x\n"
    )
    err = _refused(seeded, write("q.csv", body), "Narnia")
    assert err.problems[0].row == 5


def test_short_row_mid_file_is_refused(seeded, write):
    body = HEADER + GOOD + "exercise,United States,France,2016\n" + OTHER
    err = _refused(seeded, write("short.csv", body), "4 fields, fewer than the header's 9")
    assert err.problems[0].row == 3


def test_long_row_is_refused_with_its_line(seeded, write):
    err = _refused(seeded, write("long.csv", HEADER + GOOD + OTHER.replace("\n", ",extra\n")), "more than")
    assert err.problems[0].row == 3


def test_import_log_digest_is_of_the_bytes_imported(ledger, write):
    data = (HEADER + GOOD).encode()
    import_file(ledger, write("e.csv", data))
    (sha,) = ledger.query("SELECT sha256 FROM imports").row(0)
    assert sha == hashlib.sha256(data).hexdigest()


# item 6: sources are not overwritten ----------------------------------------------------------

MINE = "sources:\n- {id: my-notes, name: My notes, version: '1', citation: Me 2024}\n"


def test_yaml_cannot_overwrite_a_bundled_source(seeded, write):
    text = (
        "sources:\n- {id: legation-sample, name: Hijacked, version: '9', citation: Nobody, licence: none}\n"
    )
    stored = SAMPLE.model_dump(exclude={"references"})  # the ledger keeps the record, not the works
    _refused(seeded, write("s.yaml", text + "engagements:\n" + ITEM), "bundles")
    assert seeded.source(SAMPLE.id).model_dump(exclude={"references"}) == stored
    with pytest.raises(InputError, match="bundles"):
        import_file(seeded, write("s.yaml", text), replace_source=True)
    assert seeded.source(SAMPLE.id).model_dump(exclude={"references"}) == stored


def test_yaml_overwrites_a_source_only_when_asked(seeded, write):
    import_file(seeded, write("a.yaml", MINE))
    changed = MINE.replace("My notes", "Other notes")
    _refused(seeded, write("b.yaml", changed), "--replace-source")
    assert seeded.source("my-notes").name == "My notes"
    import_file(seeded, write("c.yaml", MINE))  # the same source again: fine
    import_file(seeded, write("b.yaml", changed), replace_source=True)
    assert seeded.source("my-notes").name == "Other notes"


def test_a_refused_file_registers_no_source(seeded, write):
    text = MINE + "engagements:\n" + ITEM + ITEM  # one engagement twice: refused at the write
    _refused(seeded, write("s.yaml", text), "duplicate id")
    assert "my-notes" not in seeded.sources()["id"].to_list()


# item 11: one rule for numbers and dates -------------------------------------------------------


def test_negative_zero_is_zero_with_one_id(ledger, write):
    import_file(ledger, write("a.csv", HEADER + GOOD.replace(",1,count", ",-0.0,count")))
    import_file(ledger, write("b.csv", HEADER + GOOD.replace(",1,count", ",0,count")))
    m = ledger.engagements()["magnitude"]
    assert m.to_list() == [0.0] and str(m[0]) == "0.0"
    import_file(
        ledger, write("c.yaml", "engagements:\n" + ITEM.replace("}", ", magnitude: -0.0, unit: count}"))
    )
    assert all(str(x) == "0.0" for x in ledger.engagements()["magnitude"].to_list())


@pytest.mark.parametrize("value", ["1_000", "١٥٠٠", "１５００", "0x10"])
def test_magnitude_digits_are_ascii_in_yaml_and_csv(seeded, write, value):
    _refused(seeded, write("m.csv", HEADER + GOOD.replace(",1,count", f",{value},count")), "not a number")
    item = ITEM.replace("}", f", magnitude: {value}, unit: count}}")
    _refused(seeded, write("m.yaml", "engagements:\n" + item), "not a number")


@pytest.mark.parametrize("value", ["٢٠١٥", "２０１５", "2015-٠١"])
def test_date_digits_are_ascii(seeded, write, value):
    _refused(seeded, write("d.csv", HEADER + GOOD.replace("2015-10", value)), "not a date")
    _refused(seeded, write("d.yaml", "engagements:\n" + ITEM.replace("'2015'", f"'{value}'")), "not a date")


def test_dates_are_bounded_by_2100(seeded, write):
    _refused(seeded, write("d.csv", HEADER + GOOD.replace("2015-10", "9999")), "after 2100")
    _refused(seeded, write("e.csv", HEADER + GOOD.replace("2015-10,", "2015,9999-01-01")), "after 2100")
    import_file(seeded, write("ok.csv", HEADER + GOOD.replace("2015-10", "2100-12-31")))


@pytest.mark.parametrize("when", [dt.date(1700, 1, 1), dt.date(9999, 1, 1)])
def test_parquet_date_start_obeys_the_same_bounds(seeded, write, when):
    table = pa.table(
        {**BASE, "partner": ["Hezbollah"], "partner_kind": ["nonstate"], "start": pa.array([when])}
    )
    err = _refused(seeded, write("d.parquet", _parquet(table)), "outside 1800–2100")
    assert err.problems[0].field == "start"


def test_yaml_scalars_stay_as_written(ledger, write):
    item = ITEM.replace("}", ", note: yes, source_ref: 1.50}")
    import_file(ledger, write("n.yaml", "engagements:\n" + item))
    assert ledger.engagements().select("note", "source_ref").row(0) == ("yes", "1.50")


def test_a_unit_separator_in_a_name_is_an_unknown_name(seeded, write):
    # found by the fuzz suite: the column-wise validator keyed names with \x1f and split on it
    body = HEADER + GOOD.replace("India", "In\x1fdia") + OTHER.replace("count", "co\x1funt")
    err = _refused(seeded, write("sep.csv", body), "unknown state or actor")
    assert {p.field for p in err.problems} == {"partner", "unit"}
