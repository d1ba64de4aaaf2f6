"""Dependency: the yearly probability that a target's top arms supplier changes.

From SIPRI, through `measures.risk.arms_dependency`: each recipient-year's supplier concentration
(HHI of its decayed arms-import stock, `measures.risk.hhi_table`) and top supplier. A **switch** is a
recipient-year whose top supplier differs from the year before (both years with imports). The
yearly switch probability is a logit on the year-before HHI — concentrated clients switch less
often, but when they do the change is a cut-off — fitted on the training window, with `BOOT`
resamples of the recipients. ``share_change`` is the mean change of the top share in a switch year
(the new top supplier's share minus the old one's the year before; reported, not drawn): near 0, as
the top place of a decayed stock changes hands at a near-tie rather than by an abrupt cut-off.

In a simulation (`bind`) each pair's probability is its target's: HHI at the base year (or the last
year SIPRI covers before it); a target without arms imports has no supplier to switch (0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from legation.errors import NeedsDataError
from legation.ledger.store import Ledger
from legation.measures.risk import arms_dependency
from legation.model.inputs import History
from legation.model.kernel import RiskContext
from legation.model.params import Estimate
from legation.model.risks import logit
from legation.model.risks.common import boot_draws, cluster_weights, need_bound

BOOT = 200


def switches(led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
    """``ccode, year, hhi_before, switch, share_change`` for every recipient-year in ``years`` with
    imports in that year and the one before."""
    dep = arms_dependency(led, (years[0] - 1, years[1]))
    d = dep.filter(pl.col("top_supplier").is_not_null()).sort("ccode", "year")
    prev = d.select(
        "ccode",
        (pl.col("year") + 1).alias("year"),
        pl.col("hhi").alias("hhi_before"),
        pl.col("top_supplier").alias("top_before"),
        pl.col("top_share").alias("share_before"),
    )
    return (
        d.join(prev, on=["ccode", "year"], how="inner")
        .filter(pl.col("year").is_between(*years))
        .select(
            "ccode",
            "year",
            "hhi_before",
            (pl.col("top_supplier") != pl.col("top_before")).cast(pl.Float64).alias("switch"),
            (pl.col("top_share") - pl.col("share_before")).alias("share_change"),
        )
    )


def estimate(s: pl.DataFrame, *, boot: int = BOOT, seed: int = 0) -> dict[str, Estimate]:
    """The switch logit on HHI and the mean top-share change in switch years, with resamples of recipients."""
    if s.height == 0 or s["switch"].sum() == 0:
        raise NeedsDataError("no supplier switch in the SIPRI data of the training window")
    x = s["hhi_before"].to_numpy()[:, None]
    y = s["switch"].to_numpy()
    change = np.where(y > 0, s["share_change"].to_numpy(), 0.0)
    weights = cluster_weights(s.select("ccode"), boot, seed)

    def one(w: np.ndarray | None) -> np.ndarray:
        ww = np.ones(y.size) if w is None else w
        b = logit.fit(x, y, weights=ww, penalty=0.0)
        return np.r_[b, (ww * change).sum() / max((ww * y).sum(), 1e-12)]

    central = one(None)
    draws = np.array([one(w) for w in weights])
    note = f"{s.height} recipient-years, {int(y.sum())} switches (SIPRI)"
    return boot_draws(("intercept", "hhi", "share_change"), central, draws, note)


@dataclass(frozen=True)
class Dependency:
    """The dependency risk (see the module docstring)."""

    name: str = "dependency"
    hhi: np.ndarray | None = field(default=None, compare=False)
    """``[pairs]`` the target's HHI at the base year, NaN without imports."""

    def calibrate(self, led: Ledger, train: tuple[int, int]) -> dict[str, Estimate]:
        return estimate(switches(led, train))

    def bind(self, led: Ledger, hist: History, pairs: np.ndarray, base: int) -> Dependency:
        dep = arms_dependency(led, (base - 10, base)).filter(pl.col("hhi").is_not_null())
        last = dep.sort("year").group_by("ccode").agg(pl.col("hhi").last())
        by = dict(zip(last["ccode"].to_list(), last["hhi"].to_list(), strict=True))
        return Dependency(
            self.name, np.array([by.get(int(t), np.nan) for t in pairs[:, 1]], dtype=np.float64)
        )

    def probabilities(self, ctx: RiskContext, params: Mapping[str, np.ndarray]) -> np.ndarray:
        (hhi,) = need_bound(self, self.hhi)
        p = logit.expit(params["intercept"][:, None] + params["hhi"][:, None] * np.nan_to_num(hhi)[None])
        p = np.where(np.isfinite(hhi)[None], p, 0.0)
        return np.broadcast_to(p[:, :, None], ctx.alignment.shape)
