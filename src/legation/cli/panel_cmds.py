"""`legation panel build`: dyad-year or state-year frames with the channels asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from legation.cli.app import DbOption, app, command, console, err_console, year_span
from legation.ledger.store import Ledger
from legation.panel import VERBS, PanelError, dyad_years, state_years
from legation.panel.verbs import verbs_named

panel_app = typer.Typer(help="Dyad-year and state-year panels from the ledger.")
app.add_typer(panel_app, name="panel")


def _verbs(text: str) -> list[str]:
    try:
        return verbs_named(text)
    except PanelError as e:
        raise typer.BadParameter(str(e)) from None


@command("build", group=panel_app)
def build(
    out: Annotated[Path, typer.Option(help="Output file: .parquet or .csv.")],
    years: Annotated[str, typer.Option(help="First and last year, e.g. 1990-2015.")] = "1946-2020",
    add: Annotated[
        str, typer.Option(help="Channels, comma-separated (e.g. alliances,arms,exercises) or all.")
    ] = "",
    directed: Annotated[
        bool, typer.Option("--directed/--undirected", help="Dyads (a,b) and (b,a), or once.")
    ] = True,
    states: Annotated[bool, typer.Option("--states", help="State-years instead of dyad-years.")] = False,
    system: Annotated[str, typer.Option(help="State system: cow or gw.")] = "cow",
    db: DbOption = None,
) -> None:
    """Build a panel, add channels, write it; values outside a source's coverage are NA."""
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise typer.BadParameter(f"{out}: write .parquet or .csv")
    if system not in ("cow", "gw"):
        raise typer.BadParameter("system is cow or gw")
    verbs = _verbs(add)
    span = year_span(years)
    with (
        Ledger(db, read_only=True) as led,
        Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err_console
        ) as bar,
    ):
        task = bar.add_task("frame", total=len(verbs) + 1)
        if states:
            p = state_years(led, system=system, years=span)  # type: ignore[arg-type]
        else:
            p = dyad_years(led, system=system, years=span, directed=directed)  # type: ignore[arg-type]
        bar.advance(task)
        for verb in verbs:
            bar.update(task, description=verb)
            p = VERBS[verb](p)
            bar.advance(task)
    if out.suffix.lower() == ".parquet":
        p.to_parquet(out)
    else:
        p.frame.write_csv(out)
    table = Table("column", "source", "non-missing", "missing (not covered)")
    n = p.frame.height
    for source, cols in p.columns_by_source.items():
        for c in cols:
            missing = p.frame[c].null_count()
            table.add_row(c, source, f"{n - missing:,}", f"{missing:,}")
    console.print(table)
    console.print(f"{p.describe()} → {out}")
    console.print("[bold]cite:[/]\n" + "\n".join(f"  {escape(c)}" for c in p.citations()))
