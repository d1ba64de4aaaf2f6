"""Escalation: the yearly probability of a militarized dispute between a patron and its target.

A ridge-penalised logit of MID onset (COW MIDs, either side, `panel.add_mids`) in patron → target
dyad-years of the training window, on

- ``rivalry``: the two are strategic rivals (Thompson–Dreyer or Thompson–Sakuwa–Suhas, `add_rivalries`);
- ``contiguity``: they share a land border (COW conttype 1, `add_contiguity`);
- ``arms_race``: they are in an arms race (Gibler–Rider–Hutchison, `add_arms_races`), offered only when
  its coverage holds most training years (it ends in 1993);
- ``eng_rivals``: the patron's engagement with the target's rivals, Σ over the target's rivals k of
  the patron's alliance + arms influence scores with k (`legation.model.inputs`);
- ``eng_target``: the patron's own alliance + arms influence score with the target;
- ``log_eng_rivals``, ``log_eng_target``: log(1 + each), the same with diminishing returns.

Which of these enter, and the penalty, is chosen on the training years only: fitted on all but the
last `HOLDOUT` years, scored by log loss on those, then refitted on the whole window. Uncertainty:
`BOOT` resamples of the patron → target pairs (each draw is a joint row of the coefficients).

In a simulation (`bind`) rivalry, contiguity and arms race stay at their last value up to the base
year; the engagement terms follow the input path: the patron's scores with the target, and with
each rival of the target that the plan holds as a pair (the others at their base-year value). So a
patron arming a state raises the modelled risk of a dispute with that state's rivals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from legation import panel
from legation.errors import NeedsDataError
from legation.ledger.store import Ledger
from legation.model.inputs import History, history
from legation.model.kernel import RiskContext
from legation.model.params import Estimate
from legation.model.risks import logit
from legation.model.risks.common import boot_draws, cluster_weights, engagement, need_bound

FIXED = ("rivalry", "contiguity", "arms_race")
"""Covariates a simulation holds at their base-year value."""
COVARIATES = (*FIXED, "eng_rivals", "eng_target", "log_eng_rivals", "log_eng_target")
SPECS: dict[str, tuple[str, ...]] = {
    "structure": ("rivalry", "contiguity"),
    "rivals": ("rivalry", "contiguity", "eng_rivals"),
    "engagement": ("rivalry", "contiguity", "eng_rivals", "eng_target"),
    "rivals-log": ("rivalry", "contiguity", "log_eng_rivals"),
    "engagement-log": ("rivalry", "contiguity", "log_eng_rivals", "log_eng_target"),
    "races": ("rivalry", "contiguity", "arms_race", "eng_rivals", "eng_target"),
}
"""Candidate specifications, chosen among on the training years."""
PENALTIES = (0.1, 10.0, 1000.0)
"""Candidate ridge penalties (on coefficients of covariates scaled to unit standard deviation)."""
HOLDOUT = 5
"""Last training years held out to choose the specification."""
BOOT = 200


def frame(led: Ledger, years: tuple[int, int], hist: History | None = None) -> pl.DataFrame:
    """``patron, target, year, onset`` and the `COVARIATES` for every patron → target pair of the
    history (P5 patrons by default) in ``years``; ``onset`` null outside the MID data's coverage."""
    hist = hist or history(led, years)
    dy = (
        panel.dyad_years(led, years=years, directed=False)
        .add_mids()
        .add_rivalries()
        .add_contiguity()
        .add_arms_races()
        .to_polars()
    )
    dy = dy.select(
        pl.col("ccode1").cast(pl.Int32).alias("a"),
        pl.col("ccode2").cast(pl.Int32).alias("b"),
        pl.col("year").cast(pl.Int32),
        pl.max_horizontal("mid_onset_12", "mid_onset_21").cast(pl.Float64).alias("onset"),
        pl.max_horizontal("rivalry_td", "rivalry_tss").cast(pl.Float64).alias("rivalry"),
        (pl.col("conttype_12") == 1).cast(pl.Float64).alias("contiguity"),
        pl.col("arms_race").cast(pl.Float64),
    )
    eng = engagement(hist, years)  # patron, target, year, s
    rivals = dy.filter(pl.col("rivalry") == 1).select("a", "b", "year")
    rivals = pl.concat(
        [
            rivals.select(pl.col("a").alias("target"), pl.col("b").alias("rival"), "year"),
            rivals.select(pl.col("b").alias("target"), pl.col("a").alias("rival"), "year"),
        ]
    )
    via = (
        rivals.join(eng.rename({"target": "rival"}), on=["rival", "year"])
        .filter(pl.col("patron") != pl.col("rival"))
        .group_by("patron", "target", "year")
        .agg(pl.col("s").sum().alias("eng_rivals"))
    )
    out = (
        eng.rename({"s": "eng_target"})
        .with_columns(
            pl.min_horizontal("patron", "target").alias("a"), pl.max_horizontal("patron", "target").alias("b")
        )
        .join(dy, on=["a", "b", "year"], how="inner")
        .join(via, on=["patron", "target", "year"], how="left")
        .with_columns(pl.col("eng_rivals").fill_null(0.0))
        .with_columns(pl.col("eng_rivals", "eng_target").log1p().name.prefix("log_"))
    )
    return out.select("patron", "target", "year", "onset", *COVARIATES).sort("patron", "target", "year")


def _usable(f: pl.DataFrame, covariates: tuple[str, ...]) -> pl.DataFrame:
    return f.filter(pl.all_horizontal(pl.col("onset", *covariates).is_not_null()))


def choose(f: pl.DataFrame, years: tuple[int, int]) -> tuple[str, float, dict[str, float]]:
    """The specification and penalty with the lowest log loss on the last `HOLDOUT` of ``years``
    when fitted on the years before; and each candidate's held-out log loss."""
    cut = years[1] - HOLDOUT
    covered = f.filter(pl.col("arms_race").is_not_null())["year"].n_unique()
    specs = {k: v for k, v in SPECS.items() if "arms_race" not in v or covered * 2 >= years[1] - years[0] + 1}
    scores = {}
    for name, cov in specs.items():
        g = _usable(f, cov)
        fit_rows, test_rows = g.filter(pl.col("year") <= cut), g.filter(pl.col("year") > cut)
        if fit_rows["onset"].sum() == 0 or test_rows.height == 0:
            continue
        x, sd = _scaled(fit_rows, cov)
        for lam in PENALTIES:
            beta = logit.fit(x, fit_rows["onset"].to_numpy(), penalty=lam)
            p = logit.predict(beta, test_rows.select(cov).to_numpy() / sd)
            scores[f"{name}@{lam:g}"] = logit.log_loss(test_rows["onset"].to_numpy(), p)
    if not scores:
        raise NeedsDataError(f"no MID onset in the patron–target dyads of {years[0]}–{years[1]}")
    best = min(scores, key=scores.__getitem__)
    spec, penalty = best.split("@")
    return spec, float(penalty), scores


def _scaled(f: pl.DataFrame, cov: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    x = f.select(cov).to_numpy().astype(np.float64)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    return x / sd, sd


def estimate(
    f: pl.DataFrame, spec: str, penalty: float, *, boot: int = BOOT, seed: int = 0
) -> dict[str, Estimate]:
    """The logit of ``spec`` on every usable row of ``f``, with `boot` resamples of the pairs."""
    cov = SPECS[spec]
    g = _usable(f, cov)
    x, sd = _scaled(g, cov)
    y = g["onset"].to_numpy()

    def coef(w: np.ndarray | None) -> np.ndarray:
        b = logit.fit(x, y, weights=w, penalty=penalty)
        return np.r_[b[0], b[1:] / sd]  # per unit of each covariate

    central = coef(None)
    weights = cluster_weights(g.select("patron", "target"), boot, seed)
    draws = np.array([coef(w) for w in weights])
    note = f"specification {spec!r}, penalty {penalty:g}, {g.height} dyad-years, {int(y.sum())} onsets"
    names = ("intercept", *cov)
    out = boot_draws(names, central, draws, note)
    for c in COVARIATES:
        if c not in cov:
            out[c] = Estimate(0.0, 0.0, (), "estimated", "not chosen on the training years")
    return out


@dataclass(frozen=True)
class Escalation:
    """The escalation risk (see the module docstring); `bind` gives it the plan's pairs."""

    name: str = "escalation"
    fixed: np.ndarray | None = field(default=None, compare=False)
    """``[3, pairs]`` rivalry, contiguity, arms race of each plan pair (carried from the base year)."""
    outside: np.ndarray | None = field(default=None, compare=False)
    """``[pairs]`` the patron's base-year engagement with the target's rivals the plan does not hold."""
    links: np.ndarray | None = field(default=None, compare=False)
    """``[pairs, pairs]`` 1 where pair j is the patron of pair i with a rival of i's target."""

    def calibrate(self, led: Ledger, train: tuple[int, int]) -> dict[str, Estimate]:
        f = frame(led, train)
        spec, lam, _ = choose(f, train)
        return estimate(f, spec, lam)

    def bind(self, led: Ledger, hist: History, pairs: np.ndarray, base: int) -> Escalation:
        lo = max(int(hist.years[0]), base - 10)
        f = frame(led, (lo, base), hist).filter(pl.col("target").is_in(np.unique(pairs[:, 1]).tolist()))
        last = f.sort("year").group_by("patron", "target").agg(pl.col(c).drop_nulls().last() for c in FIXED)
        keys = pl.DataFrame({"patron": pairs[:, 0].astype(np.int32), "target": pairs[:, 1].astype(np.int32)})
        got = keys.join(last, on=["patron", "target"], how="left", maintain_order="left")
        fixed = got.select(FIXED).fill_null(0.0).to_numpy().T.astype(np.float64)
        # rivals of each target at its last covered year, and the patron's base-year engagement with them
        dy = panel.dyad_years(led, years=(lo, base), directed=True).add_rivalries().to_polars()
        riv = (
            dy.filter(pl.max_horizontal("rivalry_td", "rivalry_tss") == 1)
            .filter(pl.col("year") == pl.col("year").max().over("ccode1"))
            .select(
                pl.col("ccode1").cast(pl.Int32).alias("target"),
                pl.col("ccode2").cast(pl.Int32).alias("rival"),
            )
        )
        eng = engagement(hist, (base, base)).select("patron", pl.col("target").alias("rival"), "s")
        index = {(int(a), int(b)): i for i, (a, b) in enumerate(pairs)}
        links = np.zeros((len(pairs), len(pairs)))
        outside = np.zeros(len(pairs))
        rivals_of: dict[int, list[int]] = {}
        for t, k in riv.iter_rows():
            rivals_of.setdefault(t, []).append(k)
        s_of = {(p, k): s for p, k, s in eng.iter_rows()}
        for i, (p, t) in enumerate(pairs):
            for k in rivals_of.get(int(t), []):
                if k == p:
                    continue
                j = index.get((int(p), k))
                if j is not None:
                    links[i, j] = 1.0
                else:
                    outside[i] += s_of.get((int(p), k), 0.0)
        return Escalation(self.name, fixed, outside, links)

    def probabilities(self, ctx: RiskContext, params: Mapping[str, np.ndarray]) -> np.ndarray:
        fixed, outside, links = need_bound(self, self.fixed, self.outside, self.links)
        s = _path_engagement(ctx)  # [pairs, H]
        rivals = outside[:, None] + links @ s
        x = {c: fixed[i][:, None] for i, c in enumerate(FIXED)}
        x |= {
            "eng_rivals": rivals,
            "eng_target": s,
            "log_eng_rivals": np.log1p(rivals),
            "log_eng_target": np.log1p(s),
        }
        eta = np.zeros(ctx.alignment.shape) + params["intercept"][:, None, None]
        for c, v in x.items():
            eta += params[c][:, None, None] * v[None]
        return logit.expit(eta)


def _path_engagement(ctx: RiskContext) -> np.ndarray:
    """``[pairs, H]`` alliance + arms influence score of each pair along the input path."""
    idx = [i for i, c in enumerate(ctx.channels) if c in ("alliance", "arms")]
    return np.nansum(ctx.scores[idx], axis=0) if idx else np.zeros(ctx.scores.shape[1:])


def out_of_sample(led: Ledger, train: tuple[int, int], test: tuple[int, int]) -> dict[str, float]:
    """The calibrated logit scored on the patron → target dyad-years of ``test`` (after ``train``):
    its AUC, the AUC of rivalry and contiguity alone (`SPECS` "structure", refitted on ``train``),
    and the mean predicted against the observed onset rate."""
    f = frame(led, (train[0], test[1]))
    fit_rows = f.filter(pl.col("year").is_between(*train))
    spec, lam, _ = choose(fit_rows, train)
    est = estimate(fit_rows, spec, lam, boot=2)
    g = _usable(f.filter(pl.col("year").is_between(*test)), SPECS[spec])
    beta = np.array([est["intercept"].value, *(est[c].value for c in SPECS[spec])])
    p = logit.predict(beta, g.select(SPECS[spec]).to_numpy())
    y = g["onset"].to_numpy()
    base = _usable(fit_rows, SPECS["structure"])
    b0 = logit.fit(base.select(SPECS["structure"]).to_numpy(), base["onset"].to_numpy(), penalty=lam)
    p0 = logit.predict(b0, g.select(SPECS["structure"]).to_numpy())
    return {
        "auc": logit.auc(y, p),
        "auc_structure": logit.auc(y, p0),
        "predicted_rate": float(p.mean()),
        "observed_rate": float(y.mean()),
        "rows": float(y.size),
        "onsets": float(y.sum()),
    }
