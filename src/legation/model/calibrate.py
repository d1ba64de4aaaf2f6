"""Calibration of the alignment dynamics from a history and a training window.

All from the training years only (nothing after ``train[1]`` is read):

1. each pair's volatility scale ``k`` (`start.scales`), so that volatile pairs (small states that
   vote irregularly) and steady ones share one set of dynamics;
2. ``rho``, ``q`` and ``r`` from the pooled **variogram** of standardized excess agreement: for a level
   with persistence ρ around the pair's mean, innovation variance q and noise variance r,
   ½·E[(x_{t+h} − x_t)²]/k² = r + q·(1 − ρ^h)/(1 − ρ²) (r + q·h/2 at ρ = 1), fitted by least
   squares over h = 1…`LAGS`;
3. the channel responses ``beta_<channel>``: weighted least squares (weights 1/k²) of the yearly change
   of excess agreement on the yearly changes of the channel scores, with an intercept;
4. uncertainty: the same estimates on `boot` resamples of the **targets** (a target's pairs with every
   patron go together), through per-target sufficient statistics;
5. the residual distribution: the standardized one-step errors of the Kalman filter under the central
   estimates, as quantiles.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.optimize import least_squares

from legation.errors import NeedsDataError
from legation.ledger.store import Ledger
from legation.model import params as P
from legation.model.inputs import History
from legation.model.start import drive_of, kalman, scales

LAGS = 10
"""Lags of the variogram the dynamics are fitted to."""


def _by_target(hist: History) -> tuple[np.ndarray, int]:
    """Each pair's target index among the distinct targets, and the number of targets."""
    targets, idx = np.unique(hist.pairs[:, 1], return_inverse=True)
    return idx, int(targets.size)


def _variogram_stats(z: np.ndarray, tgt: np.ndarray, nt: int) -> tuple[np.ndarray, np.ndarray]:
    """Per target and lag: Σ ½(z_{t+h} − z_t)² and the count, ``[nt, LAGS]`` each."""
    s = np.zeros((nt, LAGS))
    c = np.zeros((nt, LAGS))
    for h in range(1, LAGS + 1):
        d = z[:, h:] - z[:, :-h]
        ok = np.isfinite(d)
        s[:, h - 1] = np.bincount(tgt, np.where(ok, 0.5 * d * d, 0.0).sum(axis=1), nt)
        c[:, h - 1] = np.bincount(tgt, ok.sum(axis=1), nt)
    return s, c


def _fit_variogram(gamma: np.ndarray, count: np.ndarray) -> tuple[float, float, float]:
    """(rho, q, r) fitting r + q·(1 − ρ^h)/(1 − ρ²) to the variogram, weighted by counts."""
    h = np.arange(1, LAGS + 1, dtype=np.float64)
    w = np.sqrt(count / count.max())

    def model(th: np.ndarray) -> np.ndarray:
        rho, q, r = th
        growth = h / 2 if rho >= 1 - 1e-9 else (1 - rho**h) / (1 - rho**2)
        return r + q * growth

    g0 = float(gamma[0])
    fit = least_squares(
        lambda th: (model(th) - gamma) * w,
        x0=[0.95, g0 / 2, g0 / 2],
        bounds=([0.3, 0.0, 0.0], [1.0, 10 * g0 + 1e-12, 10 * g0 + 1e-12]),
    )
    rho, q, r = (float(v) for v in fit.x)
    return rho, q, r


def _regression_stats(
    hist: History, k: np.ndarray, tgt: np.ndarray, nt: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per target: XᵀWX ``[nt, 1+C, 1+C]`` and XᵀWy ``[nt, 1+C]`` of Δx on (1, Δs_c), W = 1/k²."""
    dx = np.diff(hist.excess, axis=1)
    ds = np.diff(hist.scores, axis=2)
    ds = np.where(np.isfinite(ds), ds, 0.0)
    ok = np.isfinite(dx)
    w = np.where(ok, 1.0 / (k[:, None] ** 2), 0.0)
    x = np.concatenate([np.ones((1, *dx.shape)), ds], axis=0)  # [1+C, pairs, years-1]
    y = np.where(ok, dx, 0.0)
    xtx_p = np.einsum("apy,bpy,py->pab", x, x, w)
    xty_p = np.einsum("apy,py,py->pa", x, y, w)
    xtx = np.zeros((nt, *xtx_p.shape[1:]))
    xty = np.zeros((nt, xty_p.shape[1]))
    np.add.at(xtx, tgt, xtx_p)
    np.add.at(xty, tgt, xty_p)
    return xtx, xty


def _solve(xtx: np.ndarray, xty: np.ndarray) -> np.ndarray:
    """The slopes (no intercept); a channel that never changes gets 0."""
    keep = np.diag(xtx) > 1e-12
    b = np.zeros(xty.size)
    b[keep] = np.linalg.lstsq(xtx[np.ix_(keep, keep)], xty[keep], rcond=None)[0]
    return b[1:]


def calibrate_history(
    hist: History,
    train: tuple[int, int],
    *,
    boot: int = 200,
    seed: int = 20261201,
    window: int = 15,
    shrink: float = 10.0,
    data_versions: Mapping[str, str] | None = None,
) -> P.ParameterSet:
    """Estimate the alignment dynamics on the ``train`` years of ``hist`` (see the module docstring)."""
    lo, hi = hist.col(max(train[0], int(hist.years[0]))), hist.col(train[1])
    h = hist.select(np.flatnonzero(np.isfinite(hist.excess[:, lo : hi + 1]).sum(axis=1) >= 2))
    h = History(
        h.pairs,
        h.years[lo : hi + 1],
        h.excess[:, lo : hi + 1],
        h.scores[:, :, lo : hi + 1],
        h.channels,
        h.index,
    )
    if h.pairs.shape[0] < 5 or h.years.size <= LAGS:
        raise NeedsDataError(
            f"too little excess agreement in {train[0]}–{train[1]} to calibrate: "
            f"{h.pairs.shape[0]} pairs over {h.years.size} years (need {LAGS + 1} years)"
        )
    k = scales(h.excess, shrink)
    tgt, nt = _by_target(h)
    vs, vc = _variogram_stats(h.excess / k[:, None], tgt, nt)
    xtx, xty = _regression_stats(h, k, tgt, nt)
    rng = np.random.default_rng(seed)
    weights = np.vstack([np.ones(nt), rng.multinomial(nt, np.full(nt, 1 / nt), size=boot)])
    fits = []
    for w in weights:
        cnt = w @ vc
        gamma = (w @ vs) / np.maximum(cnt, 1)
        dyn = _fit_variogram(gamma, cnt)
        betas = _solve(np.einsum("t,tab->ab", w, xtx), w @ xty)
        fits.append([*dyn, *betas])
    arr = np.asarray(fits)
    names = [*P.DYNAMICS, *(f"beta_{c}" for c in h.channels)]
    notes = {
        "rho": "persistence of the level around the pair's mean (variogram fit)",
        "q": "variance of the level's yearly innovation, typical pair (variogram fit)",
        "r": "variance of yearly noise around the level, typical pair (variogram fit)",
    }
    estimates = {
        name: P.Estimate(
            float(arr[0, i]),
            float(arr[1:, i].std(ddof=1)) if boot > 1 else 0.0,
            tuple(float(v) for v in arr[1:, i]),
            "estimated",
            notes.get(name, f"change of excess agreement per unit change of the {name[5:]} score (WLS)"),
        )
        for i, name in enumerate(names)
    }
    rho, q, r = arr[0, :3]
    betas = arr[0, 3:]
    mean = np.nanmean(h.excess, axis=1)
    _, _, errors = kalman(h.excess, mean, k, rho, q, r, drive_of(h.scores, betas))
    return P.ParameterSet(
        train=(int(h.years[0]), int(h.years[-1])),
        patrons=tuple(int(p) for p in np.unique(h.pairs[:, 0])),
        channels=h.channels,
        estimates=estimates,
        residuals=P.quantiles(errors[:, 1:][np.isfinite(errors[:, 1:])]),
        data_versions=dict(data_versions or {}),
        window=window,
        shrink=shrink,
        index=h.index,
    )


def data_versions(led: Ledger) -> dict[str, str]:
    """Version of every registered dataset, by source id (recorded in the parameter file)."""
    src = led.sources()
    return dict(zip(src["id"].to_list(), src["version"].to_list(), strict=True))
