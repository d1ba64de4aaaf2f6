"""The optimiser: the shipped plans, and optimising one (or an uploaded one) on the served ledger.

``POST /api/optimise`` is expensive work, so it is guarded by the write token like uploads and
bounded: at most `MAX_DRAWS` draws (solve and fresh), `MAX_PARTNERS` candidate partners, a plan text
of at most 64 kB; the frontier (20 points) only when asked.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, model_validator

from legation.api.common import Access
from legation.api.problems import Problem
from legation.api.security import require_token

router = APIRouter(prefix="/api/optimise", tags=["optimise"])

MAX_DRAWS = 2000
MAX_PARTNERS = 200


class OptimiseIn(BaseModel):
    """A shipped plan by name, or a plan file's YAML text."""

    plan: Annotated[str | None, Field(max_length=100, description="a shipped plan's name or file stem")] = (
        None
    )
    yaml: Annotated[str | None, Field(max_length=64_000, description="a plan file's text")] = None
    frontier: bool = Field(False, description="also trace the efficient frontier (20 points)")

    @model_validator(mode="after")
    def _one(self) -> OptimiseIn:
        if (self.plan is None) == (self.yaml is None):
            raise ValueError("give exactly one of 'plan' (a shipped one's name) and 'yaml' (a file's text)")
        return self


def _shipped() -> dict[str, Any]:
    from legation.model.optimise.plan import shipped

    return shipped()


@router.get("/plans")
def plans() -> list[dict[str, Any]]:
    """The shipped plans: name, file, description, what each asks, and its YAML text."""
    return [
        {"name": p.name, "file": f, "description": p.description, "asks": asks, "yaml": text}
        for f, (p, asks, text) in _shipped().items()
    ]


@router.get("/plans/{name}")
def plan(name: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    """One shipped plan, by its name or its file's stem."""
    for f, (p, asks, text) in _shipped().items():
        if name in (p.name, f):
            return {"name": p.name, "file": f, "description": p.description, "asks": asks, "yaml": text}
    raise Problem(404, f"no shipped plan {name!r}", slug="not-found")


@router.post("", dependencies=[Depends(require_token)])
async def optimise(body: OptimiseIn, ledger: Access) -> dict[str, Any]:
    """Optimise a plan: the allocation, binding limits with shadow prices, marginal values, the
    baselines on fresh draws and (with ``frontier``) the efficient frontier."""
    from legation.model.optimise import parse

    if body.yaml is not None:
        spec = parse(body.yaml, "uploaded plan")
    else:
        found = [p for f, (p, _, _) in _shipped().items() if body.plan in (p.name, f)]
        if not found:
            raise Problem(404, f"no shipped plan {body.plan!r}", slug="not-found")
        spec = found[0]
    sc = spec.scenarios
    if max(sc.draws, sc.fresh_draws) > MAX_DRAWS:
        spec = spec.model_copy(
            update={
                "scenarios": sc.model_copy(
                    update={"draws": min(sc.draws, MAX_DRAWS), "fresh_draws": min(sc.fresh_draws, MAX_DRAWS)}
                )
            }
        )
    return await run_in_threadpool(_run, ledger, spec, body.frontier)


def _run(ledger: Access, spec: Any, frontier: bool) -> dict[str, Any]:
    from legation.model.optimise import history, run
    from legation.states.resolve import to_iso3

    _, cands = history.partners(spec)
    if len(cands) > MAX_PARTNERS:
        raise Problem(422, f"{len(cands)} partners: at most {MAX_PARTNERS} per request", slug="too-large")
    with ledger.read() as led:
        outcome = run(spec, led, with_frontier=frontier)
    doc = outcome.to_dict()
    for key in ("allocation", "by_partner", "by_pair", "marginal"):
        rows = doc[key]
        assert isinstance(rows, list)
        for row in rows:
            row["iso3"] = to_iso3(int(row["ccode"]))
    doc["binding"] = [dataclasses.asdict(b) for b in outcome.solution.binding]
    return doc
