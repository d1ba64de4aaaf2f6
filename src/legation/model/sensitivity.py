"""Which assumptions drive a result: Sobol indices of a scenario's headline outcome (SALib).

The outcome is the scenario's mean effect on alignment in its last year, averaged over its pairs
(scenario − baseline under common random numbers: `legation.model.simulation`). Each parameter of
the kernel (ρ, q, r, β per channel) varies uniformly over its 90 % bootstrap interval (a fixed
parameter, an override, does not vary); Saltelli's design evaluates the outcome at N·(2D + 2) points,
each with `DRAWS` draws, and `SALib.analyze.sobol` returns first-order (S1) and total (ST) indices
with 95 % intervals. A parameter with ST near 0 does not matter for this question; the noise
variances q and r move the two arms together, so they matter only through the level, not the effect.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from legation.errors import InvalidValueError
from legation.model import kernel
from legation.model.simulation import Plan

DRAWS = 4
"""Draws per design point (the effect has no noise of its own under common random numbers)."""


def _outcome(p: Plan, rows: np.ndarray) -> np.ndarray:
    """Mean effect in the last year at each parameter row ``[m, n_params]``."""
    out = []
    for first in range(0, rows.shape[0], kernel.BLOCK // DRAWS):
        chunk = np.repeat(rows[first : first + kernel.BLOCK // DRAWS], DRAWS, axis=0)
        n = chunk.shape[0]
        arms = [
            kernel.simulate_block(p.start, p.deltas[a], p.params, 0, n, p.seed, shift=p.shifts[a], rows=chunk)
            for a in ("baseline", "scenario")
        ]
        effect = (arms[1].alignment[:, :, -1] - arms[0].alignment[:, :, -1]).mean(axis=1)
        out.append(effect.reshape(-1, DRAWS).mean(axis=1))
    return np.concatenate(out)


def sobol(p: Plan, n: int = 256, seed: int = 0) -> pl.DataFrame:
    """``parameter, lo, hi, S1, S1_conf, ST, ST_conf`` for every parameter that varies."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    names = p.params.names()
    bounds = [p.params[k].interval(0.9) for k in names]
    vary = [i for i, (lo, hi) in enumerate(bounds) if hi > lo]
    if not vary:
        raise InvalidValueError("no parameter varies (all fixed): nothing to attribute")
    chosen, ranges = [names[i] for i in vary], [bounds[i] for i in vary]
    problem = {"num_vars": len(vary), "names": chosen, "bounds": ranges}
    with warnings.catch_warnings():  # SALib warns when n is not a power of two; n is checked below
        warnings.simplefilter("ignore")
        design = sample.sample(problem, n, calc_second_order=False, seed=seed)
    rows = np.tile(np.array([p.params[k].value for k in names]), (design.shape[0], 1))
    rows[:, vary] = design
    y = _outcome(p, rows)
    if np.ptp(y) == 0:
        s1 = st = np.zeros(len(vary))
        c1 = ct = np.zeros(len(vary))
    else:
        res = analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        s1, c1, st, ct = res["S1"], res["S1_conf"], res["ST"], res["ST_conf"]
    return pl.DataFrame(
        {
            "parameter": chosen,
            "lo": [b[0] for b in ranges],
            "hi": [b[1] for b in ranges],
            "S1": np.asarray(s1, dtype=np.float64),
            "S1_conf": np.asarray(c1, dtype=np.float64),
            "ST": np.asarray(st, dtype=np.float64),
            "ST_conf": np.asarray(ct, dtype=np.float64),
        }
    ).sort("ST", descending=True)
