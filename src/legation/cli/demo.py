"""`legation demo`: the main job on the bundled sample."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from legation.cli.app import command, console, stages

if TYPE_CHECKING:
    from legation.ledger.store import Ledger

NEXT_STEPS: tuple[tuple[str, str], ...] = (
    ("engagements --actor 'United States' --partner Philippines", "one dyad's engagements"),
    ("sources", "the datasets in the ledger, with their citations"),
    ("influence --target PHL --years 2000-2024", "who courts the Philippines, by year"),
    ("cite --format bibtex", "their citations, as BibTeX"),
    ("network --year 2020 --channel exercise", "the most central states in joint exercises"),
    ("export demo.csv", "every engagement in the import format"),
    ("serve", "the dashboard on this ledger"),
)
"""Commands the demo suggests, run on its ledger (tests/test_quick.py runs each of them)."""


def next_steps(path: Path) -> list[str]:
    """The commands to try next on the demo's ledger ``path``, each with its ``--db``."""
    db = shlex.quote(str(path))
    return [f"legation {cmd} --db {db}" for cmd, _ in NEXT_STEPS]


def summary(led: Ledger) -> list[Table]:
    """Engagements per instrument and per year, and the top partners of the three leading major powers
    (the US, China, Russia: the first of `legation.groups.majors`)."""
    import polars as pl

    from legation.groups import majors

    rows = led.engagements()
    by_inst = (
        rows.group_by("instrument")
        .agg(
            pl.len().alias("engagements"),
            (pl.col("polarity") < 0).sum().alias("suspensions"),
            pl.col("partner").n_unique().alias("partners"),
        )
        .sort("engagements", descending=True)
    )
    t1 = Table(
        "instrument",
        "engagements",
        "of which −1",
        "partners",
        title=f"{rows.height} engagements in {led.path.name}, by instrument",
    )
    for r in by_inst.iter_rows():
        t1.add_row(r[0], str(r[1]), str(r[2]), str(r[3]))
    by_year = rows.group_by(pl.col("start_date").dt.year().alias("year")).len().sort("year")
    t2 = Table("year", "engagements", "", title="By year of start")
    peak = max(by_year["len"].to_list() or [1])
    for year, n in by_year.iter_rows():
        t2.add_row(str(year), str(n), "█" * round(20 * n / peak))
    t3 = Table(
        "patron", "top partners (engagements as actor or partner)", title="Top partners of the major powers"
    )
    for code in majors()[:3]:
        name = led.resolver().label(code)
        mine = rows.filter((pl.col("actor_ccode") == code) | (pl.col("partner_ccode") == code))
        other = pl.when(pl.col("actor_ccode") == code).then("partner").otherwise("actor")
        top = mine.group_by(other.alias("who")).len().sort(["len", "who"], descending=[True, False])
        t3.add_row(name, ", ".join(f"{w} ({n})" for w, n in top.head(6).iter_rows()))
    return [t1, t2, t3]


@command("demo")
def demo(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Ledger to build (default: demo.duckdb in the user data dir, never the default ledger).",
            show_default=False,
        ),
    ] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the dashboard after the summary.")
    ] = True,
    host: Annotated[str, typer.Option(help="Address for the dashboard.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
) -> None:
    """Build a fresh ledger from the curated sample, print a summary and the commands to try on it,
    and open the dashboard on it."""
    from legation.ledger.sample import load_sample
    from legation.ledger.store import Ledger, demo_path

    path = db or demo_path()
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    with Ledger(path) as led:
        with stages("loading the curated sample") as progress:
            report = load_sample(led, progress=progress)
        console.print(f"built {led.path} with {report.rows_written} engagements in {report.seconds:.2f} s")
        for table in summary(led):
            console.print(table)
    console.print("[bold]Try next on this ledger[/] (each command names it with --db):")
    for line, (_, what) in zip(next_steps(path), NEXT_STEPS, strict=True):
        console.print(f"  # {what}\n  {escape(line)}", soft_wrap=True, highlight=False)
    where = shlex.quote(str(path))
    console.print(
        escape(f"or name it once for every command: export LEGATION_DB={where}"),
        soft_wrap=True,
        highlight=False,
    )
    if serve:
        from legation.cli.serve import run_server

        run_server(path, host, port, max_upload_mb=20)
