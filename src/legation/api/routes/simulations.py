"""Scenario simulations: the shipped scenarios, and running one (or an uploaded one) against its baseline.

``POST /api/simulations`` is expensive work, so it is guarded by the write token like uploads and
bounded: at most `MAX_DRAWS` draws, `MAX_PAIRS` patron → target pairs, a 30-year horizon, and a
scenario file of at most `legation.model.scenario.MAX_BYTES`. The history of the ledger and the
calibrated parameter set are computed once per generation of the ledger file and base year.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, model_validator

from legation.api.common import Access, records
from legation.api.problems import Problem
from legation.api.security import require_token

router = APIRouter(prefix="/api/simulations", tags=["simulations"])

MAX_DRAWS = 2000
MAX_PAIRS = 60


class SimulationIn(BaseModel):
    """A shipped scenario by name, or a scenario file's YAML text."""

    scenario: Annotated[str | None, Field(max_length=100, description="a shipped scenario's name")] = None
    yaml: Annotated[str | None, Field(max_length=256_000, description="a scenario file's text")] = None
    draws: Annotated[int, Field(ge=10, le=MAX_DRAWS, description=f"draws, at most {MAX_DRAWS}")] = 500

    @model_validator(mode="after")
    def _one(self) -> SimulationIn:
        if (self.scenario is None) == (self.yaml is None):
            raise ValueError(
                "give exactly one of 'scenario' (a shipped one's name) and 'yaml' (a file's text)"
            )
        return self


class SimulationOut(BaseModel):
    name: str
    base_year: int
    years: list[int]
    draws: int
    pairs: list[dict[str, Any]] = Field(description="patron, target and their ISO3 codes")
    headline: list[dict[str, Any]] = Field(description="the effect in the last year, with its 90 % interval")
    bands: list[dict[str, Any]] = Field(description="mean and quantiles per arm, pair and year (fan charts)")
    influence: list[dict[str, Any]] = Field(description="channel scores per arm, pair and year (inputs)")
    parameters: list[dict[str, Any]] = Field(description="the parameter set used, with 90 % intervals")
    train: list[int]
    risks: list[dict[str, Any]] = Field(
        description="yearly probability of each risk's event per arm (baseline, scenario, difference), pair"
    )
    notes: list[str]


def _shipped() -> dict[str, Any]:
    from legation.model.scenario import shipped

    return shipped()


@router.get("/scenarios")
def scenarios() -> list[dict[str, Any]]:
    """The shipped scenarios: name, file, description, what each asks, and its YAML text."""
    return [
        {"name": s.name, "file": f, "description": s.description, "asks": asks, "yaml": text}
        for f, (s, asks, text) in _shipped().items()
    ]


@router.get("/scenarios/{name}")
def scenario(name: Annotated[str, Path(max_length=100)]) -> dict[str, Any]:
    """One shipped scenario, by its name or its file's stem."""
    for f, (s, asks, text) in _shipped().items():
        if name in (s.name, f):
            return {"name": s.name, "file": f, "description": s.description, "asks": asks, "yaml": text}
    raise Problem(404, f"no shipped scenario {name!r}", slug="not-found")


@router.post("", response_model=SimulationOut, dependencies=[Depends(require_token)])
async def simulate(body: SimulationIn, ledger: Access) -> SimulationOut:
    """Simulate a scenario and its baseline with the same seed; answer the effect (scenario − baseline)
    with its interval, fan-chart bands, the input paths and the parameter set used."""
    from legation.model import scenario as scenario_

    if body.yaml is not None:
        sc = scenario_.parse(body.yaml, "uploaded scenario")
    else:
        found = [s for f, (s, _, _) in _shipped().items() if body.scenario in (s.name, f)]
        if not found:
            raise Problem(404, f"no shipped scenario {body.scenario!r}", slug="not-found")
        sc = found[0]
    return await run_in_threadpool(_run, ledger, sc, body.draws)


def _run(ledger: Access, sc: Any, draws: int) -> SimulationOut:
    import polars as pl

    from legation.model import calibrate, inputs, results, simulation
    from legation.states.resolve import to_iso3

    hist = ledger.cached("model_history", inputs.history)
    base = sc.base_year or hist.last_year

    def calibrated(led: Any) -> Any:
        ps = calibrate.calibrate_history(
            hist,
            (base - simulation.TRAIN_YEARS + 1, base),
            boot=100,
            window=simulation.WINDOW,
            data_versions=calibrate.data_versions(led),
        )
        return simulation.with_risks(led, ps, simulation.available_risks())

    params = ledger.cached(("model_params", base), calibrated)
    with ledger.read() as led:
        plan = simulation.plan(led, sc, params, hist=hist, draws=min(draws, MAX_DRAWS))
    if plan.start.pairs.shape[0] > MAX_PAIRS:
        raise Problem(
            422, f"{plan.start.pairs.shape[0]} pairs: at most {MAX_PAIRS} per simulation", slug="too-large"
        )
    summary = results.summarise(simulation.run_blocks(plan))
    align = summary.filter(pl.col("metric") == "alignment")
    risk_rows = (
        summary.filter(pl.col("metric").str.starts_with("risk:"))
        .select(
            pl.col("metric").str.strip_prefix("risk:").alias("risk"),
            "arm",
            "patron",
            "target",
            "year",
            pl.col("mean").alias("probability"),
        )
        .sort("risk", "patron", "target", "year", "arm")
    )
    pairs = [
        {"patron": int(a), "target": int(b), "patron_iso3": to_iso3(int(a)), "target_iso3": to_iso3(int(b))}
        for a, b in plan.start.pairs
    ]
    infl = simulation.influence_paths(plan)
    notes = [f"not modelled (no calibrated channel): {u}" for u in plan.unmodelled]
    if not plan.risks:
        notes.append("no risk process is calibrated yet: no risk probability is reported")
    return SimulationOut(
        name=sc.name,
        base_year=int(plan.years[0] - 1),
        years=[int(y) for y in plan.years],
        draws=plan.draws,
        pairs=pairs,
        headline=records(results.headline(summary)),
        bands=records(align.drop("metric")),
        influence=records(infl.filter(pl.col("score").is_not_nan())),
        parameters=records(pl.DataFrame(plan.params.summary())),
        train=list(plan.params.train),
        risks=records(risk_rows),
        notes=notes,
    )
