"""`legation panel build`: dyad-year or state-year frames with the channels asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from legation.cli.app import DbOption, Group, app, command, console, err_console, year_span
from legation.cli.ledger_cmds import Cite, Excel, Neutralise
from legation.cli.output import Format, FormatOption, emit

CHANNEL_NAMES: tuple[str, ...] = (
    "arms",
    "arms_races",
    "atop",
    "contiguity",
    "democracy",
    "distance",
    "events",
    "exercises",
    "igos",
    "majors",
    "mids",
    "milex",
    "nmc",
    "peace",
    "peacekeeping",
    "rivalries",
    "signals",
    "trade",
    "troops",
    "unga",
    "visits",
)
"""The names `--add` takes (`legation.panel.VERBS` without ``add_``), spelled out here so that the
help needs no panel import; a test checks they are the verbs."""

panel_app = typer.Typer(cls=Group, help="Dyad-year and state-year panels from the ledger.")
app.add_typer(panel_app, name="panel")


def _verbs(text: str) -> list[str]:
    from legation.panel import PanelError
    from legation.panel.verbs import verbs_named

    try:
        return verbs_named(text)
    except PanelError as e:
        raise typer.BadParameter(str(e)) from None


@command("build", group=panel_app)
def build(
    out: Annotated[
        Path,
        typer.Option(
            help="Output file; its extension picks the format: .csv, .parquet, .dta (Stata), .rds (R), "
            ".feather or .xlsx.",
            show_default=False,
        ),
    ],
    years: Annotated[str, typer.Option(help="First and last year, e.g. 1990-2015.")] = "1946-2020",
    add: Annotated[
        str, typer.Option(help=f"Channels, comma-separated, or all: {', '.join(CHANNEL_NAMES)}.")
    ] = "",
    directed: Annotated[
        bool, typer.Option("--directed/--undirected", help="Dyads (a,b) and (b,a), or once.")
    ] = True,
    states: Annotated[bool, typer.Option("--states", help="State-years instead of dyad-years.")] = False,
    system: Annotated[str, typer.Option(help="State system: cow or gw.")] = "cow",
    excel: Excel = False,
    neutralise: Neutralise = None,
    cite: Cite = True,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
) -> None:
    """Build a panel, add channels, write it with its citations beside it (NAME.bib, datapackage.json)
    and summarise each column (-f csv or json: the summary on stdout, the rest on stderr); values
    outside a source's coverage are NA."""
    import polars as pl

    from legation.ledger import outputs
    from legation.ledger.store import Ledger
    from legation.panel import VERBS, dyad_years, state_years

    outputs.format_for(out)  # an unknown extension is refused before the panel is built
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
    written = p.write(out, excel=excel, neutralise=neutralise, cite=cite)
    n = p.frame.height
    summary = pl.DataFrame(
        [
            {
                "column": c,
                "source": source,
                "non_missing": n - p.frame[c].null_count(),
                "missing": p.frame[c].null_count(),
            }
            for source, cols in p.columns_by_source.items()
            for c in cols
        ],
        schema={"column": pl.String, "source": pl.String, "non_missing": pl.Int64, "missing": pl.Int64},
    )
    emit(summary, fmt, title="Columns added (missing: outside the source's coverage)")
    say = console if fmt is Format.TABLE else err_console
    say.print(
        escape(f"{p.describe()} → {', '.join(str(w) for w in written)}"), soft_wrap=True, highlight=False
    )
    say.print("[bold]cite:[/]\n" + "\n".join(f"  {escape(c)}" for c in p.citations()), soft_wrap=True)
