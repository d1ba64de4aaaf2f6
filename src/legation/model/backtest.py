"""The backtest: rolling-origin forecasts of excess agreement, scored against strong baselines.

At each origin o and horizon h, every pair observed at o, o − 3 and o + h is forecast from what was
known at o, as an ensemble of `members` values, by

- ``model``: the kernel, calibrated on the ``train_years`` up to o, driven by the channel scores
  observed over o+1…o+h (known inputs: the question is what alignment does given the engagements);
- ``no_military``: the same model calibrated and run without the channels (the ablation);
- ``persistence``: x_o plus a resampled h-year change of any pair in the ``window`` years up to o;
- ``history``: a resampled value of the pair's own in the ``window`` years up to o;
- ``vote_history``: OLS of the h-year change on x_t, the mean of x over t−4…t and x_t − x_{t−3},
  fitted on every t with t + h ≤ o, plus resampled residuals;

and scored by CRPS (`scoringrules.crps_ensemble`), the RMSE of the ensemble mean, and the share of
observations inside the central 50 % and 80 % intervals. Skill is 1 − CRPS / CRPS(best baseline).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from legation.errors import InvalidValueError
from legation.model import kernel
from legation.model.calibrate import calibrate_history
from legation.model.inputs import History
from legation.model.start import start

ORIGINS = (1990, 1995, 2000, 2005)
HORIZONS = (5, 10)
BASELINES = ("persistence", "history", "vote_history")
METHODS = ("model", "no_military", *BASELINES)


@dataclass(frozen=True)
class Design:
    """The choices of the backtest (to be chosen on origins ≤ 2000 only)."""

    train_years: int = 25
    """Calibrate on this many years up to the origin."""
    window: int = 20
    """Years of a pair's past its mean, volatility and filtered level are read from."""
    baseline_window: int = 20
    """Years of past changes and values the persistence and history ensembles resample."""
    members: int = 500
    boot: int = 100
    seed: int = 1990


def _scores(name: str, ens: np.ndarray, obs: np.ndarray) -> dict[str, float]:
    import scoringrules as sr

    lo80, lo50, hi50, hi80 = np.quantile(ens, [0.1, 0.25, 0.75, 0.9], axis=1)
    return {
        "method": name,  # type: ignore[dict-item]
        "crps": float(np.mean(sr.crps_ensemble(obs, ens))),
        "rmse": float(np.sqrt(np.mean((ens.mean(axis=1) - obs) ** 2))),
        "cover50": float(np.mean((obs >= lo50) & (obs <= hi50))),
        "cover80": float(np.mean((obs >= lo80) & (obs <= hi80))),
        "n": float(obs.size),
    }


def _vote_history(
    hist: History, rows: np.ndarray, o: int, h: int, m: int, rng: np.random.Generator
) -> np.ndarray:
    x = hist.excess

    def feats(t: int) -> np.ndarray:
        c = hist.col(t)
        xt = x[:, c]
        with warnings.catch_warnings():  # a pair unobserved in all five years: NaN, dropped below
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(x[:, c - 4 : c + 1], axis=1)
        return np.column_stack([np.ones_like(xt), xt, mean, xt - x[:, c - 3]])

    fs, ds = [], []
    for t in range(int(hist.years[0]) + 4, o - h + 1):
        f, d = feats(t), x[:, hist.col(t + h)] - x[:, hist.col(t)]
        ok = np.isfinite(f).all(axis=1) & np.isfinite(d)
        fs.append(f[ok])
        ds.append(d[ok])
    f_all, d_all = np.concatenate(fs), np.concatenate(ds)
    b = np.linalg.lstsq(f_all, d_all, rcond=None)[0]
    res = d_all - f_all @ b
    mean = x[rows, hist.col(o)] + feats(o)[rows] @ b
    return mean[:, None] + rng.choice(res, (rows.size, m))


def _persistence(
    hist: History, rows: np.ndarray, o: int, h: int, w: int, m: int, rng: np.random.Generator
) -> np.ndarray:
    c = hist.col(o)
    x = hist.excess
    ch = (x[:, max(h, c - w + 1) : c + 1] - x[:, max(0, c - w + 1 - h) : c + 1 - h]).ravel()
    ch = ch[np.isfinite(ch)]
    return x[rows, c][:, None] + rng.choice(ch, (rows.size, m))


def _history(hist: History, rows: np.ndarray, o: int, w: int, m: int, rng: np.random.Generator) -> np.ndarray:
    c = hist.col(o)
    past = hist.excess[rows, max(0, c - w + 1) : c + 1]
    out = np.empty((rows.size, m))
    for i, v in enumerate(past):
        v = v[np.isfinite(v)]
        out[i] = rng.choice(v, m)
    return out


def _model(hist: History, rows: np.ndarray, o: int, h: int, design: Design) -> np.ndarray:
    params = calibrate_history(
        hist, (o - design.train_years + 1, o), boot=design.boot, seed=design.seed, window=design.window
    )
    rho, q, r = (params[k].value for k in ("rho", "q", "r"))
    betas = np.array([params[f"beta_{c}"].value for c in params.channels])
    st = start(hist, o, rho, q, r, betas, window=design.window, shrink=params.shrink)
    pos = np.searchsorted(st.rows, rows)
    c = hist.col(o)
    scores = hist.scores[:, st.rows, c : c + h + 1]
    d = np.diff(scores, axis=2)
    d = np.where(np.isfinite(d), d, 0.0)
    sims = kernel.run(st, d, params, design.members, design.seed + o * 100 + h)
    return sims[:, pos, h - 1].T.astype(np.float64)


def backtest(
    hist: History,
    origins: Sequence[int] = ORIGINS,
    horizons: Sequence[int] = HORIZONS,
    design: Design | None = None,
) -> pl.DataFrame:
    """``origin, horizon, method, crps, rmse, cover50, cover80, n``: every method scored on the same
    pairs at each origin and horizon."""
    d = design or Design()
    bare = History(hist.pairs, hist.years, hist.excess, hist.scores[:0], (), hist.index)
    rows_out = []
    for o in origins:
        for h in horizons:
            if o + h > hist.years[-1] or o - 4 < hist.years[0]:
                raise InvalidValueError(f"origin {o} with horizon {h} is outside the data's years")
            x = hist.excess
            ok = (
                np.isfinite(x[:, hist.col(o)])
                & np.isfinite(x[:, hist.col(o - 3)])
                & np.isfinite(x[:, hist.col(o + h)])
            )
            rows = np.flatnonzero(ok)
            obs = x[rows, hist.col(o + h)]
            rng = np.random.default_rng([d.seed, o, h])
            ens = {
                "model": _model(hist, rows, o, h, d),
                "no_military": _model(bare, rows, o, h, d),
                "persistence": _persistence(hist, rows, o, h, d.baseline_window, d.members, rng),
                "history": _history(hist, rows, o, d.baseline_window, d.members, rng),
                "vote_history": _vote_history(hist, rows, o, h, d.members, rng),
            }
            for name, e in ens.items():
                rows_out.append({"origin": o, "horizon": h, **_scores(name, e, obs)})
    return pl.DataFrame(rows_out).with_columns(pl.col("n").cast(pl.Int64))


def summary(table: pl.DataFrame) -> pl.DataFrame:
    """Per method and horizon, pooled over origins: mean CRPS, RMSE, coverage range, and skill against
    the best of the three baselines at that horizon."""
    pooled = table.group_by("method", "horizon").agg(
        pl.col("crps").mean(),
        pl.col("rmse").mean(),
        pl.col("cover50").mean(),
        pl.col("cover80").mean(),
        pl.col("cover80").min().alias("cover80_min"),
        pl.col("cover80").max().alias("cover80_max"),
    )
    best = (
        pooled.filter(pl.col("method").is_in(BASELINES))
        .group_by("horizon")
        .agg(pl.col("crps").min().alias("best_baseline"))
    )
    return (
        pooled.join(best, on="horizon")
        .with_columns((1 - pl.col("crps") / pl.col("best_baseline")).alias("skill"))
        .sort("horizon", "crps")
    )
