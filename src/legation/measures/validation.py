"""Validation: does a patron's influence on a target predict how the target votes at the UN?

For each target-year, the patrons' influence on the target is compared with the target's **excess**
agreement with each patron (agreement minus the patron's mean agreement with every state that year:
raw agreement would rank the most popular voter, not the closest partner). Reported, with bootstrap
95% intervals over targets:

- within-target Spearman ρ, averaged over the target-years where the predictor tells the patrons
  apart (does influence order the patrons as the target's votes do?), with the share of such
  target-years ("informative");
- pooled Spearman ρ over all patron-target-years;
- top-1 accuracy: is the most influential patron the one the target agrees with most, in excess terms
  (ties in influence count as a fractional hit, 1/k, as a random tie-break would).

Weights are fitted on the training years only and evaluated on the test years.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from legation.groups import majors
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.measures.alignment import dyad_alignment, excess
from legation.measures.weights import FittedWeights, common_support, fit_weights
from legation.panel.channels import CHANNELS, INFLUENCE
from legation.years import MEASURE_YEARS

P5 = tuple(sorted(majors()))
"""The five permanent members of the UN Security Council (COW codes, ascending: US, UK, France, Russia,
China), the default patrons of the validation."""


def validation_frame(
    led: Ledger,
    years: tuple[int, int] = MEASURE_YEARS,
    patrons: Sequence[int] = P5,
    *,
    source: str | None = None,
    measure: str = "agree3",
) -> pl.DataFrame:
    """``patron, target, year, score_<channel>…, alliance_any, excess`` for each patron and every
    target both voted with that year; channel scores are 0 where the channel records the patron and
    the dyad has no stock, NA where it does not record the patron."""
    align = dyad_alignment(led, years=years, source=source or CHANNELS["unga"].source)
    ex = excess(align, measure=measure).filter(pl.col("patron").is_in(list(patrons)))
    ex = ex.select(pl.col("patron", "target", "year").cast(pl.Int32), "excess")
    channels = list(INFLUENCE)
    scores = inf.channel_scores(led, years, channels).filter(pl.col("patron").is_in(list(patrons)))
    wide = scores.pivot("channel", index=["patron", "target", "year"], values="score")
    out = ex.join(wide, on=["patron", "target", "year"], how="left")
    cover = inf.coverage_grid(led, years, patrons, channels).pivot(
        "channel", index=["patron", "year"], values="covered"
    )
    out = out.join(cover.rename({c: f"_cov_{c}" for c in channels}), on=["patron", "year"], how="left")
    for c in channels:
        if c not in out.columns:
            out = out.with_columns(pl.lit(None, pl.Float64).alias(c))
    out = out.with_columns(
        pl.when(pl.col(f"_cov_{c}")).then(pl.col(c).fill_null(0.0)).otherwise(pl.col(c)).alias(f"score_{c}")
        for c in channels
    ).drop(*channels, *[f"_cov_{c}" for c in channels])
    alliance = led.source(CHANNELS["alliance"].source)
    ob = reads.obligations(led, alliance.id)
    atop = (
        ob.filter(pl.any_horizontal(pl.col(f) > 0 for f in reads.OBLIGATIONS))
        .select(
            pl.col("ccode1").alias("patron"),
            pl.col("ccode2").alias("target"),
            "year",
            pl.lit(1.0).alias("alliance_any"),
        )
        .with_columns(pl.col("patron", "target", "year").cast(pl.Int32))
    )
    out = out.join(atop, on=["patron", "target", "year"], how="left").with_columns(
        pl.when(pl.col("year") <= (alliance.coverage_end or 10**6))
        .then(pl.col("alliance_any").fill_null(0.0))
        .alias("alliance_any")
    )
    return out.sort("target", "year", "patron")


def weighted(frame: pl.DataFrame, weights: Mapping[str, float], name: str = "influence") -> pl.DataFrame:
    """The composite under ``weights``: the weighted sum of channel scores on common support (see
    `weights.common_support`), which orders a target's patrons as the weighted mean would."""
    cols = [c for c, w in weights.items() if w > 0]
    return frame.with_columns(
        pl.sum_horizontal([pl.col(f"score_{c}").fill_null(0.0) * weights[c] for c in cols]).alias(name)
    )


@dataclass(frozen=True)
class Score:
    """One predictor's validation metrics, each with a bootstrap 95% interval."""

    name: str
    within_rho: float
    within_ci: tuple[float, float]
    pooled_rho: float
    pooled_ci: tuple[float, float]
    top1: float
    top1_ci: tuple[float, float]
    target_years: int
    informative: float
    """Share of target-years where the predictor tells the patrons apart (ρ is defined)."""


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if a.size < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return float("nan")
    return float(spearmanr(a, b).statistic)


def evaluate(
    frame: pl.DataFrame, predictor: str, *, outcome: str = "excess", boot: int = 500, seed: int = 7
) -> Score:
    """Validation metrics of ``predictor`` against ``outcome`` (see the module docstring)."""
    with warnings.catch_warnings():  # a predictor that never varies has only undefined ρ: NaN, said so
        warnings.simplefilter("ignore", RuntimeWarning)
        return _evaluate(frame, predictor, outcome, boot, seed)


def _evaluate(frame: pl.DataFrame, predictor: str, outcome: str, boot: int, seed: int) -> Score:
    d = frame.drop_nulls([predictor, outcome])
    ranked = d.with_columns(
        pl.col(predictor).rank().over("target", "year").alias("_rp"),
        pl.col(outcome).rank().over("target", "year").alias("_ro"),
        (pl.col(predictor) == pl.col(predictor).max().over("target", "year")).alias("_top_p"),
        (pl.col(outcome) == pl.col(outcome).max().over("target", "year")).alias("_top_o"),
    )
    per = (
        ranked.group_by("target", "year")
        .agg(
            pl.corr("_rp", "_ro").alias("rho"),
            ((pl.col("_top_p") & pl.col("_top_o")).sum() / pl.col("_top_p").sum()).alias("hit"),
            pl.len().alias("n"),
        )
        .filter(pl.col("n") >= 2)
    )
    per = per.with_columns(pl.col("rho").fill_nan(None))
    targets = per["target"].unique().to_numpy()
    rho_t = per["rho"].to_numpy().astype(float)
    hit_t = per["hit"].to_numpy().astype(float)
    tgt_t = per["target"].to_numpy()
    x, y, tgt = d[predictor].to_numpy(), d[outcome].to_numpy(), d["target"].to_numpy()
    rows_of = {t: np.flatnonzero(tgt == t) for t in targets}
    per_of = {t: np.flatnonzero(tgt_t == t) for t in targets}
    rng = np.random.default_rng(seed)
    w, p, h = [], [], []
    for _ in range(boot):
        pick = rng.choice(targets, size=targets.size, replace=True)
        idx = np.concatenate([per_of[t] for t in pick])
        w.append(np.nanmean(rho_t[idx]))
        h.append(np.nanmean(hit_t[idx]))
        rows = np.concatenate([rows_of[t] for t in pick])
        p.append(_spearman(x[rows], y[rows]))

    def ci(v: list[float]) -> tuple[float, float]:
        return float(np.nanquantile(v, 0.025)), float(np.nanquantile(v, 0.975))

    return Score(
        predictor,
        float(np.nanmean(rho_t)),
        ci(w),
        _spearman(x, y),
        ci(p),
        float(np.nanmean(hit_t)),
        ci(h),
        per.height,
        float(np.mean(~np.isnan(rho_t))) if rho_t.size else 0.0,
    )


@dataclass(frozen=True)
class Validation:
    """The validation table: each predictor's out-of-sample scores, and the fitted weights."""

    train: tuple[int, int]
    test: tuple[int, int]
    patrons: tuple[int, ...]
    scores: list[Score]
    fitted: FittedWeights

    def table(self) -> pl.DataFrame:
        return pl.DataFrame(
            [
                {
                    "predictor": s.name,
                    "within_rho": round(s.within_rho, 3),
                    "within_ci": f"[{s.within_ci[0]:.3f}, {s.within_ci[1]:.3f}]",
                    "pooled_rho": round(s.pooled_rho, 3),
                    "pooled_ci": f"[{s.pooled_ci[0]:.3f}, {s.pooled_ci[1]:.3f}]",
                    "top1": round(s.top1, 3),
                    "top1_ci": f"[{s.top1_ci[0]:.3f}, {s.top1_ci[1]:.3f}]",
                    "target_years": s.target_years,
                    "informative": round(s.informative, 3),
                }
                for s in self.scores
            ]
        )


def validate(
    led: Ledger,
    *,
    train: tuple[int, int] = (1970, 2005),
    test: tuple[int, int] = (2006, 2015),
    patrons: Sequence[int] = P5,
    source: str | None = None,
    boot: int = 500,
) -> Validation:
    """Fit the composite's weights on ``train`` and score every predictor on ``test``."""
    frame = validation_frame(led, (train[0], test[1]), patrons, source=source)
    channels = list(INFLUENCE)
    fit_on = frame.filter(pl.col("year").is_between(*train))
    fitted = fit_weights(fit_on, channels, boot=min(boot, 200))
    held = frame.filter(pl.col("year").is_between(*test))
    raw = held.select("patron", "target", "year", "score_alliance", "score_arms")
    held = common_support(held, channels)
    held = weighted(held, inf.DEFAULT_WEIGHTS, "composite_default")
    held = weighted(held, fitted.weights, "composite_fitted")
    held = weighted(held, dict.fromkeys(channels, 1.0), "equal_weights")
    held = held.drop("score_alliance", "score_arms").join(raw, on=["patron", "target", "year"])
    held = held.with_columns(
        pl.col("score_alliance").alias("alliance_only"), pl.col("score_arms").alias("arms_only")
    )
    names = [
        "composite_fitted",
        "composite_default",
        "equal_weights",
        "alliance_only",
        "arms_only",
        "alliance_any",
    ]
    return Validation(train, test, tuple(patrons), [evaluate(held, n, boot=boot) for n in names], fitted)
