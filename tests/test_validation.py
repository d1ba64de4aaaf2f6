"""Validation v2: the vectorised bootstrap against explicit resampling, shift windows and the event
study by hand, fitted weights on a toy, no fitting on test years, and the CLI on the real data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu
from typer.testing import CliRunner

from legation.cli import app
from legation.measures import event_study, shift
from legation.measures.bootstrap import Resampler, auc
from legation.measures.validation import inputs, validate_frame, within_rhos
from legation.measures.weights import fit_shift_weights


def _mw(score: np.ndarray, label: np.ndarray) -> float:
    return float(mannwhitneyu(score[label], score[~label]).statistic / (label.sum() * (~label).sum()))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), levels=st.integers(2, 30))
def test_auc_and_replicates_match_explicit_resampling(seed, levels):
    rng = np.random.default_rng(seed)
    n = 200
    score = rng.integers(0, levels, n).astype(float)  # many ties
    label = rng.random(n) < 0.4
    targets = rng.integers(0, 25, n)
    if label.all() or not label.any():
        return
    assert auc(score, label) == pytest.approx(_mw(score, label))
    res = Resampler.over(targets, 4, seed)
    reps, means = res.auc(score, label, targets), res.mean(score, targets)
    for b in range(4):
        rows = np.concatenate(
            [
                np.repeat(np.flatnonzero(targets == t), int(c))
                for t, c in zip(res.targets, res.counts[b], strict=True)
            ]
        )
        y = label[rows]
        if y.all() or not y.any():
            assert np.isnan(reps[b])
        else:
            assert reps[b] == pytest.approx(_mw(score[rows], y))
        assert means[b] == pytest.approx(score[rows].mean())


def test_windows_by_hand():
    years = list(range(1990, 2001))
    ex = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    idx = [0.0] * 6 + [1.0] * 5
    f = pl.DataFrame({"patron": 2, "target": 9, "year": years, "excess": ex, "p": idx})
    w = shift.windows(f, ["p"], 3)
    row = w.filter(pl.col("t") == 1994).row(0, named=True)
    assert row["d"] == pytest.approx(0.3) and row["x_now"] == pytest.approx(0.4)
    assert row["x_mean5"] == pytest.approx(0.2) and row["x_trend3"] == pytest.approx(0.3)
    assert row["p_delta"] == pytest.approx(1.0) and row["p_level"] == 0.0
    assert w["t"].min() == 1993 and w["t"].max() == 1997  # excess known at t-3 and t+3
    fit, held = shift.split(w, 3, (1990, 1997), (1998, 2000))
    assert fit["t"].max() == 1994 and held["t"].to_list() == [1997]


def test_within_rho_counts_flat_target_years_as_zero():
    f = pl.DataFrame(
        {
            "target": [9] * 3 + [8] * 3,
            "year": [2000] * 6,
            "p": [1.0, 2.0, 3.0, 5.0, 5.0, 5.0],
            "excess": [0.1, 0.2, 0.3, 0.3, 0.1, 0.2],
        }
    )
    r = within_rhos(f, "p").sort("target")
    assert r["rho"].to_list() == pytest.approx([0.0, 1.0])


def _toy_windows(n: int = 600, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n) * (rng.random(n) < 0.5)
    b = rng.normal(size=n)
    resid = a + 0.3 * rng.normal(size=n)
    frame = pl.DataFrame({"target": rng.integers(0, 60, n), "score_a_delta": a, "score_b_delta": b})
    return frame, resid


def test_fit_shift_weights_keeps_the_signal_and_zeroes_noise():
    frame, resid = _toy_windows()
    fitted = fit_shift_weights(frame, ["a", "b"], resid, boot=100)
    assert fitted.weights == {"a": 1.0, "b": 0.0}
    assert fitted.auc["a"] > 0.8 and fitted.auc_ci["b"][0] < 0.5 < fitted.auc_ci["b"][1]
    assert fitted.signal("a") and not fitted.signal("b")


def test_event_study_by_hand():
    rows = []
    for target, jump in ((1, True), (2, False), (3, False)):
        for year in range(1990, 2011):
            rise = 0.5 if (jump and year >= 2001) else 0.0
            rows.append(
                {"patron": 2, "target": target, "year": year, "excess": 0.1 * target + rise, "p": 0.0}
            )
    f = pl.DataFrame(rows).with_columns(
        pl.when((pl.col("target") == 1) & (pl.col("year") >= 2000)).then(1.0).otherwise(0.0).alias("p")
    )
    change = f.select(
        "patron",
        "target",
        "year",
        (pl.col("p") - pl.col("p").shift(1).over("patron", "target")).alias("delta"),
    ).drop_nulls()
    ev = event_study.events(event_study.around(f), change, 0.5, (1995, 2005))
    assert ev.height == 1 and ev["year"].item() == 2000
    assert ev["after"].item() == pytest.approx(0.5) and ev["pretrend"].item() == pytest.approx(0.0)


@pytest.mark.slow
def test_no_fitting_reads_a_year_after_the_training_end(full_ledger):
    """Replace every outcome and score after 2005 with noise: the fitted weights, the material
    thresholds and the vote-history models must not move."""
    frame = inputs(full_ledger, (1964, 2015), indexes=("v2",))
    rng = np.random.default_rng(5)
    late = pl.col("year") > 2005
    noisy = frame.with_columns(
        pl.when(late).then(pl.lit(pl.Series(rng.normal(size=frame.height)))).otherwise(pl.col(c)).alias(c)
        for c in ("excess", "v2_alliance", "v2_arms", "atop_graded")
    )
    a = validate_frame(frame, train=(1970, 2005), test=(2006, 2015), boot=30, indexes=("v2",))
    b = validate_frame(noisy, train=(1970, 2005), test=(2006, 2015), boot=30, indexes=("v2",))
    assert a.fitted == b.fitted
    for h in (3, 5):
        fits = [
            shift.split(shift.windows(x, ["v2_alliance"], h), h, (1970, 2005), (2006, 2015))[0]
            for x in (frame, noisy)
        ]
        assert fits[0].equals(fits[1])
        assert shift.material_threshold(fits[0], "v2_alliance_delta") == shift.material_threshold(
            fits[1], "v2_alliance_delta"
        )
    # the test statistics do read the test years
    assert (
        a.value("b: shift AUC h=5", "v2", "alliance").value
        != b.value("b: shift AUC h=5", "v2", "alliance").value
    )


@pytest.mark.slow
def test_cli_validate_formats(full_ledger, tmp_path):
    runner = CliRunner()
    md = tmp_path / "v.md"
    res = runner.invoke(
        app,
        ["validate", "--db", str(full_ledger.path), "--boot", "20", "--markdown", str(md)],
        env={"COLUMNS": "80"},
    )
    assert res.exit_code == 0, res.output
    assert "b: shift AUC h=5" in res.output and "v2 weights fitted" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
    assert md.read_text().startswith("| test | predictor |")
    res = runner.invoke(app, ["validate", "--db", str(full_ledger.path), "--boot", "20", "-f", "csv"])
    assert res.exit_code == 0, res.output
    table = pl.read_csv(res.output.encode())
    assert {"test", "index", "predictor", "value", "lo", "hi", "n"} <= set(table.columns)
    assert set(table["index"]) == {"v1", "v2", "-"}
