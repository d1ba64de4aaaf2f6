"""The optimiser: allocate an engagement budget across partners × instruments × years under risk limits.

    from legation.model.optimise import load, run
    with Ledger(path, read_only=True) as led:
        outcome = run("examples/plans/us_southeast_asia.yaml", led, with_frontier=True)
    outcome.solution.allocation(); outcome.comparison; outcome.frontier

`plan` reads plan files, `costs` holds the documented unit costs, `response` the concave response,
`history` turns a plan and the ledger into an `Instance`, `solve` the programme, `frontier` the
efficient frontier, `evaluate` the baselines on fresh draws. docs/optimise.md has the mathematics.
"""

from legation.model.optimise.instance import Choice, Instance
from legation.model.optimise.plan import Plan, PlanError, load, parse
from legation.model.optimise.response import Response
from legation.model.optimise.run import Outcome, run
from legation.model.optimise.solve import Binding, InfeasiblePlan, Solution, optimise

__all__ = [
    "Binding",
    "Choice",
    "InfeasiblePlan",
    "Instance",
    "Outcome",
    "Plan",
    "PlanError",
    "Response",
    "Solution",
    "load",
    "optimise",
    "parse",
    "run",
]
