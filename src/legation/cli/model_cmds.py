"""Model commands: simulate a scenario, backtest the model, calibrate a parameter set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from legation.cli.app import DbOption, command, console, err_console, stages, year_span
from legation.errors import InvalidValueError


def _table(frame: Any, title: str) -> None:
    table = Table(*frame.columns, title=title)
    for row in frame.iter_rows():
        table.add_row(*(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)


def _ints(text: str, what: str) -> list[int]:
    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"{what}: give whole numbers separated by commas, e.g. {what}=5,10"
        ) from None


@command("simulate")
def simulate_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML; see examples/scenarios).")],
    draws: Annotated[
        int | None, typer.Option(help="Draws (default: the scenario's).", show_default=False)
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write every draw (tidy) to this Parquet file.", show_default=False)
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option(
            help="Parameter set from legation calibrate (default: calibrate now).", show_default=False
        ),
    ] = None,
    sensitivity: Annotated[
        bool,
        typer.Option("--sensitivity", help="Also Sobol indices of the headline effect to each parameter."),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(help="A dask scheduler, tcp://host:port (default: run locally).", show_default=False),
    ] = None,
    workers: Annotated[int, typer.Option(help="Local processes when no scheduler is given.")] = 1,
    batches: Annotated[
        Path | None,
        typer.Option(
            help="Folder of one Parquet file per batch; a rerun resumes from it.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Simulate a scenario against its baseline and print the difference it makes to alignment
    (scenario minus baseline in the last year, with its 90 % interval)."""
    from legation.ledger.store import Ledger
    from legation.model import executor, results, simulation
    from legation.model import params as params_
    from legation.model import scenario as scenario_
    from legation.model import sensitivity as sens

    sc = scenario_.load(scenario)
    if draws is not None and draws < 1:
        raise typer.BadParameter("--draws must be at least 1")
    ps = params_.load(params) if params else None
    with Ledger(db, read_only=True) as led, stages(f"simulate {sc.name}") as progress:
        progress("calibrating" if ps is None else "reading the ledger")
        plan = simulation.plan(led, sc, ps, draws=draws)
    with stages("drawing") as progress:
        tidy = executor.run_plans(
            [plan],
            out=batches,
            scheduler=scheduler,
            workers=workers,
            progress=lambda done, total: progress(f"batch {done}/{total}"),
        )
    import polars as pl

    from legation.states.resolve import to_iso3

    summary = results.summarise(tidy)
    head = results.headline(summary)
    names = {int(c): to_iso3(int(c)) or str(c) for c in {*head["patron"], *head["target"]}}
    head = head.with_columns(
        pl.col("patron", "target").cast(pl.Int64).replace_strict(names, return_dtype=pl.String)
    )
    _table(head, f"{sc.name}: excess UN agreement in the last year, {plan.draws} draws")
    if plan.risks:
        from legation.model.risks.tables import probabilities

        risk = probabilities(summary).with_columns(
            pl.col("patron", "target").cast(pl.Int64).replace_strict(names, return_dtype=pl.String)
        )
        _table(risk, "yearly probability of each risk event in the last year")
    for note in plan.unmodelled:
        err_console.print(f"not modelled (no calibrated channel): {note}")
    if sensitivity:
        _table(sens.sobol(plan), "Sobol indices of the mean effect in the last year")
    if out is not None:
        tidy.write_parquet(out)
        console.print(f"{tidy.height} rows written to {out}")


@command("backtest")
def backtest_cmd(
    origins: Annotated[str, typer.Option(help="Origin years, comma-separated.")] = "1990,1995,2000,2005",
    horizons: Annotated[str, typer.Option(help="Horizons in years, comma-separated.")] = "5,10",
    members: Annotated[int, typer.Option(help="Ensemble members per forecast.")] = 500,
    out: Annotated[
        Path | None, typer.Option(help="Write the table to this CSV file.", show_default=False)
    ] = None,
    db: DbOption = None,
) -> None:
    """Score the model against three ensemble baselines and its own ablation without the military
    channels: CRPS, RMSE and the coverage of 50 % and 80 % intervals, per origin and horizon."""
    from legation.ledger.store import Ledger
    from legation.model import backtest, inputs

    if members < 10:
        raise typer.BadParameter("--members must be at least 10")
    design = backtest.Design(members=members)
    with Ledger(db, read_only=True) as led, stages("backtest") as progress:
        progress("reading the history")
        hist = inputs.history(led)
        progress("forecasting")
        try:
            table = backtest.backtest(
                hist, _ints(origins, "--origins"), _ints(horizons, "--horizons"), design
            )
        except InvalidValueError as e:
            raise typer.BadParameter(str(e)) from None
    _table(table, "backtest: each origin and horizon")
    _table(backtest.summary(table), "pooled over origins (skill against the best baseline)")
    if out is not None:
        table.write_csv(out)
        console.print(f"written to {out}")


@command("calibrate")
def calibrate_cmd(
    out: Annotated[Path, typer.Option(help="Parameter file to write (JSON).")],
    train: Annotated[
        str | None,
        typer.Option(
            help="Training years, e.g. 1991-2015 (default: the last 25 years of data).", show_default=False
        ),
    ] = None,
    boot: Annotated[int, typer.Option(help="Bootstrap resamples of the targets.")] = 200,
    db: DbOption = None,
) -> None:
    """Calibrate the alignment dynamics on the ledger and write the versioned parameter set."""
    from legation.ledger.store import Ledger
    from legation.model import calibrate, inputs, simulation

    if boot < 2:
        raise typer.BadParameter("--boot must be at least 2")
    with Ledger(db, read_only=True) as led, stages("calibrate") as progress:
        progress("reading the history")
        hist = inputs.history(led)
        last = hist.last_year
        span = year_span(train) if train else (last - simulation.TRAIN_YEARS + 1, last)
        progress(f"estimating on {span[0]}-{span[1]}")
        ps = calibrate.calibrate_history(
            hist, span, boot=boot, window=simulation.WINDOW, data_versions=calibrate.data_versions(led)
        )
        risks = simulation.available_risks()
        if risks:
            progress(f"calibrating {len(risks)} risk processes")
            ps = simulation.with_risks(led, ps, risks)
    ps.save(out)
    import polars as pl

    _table(pl.DataFrame(ps.summary()).drop("source"), f"parameters, {ps.train[0]}-{ps.train[1]}")
    console.print(f"written to {out}")
