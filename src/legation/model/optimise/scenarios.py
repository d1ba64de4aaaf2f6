"""Scenario reduction: k-means on the scenarios' gain coefficients, weights by cluster size.

The reduced set keeps the expectation exact (size-weighted centroids average to the full mean) and
approximates the tail, so only the CVaR carries a reduction error; the solver reports it by
re-scoring its allocation on every original draw.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.vq import kmeans2


def reduce(
    coef: np.ndarray, base: np.ndarray, k: int | None, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(centroids [R,J], baselines [R], weights [R])`` of ``k`` clusters of the rows of ``coef``
    (with ``base`` as one more column); the draws themselves, equally weighted, when ``k`` is None
    or not smaller than their number. Clustering runs on a seeded Gaussian projection to 32
    dimensions (Johnson–Lindenstrauss: distances kept within a few per cent, at a fraction of the
    cost of the full rows)."""
    n = coef.shape[0]
    if k is None or k >= n:
        return coef, base, np.full(n, 1.0 / n)
    full = np.column_stack([coef, base])
    rng = np.random.default_rng(seed)
    scale = full.std(axis=0)
    scale[scale == 0] = 1.0
    scores = ((full - full.mean(axis=0)) / scale) @ rng.standard_normal((full.shape[1], 32))
    _, labels = kmeans2(scores, k, minit="++", seed=rng, iter=20)
    sizes = np.bincount(labels, minlength=k).astype(float)
    keep = sizes > 0
    sums = np.zeros((k, full.shape[1]))
    np.add.at(sums, labels, full)
    cent = sums[keep] / sizes[keep, None]
    return cent[:, :-1], cent[:, -1], sizes[keep] / n


def cvar(loss: np.ndarray, level: float, weights: np.ndarray | None = None) -> float:
    """Conditional value at risk of ``loss`` at ``level``: the mean of the worst 1 − level share,
    computed exactly as the Rockafellar–Uryasev minimum (fractional tail atoms included)."""
    w = np.full(len(loss), 1.0 / len(loss)) if weights is None else weights
    order = np.argsort(-loss)
    ls, ws = loss[order], w[order]
    tail = 1.0 - level
    cum = np.cumsum(ws)
    take = np.minimum(ws, np.maximum(tail - (cum - ws), 0.0))
    return float(np.dot(take, ls) / tail)
