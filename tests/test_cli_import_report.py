"""What `legation data import-dir` and `legation sources` tell a user: why names did not resolve, and
every table a source fills."""

from __future__ import annotations

import csv

import polars as pl
from typer.testing import CliRunner

from legation.cli import app

runner = CliRunner()


def test_an_empty_directory_fails_clearly(tmp_path):
    (tmp_path / "empty").mkdir()
    r = runner.invoke(
        app, ["data", "import-dir", str(tmp_path / "empty"), "--db", str(tmp_path / "l.duckdb")]
    )
    assert r.exit_code == 1
    assert "no dataset files" in r.output and "laid out like the releases" in r.output


def test_unresolved_names_say_why_and_when(shared_data, tmp_path):
    db, out = tmp_path / "l.duckdb", tmp_path / "unresolved.csv"
    args = ["data", "import-dir", str(shared_data), "--only", "cow-system", "--only", "sipri-trade-register"]
    r = runner.invoke(app, [*args, "--unresolved", str(out), "--db", str(db)], terminal_width=200)
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert set(rows[0]) == {"source", "name", "reason", "year", "rows"}
    # Brunei before independence (1984) is a state that did not exist then, not an unknown name
    brunei = [r for r in rows if r["name"] == "Brunei"]
    assert brunei and {r["reason"] for r in brunei} == {"not a state on that date"}
    assert all(int(r["year"]) < 1984 for r in brunei)
    assert sum(int(r["rows"]) for r in rows if r["source"] == "sipri-trade-register") > 0


def test_sources_counts_every_table(full_ledger_path):
    r = runner.invoke(app, ["sources", "--format", "csv", "--db", str(full_ledger_path)])
    assert r.exit_code == 0, r.output
    frame = pl.read_csv(r.output.encode()).filter(pl.col("id") == "unvotes-voeten").row(0, named=True)
    assert frame["engagements"] == 0 and frame["votes"] > 1_000_000 and frame["roll_calls"] > 5_000
