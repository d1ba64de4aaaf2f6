"""Composite weights fitted to UN voting alignment, and the within-target rank correlation they
maximise (used by `legation.measures.validation`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class FittedWeights:
    """Composite weights fitted to alignment, with their bootstrap uncertainty."""

    weights: dict[str, float]
    se: dict[str, float]
    ci: dict[str, tuple[float, float]]
    cv_rho: float
    """Out-of-fold within-target Spearman ρ on the training years (0 where the composite is flat)."""
    n: int


def common_support(frame: pl.DataFrame, channels: Sequence[str]) -> pl.DataFrame:
    """Channel scores comparable across patrons: in a year where a channel does not record every
    patron (NA for some), it is left out (0) for all of them, so no patron gains or loses by another
    channel's coverage. Missing scores elsewhere are 0 (recorded, no engagement)."""
    cols = [f"score_{c}" for c in channels]
    return frame.with_columns(
        pl.when(pl.col(c).is_null().any().over("year")).then(0.0).otherwise(pl.col(c)).alias(c) for c in cols
    ).with_columns(pl.col(cols).fill_null(0.0))


def _group_rhos(frame: pl.DataFrame, preds: np.ndarray, outcome: str) -> np.ndarray:
    """Within-target-year Spearman ρ of each column of ``preds`` (rows aligned with ``frame``) with
    ``outcome``: an array candidates × target-years, 0 where a prediction does not vary (it says
    nothing about the order of the patrons)."""
    g = frame.select("target", "year", outcome).with_columns(
        pl.col(outcome).rank().over("target", "year").alias("_ro")
    )
    out = []
    for k in range(preds.shape[1]):
        r = g.with_columns(pl.Series("_p", preds[:, k])).with_columns(
            pl.col("_p").rank().over("target", "year")
        )
        per = r.group_by("target", "year", maintain_order=True).agg(pl.corr("_p", "_ro").alias("rho"))
        out.append(per["rho"].fill_nan(None).fill_null(0.0).to_numpy())
    return np.array(out)


def fit_weights(
    data: pl.DataFrame,
    channels: Sequence[str],
    *,
    outcome: str = "excess",
    candidates: int = 300,
    boot: int = 200,
    folds: int = 5,
    seed: int = 1,
) -> FittedWeights:
    """Channel weights (non-negative, summing to 1) that best order each target's patrons as the
    target's ``outcome`` (excess agreement) does.

    The objective is the mean within-target-year Spearman ρ itself (0 where a composite cannot tell
    the patrons apart). Candidates: every single channel, equal weights, every pair, and Dirichlet
    draws over the simplex; each is scored once per target-year, so cross-validation (over blocks of
    years: choose on the other blocks, score on the held one) and a bootstrap over targets (for the
    weights' standard errors and 95% intervals) cost no refitting. ``data`` holds ``patron, target,
    year, score_<channel>…, <outcome>``.
    """
    cols = [f"score_{c}" for c in channels]
    k = len(cols)
    d = common_support(data.drop_nulls(outcome), channels).sort("target", "year", "patron")
    rng = np.random.default_rng(seed)
    eye = np.eye(k)
    pairs = [(eye[i] + eye[j]) / 2 for i in range(k) for j in range(i + 1, k)]
    cand = np.vstack([eye, np.full((1, k), 1 / k), *pairs, rng.dirichlet(np.full(k, 0.5), size=candidates)])
    x = d.select(cols).to_numpy()
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    preds = (x / sd) @ cand.T  # weights act on standardised scores; mapped back below
    rhos = _group_rhos(d, preds, outcome)
    ty = d.select("target", "year").unique(maintain_order=True)
    ty_year, ty_target = ty["year"].to_numpy(), ty["target"].to_numpy()
    blocks = np.array_split(np.sort(np.unique(ty_year)), min(folds, np.unique(ty_year).size))
    held = []
    for block in blocks:
        test = np.isin(ty_year, block)
        best = rhos[:, ~test].mean(axis=1).argmax()
        held.append(rhos[best, test].mean())
    best = int(rhos.mean(axis=1).argmax())

    def raw(w: np.ndarray) -> np.ndarray:
        v = w / sd
        return v / v.sum()

    targets = np.unique(ty_target)
    cols_of = {t: np.flatnonzero(ty_target == t) for t in targets}
    draws = []
    for _ in range(boot):
        idx = np.concatenate([cols_of[t] for t in rng.choice(targets, size=targets.size, replace=True)])
        draws.append(raw(cand[int(rhos[:, idx].mean(axis=1).argmax())]))
    arr = np.array(draws) if draws else raw(cand[best])[None, :]
    return FittedWeights(
        weights=dict(zip(channels, raw(cand[best]).round(4).tolist(), strict=True)),
        se=dict(zip(channels, arr.std(axis=0).round(4).tolist(), strict=True)),
        ci={
            c: (float(np.quantile(arr[:, i], 0.025)), float(np.quantile(arr[:, i], 0.975)))
            for i, c in enumerate(channels)
        },
        cv_rho=float(np.mean(held)),
        n=d.height,
    )


def within_rho(frame: pl.DataFrame, predictor: str, outcome: str) -> float:
    """Mean over target-years of the Spearman correlation between predictor and outcome across patrons
    (target-years where either does not vary are left out)."""
    ranked = frame.drop_nulls([predictor, outcome]).with_columns(
        pl.col(predictor).rank().over("target", "year").alias("_rp"),
        pl.col(outcome).rank().over("target", "year").alias("_ro"),
    )
    per = ranked.group_by("target", "year").agg(pl.corr("_rp", "_ro").alias("rho"))
    mean = per.select(pl.col("rho").fill_nan(None).mean()).item()
    return float("nan") if mean is None else float(mean)
