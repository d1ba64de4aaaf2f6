"""The importer framework: transactional per-source replacement, row checks, name reports, file errors."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from legation.errors import InputError
from legation.ledger import Ledger, Source
from legation.ledger.importers import Importer, SourceReport, run
from legation.ledger.importers.base import Names, details, engagements, read_table

TOY = Source(
    id="toy",
    name="Toy",
    version="1",
    citation="Toy 2026",
    url="https://example.org",
    coverage_start=2000,
    coverage_end=2001,
)


class Toy(Importer):
    """Reads a CSV of supplier,recipient,year,tiv into arms transfers and a state attribute."""

    source = TOY
    patterns = ("toy/*.csv",)
    tables = ("engagements", "state_attributes")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(files[0], columns=["supplier", "recipient", "year", "tiv"], source=self.source.id)
        report.rows_read = df.height
        df = df.with_columns(pl.date("year", 1, 1).alias("start_date"))
        names = Names(ledger, report, aliases={"Soviet Union": "USSR"}, nonstate=lambda s: s.endswith("*"))
        df = names.resolve(names.resolve(df, "supplier", "actor"), "recipient", "partner")
        rows = engagements(
            df.with_columns(
                pl.lit("arms_transfer").alias("instrument"),
                pl.col("tiv").cast(pl.Float64).alias("magnitude"),
                pl.lit("tiv_musd").alias("unit"),
                details(weapon=pl.lit("tank")).alias("details"),
            ),
            key=["supplier", "recipient", "year"],
        )
        attrs = pl.DataFrame({"ccode": [2], "year": [2000], "variable": ["toy"], "value": [1.0]})
        return {"engagements": rows, "state_attributes": attrs}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "toy" / "deals.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


GOOD = (
    "supplier,recipient,year,tiv\n"
    "Soviet Union,India,1980,10\nUnited States,Israel,2000,5\nRebels*,Iran,2001,1\n"
)


def test_run_writes_reports_and_replaces(ledger, tmp_path):
    path = _write(tmp_path, GOOD + "Narnia,India,2000,3\nFrance,Atlantis,2000,2\n")
    report = run(ledger, Toy(), Toy().find(tmp_path))
    assert report.rows_read == 5 and report.written == {"engagements": 3, "state_attributes": 1}
    assert report.unresolved == {"Narnia": 1, "Atlantis": 1}
    assert report.rejected == {"unresolved actor name": 1, "unresolved partner name": 1}
    rows = ledger.engagements(source="toy", details=True)
    assert sorted(rows["actor_ccode"].to_list(), key=str) == [2, 365, None]
    assert rows.filter(pl.col("actor_kind") == "nonstate")["actor"].to_list() == ["Rebels"]
    assert rows["details"].to_list() == ['{"weapon":"tank"}'] * 3
    ids = sorted(rows["id"].to_list())
    assert all(i.startswith("toy:") for i in ids)

    path.write_text(GOOD)
    run(ledger, Toy(), [path], allow_smaller=True)  # 3 rows where 5 were read: refused unless asked
    assert sorted(ledger.engagements(source="toy")["id"].to_list()) == ids
    assert ledger.count("state_attributes") == 1
    assert ledger.source("toy").covers(2000) and not ledger.source("toy").covers(2002)


def test_a_failed_import_changes_nothing(ledger, tmp_path):
    path = _write(tmp_path, GOOD)
    run(ledger, Toy(), [path])
    before = ledger.engagements(source="toy").rows(), ledger.count("imports")
    path.write_text(GOOD + "France,India,2000,-4\n")
    with pytest.raises(InputError, match="magnitude"):
        run(ledger, Toy(), [path])
    assert (ledger.engagements(source="toy").rows(), ledger.count("imports")) == before


def test_duplicate_keys_are_refused(ledger, tmp_path):
    path = _write(tmp_path, GOOD + "Soviet Union,India,1980,7\n")
    with pytest.raises(InputError, match="_key"):
        run(ledger, Toy(), [path])


def test_find_needs_every_file_and_prefers_official_formats(tmp_path):
    assert Toy().find(tmp_path) is None
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "a.parquet").write_bytes(b"")
    assert Toy().find(tmp_path) is None
    (tmp_path / "toy" / "a.csv").write_text("x")
    assert Toy().find(tmp_path) == [tmp_path / "toy" / "a.csv"]


def test_read_table_errors_name_file_and_column(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "none.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_table(empty, source="toy")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(InputError) as err:
        read_table(wrong, columns=["a", "year"], source="toy")
    assert err.value.problems[0].field == "year" and "wrong.csv (toy)" in str(err.value)
    header = tmp_path / "header.csv"
    header.write_text("a,b\n")
    with pytest.raises(InputError, match="no rows"):
        read_table(header)


def test_read_table_from_zip_and_corrupted_zip(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("inner/data.csv", "a,b\n1,2\n")
    assert read_table(good, columns=["a"]).rows() == [(1, 2)]
    bad = tmp_path / "bad.zip"
    bad.write_bytes(good.read_bytes()[:30])
    with pytest.raises(InputError, match=r"bad\.zip"):
        read_table(bad)


def test_names_resolve_by_date(ledger):
    report = SourceReport("x")
    names = Names(ledger, report)
    df = pl.DataFrame(
        {
            "n": ["Germany", "Germany", "Yemen"],
            "start_date": [date(1970, 1, 1), date(2000, 1, 1), date(1985, 1, 1)],
        }
    )
    out = names.resolve(df, "n", "actor")
    assert out["actor_ccode"].to_list() == [260, 255, 678]
    assert not report.unresolved


def test_find_many_returns_every_file(tmp_path):
    class Daily(Toy):
        patterns = ("toy/*.CSV*",)
        formats = (".csv", ".zip")
        many = True

    (tmp_path / "toy").mkdir()
    for name in ("20130401.export.CSV", "20130402.export.CSV", "20130402.export.CSV.zip"):
        (tmp_path / "toy" / name).write_text("x")
    assert [p.name for p in Daily().find(tmp_path)] == ["20130401.export.CSV", "20130402.export.CSV"]
