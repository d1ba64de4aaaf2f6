"""One call from a plan to every output: the allocation, its shadow prices and marginal values,
the baselines on fresh draws and (on request) the frontier. The faces (CLI, API) use this."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from legation.ledger.store import Ledger
from legation.model.optimise import history
from legation.model.optimise.evaluate import compare
from legation.model.optimise.frontier import frontier as efficient_frontier
from legation.model.optimise.plan import Plan, load
from legation.model.optimise.response import Response
from legation.model.optimise.solve import Solution, optimise
from legation.model.params import ParameterSet


@dataclass
class Outcome:
    """Everything one plan's optimisation answers."""

    plan: Plan
    solution: Solution
    comparison: pl.DataFrame
    frontier: pl.DataFrame | None
    seconds: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: summary, allocation, marginal values, baselines, frontier."""
        sol = self.solution
        by_pair = sol.allocation().group_by("partner", "ccode", "instrument").agg(pl.col("spend_musd").sum())
        return {
            "plan": self.plan.name,
            "patron": self.plan.patron,
            "years": list(self.plan.years),
            "summary": sol.summary(),
            "allocation": sol.allocation().to_dicts(),
            "by_partner": by_pair.group_by("partner", "ccode")
            .agg(pl.col("spend_musd").sum())
            .sort("spend_musd", descending=True)
            .to_dicts(),
            "by_pair": by_pair.sort("spend_musd", descending=True).to_dicts(),
            "marginal": sol.marginal_values().head(50).to_dicts(),
            "comparison": self.comparison.to_dicts(),
            "frontier": self.frontier.to_dicts() if self.frontier is not None else None,
            "seconds": self.seconds,
        }


def run(
    plan: Plan | str | Path,
    led: Ledger,
    *,
    with_frontier: bool = False,
    points: int = 20,
    response: Response | None = None,
    params: ParameterSet | None = None,
) -> Outcome:
    """Optimise ``plan`` (a `Plan` or a plan file) on the ledger ``led`` (with a calibrated parameter
    set ``params``, or a whole ``response``, when given)."""
    t0 = time.perf_counter()
    p = plan if isinstance(plan, Plan) else load(plan)
    inst = history.instance(p, led, response, params)
    sol = optimise(inst)
    table = compare(sol, history.status_quo(inst, p, led), fresh=p.scenarios.fresh_draws)
    front = efficient_frontier(inst, points) if with_frontier else None
    return Outcome(p, sol, table, front, time.perf_counter() - t0)
