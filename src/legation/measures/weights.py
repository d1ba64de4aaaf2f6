"""Composite weights fitted on the shift target: how well each channel's changes foretell a target
moving towards the patron at the UN more than its vote history predicts (`legation.measures.shift`).

The model is deliberately small and readable. On training windows only, for each channel c:

- m_c, the median non-zero |Δscore_c| (the channel's typical change; "material" changes reach it);
- AUC_c, the shift AUC of Δscore_c among the material windows (0.5 = no signal), with a bootstrap 95%
  interval over targets;
- the weight w_c ∝ (AUC_c − 0.5) / m_c where the interval lies above 0.5, else **0** (no signal, said
  so); weights sum to 1. A channel's contribution to the index is w_c × score_c: its typical change
  counts in proportion to the signal it carried.

The bootstrap replicates give each weight's 95% interval (the rule applied to each replicate's AUCs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from legation.measures.bootstrap import Resampler, auc, ci


@dataclass(frozen=True)
class FittedWeights:
    """Composite weights fitted on training windows, with each channel's signal and uncertainty."""

    weights: dict[str, float]
    ci: dict[str, tuple[float, float]]
    auc: dict[str, float]
    """Each channel's shift AUC on the material training windows."""
    auc_ci: dict[str, tuple[float, float]]
    scale: dict[str, float]
    """m_c: the median non-zero |Δscore| over training windows."""
    n: int
    """Training windows."""

    def signal(self, c: str) -> bool:
        """Whether channel ``c`` carried signal on the training windows (its AUC interval above 0.5)."""
        return self.weights.get(c, 0.0) > 0


def fit_shift_weights(
    fit: pl.DataFrame, channels: Sequence[str], residual: np.ndarray, *, boot: int = 200, seed: int = 3
) -> FittedWeights:
    """Weights of ``channels`` from training windows ``fit`` (columns ``target`` and
    ``score_<c>_delta``) and the vote-history residual of each window (see the module docstring)."""
    res = Resampler.over(fit["target"].to_numpy(), boot, seed)
    strength, draws, aucs, cis, scale = {}, {}, {}, {}, {}
    for c in channels:
        delta = fit[f"score_{c}_delta"].to_numpy().astype(float)
        known = np.isfinite(delta)
        nz = np.abs(delta[known & (np.abs(delta) > 1e-12)])
        m = float(np.median(nz)) if nz.size else float("inf")
        pick = known & (np.abs(delta) >= m)
        x, y, tg = delta[pick], residual[pick] > 0, fit["target"].to_numpy()[pick]
        point = auc(x, y)
        rep = res.auc(x, y, tg)
        aucs[c], cis[c], scale[c] = point, ci(rep), m
        ok = np.isfinite(point) and cis[c][0] > 0.5
        strength[c] = (point - 0.5) / m if ok else 0.0
        draws[c] = np.where(np.isfinite(rep), np.maximum(rep - 0.5, 0.0), 0.0) / m if ok else np.zeros(boot)
    total = sum(strength.values())
    weights = {c: round(s / total, 4) if total > 0 else 0.0 for c, s in strength.items()}
    reps = np.column_stack([draws[c] for c in channels]) if channels else np.zeros((boot, 0))
    sums = reps.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = np.where(sums > 0, reps / np.where(sums > 0, sums, 1.0), np.nan)
    return FittedWeights(
        weights=weights,
        ci={c: ci(reps[:, i]) if weights[c] > 0 else (0.0, 0.0) for i, c in enumerate(channels)},
        auc=aucs,
        auc_ci=cis,
        scale=scale,
        n=fit.height,
    )
