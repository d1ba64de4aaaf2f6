"""Input paths: each channel's influence score per pair over the simulated years, with and without a
scenario's changes.

For every research channel (`legation.panel.channels.INFLUENCE`) the stocks of the parameter set's
influence index (v1 or v2, `legation.measures.influence`) are read from the ledger up to the last year
the channel covers; the yearly flows are recovered from them (f_t = S_t − δ·S_{t−1}, δ the
instrument's yearly decay; v2's alliance stock, the graded obligation count, is not decayed: δ = 0).
After the base year, the ledger's own recorded flows are **known inputs** as far as the channel
covers; beyond that each dyad's flow is held at its mean over the last `BAU_YEARS` covered years
(business as usual). A scenario's `Change`s then add to, scale, or cut those flows, the stocks are
rebuilt with the same decay, and the scores (bandwidth × dependence, with that index's own bandwidth)
recomputed over every dyad of the channel — so one patron's new arms take a share of the target's
dependence from the others. Undirected channels (exercises) change both directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from legation.ledger.store import Ledger
from legation.measures import influence as v1
from legation.measures import influence_v2 as v2
from legation.panel.channels import CHANNELS, INFLUENCE, stocks

BAU_YEARS = 5
"""Covered years whose mean flow continues a dyad's engagement beyond its channel's coverage."""

HISTORY_YEARS = 40
"""Years of stocks read before the base year (decayed stocks carry what came before)."""


@dataclass(frozen=True)
class Change:
    """One change of a channel's yearly flow patron → target over ``start…end`` (inclusive): the
    flow becomes ``flow · factor + add``; a cut-off is ``factor=0``."""

    channel: str
    patron: int
    target: int
    start: int
    end: int
    add: float = 0.0
    factor: float = 1.0


@dataclass(frozen=True)
class Recorded:
    """One channel's dense flows over the grid years, from the ledger."""

    channel: str
    dyads: np.ndarray
    """``[n, 2]`` patron, target."""
    years: np.ndarray
    flows: np.ndarray
    """``[n, years]``; the first column is the stock at the grid's first year."""
    last_covered: int
    decay: float
    """The stock's yearly decay factor δ (0: not decayed, the stock is the year's flow)."""


def _stock(led: Ledger, name: str, years: tuple[int, int], index: str) -> pl.DataFrame:
    if index == "v2":
        return v2.channel_stock(led, name, years)
    return stocks(led, CHANNELS[name], years)


def _decay(name: str, index: str) -> float:
    if index == "v2" and name == "alliance":
        return 0.0
    return float(0.5 ** (1 / CHANNELS[name].half_life))


def _score(long: pl.DataFrame, name: str, index: str) -> pl.DataFrame:
    if index == "v2":
        return v2.score_stocks(long, v2.REFERENCE[name])
    return v1.score_stocks(long)


@dataclass(frozen=True)
class Paths:
    """Channel scores ``[C, pairs, H+1]`` for the base year and each simulated year."""

    channels: tuple[str, ...]
    years: np.ndarray
    scores: np.ndarray

    @property
    def deltas(self) -> np.ndarray:
        """Yearly changes of the scores ``[C, pairs, H]``, 0 where a score is unknown."""
        d = np.diff(self.scores, axis=2)
        return np.where(np.isfinite(d), d, 0.0)


def recorded(
    led: Ledger, base: int, horizon: int, channels: Sequence[str] = INFLUENCE, index: str = "v1"
) -> list[Recorded]:
    """Every channel's flows from ``base − HISTORY_YEARS`` to ``base + horizon`` as the ledger has them,
    in the units of influence index ``index``."""
    out = []
    for name in channels:
        lo = base - HISTORY_YEARS
        st = _stock(led, name, (lo, base + horizon), index)
        if st.height == 0:
            continue
        last = int(st["year"].max())  # type: ignore[arg-type]
        first = min(lo, last)
        dy = st.select("patron", "target").unique().sort("patron", "target")
        idx = dy.with_row_index("_i").join(st, on=["patron", "target"])
        years = np.arange(first, base + horizon + 1)
        s = np.zeros((dy.height, years.size))
        s[idx["_i"].to_numpy(), idx["year"].to_numpy() - first] = idx["stock"].to_numpy()
        decay = _decay(name, index)
        f = s.copy()
        f[:, 1:] = s[:, 1:] - decay * s[:, :-1]
        cov = years <= last
        bau_cols = np.flatnonzero(cov)[-BAU_YEARS:]
        bau = np.clip(f[:, bau_cols].mean(axis=1), 0.0, None) if bau_cols.size else np.zeros(dy.height)
        f[:, ~cov] = bau[:, None]
        out.append(Recorded(name, dy.to_numpy(), years, f, last, decay))
    return out


def project(
    rec: Sequence[Recorded],
    pairs: np.ndarray,
    base: int,
    horizon: int,
    changes: Sequence[Change] = (),
    channels: Sequence[str] = INFLUENCE,
    index: str = "v1",
) -> Paths:
    """The score paths of ``pairs`` ``[n, 2]`` over ``base…base + horizon`` under ``changes``
    (changes before ``base + 1`` are ignored: the past is the ledger's)."""
    out = np.full((len(channels), pairs.shape[0], horizon + 1), np.nan)
    by_name = {r.channel: r for r in rec}
    for k, name in enumerate(channels):
        r = by_name.get(name)
        if r is None:
            continue
        mine = [c for c in changes if c.channel == name]
        dyads, flows = _apply(r, mine, base, CHANNELS[name].directed)
        decay = r.decay
        s = np.empty_like(flows)
        s[:, 0] = flows[:, 0]
        for t in range(1, flows.shape[1]):
            s[:, t] = decay * s[:, t - 1] + flows[:, t]
        keep = r.years >= base
        long = pl.DataFrame(
            {
                "patron": np.repeat(dyads[:, 0], keep.sum()),
                "target": np.repeat(dyads[:, 1], keep.sum()),
                "year": np.tile(r.years[keep], dyads.shape[0]),
                "stock": s[:, keep].ravel(),
            }
        ).filter(pl.col("stock") > 1e-9)
        sc = _score(long, name, index)
        want = pl.DataFrame({"patron": pairs[:, 0], "target": pairs[:, 1]}).with_row_index("_p")
        hit = want.join(sc.with_columns(pl.col("patron", "target").cast(pl.Int64)), on=["patron", "target"])
        grid = np.zeros((pairs.shape[0], horizon + 1))
        grid[hit["_p"].to_numpy(), hit["year"].to_numpy() - base] = hit["score"].to_numpy()
        out[k] = grid
    return Paths(tuple(channels), np.arange(base, base + horizon + 1), out)


def _apply(
    r: Recorded, changes: Sequence[Change], base: int, directed: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The channel's dyads and flows with ``changes`` applied after ``base`` (new dyads appended)."""
    dyads, flows = r.dyads, r.flows
    todo = []
    for c in changes:
        todo.append((c.patron, c.target, c))
        if not directed:
            todo.append((c.target, c.patron, c))
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(dyads)}
    new = [d for d in dict.fromkeys((a, b) for a, b, _ in todo) if d not in index]
    if new:
        dyads = np.vstack([dyads, np.array(new, dtype=dyads.dtype).reshape(-1, 2)])
        flows = np.vstack([flows, np.zeros((len(new), flows.shape[1]))])
        index.update({d: len(r.dyads) + i for i, d in enumerate(new)})
    else:
        flows = flows.copy()
    for a, b, c in todo:
        cols = (r.years >= max(c.start, base + 1)) & (r.years <= c.end)
        i = index[(a, b)]
        flows[i, cols] = np.clip(flows[i, cols] * c.factor + c.add, 0.0, None)
    return dyads, flows
