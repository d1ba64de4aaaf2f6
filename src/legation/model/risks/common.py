"""What the risk processes share: bootstrap weights over clusters, estimates from draws, and the
patron's engagement score read from the model's history."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from legation.errors import InvalidValueError
from legation.model.inputs import History
from legation.model.params import Estimate

ENGAGEMENT = ("alliance", "arms")
"""The channels whose influence scores count as a patron's engagement with a state."""


def cluster_weights(clusters: pl.DataFrame, boot: int, seed: int) -> np.ndarray:
    """``[boot, rows]`` bootstrap weights: each resample draws the distinct rows of ``clusters`` (a
    pair, a state, a year) with replacement, and every row of a drawn cluster counts once per draw."""
    ids = clusters.select(pl.struct(clusters.columns).rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    n = int(ids.max()) + 1 if ids.size else 0
    rng = np.random.default_rng(seed)
    counts = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(boot)])
    return counts[:, ids].astype(np.float64)


def boot_draws(
    names: Sequence[str], central: np.ndarray, draws: np.ndarray, note: str
) -> dict[str, Estimate]:
    """Estimates of ``names`` from their central values and joint draws ``[boot, names]``."""
    return {
        n: Estimate(
            float(central[i]),
            float(np.std(draws[:, i], ddof=1)),
            tuple(map(float, draws[:, i])),
            "estimated",
            note,
        )
        for i, n in enumerate(names)
    }


def engagement(hist: History, years: tuple[int, int]) -> pl.DataFrame:
    """``patron, target, year, s``: the pair's summed `ENGAGEMENT` influence scores (a channel outside
    its coverage counts 0) in ``years``."""
    idx = [i for i, c in enumerate(hist.channels) if c in ENGAGEMENT]
    lo, hi = max(years[0], int(hist.years[0])), min(years[1], int(hist.years[-1]))
    cols = np.arange(lo - int(hist.years[0]), hi - int(hist.years[0]) + 1)
    s = np.nansum(hist.scores[idx][:, :, cols], axis=0) if idx else np.zeros((hist.pairs.shape[0], cols.size))
    n, h = s.shape
    return pl.DataFrame(
        {
            "patron": np.repeat(hist.pairs[:, 0], h).astype(np.int32),
            "target": np.repeat(hist.pairs[:, 1], h).astype(np.int32),
            "year": np.tile(np.arange(lo, hi + 1), n).astype(np.int32),
            "s": s.ravel(),
        }
    )


def need_bound(risk: object, *arrays: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """The arrays `bind` set, or an error saying the risk was not bound to a plan's pairs."""
    if any(a is None for a in arrays):
        raise InvalidValueError(
            f"risk {getattr(risk, 'name', risk)!r} needs the plan's pairs: use it through "
            "`simulation.plan`, which binds it"
        )
    return tuple(a for a in arrays if a is not None)
