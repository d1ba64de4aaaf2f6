"""The efficient frontier: the most expected gain at each level of CVaR, from the safest allocation
the limits allow to the one that ignores risk.

One `Programme` is built and solved again for each limit. With the default cut method the CVaR
cuts found at one point stay valid at every other (each says "this tail of the draws must average
below the limit"), so later points start from the cuts of earlier ones and need few new solves.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from legation.errors import InvalidValueError
from legation.model.optimise import scenarios
from legation.model.optimise.instance import Instance
from legation.model.optimise.response import gains
from legation.model.optimise.solve import CUT_TOL, Concave, CvarMethod, Programme, solution_of

POINTS = 20


def frontier(
    inst: Instance, points: int = POINTS, *, concave: Concave = "auto", cvar_method: CvarMethod = "cuts"
) -> pl.DataFrame:
    """``point, cvar_limit, expected_gain, cvar_loss, spend_musd`` from the least-risk allocation
    (point 0) to the gain-maximising one (the last), the CVaR exact on every draw of the solve."""
    if points < 2:
        raise InvalidValueError("a frontier needs at least 2 points")
    prog = Programme(inst, concave=concave, cvar_method=cvar_method)
    free = solution_of(prog, prog.maximise(None), None)
    hi = free.cvar_model
    lo_status = prog.minimise_cvar()
    if lo_status not in ("optimal", "optimal_inaccurate"):
        raise InvalidValueError(f"the least-risk allocation could not be found ({lo_status})")
    lo = prog.model_cvar()[0]
    rows = []
    lo += CUT_TOL * abs(lo)  # the least CVaR itself is reached only within the cut loop's tolerance
    backup: Programme | None = None
    for k, limit in enumerate(np.linspace(lo, max(hi, lo), points)):
        used = prog
        try:
            status = prog.maximise(float(limit))
        except InvalidValueError:  # the cone solver gave up: this point with the linear form
            if backup is None:
                backup = Programme(inst, prog.d, concave="pwl", cvar_method=cvar_method)
                backup.cuts = list(prog.cuts)
            used, status = backup, backup.maximise(float(limit))
        if status not in ("optimal", "optimal_inaccurate"):
            continue
        spend = used.spend()
        stock = np.einsum("pit,it->pi", spend, inst.weights())
        g = gains(prog.d.a, stock, inst.response.scale, inst.arr("priority", 1.0)) + prog.d.base
        rows.append(
            {
                "point": k,
                "cvar_limit": float(limit),
                "expected_gain": float(g.mean()),
                "cvar_loss": scenarios.cvar(-g, inst.cvar_level),
                "spend_musd": float(spend.sum()),
            }
        )
    return pl.DataFrame(rows)
