"""Data you can trust (issue 12, items 1 and 2): what legation exports it reads back unchanged.

On the full shared data: import-dir → export (CSV and Parquet) → import into a ledger without
engagements gives identical engagements, every column (details included); re-importing an export
into the ledger it came from changes nothing, not even the import a row belongs to. Dates are
stored as their precision states them on every write path.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from legation.errors import LegationError
from legation.ledger import Ledger, export, import_file
from legation.ledger.writing import ROW_SCHEMA, engagement_rows

HEADER = "instrument,actor,partner,start,end,magnitude,unit,polarity,source,details\n"
ROWS = (
    'exercise,United States,India,2015-10,2016,1,count,+1,legation-sample,"{""domain"": ""naval""}"\n'
    "training,France,Brazil,2001,2003-02,12.5,personnel,-1,legation-sample,\n"
)

# us-troops and us-troops-v015 store partners by codes no state list knows (340, 6, 529, named by
# the bare number): the one rule refuses them from a file, so the importer must map or refuse them.
UNKNOWN_CODES = [340, 6, 529]


def _stored(led: Ledger) -> pl.DataFrame:
    return led.engagements(details=True).sort("id")


def _canonical(frame: pl.DataFrame) -> pl.Expr:
    s, e = pl.col("start_date"), pl.col("end_date")
    sp, ep = pl.col("start_precision"), pl.col("end_precision")
    return (
        pl.when(sp == "year")
        .then(s == pl.date(s.dt.year(), 1, 1))
        .when(sp == "month")
        .then(s.dt.day() == 1)
        .otherwise(True)
        & pl.when(ep == "year")
        .then(e == pl.date(e.dt.year(), 12, 31))
        .when(ep == "month")
        .then(e == e.dt.month_end())
        .otherwise(True)
    ).fill_null(True)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_reimporting_an_export_changes_nothing(ledger, write, tmp_path, fmt):
    import_file(ledger, write("a.csv", HEADER + ROWS))
    before = _stored(ledger)
    assert before["details"].to_list().count('{"domain": "naval"}') == 1
    out = tmp_path / f"out.{fmt}"
    export.write(ledger.engagements(details=True), out, fmt)  # type: ignore[arg-type]
    report = import_file(ledger, out)
    assert (report.rows_read, report.rows_written) == (2, 0)
    assert _stored(ledger).equals(before)  # import_id included


def test_a_file_without_details_keeps_the_stored_details(ledger, write, tmp_path):
    import_file(ledger, write("a.csv", HEADER + ROWS))
    before = _stored(ledger)
    out = tmp_path / "no-details.csv"
    export.write(ledger.engagements(), out, "csv")  # no details column asked for
    assert "details" not in pl.read_csv(out).columns
    assert import_file(ledger, out).rows_written == 0
    assert _stored(ledger).equals(before)


def test_a_changed_row_is_rewritten_by_the_new_import(ledger, write):
    first = import_file(ledger, write("a.csv", "id," + HEADER + "x1," + ROWS.splitlines()[1] + "\n"))
    changed = ROWS.splitlines()[1].replace("12.5", "13")
    second = import_file(ledger, write("b.csv", "id," + HEADER + "x1," + changed + "\n"))
    assert second.rows_written == 1
    (row,) = _stored(ledger).rows(named=True)
    assert row["import_id"] == second.import_id != first.import_id
    assert row["magnitude"] == 13


def test_bad_details_are_refused(ledger, write):
    with pytest.raises(LegationError, match="JSON text of an object"):
        import_file(ledger, write("a.csv", HEADER + ROWS.replace('"{""domain"": ""naval""}"', "[1]")))


def test_dates_are_stored_as_their_precision_states_them():
    frame = pl.DataFrame(
        {
            "start_date": [date(2007, 12, 9), date(2000, 2, 15), date(2000, 2, 15)],
            "start_precision": ["year", "month", "day"],
            "end_date": [date(2007, 12, 9), date(2000, 2, 28), None],
            "end_precision": ["year", "month", None],
        }
    ).with_columns(
        pl.lit(None).alias(c)
        for c in ROW_SCHEMA
        if c not in ("start_date", "end_date", "start_precision", "end_precision")
    )
    rows = engagement_rows(frame)
    assert rows["start_date"].to_list() == [date(2007, 1, 1), date(2000, 2, 1), date(2000, 2, 15)]
    assert rows["end_date"].to_list() == [date(2007, 12, 31), date(2000, 2, 29), None]


# the full shared data -----------------------------------------------------------------------------


def test_every_dataset_row_is_stored_at_its_precision(full_ledger):
    stored = full_ledger.engagements()
    assert stored.height > 100_000
    assert stored.filter(~_canonical(stored)).height == 0


@pytest.fixture
def full_copy(full_ledger_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.duckdb"
    shutil.copy(full_ledger_path, path)
    return path


def test_reimporting_a_subset_export_of_the_full_ledger_changes_nothing(full_copy, tmp_path):
    # the repro: `legation export ex.csv -i exercise`, then `legation import ex.csv`
    with Ledger(full_copy) as led:
        before = _stored(led)
        out = tmp_path / "ex.csv"
        export.write(led.engagements(instrument="exercise", details=True), out, "csv")
        report = import_file(led, out)
        assert report.rows_read > 60_000 and report.rows_written == 0
        assert _stored(led).equals(before)


def _unknown_code(frame: pl.DataFrame) -> pl.Expr:
    return pl.col("actor_ccode").is_in(UNKNOWN_CODES).fill_null(False) | pl.col("partner_ccode").is_in(
        UNKNOWN_CODES
    ).fill_null(False)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_full_ledger_round_trip_is_exact(full_copy, tmp_path, fmt):
    """Every row of the full ledger whose codes a state list knows goes out and back unchanged,
    into a ledger holding the same sources and states but no engagements."""
    with Ledger(full_copy) as led:
        everything = _stored(led)
        known = everything.filter(~_unknown_code(everything))
        assert set(everything.filter(_unknown_code(everything))["source_id"]) <= {
            "us-troops",
            "us-troops-v015",
        }
        out = tmp_path / f"all.{fmt}"
        export.write(known, out, fmt)  # type: ignore[arg-type]
        led.con.execute("DELETE FROM engagements")
        report = import_file(led, out)
        assert report.rows_written == known.height
        assert _stored(led).drop("import_id").equals(known.drop("import_id"))


def test_full_ledger_round_trip_includes_every_row(full_copy, tmp_path):
    with Ledger(full_copy) as led:
        everything = _stored(led)
        out = tmp_path / "all.parquet"
        export.write(everything, out, "parquet")
        led.con.execute("DELETE FROM engagements")
        import_file(led, out)
        assert _stored(led).drop("import_id").equals(everything.drop("import_id"))
