"""Child of ``optimise_bench.py``: ``python -m children.optimise RESULT.json KIND PARTNERS DRAWS``.

Every kind solves the same synthetic problem: PARTNERS × 14 instruments × 3 years, DRAWS scenario
draws of a lognormal response (instrument and partner factors), a total and a yearly budget, and
the expected gain maximised under a binding CVaR95 limit (1 % tighter than the risk-blind optimum's
CVaR, found before the clock starts).

Kinds: ``ours`` (legation's programme: tangent cuts, CVaR cuts on every draw, HiGHS), ``naive``
(the textbook cvxpy model: one concave gain per scenario, ``cp.cvar`` over every draw, Clarabel;
one year, as in the field notes' measurement) and ``frontier`` (20 points of the efficient frontier).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from harness import Clock, child_main


def _instance(partners: int, draws: int, years: int = 3) -> Any:
    import numpy as np

    from legation.instruments import NAMES
    from legation.model.optimise import Instance, Response

    rng = np.random.default_rng(0)
    resp = Response(
        mean=rng.uniform(0.001, 0.01, (partners, 14)),
        scale=rng.uniform(1, 20, (partners, 14)),
        sigma_instrument=rng.uniform(0.2, 0.8, 14),
        sigma_partner=rng.uniform(0.2, 1.0, partners),
        basis="synthetic",
    )
    return Instance(
        partners=tuple(range(partners)),
        instruments=NAMES,
        years=tuple(range(2025, 2025 + years)),
        response=resp,
        budget_total=1000.0 * years,
        budget_year=np.full(years, 1000.0),
        draws=draws,
    )


def _limit(inst: Any) -> float:
    from legation.model.optimise import optimise

    free = optimise(inst)
    return float(free.cvar - 0.01 * abs(free.cvar))


def ours(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.model.optimise import optimise

    inst = _instance(int(args[0]), int(args[1]))
    limit = _limit(inst)
    clock.start()
    sol = optimise(dataclasses.replace(inst, cvar_max=limit))
    clock.stop()
    return {
        "expected_gain": sol.expected_gain,
        "cvar": sol.cvar,
        "limit": limit,
        "cuts": sol.size["cuts"],
        "concave_error": sol.concave_error,
        "solve_s": sol.seconds["solve"],
    }


def ours1(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    """`ours` on one year, the naive model's problem exactly."""
    from legation.model.optimise import optimise

    inst = _instance(int(args[0]), int(args[1]), years=1)
    limit = _limit(inst)
    clock.start()
    sol = optimise(dataclasses.replace(inst, cvar_max=limit))
    clock.stop()
    return {"expected_gain": sol.expected_gain, "cvar": sol.cvar, "limit": limit, "cuts": sol.size["cuts"]}


def naive(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import cvxpy as cp
    import numpy as np

    from legation.model.optimise.scenarios import cvar
    from legation.model.optimise.solve import CLARABEL_OPTIONS

    inst = _instance(int(args[0]), int(args[1]), years=1)
    limit = _limit(inst)
    clock.start()
    rng = np.random.default_rng(np.random.SeedSequence([inst.seed, 0]))
    a = inst.response.sample(inst.draws, rng).reshape(inst.draws, -1)
    k = inst.response.scale.ravel()
    x = cp.Variable(a.shape[1], nonneg=True)
    gain = a @ cp.log1p(cp.multiply(x, 1.0 / k))
    prob = cp.Problem(
        cp.Maximize(cp.sum(gain) / inst.draws), [cp.sum(x) <= 1000.0, cp.cvar(-gain, 0.95) <= limit]
    )
    for opts in CLARABEL_OPTIONS:  # the same settings, and the same second try, as ours
        try:
            prob.solve(solver=cp.CLARABEL, **opts)
            break
        except cp.error.SolverError:
            continue
    clock.stop()
    if x.value is None:  # the time it took to fail is the measurement
        nan = float("nan")
        return {"expected_gain": nan, "cvar": nan, "limit": limit, "status": "solver failed"}
    g = a @ np.log1p(np.clip(x.value, 0, None) / k)
    return {"expected_gain": float(g.mean()), "cvar": cvar(-g, 0.95), "limit": limit, "status": prob.status}


def frontier(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.model.optimise.frontier import frontier as trace

    inst = _instance(int(args[0]), int(args[1]))
    clock.start()
    table = trace(inst, 20)
    clock.stop()
    return {
        "points": table.height,
        "gain_lo": table["expected_gain"][0],
        "gain_hi": table["expected_gain"][-1],
    }


if __name__ == "__main__":
    child_main({"ours": ours, "ours1": ours1, "naive": naive, "frontier": frontier})
