"""The ledger file: schema, seeding, reading API, round trips, concurrency."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from legation.errors import InputError, LedgerError, SchemaVersionError
from legation.ledger import Ledger, Source, export, import_file, import_frame, load_sample
from legation.ledger.schema import ENGAGEMENT_COLUMNS, SCHEMA_VERSION

GOOD = """instrument,actor,partner,start,end,magnitude,unit,polarity,source,note
exercise,United States,India,2015-10,2015-10-19,1,count,+1,legation-sample,Malabar
arms_transfer,Russia,India,2018,,5000000000,usd,,legation-sample,"S-400, five regiments"
alliance,United States,NATO,1949-08-24,,,,,legation-sample,
military_aid,United States,Egypt,2013-10-09,,,usd,-1,legation-sample,suspension
basing,Germany,Lithuania,2024,,5000,personnel,,legation-sample,
exercise,West Germany,France,1987-09,1987-09,1,count,,legation-sample,
"""


def test_new_ledger_is_seeded(ledger):
    assert set(ledger.sources()["id"]) == {"legation-sample", "legation-states", "legation-groups"}
    assert ledger.count("groups") == 15 and ledger.count("memberships") > 300
    assert ledger.count("states") > 150 and ledger.count() == 0
    assert ledger.con.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA_VERSION),)]


def test_import_stores_resolved_rows(ledger, write):
    report = import_file(ledger, write("e.csv", GOOD))
    assert (report.rows_read, report.rows_written, report.sources) == (6, 6, ["legation-sample"])
    rows = ledger.engagements()
    assert rows.columns == list(ENGAGEMENT_COLUMNS)
    by_note = {r["note"]: r for r in rows.iter_rows(named=True)}
    s400 = by_note["S-400, five regiments"]
    assert (s400["actor_ccode"], s400["partner_ccode"], s400["start_date"], s400["start_precision"]) == (
        365,
        750,
        date(2018, 1, 1),
        "year",
    )
    assert by_note["suspension"]["polarity"] == -1
    nato = rows.filter(pl.col("partner") == "NATO").row(0, named=True)
    assert (nato["partner_kind"], nato["partner_ccode"], nato["unit"]) == ("group", None, "binary")
    malabar = by_note["Malabar"]
    assert (malabar["end_date"], malabar["end_precision"]) == (date(2015, 10, 19), "day")
    assert rows.filter(pl.col("actor") == "German Federal Republic")["actor_ccode"].to_list() == [260]
    assert rows.filter(pl.col("actor") == "Germany")["actor_ccode"].to_list() == [255]


def test_reimport_is_idempotent(ledger, write):
    path = write("e.csv", GOOD)
    import_file(ledger, path)
    first = ledger.engagements().drop("import_id")
    import_file(ledger, path)
    assert ledger.engagements().drop("import_id").equals(first)
    assert ledger.count("imports") == 2


def test_ids_do_not_depend_on_row_order(ledger, tmp_path, write):
    lines = GOOD.splitlines()
    import_file(ledger, write("a.csv", GOOD))
    with Ledger(tmp_path / "other.duckdb") as other:
        import_file(other, write("b.csv", "\n".join([lines[0], *reversed(lines[1:])]) + "\n"))
        assert sorted(other.engagements()["id"]) == sorted(ledger.engagements()["id"])


def test_an_id_cannot_move_between_sources(ledger, write):
    ledger.register_source(Source(id="mine", name="Mine", version="1", citation="Me. 2026."))
    import_file(
        ledger,
        write(
            "a.csv", "id,instrument,actor,partner,start,source\nx1,exercise,USA,India,2015,legation-sample\n"
        ),
    )
    with pytest.raises(InputError, match="already used by source 'legation-sample'"):
        import_file(
            ledger,
            write("b.csv", "id,instrument,actor,partner,start,source\nx1,exercise,USA,Japan,2016,mine\n"),
        )
    assert ledger.count() == 1


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_export_round_trip(ledger, tmp_path, write, fmt):
    import_file(ledger, write("e.csv", GOOD))
    out = tmp_path / f"out.{fmt}"
    export.write(ledger.engagements(), out, fmt)
    if fmt == "json":  # JSON is for reading, not importing: check it holds every row
        assert len(pl.read_json(out)) == 6
        return
    with Ledger(tmp_path / "fresh.duckdb") as fresh:
        import_file(fresh, out)
        assert fresh.engagements().drop("import_id").equals(ledger.engagements().drop("import_id"))


def test_yaml_import_with_its_own_source(ledger, write):
    path = write(
        "e.yaml",
        """
sources:
  - id: field-notes
    name: Field notes
    version: "2024-06"
    citation: Analyst, A. 2024. Field notes.
    coverage_start: 2020
    coverage_end: 2024
engagements:
  - instrument: training
    actor: United States
    partner: Philippines
    start: 2024-04
    magnitude: 120
    unit: personnel
    source: field-notes
  - {instrument: hadr, actor: Japan, partner: Philippines, start: "2013-11-10", source: field-notes}
""",
    )
    report = import_file(ledger, path)
    assert report.rows_written == 2 and report.sources == ["field-notes"]
    assert ledger.source("field-notes").covers(2022) and not ledger.source("field-notes").covers(2019)
    assert ledger.engagements(partner="Philippines", instrument="training")["magnitude"].to_list() == [120.0]


def test_import_frame_from_pandas(ledger):
    frame = pd.DataFrame(
        {
            "instrument": ["exercise", "dialogue"],
            "actor": ["China", "China"],
            "partner": ["Pakistan", "Cambodia"],
            "start": ["2019-12", "2023"],
            "source": ["legation-sample"] * 2,
        }
    )
    assert import_frame(ledger, frame).rows_written == 2
    with pytest.raises(InputError, match="row 2, field 'partner'"):
        import_frame(ledger, frame.assign(partner=["Pakistan", "Atlantis"]))


def test_reading_filters_and_frame_kinds(ledger, write):
    import_file(ledger, write("e.csv", GOOD))
    assert ledger.engagements(actor="USA").height == 3
    assert ledger.engagements(actor=2, instrument=["exercise", "alliance"]).height == 2
    assert ledger.engagements(partner="NATO").height == 1
    assert ledger.engagements(since=2015, until=2018).height == 2
    assert ledger.engagements(since=date(2015, 10, 2)).height == 2
    assert isinstance(ledger.engagements(as_="pandas"), pd.DataFrame)
    assert isinstance(ledger.engagements(as_="arrow"), pa.Table)
    with pytest.raises(ValueError, match="as_"):
        ledger.engagements(as_="excel")  # type: ignore[arg-type]


def test_sample_loads_and_covers_the_roadmap(ledger):
    report = load_sample(ledger)
    rows = ledger.engagements()
    assert report.rows_written == rows.height >= 150
    assert rows["instrument"].n_unique() == 14
    assert rows["start_date"].dt.year().is_between(2000, 2024).all()
    assert rows["source_ref"].str.starts_with("http").all()
    assert (rows["polarity"] == -1).sum() >= 5
    for actor, partner, instrument in [
        ("United States", "Japan", None),
        ("United States", "Israel", "military_aid"),
        ("United States", "Egypt", "military_aid"),
        ("United States", "Philippines", "training"),
        ("Russia", "Syria", None),
        ("Russia", "Iran", None),
        ("United States", "India", "exercise"),
    ]:
        assert ledger.engagements(actor=actor, partner=partner, instrument=instrument).height, (
            actor,
            partner,
        )
    assert rows.filter(pl.col("instrument") == "peacekeeping").height >= 5
    assert rows.filter(pl.col("partner").is_in(["NATO", "ASEAN", "ARF"])).height >= 3


def test_readers_share_a_file_and_writers_get_a_clear_error(tmp_path):
    path = tmp_path / "l.duckdb"
    Ledger(path).close()
    with Ledger(path, read_only=True) as a, Ledger(path, read_only=True) as b:
        assert a.count() == b.count() == 0
    code = f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(LedgerError, match="Another process holds it"):
            Ledger(path)
    finally:
        holder.kill()
        holder.wait()


def test_missing_ledger_for_reading(tmp_path):
    with pytest.raises(LedgerError, match="legation init"):
        Ledger(tmp_path / "none.duckdb", read_only=True)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "l.duckdb"
    Ledger(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaVersionError, match="upgrade legation"):
        Ledger(path)


def test_source_citation_and_bibtex(ledger):
    src = ledger.source("legation-sample")
    assert "legation developers" in src.citation
    bib = src.bibtex_entry()
    assert bib.startswith("@dataset{") and "author = {{The legation developers}}" in bib
    with pytest.raises(LedgerError, match="registered: legation-groups"):
        ledger.source("nope")
