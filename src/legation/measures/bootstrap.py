"""A vectorised bootstrap over targets, and the statistics the validation resamples.

Resampling targets (every row of a drawn target comes along, as often as the target is drawn) keeps a
target's years and patrons together, so the intervals allow for the dependence between them. A
replicate is a vector c of draw counts per target; each statistic is reduced once to per-target sums,
so all replicates are a few matrix products (``draws × targets``), with no loop over replicates:

- a mean of per-unit values (a within-target ρ per target-year, an event's effect):
  ``(C @ S) / (C @ n)``, S and n the per-target sums and counts;
- an AUC (Mann–Whitney, ties half): K[t, u] counts the pairs (positive of target t, negative of
  target u) with the positive scored higher (ties ½), from one sort; a replicate's AUC is
  ``cᵀKc / ((c·P)(c·N))`` with P and N the positives and negatives per target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Resampler:
    """Bootstrap draws over targets: ``draws × targets`` counts, seeded, shared by every statistic of
    one validation so that their differences are paired."""

    targets: np.ndarray
    """The distinct targets, ascending."""
    counts: np.ndarray
    """``draws × len(targets)``: how often each target is drawn in each replicate."""

    @classmethod
    def over(cls, targets: np.ndarray, draws: int, seed: int = 7) -> Resampler:
        """``draws`` replicates over the distinct values of ``targets``."""
        uniq = np.unique(targets)
        rng = np.random.default_rng(seed)
        if uniq.size == 0:
            return cls(uniq, np.zeros((draws, 0)))
        return cls(
            uniq, rng.multinomial(uniq.size, np.full(uniq.size, 1 / uniq.size), size=draws).astype(float)
        )

    def index(self, targets: np.ndarray) -> np.ndarray:
        """Each row's position in `targets` (-1 for a target the resampler does not know)."""
        if self.targets.size == 0:
            return np.full(targets.size, -1)
        pos = np.clip(np.searchsorted(self.targets, targets), 0, self.targets.size - 1)
        return np.where(self.targets[pos] == targets, pos, -1)

    def per_target(self, values: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Sum of ``values`` per target (unknown targets dropped)."""
        idx = self.index(targets)
        ok = idx >= 0
        return np.bincount(idx[ok], weights=values[ok], minlength=self.targets.size)

    def mean(self, values: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """The mean of ``values`` (one per row, row target ``targets``) in each replicate."""
        num = self.counts @ self.per_target(values, targets)
        den = self.counts @ self.per_target(np.ones(values.size), targets)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)

    def auc(self, score: np.ndarray, label: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """The AUC of ``score`` for ``label`` in each replicate (NaN without positives or negatives)."""
        t = self.targets.size
        idx = self.index(targets)
        ok = idx >= 0
        score, label, idx = score[ok], label[ok].astype(bool), idx[ok]
        if score.size == 0 or t == 0:
            return np.full(self.counts.shape[0], np.nan)
        order = np.argsort(score, kind="stable")
        s, y, g = score[order], label[order], idx[order]
        group = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1
        neg = np.zeros((t, group[-1] + 1), dtype=np.float32)
        np.add.at(neg, (g[~y], group[~y]), 1.0)
        beaten = np.cumsum(neg, axis=1)  # target u's negatives at or below each score
        beaten -= 0.5 * neg  # ties count half
        pi = np.flatnonzero(y)
        pi = pi[np.argsort(g[pi], kind="stable")]
        gp = g[pi]
        pairs = np.zeros((t, t))  # [u, t]: pairs (positive of target t, negative of target u) won
        if pi.size:
            starts = np.flatnonzero(np.r_[True, gp[1:] != gp[:-1]])
            pairs[:, gp[starts]] = np.add.reduceat(beaten[:, group[pi]], starts, axis=1, dtype=np.float64)
        c = self.counts
        num = ((c @ pairs) * c).sum(axis=1)  # Σ_t c_t Σ_u c_u pairs[u, t]
        den = (c @ np.bincount(g[y], minlength=t)) * (c @ np.bincount(g[~y], minlength=t))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def ci(draws: np.ndarray) -> tuple[float, float]:
    """The 2.5% and 97.5% quantiles of the finite replicates (NaN, NaN when there are none)."""
    ok = draws[np.isfinite(draws)]
    if ok.size == 0:
        return float("nan"), float("nan")
    return float(np.quantile(ok, 0.025)), float(np.quantile(ok, 0.975))


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for ``label`` (True positive), ties counted half; NaN
    without positives or negatives."""
    y = label.astype(bool)
    npos, nneg = int(y.sum()), int((~y).sum())
    if npos == 0 or nneg == 0:
        return float("nan")
    order = np.argsort(score, kind="stable")
    s = score[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    ends = np.r_[starts[1:], s.size]
    ranks = np.empty(s.size)
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    return float((ranks[y].sum() - npos * (npos + 1) / 2) / (npos * nneg))
