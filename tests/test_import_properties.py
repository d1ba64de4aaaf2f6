"""Property tests of the importer: the CSV (column-wise) and YAML (pydantic) paths agree, exports
read back unchanged, ids ignore row order, and no input makes the importer fail other than with a
named InputError."""

from __future__ import annotations

import calendar
import io
from collections.abc import Iterator
from datetime import date

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legation.errors import InputError
from legation.instruments import INSTRUMENTS
from legation.ledger import Ledger, export, import_file
from legation.ledger.fields import parse_date

# Names the resolver must understand, valid on every date drawn below (1995-2024), by actor.
ACTORS = [
    ["United States", "USA", "cow:2"],
    ["Russia"],
    ["China"],
    ["India"],
    ["Korea, South", "South Korea"],
    ["Côte d'Ivoire", "Ivory Coast"],
    ["Germany"],
    ["Viet Nam", "Vietnam"],
    ["United Kingdom"],
    ["Japan"],
    ["Brazil"],
    ["PAK", "Pakistan"],
    ["NATO"],
    ["ASEAN"],
    ["Quad"],
]
STATES = ACTORS[:-3]
FIELDS = [
    "instrument",
    "actor",
    "partner",
    "start",
    "end",
    "magnitude",
    "unit",
    "polarity",
    "confidence",
    "source",
    "source_ref",
    "note",
]
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def dates(draw, lo: int = 1995, hi: int = 2024) -> str:
    year = draw(st.integers(lo, hi))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year}-{month:02d}"
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year}-{month:02d}-{day:02d}"


text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\u2028\u2029\x85"),
    max_size=30,
).map(str.strip)


@st.composite
def records(draw) -> dict:
    inst = draw(st.sampled_from(list(INSTRUMENTS.values())))
    actor_names = draw(st.sampled_from(ACTORS))
    actor = draw(st.sampled_from(actor_names))
    partner = draw(st.sampled_from(draw(st.sampled_from([s for s in STATES if s is not actor_names]))))
    start = draw(dates())
    end = draw(st.none() | dates(lo=int(start[:4]) + 1, hi=2030))
    units = [u.value for u in inst.units]
    magnitude = draw(st.none() | st.floats(0, 1e9, allow_nan=False).map(lambda x: round(x, 3)))
    unit = draw(st.sampled_from(units)) if magnitude is not None or draw(st.booleans()) else None
    return {
        "instrument": inst.name,
        "actor": actor,
        "partner": partner,
        "start": start,
        "end": end,
        "magnitude": magnitude,
        "unit": unit,
        "polarity": draw(st.sampled_from([1, -1])),
        "confidence": draw(st.sampled_from([1.0, 0.5, 0.25])),
        "source": "legation-sample",
        "source_ref": draw(st.none() | st.just("https://example.org/x")),
        "note": draw(st.none() | text.filter(bool)),
    }


def _csv(rows: list[dict]) -> str:
    frame = pl.DataFrame([{k: None if v is None else str(v) for k, v in r.items()} for r in rows])
    buf = io.StringIO()
    frame.write_csv(buf)
    return buf.getvalue()


def _stored(ledger: Ledger) -> list[tuple]:
    return ledger.engagements().drop("import_id").sort("id").rows()


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers for the module; `_empty` clears them between examples (a new file costs more)."""
    root = tmp_path_factory.mktemp("ledgers")
    with Ledger(root / "a.duckdb") as a, Ledger(root / "b.duckdb") as b:
        yield a, b


def _empty(*ledgers: Ledger) -> None:
    for led in ledgers:
        led.con.execute("DELETE FROM engagements")
        led.con.execute("DELETE FROM imports")


@given(rows=st.lists(records(), min_size=1, max_size=8, unique_by=lambda r: tuple(r.values())))
@SETTINGS
def test_csv_and_yaml_paths_store_the_same_rows(ledgers, tmp_path, rows):
    a, b = ledgers
    _empty(a, b)
    csv_path = tmp_path / "e.csv"
    csv_path.write_text(_csv(rows), encoding="utf-8")
    yaml_path = tmp_path / "e.yaml"
    yaml_path.write_text(yaml.safe_dump({"engagements": rows}, allow_unicode=True), encoding="utf-8")
    import_file(a, csv_path)
    import_file(b, yaml_path)
    assert _stored(a) == _stored(b)
    assert a.count() == len(rows)


@given(
    rows=st.lists(records(), min_size=1, max_size=8, unique_by=lambda r: tuple(r.values())),
    fmt=st.sampled_from(["csv", "parquet"]),
)
@SETTINGS
def test_export_imports_back_unchanged(ledgers, tmp_path, rows, fmt):
    a, b = ledgers
    _empty(a, b)
    src = tmp_path / "e.csv"
    src.write_text(_csv(rows), encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    import_file(a, src)
    export.write(a.engagements(), out, fmt)
    import_file(b, out)
    assert _stored(a) == _stored(b)
    import_file(b, out)
    assert _stored(a) == _stored(b)


@given(
    rows=st.lists(records(), min_size=2, max_size=8, unique_by=lambda r: tuple(r.values())), data=st.data()
)
@SETTINGS
def test_ids_do_not_depend_on_row_order(ledgers, tmp_path, rows, data):
    a, _ = ledgers
    _empty(a)
    shuffled = data.draw(st.permutations(rows))
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(_csv(rows), encoding="utf-8")
    second.write_text(_csv(shuffled), encoding="utf-8")
    import_file(a, first)
    before = _stored(a)
    import_file(a, second)
    assert _stored(a) == before


@given(field=st.sampled_from(FIELDS), value=text, rows=st.lists(records(), min_size=1, max_size=3))
@SETTINGS
def test_any_value_imports_or_is_named(ledgers, tmp_path, field, value, rows):
    a, _ = ledgers
    _empty(a)
    rows = [dict(r) for r in rows]
    rows[-1][field] = value
    path = tmp_path / "e.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    try:
        import_file(a, path)
    except InputError as e:
        assert e.problems and all(p.file == str(path) for p in e.problems)
        assert a.count() == 0 and a.count("imports") == 0
    else:
        assert 1 <= a.count() <= len(rows)


@given(d=st.dates(date(1800, 1, 1), date(2100, 12, 31)))
def test_dates_parse_at_each_precision(d):
    assert parse_date(d.isoformat()) == (d, "day")
    assert parse_date(f"{d.year:04d}-{d.month:02d}") == (d.replace(day=1), "month")
    last = calendar.monthrange(d.year, d.month)[1]
    assert parse_date(f"{d.year:04d}-{d.month:02d}", end=True)[0] == d.replace(day=last)
    assert parse_date(f"{d.year:04d}", end=True) == (date(d.year, 12, 31), "year")


@given(s=st.text(max_size=12))
def test_date_parser_accepts_or_explains(s):
    try:
        parse_date(s)
    except ValueError as e:
        assert str(e)


@pytest.mark.parametrize("name", ["Korea, South", "Côte d'Ivoire"])
def test_names_with_commas_and_accents_survive_csv(ledgers, tmp_path, name):
    row = {
        "instrument": "training",
        "actor": "United States",
        "partner": name,
        "start": "2020",
        "source": "legation-sample",
    }
    path = tmp_path / "e.csv"
    path.write_text(_csv([row]), encoding="utf-8")
    a, _ = ledgers
    _empty(a)
    import_file(a, path)
    assert a.engagements()["partner_ccode"].to_list() == [732 if "Korea" in name else 437]
