"""legation simulate, calibrate and backtest, driven as a user would, on the real data."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from legation.cli import app
from legation.model import params

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_calibrate_then_simulate_with_the_parameter_file(full_ledger_path, tmp_path):
    ps = tmp_path / "params.json"
    out = _run("calibrate", "--out", str(ps), "--boot", "20", "--db", str(full_ledger_path))
    assert "beta_arms" in out and "1991-2015" in out
    loaded = params.load(ps)
    assert loaded.train == (1991, 2015) and loaded.n_draws == 20 and loaded.data_versions
    draws = tmp_path / "draws.parquet"
    scenario = ROOT / "examples" / "scenarios" / "egypt_aid_cut.yaml"
    args = ["simulate", str(scenario), "--draws", "300", "--params", str(ps), "--out", str(draws)]
    out = _run(*args, "--db", str(full_ledger_path))
    assert "egypt-military-aid-cut" in out and "not modelled" in out and "military_aid" in out
    frame = pl.read_parquet(draws)
    assert "yearly probability of each risk event" in out
    assert frame.filter(pl.col("metric") == "alignment").height == 3 * 300 * 3 * 10
    assert set(frame["arm"].cast(pl.String)) == {
        "baseline",
        "scenario",
        "difference",
    }
    batches = tmp_path / "batches"
    out2 = tmp_path / "again.parquet"
    _run(*args[:-1], str(out2), "--batches", str(batches), "--workers", "1", "--db", str(full_ledger_path))
    assert pl.read_parquet(out2).drop("plan", "scenario").equals(frame.drop("plan", "scenario"))
    assert list(batches.glob("*.parquet"))


def test_simulate_refuses_a_bad_scenario_with_its_line(full_ledger_path, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: x\ninterventions:\n"
        "  - {instrument: exercise, actor: Narnia, partner: PHL, start: 2016, magnitude: 1}\n"
    )
    result = runner.invoke(app, ["simulate", str(bad), "--db", str(full_ledger_path)])
    assert result.exit_code == 1
    assert "bad.yaml, line 3, field 'interventions.0.actor'" in result.output.replace("\n", " ")


def test_backtest_prints_the_table(full_ledger_path, tmp_path):
    csv = tmp_path / "bt.csv"
    out = _run(
        "backtest",
        "--origins",
        "2000",
        "--horizons",
        "5",
        "--members",
        "50",
        "--out",
        str(csv),
        "--db",
        str(full_ledger_path),
    )
    assert "vote_history" in out and "skill" in out
    assert pl.read_csv(csv).height == 5
    result = runner.invoke(app, ["backtest", "--origins", "2012", "--db", str(full_ledger_path)])
    assert result.exit_code != 0 and "outside the data" in result.output
