"""The start state of a simulation: each pair's level, its uncertainty, its recent mean and volatility.

Observed excess agreement is a level plus yearly noise (which roll calls came up, who was absent).
At the origin year each pair's level is estimated by a Kalman filter over the ``window`` years up to
it, under the calibrated dynamics (`legation.model.kernel`); its recent mean (the level the pair
reverts to) and its volatility scale ``k`` (the root mean square of its yearly changes against the
pooled one, shrunk towards 1 by ``shrink`` pseudo-years) come from the same window. Nothing after
the origin is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from legation.errors import NeedsDataError
from legation.model.inputs import History


@dataclass(frozen=True)
class Start:
    """Where each simulated pair stands at the origin."""

    pairs: np.ndarray
    """``[n, 2]`` patron, target."""
    origin: int
    level: np.ndarray
    """``[n]`` the filtered level at the origin."""
    level_sd: np.ndarray
    """``[n]`` its standard deviation."""
    mean: np.ndarray
    """``[n]`` the pair's mean over the window: what the level reverts to."""
    scale: np.ndarray
    """``[n]`` the pair's volatility relative to the pooled one."""
    last: np.ndarray
    """``[n]`` the last observed value at or before the origin."""
    rows: np.ndarray
    """``[n]`` the pairs' rows in the history they came from."""


def scales(x: np.ndarray, shrink: float) -> np.ndarray:
    """Volatility scale of each row of ``x`` ``[pairs, years]``: sqrt((n·v + s·v̄) / (n + s) / v̄),
    v the row's mean squared yearly change over its n observed changes, v̄ the pooled one."""
    d = np.diff(x, axis=1)
    ok = np.isfinite(d)
    n = ok.sum(axis=1)
    ss = np.where(ok, d, 0.0) ** 2
    pooled = ss.sum() / max(int(n.sum()), 1)
    if pooled <= 0:
        return np.ones(x.shape[0])
    v = (ss.sum(axis=1) + shrink * pooled) / (n + shrink)
    return np.sqrt(v / pooled)


def kalman(
    x: np.ndarray, mean: np.ndarray, scale: np.ndarray, rho: float, q: float, r: float, drive: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Filter ``x`` ``[pairs, years]`` (NaN: unobserved) under level_{t} = mean + rho·(level_{t-1} −
        mean) + drive_t + k·√q·ε, x_t = level_t + k·√r·η, starting from the stationary distribution
    around ``mean`` (a diffuse one at rho = 1). Returns the last filtered mean and variance of
        the level, and the standardized one-step errors ``[pairs, years]`` (NaN where unobserved)."""
    k2 = scale**2
    m = mean.copy()
    p = k2 * q / (1 - rho**2) if rho < 1 - 1e-6 else np.ones_like(k2)  # stationary, or diffuse
    errors = np.full(x.shape, np.nan)
    for t in range(x.shape[1]):
        if t:
            m = mean + rho * (m - mean) + drive[:, t]
            p = rho**2 * p + k2 * q
        obs = x[:, t]
        seen = np.isfinite(obs)
        f = p + k2 * r
        v = np.where(seen, obs - m, 0.0)
        errors[seen, t] = v[seen] / np.sqrt(f[seen])
        gain = np.where(seen, p / f, 0.0)
        m = m + gain * v
        p = (1 - gain) * p
    return m, p, errors


def start(
    hist: History,
    origin: int,
    rho: float,
    q: float,
    r: float,
    betas: np.ndarray,
    *,
    window: int = 15,
    shrink: float = 10.0,
) -> Start:
    """The start state at ``origin`` of every pair observed in the ``window`` years up to it."""
    hi = hist.col(origin) + 1
    lo = max(0, hi - window)
    x = hist.excess[:, lo:hi]
    seen = np.isfinite(x).any(axis=1)
    if not seen.any():
        raise NeedsDataError(f"no excess agreement observed in the {window} years up to {origin}")
    rows = np.flatnonzero(seen)
    x = x[rows]
    mean = np.nanmean(x, axis=1)
    k = scales(x, shrink)
    drive = drive_of(hist.scores[:, rows, lo:hi], betas)
    level, var, _ = kalman(x, mean, k, rho, q, r, drive)
    last_seen = np.where(np.isfinite(x), np.arange(x.shape[1]), -1).max(axis=1)
    last = x[np.arange(x.shape[0]), last_seen]
    return Start(hist.pairs[rows], origin, level, np.sqrt(var), mean, k, last, rows)


def drive_of(scores: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """Σ_c beta_c · Δscore_c per pair and year ``[pairs, years]`` (0 in the first year and where a
    channel's score is unknown in either year)."""
    d = np.diff(scores, axis=2, prepend=scores[:, :, :1])
    d = np.where(np.isfinite(d), d, 0.0)
    return np.einsum("c,cpy->py", np.asarray(betas, dtype=np.float64), d)
