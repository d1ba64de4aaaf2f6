"""Alignment shifts: does a change in influence foretell a change in how the target votes?

For a horizon h, a **window** t → t+h of a patron–target dyad has the shift d = excess(t+h) −
excess(t) (excess UN agreement, `alignment.excess`) and the index change Δ = index(t+h) − index(t).
Votes are persistent and mean-reverting, so d is compared with what the vote history alone expects:
the **vote-history model** is the least-squares fit of d on excess(t), its mean over t−4…t and
excess(t) − excess(t−3) (with an intercept), fitted on training windows only; r = d − prediction.

- **shift AUC**: among "material" test windows (|Δ| at least the median non-zero |Δ| of the training
  windows), the AUC of Δ for r > 0 — does a rising index go with the target moving towards the
  patron more than its vote history predicts?
- **forecast gain**: the AUC of the sign of d from the vote-history prediction, and from the same
  model with the index's change and level added (also fitted on training windows): the gain is what
  the index adds to a forecaster who already knows the votes.

Training windows lie wholly inside the training years (t ≥ first, t + h ≤ last); test windows start at
or after the training end and end inside the test years.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

HISTORY = ("x_now", "x_mean5", "x_trend3")
"""The vote-history features of a window starting at t: excess(t), its mean over t−4…t, and
excess(t) − excess(t−3)."""

KEYS = ["patron", "target"]


def windows(frame: pl.DataFrame, predictors: Sequence[str], h: int) -> pl.DataFrame:
    """``patron, target, t, d, x_now, x_mean5, x_trend3, <p>_level, <p>_delta…``: every window t → t+h
    of ``frame`` (``patron, target, year, excess, <predictors>…``, one row per dyad-year) whose
    excess is known at t, t+h and t−3; a predictor's level and change are null where it is."""
    base = frame.select(*KEYS, "year", "excess", *predictors)

    def at(lag: int, cols: Sequence[str], suffix: str) -> pl.DataFrame:
        return base.select(
            *KEYS, (pl.col("year") - lag).alias("t"), *[pl.col(c).alias(f"{c}{suffix}") for c in cols]
        )

    w = base.rename({"year": "t", "excess": "x_now"}).rename({p: f"{p}_level" for p in predictors})
    w = w.join(at(h, ["excess", *predictors], "_end"), on=[*KEYS, "t"], how="inner")
    w = w.join(at(-3, ["excess"], "_lag3"), on=[*KEYS, "t"], how="inner")
    lags = [at(-k, ["excess"], f"_lag{k}") for k in (1, 2, 4)]
    for lag in lags:
        w = w.join(lag, on=[*KEYS, "t"], how="left")
    hist = [pl.col(f"excess_lag{k}") for k in (1, 2, 3, 4)]
    return w.select(
        *KEYS,
        "t",
        (pl.col("excess_end") - pl.col("x_now")).alias("d"),
        "x_now",
        pl.mean_horizontal(pl.col("x_now"), *hist).alias("x_mean5"),
        (pl.col("x_now") - pl.col("excess_lag3")).alias("x_trend3"),
        *[pl.col(f"{p}_level") for p in predictors],
        *[(pl.col(f"{p}_end") - pl.col(f"{p}_level")).alias(f"{p}_delta") for p in predictors],
    ).sort(*KEYS, "t")


def split(w: pl.DataFrame, h: int, train: tuple[int, int], test: tuple[int, int]) -> tuple[pl.DataFrame, ...]:
    """Training windows (inside ``train``) and test windows (from the training end, ending inside
    ``test``)."""
    fit = w.filter((pl.col("t") >= train[0]) & (pl.col("t") + h <= train[1]))
    held = w.filter((pl.col("t") >= train[1]) & (pl.col("t") + h <= test[1]))
    return fit, held


def ols(fit: pl.DataFrame, features: Sequence[str], outcome: str = "d") -> np.ndarray:
    """Least-squares coefficients (intercept first) of ``outcome`` on ``features`` over the rows where
    all are known."""
    d = fit.drop_nulls([outcome, *features])
    x = (
        np.column_stack([np.ones(d.height), d.select(features).to_numpy()])
        if features
        else np.ones((d.height, 1))
    )
    beta, *_ = np.linalg.lstsq(x, d[outcome].to_numpy(), rcond=None)
    return beta


def predict(frame: pl.DataFrame, features: Sequence[str], beta: np.ndarray) -> np.ndarray:
    """The fitted value of each row (nulls in a feature count as 0: an index change unknown is none)."""
    x = frame.select(pl.col(f).fill_null(0.0) for f in features).to_numpy() if features else None
    out = np.full(frame.height, beta[0])
    return out + x @ beta[1:] if x is not None else out


def material_threshold(fit: pl.DataFrame, delta: str) -> float:
    """The median non-zero |Δ| over training windows (inf when the index never changes there)."""
    nz = fit[delta].drop_nulls().abs().filter(fit[delta].drop_nulls().abs() > 1e-12)
    return float(nz.median()) if nz.len() else float("inf")  # type: ignore[arg-type]
