"""Validation v2: does the influence index tell how a target votes at the UN, and — the test that
matters — do its *changes* foretell shifts in how the target votes?

The outcome is the target's **excess** agreement with each patron (agreement minus the patron's mean
agreement with every state that year; `alignment.excess`). Every predictor is fitted (weights, vote
models, thresholds) on the training years only and scored on the test years; each statistic comes
with a 95% bootstrap interval resampling targets (`bootstrap.Resampler`, shared by every statistic,
so differences are paired). v1 and v2 are scored side by side, with each channel, the graded ATOP
obligation count and baselines:

- **(a) levels**: within-target Spearman ρ over the patrons, averaged over every test target-year
  (a flat predictor counts as ρ = 0); the persistence baseline (last year's excess) and the
  out-of-sample increment of persistence + predictor (least squares fitted on training years) over it;
- **(b) shift AUC** at h = 3 and 5 (`shift`): the primary test;
- **(c) forecast gain**: AUC for the sign of the shift with the predictor's change and level added to
  the vote-history model, minus the model's own;
- **(d) event study** (`event_study`): excess agreement after a jump, against matched controls, and
  the pre-trend.

docs/validation.md explains each test and gives the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from legation.groups import majors
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.measures import event_study, influence_v2, shift
from legation.measures import influence as inf
from legation.measures.alignment import dyad_alignment, excess
from legation.measures.bootstrap import Resampler, auc, ci
from legation.measures.weights import FittedWeights, fit_shift_weights
from legation.panel.channels import CHANNELS, INFLUENCE

P5 = tuple(sorted(majors()))
"""The five permanent members of the UN Security Council (COW codes, ascending: US, UK, France, Russia,
China), the default patrons of the validation."""

HORIZONS = (3, 5)
KEYS = ["patron", "target", "year"]
Spec = dict[str, float]
"""A predictor: weights over frame columns; its level is the weighted mean of the columns known that
year, its change over a window the weighted mean of the changes known at both ends."""


def outcomes(
    led: Ledger,
    years: tuple[int, int],
    patrons: Sequence[int],
    source: str | None = None,
    measure: str = "agree3",
) -> pl.DataFrame:
    """``patron, target, year, excess`` for each patron and every target both voted with that year."""
    align = dyad_alignment(
        led, years=years, source=source or CHANNELS["unga"].source, involving=list(patrons)
    )
    ex = excess(align, measure=measure).filter(pl.col("patron").is_in(list(patrons)))
    return ex.select(pl.col("patron", "target", "year").cast(pl.Int32), "excess")


def channel_columns(
    led: Ledger, years: tuple[int, int], patrons: Sequence[int], index: str, prefix: str = "score_"
) -> pl.DataFrame:
    """``patron, target, year, <prefix><channel>…`` of ``index`` for the patrons' dyad-years with a
    stock or coverage: 0 where the channel records the patron and the dyad has no stock, NA where it
    does not record the patron (to be joined onto an outcome frame, then `fill_covered`)."""
    channels = list(INFLUENCE)
    scorer = influence_v2.channel_scores if inf.check_index(index) == "v2" else inf.channel_scores
    scores = scorer(led, years, channels).filter(pl.col("patron").is_in(list(patrons)))
    wide = scores.pivot("channel", index=KEYS, values="score")
    for c in channels:
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(c))
    return wide.select(*KEYS, *[pl.col(c).alias(f"{prefix}{c}") for c in channels])


def fill_covered(
    led: Ledger, frame: pl.DataFrame, years: tuple[int, int], patrons: Sequence[int], prefix: str
) -> pl.DataFrame:
    """Channel columns ``<prefix><channel>`` set to 0 where the channel covers the patron-year and the
    dyad has no score, NA where it does not cover it."""
    channels = list(INFLUENCE)
    cover = inf.coverage_grid(led, years, patrons, channels).pivot(
        "channel", index=["patron", "year"], values="covered"
    )
    out = frame.join(cover.rename({c: f"_cov_{c}" for c in channels}), on=["patron", "year"], how="left")
    return out.with_columns(
        pl.when(pl.col(f"_cov_{c}"))
        .then(pl.col(f"{prefix}{c}").fill_null(0.0))
        .otherwise(None)
        .alias(f"{prefix}{c}")
        for c in channels
    ).drop([f"_cov_{c}" for c in channels])


def atop_columns(led: Ledger, years: tuple[int, int], frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``atop_graded`` (the graded obligation count, `influence_v2.OBLIGATION_POINTS`)
    and ``alliance_any`` (0/1), 0 where ATOP records no obligation inside its coverage, NA after it."""
    alliance = led.source(CHANNELS["alliance"].source)
    graded = influence_v2.graded_obligations(led, years).select(*KEYS, pl.col("stock").alias("atop_graded"))
    out = frame.join(graded, on=KEYS, how="left")
    inside = pl.col("year") <= (alliance.coverage_end or 10**6)
    return out.with_columns(
        pl.when(inside).then(pl.col("atop_graded").fill_null(0.0)).alias("atop_graded"),
    ).with_columns(pl.when(inside).then((pl.col("atop_graded") > 0).cast(pl.Float64)).alias("alliance_any"))


def validation_frame(
    led: Ledger,
    years: tuple[int, int],
    patrons: Sequence[int] = P5,
    *,
    index: str = inf.DEFAULT_INDEX,
    source: str | None = None,
) -> pl.DataFrame:
    """``patron, target, year, excess, score_<channel>…, atop_graded, alliance_any`` for each patron
    and every target both voted with that year, channel scores of ``index`` (0 where covered without a
    stock, NA where not covered)."""
    out = outcomes(led, years, patrons, source)
    out = out.join(channel_columns(led, years, patrons, index), on=KEYS, how="left")
    out = fill_covered(led, out, years, patrons, "score_")
    return atop_columns(led, years, out).sort("target", "year", "patron")


def common_support(frame: pl.DataFrame, cols: Sequence[str]) -> pl.DataFrame:
    """Columns comparable across patrons: in a year where a column is NA for some patron (its channel
    does not record them all), it is left out (0) for all, so no patron gains by another's coverage."""
    return frame.with_columns(
        pl.when(pl.col(c).is_null().any().over("year")).then(0.0).otherwise(pl.col(c)).alias(c) for c in cols
    )


def level(spec: Mapping[str, float]) -> pl.Expr:
    """A predictor's level: the weighted mean of its columns known in the row."""
    cols = [c for c, w in spec.items() if w > 0]
    num = pl.sum_horizontal([pl.col(c).fill_null(0.0) * spec[c] for c in cols])
    den = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) * spec[c] for c in cols])
    return pl.when(den > 0).then(num / den)


def change(spec: Mapping[str, float], suffix: str = "_delta") -> pl.Expr:
    """A predictor's change over a window (`shift.windows` columns ``<col>_delta``): the weighted mean
    of the changes of its columns known at both ends (a channel whose coverage ends adds no change)."""
    return level({f"{c}{suffix}": w for c, w in spec.items()})


# statistics ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """One statistic of one predictor, with its bootstrap 95% interval and the units it rests on."""

    test: str
    index: str
    predictor: str
    value: float
    lo: float
    hi: float
    n: int


def _stat(test: str, index: str, name: str, point: float, reps: np.ndarray, n: int) -> Stat:
    lo, hi = ci(reps)
    return Stat(test, index, name, float(point), lo, hi, n)


def within_rhos(frame: pl.DataFrame, predictor: str, outcome: str = "excess") -> pl.DataFrame:
    """``target, year, rho``: Spearman ρ over the patrons of each target-year, 0 where the predictor
    or the outcome does not vary (or is unknown for all but one patron)."""
    d = frame.select("target", "year", predictor, outcome).drop_nulls()
    per = (
        d.with_columns(
            pl.col(predictor).rank().over("target", "year").alias("_p"),
            pl.col(outcome).rank().over("target", "year").alias("_o"),
        )
        .group_by("target", "year")
        .agg(pl.corr("_p", "_o").alias("rho"))
    )
    every = frame.select("target", "year").unique()
    return (
        every.join(per, on=["target", "year"], how="left")
        .with_columns(pl.col("rho").fill_nan(None).fill_null(0.0))
        .sort("target", "year")
    )


@dataclass
class _Run:
    """What one validation shares between its tests: the resampler and the statistics so far."""

    res: Resampler
    stats: list[Stat] = field(default_factory=list)

    def mean(self, test: str, index: str, name: str, values: np.ndarray, targets: np.ndarray) -> np.ndarray:
        reps = self.res.mean(values, targets)
        self.stats.append(
            _stat(test, index, name, float(values.mean()) if values.size else np.nan, reps, values.size)
        )
        return reps

    def auc(
        self, test: str, index: str, name: str, score: np.ndarray, label: np.ndarray, targets: np.ndarray
    ) -> None:
        reps = self.res.auc(score, label, targets)
        self.stats.append(_stat(test, index, name, auc(score, label), reps, score.size))


def _levels(
    run: _Run,
    frame: pl.DataFrame,
    specs: dict[tuple[str, str], Spec],
    train: tuple[int, int],
    test: tuple[int, int],
) -> None:
    lagged = frame.select(
        "patron", "target", (pl.col("year") + 1).alias("year"), pl.col("excess").alias("persistence")
    )
    d = frame.join(lagged, on=KEYS, how="left")
    cols = sorted({c for spec in specs.values() for c in spec})
    d = common_support(d, cols).with_columns(
        level(spec).alias(f"{ix}:{name}") for (ix, name), spec in specs.items()
    )
    fit, held = d.filter(pl.col("year").is_between(*train)), d.filter(pl.col("year").is_between(*test))
    base = within_rhos(held, "persistence")
    targets = base["target"].to_numpy()
    run.mean("a: persistence rho", "-", "persistence", base["rho"].to_numpy(), targets)
    for (ix, name), _ in specs.items():
        col = f"{ix}:{name}"
        run.mean("a: within rho", ix, name, within_rhos(held, col)["rho"].to_numpy(), targets)
        beta = shift.ols(fit.rename({"excess": "y"}), ["persistence", col], outcome="y")
        pred = held.with_columns(
            pl.when(pl.col("persistence").is_not_null())
            .then(beta[0] + beta[1] * pl.col("persistence") + beta[2] * pl.col(col).fill_null(0.0))
            .alias("_pred")
        )
        gain = within_rhos(pred, "_pred")["rho"].to_numpy() - base["rho"].to_numpy()
        run.mean("a: increment over persistence", ix, name, gain, targets)


def _shifts(
    run: _Run,
    frame: pl.DataFrame,
    specs: dict[tuple[str, str], Spec],
    train: tuple[int, int],
    test: tuple[int, int],
    h: int,
) -> tuple[pl.DataFrame, np.ndarray]:
    cols = sorted({c for spec in specs.values() for c in spec})
    w = shift.windows(frame, cols, h)
    w = w.with_columns(
        *[change(spec).alias(f"{ix}:{name}_delta") for (ix, name), spec in specs.items()],
        *[
            level({f"{c}_level": v for c, v in spec.items()}).alias(f"{ix}:{name}_level")
            for (ix, name), spec in specs.items()
        ],
    )
    fit, held = shift.split(w, h, train, test)
    beta = shift.ols(fit, shift.HISTORY)
    r_fit = fit["d"].to_numpy() - shift.predict(fit, shift.HISTORY, beta)
    r = held["d"].to_numpy() - shift.predict(held, shift.HISTORY, beta)
    targets = held["target"].to_numpy()
    up = held["d"].to_numpy() > 0
    base = shift.predict(held, shift.HISTORY, beta)
    base_reps = run.res.auc(base, up, targets)
    run.stats.append(
        _stat(f"c: vote-history AUC h={h}", "-", "vote history", auc(base, up), base_reps, held.height)
    )
    for ix, name in specs:
        col = f"{ix}:{name}"
        thr = shift.material_threshold(fit, f"{col}_delta")
        delta = held[f"{col}_delta"].to_numpy().astype(float)
        m = np.isfinite(delta) & (np.abs(delta) >= thr)
        run.auc(f"b: shift AUC h={h}", ix, name, delta[m], r[m] > 0, targets[m])
        feats = [*shift.HISTORY, f"{col}_delta", f"{col}_level"]
        full = shift.predict(held, feats, shift.ols(fit, feats))
        reps = run.res.auc(full, up, targets) - base_reps
        point = auc(full, up) - auc(base, up)
        run.stats.append(_stat(f"c: forecast gain h={h}", ix, name, point, reps, held.height))
    return fit, r_fit


def _events(
    run: _Run,
    frame: pl.DataFrame,
    specs: dict[tuple[str, str], Spec],
    train: tuple[int, int],
    test: tuple[int, int],
) -> None:
    ctx = event_study.around(frame)
    cols = sorted({c for spec in specs.values() for c in spec})
    prev = frame.select(
        "patron", "target", (pl.col("year") + 1).alias("year"), *[pl.col(c).alias(f"{c}_prev") for c in cols]
    )
    d = frame.join(prev, on=KEYS, how="left").with_columns(
        (pl.col(c) - pl.col(f"{c}_prev")).alias(f"{c}_delta") for c in cols
    )
    last = (test[0], test[1] - 5)
    for (ix, name), spec in specs.items():
        ch = d.select(*KEYS, change(spec).alias("delta")).drop_nulls()
        cut = event_study.threshold(ch, train)
        ev = event_study.events(ctx, ch, cut, last)
        targets = ev["target"].to_numpy()
        run.mean("d: event after", ix, name, ev["after"].to_numpy(), targets)
        run.mean("d: event pre-trend", ix, name, ev["pretrend"].to_numpy(), targets)


@dataclass(frozen=True)
class Validation:
    """The validation: every statistic of every predictor, and the fitted weights of each index."""

    train: tuple[int, int]
    test: tuple[int, int]
    patrons: tuple[int, ...]
    stats: list[Stat]
    fitted: dict[str, FittedWeights]
    """Per index version, the weights fitted on the shift target (h = 5) over training windows."""
    defaults: dict[str, dict[str, float]]

    def table(self) -> pl.DataFrame:
        """Long ``test, index, predictor, value, lo, hi, n``: one row per statistic."""
        return pl.DataFrame(
            [
                {
                    "test": s.test,
                    "index": s.index,
                    "predictor": s.predictor,
                    "value": s.value,
                    "lo": s.lo,
                    "hi": s.hi,
                    "n": s.n,
                }
                for s in self.stats
            ],
            schema={
                "test": pl.String,
                "index": pl.String,
                "predictor": pl.String,
                "value": pl.Float64,
                "lo": pl.Float64,
                "hi": pl.Float64,
                "n": pl.Int64,
            },
        )

    def value(self, test: str, index: str, predictor: str) -> Stat:
        """One statistic by test, index and predictor."""
        for s in self.stats:
            if (s.test, s.index, s.predictor) == (test, index, predictor):
                return s
        raise KeyError((test, index, predictor))

    def side_by_side(self) -> pl.DataFrame:
        """``test, predictor, v1, v2``: each statistic as "value [lo, hi] n", v1 next to v2 (shared
        predictors and baselines in the v2 column); "n=0" where there is nothing to score."""
        cells: dict[tuple[str, str], dict[str, str]] = {}
        for s in self.stats:
            col = "v1" if s.index == "v1" else "v2"
            cells.setdefault((s.test, s.predictor), {})[col] = cell(s)
        return pl.DataFrame(
            [
                {"test": k[0], "predictor": k[1], "v1": v.get("v1"), "v2": v.get("v2")}
                for k, v in cells.items()
            ],
            schema={"test": pl.String, "predictor": pl.String, "v1": pl.String, "v2": pl.String},
        )


def cell(s: Stat) -> str:
    """A statistic as text: value, 95% interval and the units (windows, events, target-years)."""
    if not np.isfinite(s.value):
        return f"- (n={s.n})"
    return f"{s.value:+.3f} [{s.lo:+.3f}, {s.hi:+.3f}] {s.n}"


def specs_for(
    index: str, channels: Sequence[str], default: Mapping[str, float], fitted: Mapping[str, float]
) -> dict[tuple[str, str], Spec]:
    """The predictors of one index version: default and fitted composites, and each channel."""
    col = {c: f"{index}_{c}" for c in channels}
    out: dict[tuple[str, str], Spec] = {
        (index, "composite_default"): {col[c]: w for c, w in default.items() if w > 0 and c in col},
        (index, "composite_fitted"): {col[c]: w for c, w in fitted.items() if w > 0 and c in col},
    }
    out |= {(index, c): {col[c]: 1.0} for c in channels}
    return {k: v for k, v in out.items() if v}


def validate(
    led: Ledger,
    *,
    train: tuple[int, int] = (1970, 2005),
    test: tuple[int, int] = (2006, 2015),
    patrons: Sequence[int] = P5,
    source: str | None = None,
    boot: int = 500,
    indexes: Sequence[str] = ("v1", "v2"),
) -> Validation:
    """Fit on ``train`` and score every predictor on ``test`` (see the module docstring). Nothing
    fitted reads a year after ``train[1]``: weights, vote models, thresholds and the persistence model
    see training rows or windows only."""
    frame = inputs(led, (train[0] - 6, test[1]), patrons, indexes, source)
    return validate_frame(frame, train=train, test=test, patrons=patrons, boot=boot, indexes=indexes)


def inputs(
    led: Ledger,
    years: tuple[int, int],
    patrons: Sequence[int] = P5,
    indexes: Sequence[str] = ("v1", "v2"),
    source: str | None = None,
) -> pl.DataFrame:
    """``patron, target, year, excess, <index>_<channel>…, atop_graded, alliance_any``: everything the
    validation reads from the ledger."""
    frame = outcomes(led, years, patrons, source)
    for ix in indexes:
        frame = frame.join(channel_columns(led, years, patrons, ix, prefix=f"{ix}_"), on=KEYS, how="left")
        frame = fill_covered(led, frame, years, patrons, f"{ix}_")
    return atop_columns(led, years, frame).sort("target", "year", "patron")


def validate_frame(
    frame: pl.DataFrame,
    *,
    train: tuple[int, int],
    test: tuple[int, int],
    patrons: Sequence[int] = P5,
    boot: int = 500,
    indexes: Sequence[str] = ("v1", "v2"),
) -> Validation:
    """The validation of an `inputs` frame (see `validate`)."""
    channels = list(INFLUENCE)
    run = _Run(Resampler.over(frame["target"].to_numpy(), boot))
    fitted = {ix: fit_index(frame, ix, channels, train, boot) for ix in indexes}
    specs: dict[tuple[str, str], Spec] = {}
    defaults = {ix: inf.default_weights(ix) for ix in indexes}
    for ix in indexes:
        specs |= specs_for(ix, channels, defaults[ix], fitted[ix].weights)
    specs |= {("-", "atop_graded"): {"atop_graded": 1.0}, ("-", "alliance_any"): {"alliance_any": 1.0}}
    _levels(run, frame, specs, train, test)
    for h in HORIZONS:
        _shifts(run, frame, specs, train, test, h)
    _events(run, frame, specs, train, test)
    return Validation(train, test, tuple(patrons), run.stats, fitted, defaults)


def fit_index(
    frame: pl.DataFrame, index: str, channels: Sequence[str], train: tuple[int, int], boot: int, h: int = 5
) -> FittedWeights:
    """The shift-fitted weights of one index version, from training windows (t ≥ train start, t + h
    ≤ train end) only."""
    cols = [f"{index}_{c}" for c in channels]
    w = shift.windows(frame.filter(pl.col("year") <= train[1]), cols, h)
    fit, _ = shift.split(w, h, train, train)
    r = fit["d"].to_numpy() - shift.predict(fit, shift.HISTORY, shift.ols(fit, shift.HISTORY))
    renamed = fit.rename({f"{index}_{c}_delta": f"score_{c}_delta" for c in channels})
    return fit_shift_weights(renamed, channels, r, boot=min(boot, 200))


def has_inputs(led: Ledger) -> bool:
    """Whether the ledger holds UN votes and the alliance data the validation needs."""
    return reads.has_data(led, [CHANNELS["unga"].source]) and reads.has_data(
        led, [CHANNELS["alliance"].source]
    )
