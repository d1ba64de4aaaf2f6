"""The optimiser's command: allocate a plan's budget across partners and instruments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from legation.cli.app import DbOption, command, console, stages


@command("optimise")
def optimise_cmd(
    plan: Annotated[Path, typer.Argument(help="Plan file (YAML); see examples/plans/.", show_default=False)],
    frontier: Annotated[
        bool, typer.Option("--frontier", help="Also trace the efficient frontier (20 points).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the result: .json (everything), .csv or .parquet (the allocation).",
            show_default=False,
        ),
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option(
            help="A calibrated parameter set (legation calibrate --out F): the sign and uncertainty of "
            "each instrument's response come from it.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Allocate a plan's budget across partners x instruments x years: the allocation, the limits
    that bind and their shadow prices, the two baselines on fresh draws and, with --frontier, the
    efficient frontier of expected gain against CVaR."""
    from rich.table import Table

    from legation.ledger.store import Ledger
    from legation.model import params as model_params
    from legation.model.optimise import load, run

    spec = load(plan)
    calibrated = model_params.load(params) if params is not None else None
    with Ledger(db, read_only=True) as led, stages("optimise") as progress:
        progress(spec.name)
        outcome = run(spec, led, with_frontier=frontier, params=calibrated)
    sol = outcome.solution
    s = sol.summary()
    console.print(f"[bold]{spec.name}[/] ({spec.patron}, {spec.years[0]}-{spec.years[-1]})")
    console.print(f"response: {s['basis']}")
    console.print(
        f"spend US${s['spend_musd']:.1f}m · expected gain {s['expected_gain']:.4f} "
        f"(90% interval {s['gain_5']:.4f} to {s['gain_95']:.4f}) · CVaR{int(100 * spec.risk.cvar_level)} "
        f"of the loss {s['cvar_loss']:.4f}"
    )
    by_pair = outcome.to_dict()["by_pair"]
    table = Table("partner", "instrument", "US$ m", title="allocation over the horizon")
    for row in by_pair[:25]:  # type: ignore[index]
        table.add_row(row["partner"], row["instrument"], f"{row['spend_musd']:.1f}")
    console.print(table)
    if sol.binding:
        bind = Table("limit", "value", "shadow price", title="binding limits (gain per unit more)")
        for b in sol.binding[:10]:
            bind.add_row(b.constraint, f"{b.limit:.4g}", f"{b.shadow_price:.3g}")
        console.print(bind)
    comp = Table(*outcome.comparison.columns, title="against the baselines, on fresh draws")
    for r in outcome.comparison.iter_rows():
        comp.add_row(*(f"{v:.4f}" if isinstance(v, float) else str(v) for v in r))
    console.print(comp)
    if outcome.frontier is not None:
        front = Table("point", "CVaR of loss", "expected gain", title="efficient frontier")
        for point in outcome.frontier.iter_rows(named=True):
            front.add_row(str(point["point"]), f"{point['cvar_loss']:.4f}", f"{point['expected_gain']:.4f}")
        console.print(front)
    if out is not None:
        _write(outcome, out)
        console.print(f"written to {out}")


def _write(outcome: object, out: Path) -> None:
    from legation.errors import InvalidValueError
    from legation.model.optimise import Outcome

    assert isinstance(outcome, Outcome)
    suffix = out.suffix.lower()
    if suffix == ".json":
        out.write_text(json.dumps(outcome.to_dict(), indent=1, default=str), encoding="utf-8")
    elif suffix == ".csv":
        outcome.solution.allocation().write_csv(out)
    elif suffix in (".parquet", ".pq"):
        outcome.solution.allocation().write_parquet(out)
    else:
        raise InvalidValueError(f"--out {out}: give a .json, .csv or .parquet file")
