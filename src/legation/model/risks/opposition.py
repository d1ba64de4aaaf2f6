"""Domestic opposition: the yearly probability that a formal security tie ends, by the partner's regime.

From ATOP (`panel.add_atop`): a directed dyad-year is **at risk** when ccode1 held any obligation to
ccode2 (defence, offence, neutrality, non-aggression, consultation) the year before and both states
exist; its **event** is that no obligation remains. The rate is estimated per regime band of the
partner (ccode2) the year before, from V-Dem's polyarchy (`add_democracy`; polity2 where V-Dem is
missing): `BANDS`. Uncertainty: `BOOT` resamples of the **years**, since a multilateral treaty ending
ends many dyads at once (the events cluster in years, not dyads).

Negative-polarity engagements (suspensions, expulsions in event data) are not counted: the ledger's
event data (an ICEWS sample) covers 2018 only, outside any training window.

In a simulation (`bind`) a pair's probability is its target's band rate while the pair's alliance
influence score along the input path is positive, 0 otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from legation import panel
from legation.errors import NeedsDataError
from legation.ledger.store import Ledger
from legation.model.inputs import History
from legation.model.kernel import RiskContext
from legation.model.params import Estimate
from legation.model.risks.common import boot_draws, need_bound

BANDS = ("autocracy", "hybrid", "democracy")
"""Polyarchy below 0.4, 0.4 to 0.7, 0.7 and above (polity2 ≤ −6, −5…5, ≥ 6 where V-Dem is missing)."""
BOOT = 200


def bands(led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
    """``ccode, year, band`` (0, 1, 2: the index in `BANDS`) of every state-year with a score."""
    s = panel.state_years(led, years=years).add_democracy().to_polars()
    poly = pl.col("v2x_polyarchy")
    pol = pl.col("polity2")
    band = (
        pl.when(poly.is_not_null())
        .then(pl.when(poly < 0.4).then(0).when(poly < 0.7).then(1).otherwise(2))
        .when(pol.is_not_null())
        .then(pl.when(pol <= -6).then(0).when(pol <= 5).then(1).otherwise(2))
    )
    return s.select(
        pl.col("ccode").cast(pl.Int32), pl.col("year").cast(pl.Int32), band.alias("band")
    ).drop_nulls()


def terminations(led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
    """``year, band, at_risk, ended``: directed dyad-years with an obligation the year before, and
    those without one now, by the partner's regime band the year before."""
    lo, hi = years
    atop = panel.dyad_years(led, years=(lo - 1, hi), directed=True).add_atop().to_polars()
    cols = [c for c in atop.columns if c.startswith("atop_")]
    tie = atop.select(
        pl.col("ccode1").cast(pl.Int32),
        pl.col("ccode2").cast(pl.Int32),
        pl.col("year").cast(pl.Int32),
        (pl.max_horizontal(cols) > 0).alias("tie"),
    )
    before = tie.filter("tie").select("ccode1", "ccode2", (pl.col("year") + 1).alias("year"))
    now = before.join(tie, on=["ccode1", "ccode2", "year"], how="inner").filter(
        pl.col("year").is_between(lo, hi)
    )
    b = bands(led, (lo - 1, hi)).select(
        pl.col("ccode").alias("ccode2"), (pl.col("year") + 1).alias("year"), "band"
    )
    return (
        now.join(b, on=["ccode2", "year"], how="inner")
        .group_by("year", "band")
        .agg(pl.len().alias("at_risk"), (~pl.col("tie")).sum().alias("ended"))
        .sort("year", "band")
    )


def estimate(t: pl.DataFrame, *, boot: int = BOOT, seed: int = 0) -> dict[str, Estimate]:
    """The termination rate of each band, with resamples of the years."""
    if t.height == 0:
        raise NeedsDataError("no security tie at risk of ending in the training window (import ATOP)")
    years = np.unique(t["year"].to_numpy())
    grid = np.zeros((2, years.size, len(BANDS)))
    yi = np.searchsorted(years, t["year"].to_numpy())
    bi = t["band"].to_numpy().astype(np.int64)
    grid[0, yi, bi] = t["at_risk"].to_numpy()
    grid[1, yi, bi] = t["ended"].to_numpy()

    def rates(counts: np.ndarray) -> np.ndarray:
        risk, ended = np.tensordot(counts, grid[0], 1), np.tensordot(counts, grid[1], 1)
        return ended / np.maximum(risk, 1.0)

    rng = np.random.default_rng(seed)
    central = rates(np.ones(years.size))
    draws = np.array(
        [
            rates(np.bincount(rng.integers(0, years.size, years.size), minlength=years.size))
            for _ in range(boot)
        ]
    )
    note = f"{int(grid[0].sum())} directed dyad-years at risk, {int(grid[1].sum())} ended (ATOP)"
    return boot_draws(tuple(f"rate_{b}" for b in BANDS), central, draws, note)


@dataclass(frozen=True)
class Opposition:
    """The domestic-opposition risk (see the module docstring)."""

    name: str = "opposition"
    band: np.ndarray | None = field(default=None, compare=False)
    """``[pairs]`` the target's regime band at the base year (−1 unknown)."""

    def calibrate(self, led: Ledger, train: tuple[int, int]) -> dict[str, Estimate]:
        return estimate(terminations(led, train))

    def bind(self, led: Ledger, hist: History, pairs: np.ndarray, base: int) -> Opposition:
        b = bands(led, (base - 10, base)).sort("year").group_by("ccode").agg(pl.col("band").last())
        by = dict(zip(b["ccode"].to_list(), b["band"].to_list(), strict=True))
        return Opposition(self.name, np.array([by.get(int(t), -1) for t in pairs[:, 1]], dtype=np.int64))

    def probabilities(self, ctx: RiskContext, params: Mapping[str, np.ndarray]) -> np.ndarray:
        (band,) = need_bound(self, self.band)
        rate = np.stack([params[f"rate_{b}"] for b in BANDS], axis=1)  # [draws, bands]
        p = np.where(band[None] >= 0, rate[:, np.clip(band, 0, None)], 0.0)  # [draws, pairs]
        idx = [i for i, c in enumerate(ctx.channels) if c == "alliance"]
        tied = np.nan_to_num(ctx.scores[idx[0]]) > 0 if idx else np.zeros(ctx.scores.shape[1:], dtype=bool)
        return p[:, :, None] * tied[None]
