"""Report commands: country, dyad and scenario briefs as PDF or HTML."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from legation.cli.app import DbOption, Group, app, command, console, err_console, stages

if TYPE_CHECKING:
    from legation.ledger.store import Ledger

report_app = typer.Typer(
    cls=Group, help="Briefs an analyst can hand on: country, dyad and scenario, as PDF or HTML."
)
app.add_typer(report_app, name="report")


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


PaperOption = Annotated[Paper, typer.Option(help="Paper size.")]
YearOption = Annotated[
    int | None,
    typer.Option(
        help="Year of the brief (default: the last year the influence index covers).", show_default=False
    ),
]


def _state(led: Ledger, text: str) -> int:
    actor = led.resolver().resolve(text)
    if actor.ccode is None:
        raise typer.BadParameter(f"{text!r} is not a state")
    return int(actor.ccode)


def _abb(led: Ledger, ccode: int) -> str:
    from legation.ledger import reads

    names = reads.state_names(led)
    row = names.filter(names["ccode"] == ccode)
    return str(row["abb"][0]).lower() if row.height else str(ccode)


@command("country", group=report_app)
def country_cmd(
    state: Annotated[
        str | None, typer.Argument(help="State: name, ISO3 or COW code.", show_default=False)
    ] = None,
    year: YearOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="File (.pdf or .html); with --all-of, a directory.", show_default=False),
    ] = None,
    all_of: Annotated[
        str | None,
        typer.Option("--all-of", help="A group (ASEAN, NATO…): one brief per member.", show_default=False),
    ] = None,
    paper: PaperOption = Paper.A4,
    html: Annotated[bool, typer.Option("--html", help="With --all-of: write HTML, not PDF.")] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=16, help="With --all-of: worker processes (each holds about 0.4 GB).")
    ] = 1,
    db: DbOption = None,
) -> None:
    """A country brief: bottom line, influence and its rank, partners, arms, alignment, risks, sources."""
    from legation.ledger.store import Ledger
    from legation.report import Context, country_brief, render

    if (state is None) == (all_of is None):
        raise typer.BadParameter("give a STATE or --all-of GROUP (not both)")
    with Ledger(db, read_only=True) as led:
        if all_of is not None:
            _batch(led, all_of, year, out or Path("."), paper.value, "html" if html else "pdf", workers)
            return
        code = _state(led, state or "")
        with stages("country brief") as progress:
            progress("measures")
            brief = country_brief(led, code, year, context=Context())
            target = out or Path(f"{_abb(led, code)}-{brief.year}.pdf")
            progress(f"writing {target.name}")
            render.write(brief, target, paper.value)
    console.print(f"wrote {target}")


def _batch(
    led: Ledger, group: str, year: int | None, folder: Path, paper: str, fmt: str, workers: int
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from legation.report.batch import country_briefs

    found = led.groups().find(group)
    if found is None:
        raise typer.BadParameter(f"no group {group!r}; see `legation groups`")
    when = date(year, 12, 31) if year is not None else date.today()
    members = sorted(set(found.members_on(when)) or {m.state for m in found.members})
    db = led.path
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        task = bar.add_task(f"{found.id} briefs", total=len(members))

        def done(code: int, path: str) -> None:
            bar.update(task, description=f"{found.id}: {Path(path).name}")
            bar.advance(task)

        country_briefs(db, members, folder, year=year, paper=paper, fmt=fmt, processes=workers, done=done)
    console.print(f"wrote {len(members)} briefs to {folder}")


@command("dyad", group=report_app)
def dyad_cmd(
    patron: Annotated[str, typer.Argument(help="The patron: name, ISO3 or COW code.")],
    target: Annotated[str, typer.Argument(help="The target.")],
    year: YearOption = None,
    out: Annotated[Path | None, typer.Option(help="File (.pdf or .html).", show_default=False)] = None,
    paper: PaperOption = Paper.A4,
    db: DbOption = None,
) -> None:
    """A dyad brief: the relationship by instrument, bandwidth and dependence, alignment, competitors."""
    from legation.ledger.store import Ledger
    from legation.report import Context, dyad_brief, render

    with Ledger(db, read_only=True) as led:
        a, b = _state(led, patron), _state(led, target)
        with stages("dyad brief") as progress:
            progress("measures")
            brief = dyad_brief(led, a, b, year, context=Context())
            dest = out or Path(f"{_abb(led, a)}-{_abb(led, b)}-{brief.year}.pdf")
            progress(f"writing {dest.name}")
            render.write(brief, dest, paper.value)
    console.print(f"wrote {dest}")


@command("scenario", group=report_app)
def scenario_cmd(
    results: Annotated[Path, typer.Argument(help="Tidy draws from legation simulate --out (Parquet).")],
    scenario: Annotated[
        Path | None,
        typer.Option(help="The scenario file simulated (YAML): the question.", show_default=False),
    ] = None,
    params: Annotated[
        Path | None, typer.Option(help="The parameter set used (legation calibrate).", show_default=False)
    ] = None,
    backtest: Annotated[
        Path | None,
        typer.Option(help="The backtest table (legation backtest --out, CSV).", show_default=False),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="File (.pdf or .html).", show_default=False)] = None,
    paper: PaperOption = Paper.A4,
    db: DbOption = None,
) -> None:
    """A scenario brief: the question, assumptions, the effect with its interval, risks and the backtest."""
    from legation.ledger.store import Ledger
    from legation.report import render
    from legation.report.scenario import scenario_brief

    with Ledger(db, read_only=True) as led, stages("scenario brief") as progress:
        progress("summarising the draws")
        brief = scenario_brief(results, led=led, scenario=scenario, params=params, backtest=backtest)
        dest = out or results.with_suffix(".pdf")
        progress(f"writing {dest.name}")
        render.write(brief, dest, paper.value)
    console.print(f"wrote {dest}")
