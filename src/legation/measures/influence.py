"""An open bilateral influence index, in the spirit of FBIC (bandwidth × dependence).

For every directed dyad-year, patron *i* → target *j*, and every channel *c*:

- **stock** S_c(i, j, t): the channel's yearly flows accumulated with the instrument's decay
  half-life h_c, S_t = S_{t-1}·2^(-1/h_c) + flow_t (an exercise ten years ago counts less);
- **bandwidth** B_c = log(1 + S) / max over all dyads that year of log(1 + S): the channel's volume,
  normalised across dyads to [0, 1];
- **dependence** D_c = S_c(i, j, t) / Σ_k S_c(k, j, t): how much *j* relies on *i* in that channel
  (i's share of j's total from every patron the channel records);
- **score** = B_c × D_c, in [0, 1].

The composite is the weighted mean of the channel scores available for the dyad-year (a channel is
unavailable, NA, outside its sources' coverage: years, or patrons the source does not record), with
documented default weights or weights fitted to UN voting alignment (`fit_weights`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from legation.instruments import INSTRUMENTS
from legation.ledger.store import Ledger
from legation.panel.verbs import decayed


@dataclass(frozen=True)
class ChannelSpec:
    """Where a channel's flows come from: (source id, instrument) pairs of the ledger, or ATOP."""

    instrument: str
    sources: tuple[str, ...]
    undirected: bool = False
    """Undirected instruments (exercises) give both directions the same flow."""
    doc: str = ""


CHANNELS: dict[str, ChannelSpec] = {
    "alliance": ChannelSpec(
        "alliance",
        ("atop-dyad-years",),
        doc="ATOP obligations of i to j each year: 1 for a defence pact, 0.5 for other obligations only",
    ),
    "arms": ChannelSpec("arms_transfer", ("sipri-tiv-360info",), doc="SIPRI TIV delivered by i to j"),
    "exercise": ChannelSpec(
        "exercise", ("mme", "jme"), undirected=True, doc="joint exercises of i and j (MME, JME)"
    ),
    "basing": ChannelSpec(
        "basing",
        ("us-troops", "mcmanus-nieman"),
        doc="i's troops in j, thousands (US troop data; McManus–Nieman for the other four patrons)",
    ),
    "visits": ChannelSpec("dialogue", ("us-visits", "mcmanus-nieman"), doc="senior-leader visits of i to j"),
}

DEFAULT_WEIGHTS: dict[str, float] = {
    "alliance": 0.30,
    "arms": 0.25,
    "basing": 0.15,
    "exercise": 0.15,
    "visits": 0.15,
}
"""Default composite weights: commitments first (alliances), then the material channel (arms), then
presence and contact. A judgement, documented in docs/influence.md; `fit_weights` gives fitted ones."""


# flows ---------------------------------------------------------------------------------------------


def _coverage(
    led: Ledger, sources: Sequence[str]
) -> list[tuple[str, int | None, int | None, tuple[int, ...] | None]]:
    out = []
    for sid in sources:
        rows = led.con.execute(
            "SELECT coverage_start, coverage_end, coverage_actors FROM sources WHERE id = ?", [sid]
        ).fetchall()
        if rows:
            lo, hi, actors = rows[0]
            out.append((sid, lo, hi, tuple(actors) if actors else None))
    return out


def channel_flows(led: Ledger, channel: str, years: tuple[int, int]) -> pl.DataFrame:
    """Yearly flows ``patron, target, year, flow`` of one channel (from the start of its data, so
    stocks include what came before ``years``)."""
    spec = CHANNELS[channel]
    hi = years[1]
    if channel == "alliance":
        flows = led.query(
            "SELECT ccode1 AS patron, ccode2 AS target, year, "
            "CASE WHEN bool_or(variable = 'atop_defense' AND value > 0) THEN 1.0 ELSE 0.5 END AS flow "
            "FROM dyad_attributes WHERE source_id = 'atop-dyad-years' AND year <= ? GROUP BY ALL",
            [hi],
        )
    else:
        scale = "magnitude / 1000.0" if channel == "basing" else "coalesce(magnitude, 1.0)"
        value = f"max({scale})" if channel == "basing" else f"sum({scale})"
        flows = led.query(
            f"SELECT source_id, actor_ccode AS patron, partner_ccode AS target, year(start_date) AS year, "
            f"{value} AS flow FROM engagements WHERE source_id IN (SELECT unnest(?)) AND instrument = ? "
            "AND actor_kind = 'state' AND partner_kind = 'state' AND year(start_date) <= ? GROUP BY ALL",
            [list(spec.sources), spec.instrument, hi],
        )
        if spec.undirected:
            back = flows.with_columns(pl.col("target").alias("patron"), pl.col("patron").alias("target"))
            flows = pl.concat([flows, back])
        # sources that record the same dyad-year (MME and JME; US troop data and McManus–Nieman) are
        # merged by the larger value, never added: they count the same engagements
        flows = (
            flows.group_by("source_id", "patron", "target", "year")
            .agg(pl.col("flow").sum())
            .group_by("patron", "target", "year")
            .agg(pl.col("flow").max())
        )
    return flows.with_columns(
        pl.col("patron", "target", "year").cast(pl.Int32), pl.col("flow").cast(pl.Float64)
    )


def _covered(led: Ledger, channel: str, frame: pl.DataFrame) -> pl.Expr:
    """True where some source of the channel records the patron in that year."""
    ok = pl.lit(False)
    for _sid, lo, hi, actors in _coverage(led, CHANNELS[channel].sources):
        cond = pl.lit(True)
        if lo is not None:
            cond &= pl.col("year") >= lo
        if hi is not None:
            cond &= pl.col("year") <= hi
        if actors:
            cond &= pl.col("patron").is_in(list(actors))
        ok |= cond
    return ok


def channel_scores(
    led: Ledger, years: tuple[int, int], channels: Sequence[str] | None = None
) -> pl.DataFrame:
    """Long frame ``patron, target, year, channel, stock, bandwidth, dependence, score`` for every
    directed dyad-year with a positive stock, inside each channel's coverage."""
    out = []
    for channel in channels or list(CHANNELS):
        flows = channel_flows(led, channel, years)
        if flows.height == 0:
            continue
        h = INSTRUMENTS[CHANNELS[channel].instrument].half_life
        stock = decayed(flows.rename({"flow": "v"}), h, years[0], years[1], ["patron", "target"])
        stock = stock.filter(pl.col("stock") > 1e-9).filter(_covered(led, channel, stock))
        out.append(score_stocks(stock).with_columns(pl.lit(channel).alias("channel")))
    cols = ["patron", "target", "year", "channel", "stock", "bandwidth", "dependence", "score"]
    return pl.concat(out).select(cols) if out else pl.DataFrame()


def score_stocks(stock: pl.DataFrame) -> pl.DataFrame:
    """Bandwidth, dependence and score of each ``patron, target, year, stock`` row (one channel)."""
    logs = pl.col("stock").log1p()
    return stock.with_columns(
        pl.col("year").cast(pl.Int32),
        (logs / logs.max().over("year")).alias("bandwidth"),
        (pl.col("stock") / pl.col("stock").sum().over("target", "year")).alias("dependence"),
    ).with_columns((pl.col("bandwidth") * pl.col("dependence")).alias("score"))


def coverage_grid(
    led: Ledger, years: tuple[int, int], patrons: Sequence[int], channels: Sequence[str]
) -> pl.DataFrame:
    """``patron, year, channel, covered`` for the given patrons: which channel scores are 0 (covered,
    no engagement) and which are NA (not recorded)."""
    grid = pl.DataFrame({"patron": list(patrons)}, schema={"patron": pl.Int32}).join(
        pl.DataFrame({"year": list(range(years[0], years[1] + 1))}, schema={"year": pl.Int32}), how="cross"
    )
    return pl.concat(
        grid.with_columns(pl.lit(c).alias("channel"), _covered(led, c, grid).alias("covered"))
        for c in channels
    )


# the composite --------------------------------------------------------------------------------------


def composite(
    scores: pl.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    coverage: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Wide frame ``patron, target, year, score_<channel>…, influence``: the weighted mean of the
    channel scores available for each dyad-year. With ``coverage`` (from `coverage_grid`), a channel
    the patron's sources record counts as 0 where the dyad has no stock, and NA (left out of the mean)
    where they do not; without it, only channels with a stock enter."""
    w = dict(weights or DEFAULT_WEIGHTS)
    channels = [c for c in w if w[c] > 0]
    wide = scores.filter(pl.col("channel").is_in(channels)).pivot(
        "channel", index=["patron", "target", "year"], values="score"
    )
    for c in channels:
        if c not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(c))
    if coverage is not None:
        cov = coverage.filter(pl.col("channel").is_in(channels)).pivot(
            "channel", index=["patron", "year"], values="covered"
        )
        wide = wide.join(
            cov.rename({c: f"_cov_{c}" for c in channels if c in cov.columns}),
            on=["patron", "year"],
            how="left",
        )
        wide = wide.with_columns(
            pl.when(pl.col(f"_cov_{c}")).then(pl.col(c).fill_null(0.0)).otherwise(pl.col(c)).alias(c)
            for c in channels
            if f"_cov_{c}" in wide.columns
        ).drop([f"_cov_{c}" for c in channels if f"_cov_{c}" in wide.columns])
    num = pl.sum_horizontal([pl.col(c).fill_null(0.0) * w[c] for c in channels])
    den = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Float64) * w[c] for c in channels])
    out = wide.with_columns(pl.when(den > 0).then(num / den).alias("influence"))
    return out.rename({c: f"score_{c}" for c in channels}).sort("patron", "target", "year")


def influence(
    ledger: Ledger,
    years: tuple[int, int] = (1946, 2015),
    weights: Mapping[str, float] | None = None,
    channels: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The composite influence of every patron on every target, per year (see the module docstring)."""
    chosen = list(channels or (weights or DEFAULT_WEIGHTS).keys())
    scores = channel_scores(ledger, years, chosen)
    patrons = scores["patron"].unique().to_list() if scores.height else []
    cover = coverage_grid(ledger, years, patrons, chosen)
    w = weights or {c: DEFAULT_WEIGHTS.get(c, 0.0) for c in chosen}
    return composite(scores, w, coverage=cover)


# aggregates ---------------------------------------------------------------------------------------


def outward(infl: pl.DataFrame) -> pl.DataFrame:
    """Outward influence of each patron per year: the sum over its targets."""
    return (
        infl.group_by("patron", "year").agg(pl.col("influence").sum().alias("outward")).sort("year", "patron")
    )


def exposure(infl: pl.DataFrame) -> pl.DataFrame:
    """Inward exposure of each target per year: the sum over its patrons."""
    return (
        infl.group_by("target", "year")
        .agg(pl.col("influence").sum().alias("exposure"))
        .sort("year", "target")
    )


def contest(infl: pl.DataFrame, target: int, patrons: Sequence[int]) -> pl.DataFrame:
    """The influence contest over a target: each patron's share of the patrons' total influence on it,
    per year (e.g. the US, China and Russia over the Philippines)."""
    sub = infl.filter((pl.col("target") == target) & pl.col("patron").is_in(list(patrons)))
    grid = pl.DataFrame({"patron": list(patrons)}, schema={"patron": pl.Int32}).join(
        sub.select("year").unique(), how="cross"
    )
    sub = grid.join(
        sub.select("patron", "year", "influence"), on=["patron", "year"], how="left"
    ).with_columns(pl.col("influence").fill_null(0.0))
    return sub.with_columns(
        pl.when(pl.col("influence").sum().over("year") > 0)
        .then(pl.col("influence") / pl.col("influence").sum().over("year"))
        .alias("share")
    ).sort("year", "patron")


# fitting weights ------------------------------------------------------------------------------------


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
    return float(per["rho"].fill_nan(None).drop_nulls().mean() or float("nan"))


def on_dyad_years(led: Ledger, infl: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """The composite spread onto a directed dyad-year frame (``ccode1, ccode2, year``): 0 where some
    channel records the patron that year and the dyad has no stock, NA where none does."""
    years = (int(frame["year"].min()), int(frame["year"].max()))
    patrons = frame["ccode1"].unique().to_list()
    covered = (
        coverage_grid(led, years, patrons, list(CHANNELS))
        .group_by("patron", "year")
        .agg(pl.col("covered").any())
        .rename({"patron": "ccode1"})
    )
    keys = frame.with_columns(pl.col("ccode1", "ccode2", "year").cast(pl.Int32))
    out = keys.join(
        infl.select(pl.col("patron").alias("ccode1"), pl.col("target").alias("ccode2"), "year", "influence"),
        on=["ccode1", "ccode2", "year"],
        how="left",
    ).join(covered, on=["ccode1", "year"], how="left")
    return out.with_columns(
        pl.when(pl.col("covered")).then(pl.col("influence").fill_null(0.0)).otherwise(pl.col("influence"))
    ).drop("covered")
