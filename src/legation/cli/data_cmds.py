"""`legation data`: the published datasets legation reads — list, fetch, import a directory."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from legation.cli.app import DbOption, Group, app, command, console, err_console
from legation.errors import ImporterError, LedgerError, LegationError

if TYPE_CHECKING:
    from legation.ledger.importers import SourceReport

data = typer.Typer(
    cls=Group, help="Published datasets: list them, fetch the official files, import a directory."
)
app.add_typer(data, name="data")


@command("list", group=data)
def list_(db: DbOption = None) -> None:
    """Every source legation can import: version, coverage, files, and what the ledger holds of it."""
    from legation.ledger import reads
    from legation.ledger.importers import importers
    from legation.ledger.store import Ledger

    held: dict[str, dict[str, int]] = {}
    try:
        with Ledger(db, read_only=True) as led:
            held = reads.rows_by_table(led)
    except LedgerError as e:  # no ledger yet: list the sources anyway
        err_console.print(f"[dim]{e}[/]")
    table = Table("source", "name", "version", "coverage", "files", "in the ledger")
    for imp in importers():
        src = imp.source
        years = f"{src.coverage_start or '…'}–{src.coverage_end or '…'}"
        if src.coverage_actors:
            years += f"\nactors: {', '.join(map(str, src.coverage_actors))}"
        rows = held.get(src.id, {})
        inside = ", ".join(f"{t} {n:,}" for t, n in rows.items()) or "—"
        table.add_row(src.id, src.name, src.version, years, "\n".join(imp.patterns), inside)
    console.print(table)


@command("fetch", group=data)
def fetch(
    sources: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    dest: Annotated[
        Path | None, typer.Option(help="Data directory (default: $LEGATION_DATA or the user cache).")
    ] = None,
    mirror: Annotated[
        str | None, typer.Option(help="Fetch from this base URL instead of the producers' sites.")
    ] = None,
) -> None:
    """Download the producers' official files (checksum-verified, resumable) into a data directory."""
    from legation.ledger import fetch as fetching
    from legation.ledger.importers import importers

    chosen = [imp for imp in importers() if not sources or imp.source.id in sources]
    unknown = set(sources or ()) - {imp.source.id for imp in chosen}
    if unknown:
        raise typer.BadParameter(f"unknown sources: {', '.join(sorted(unknown))} (see `legation data list`)")
    downloads = [d for imp in chosen for d in imp.downloads]
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done, total=total)

        got = fetching.fetch(downloads, dest, mirror=mirror, progress=progress)
    table = Table("file", "status", "sha256")
    for f in got:
        table.add_row(str(f.path), f.status, f.sha256[:16] + "…")
    console.print(table)
    missing = [imp.source.id for imp in chosen if not imp.downloads]
    if missing:
        console.print(
            f"[yellow]no official download known for:[/] {', '.join(missing)} — copy those files by hand "
            "(see docs/sources/)"
        )


@command("import-dir", group=data)
def import_dir(
    directory: Annotated[Path, typer.Argument(help="A directory laid out like the producers' releases.")],
    only: Annotated[list[str] | None, typer.Option(help="Import only these source ids.")] = None,
    unresolved: Annotated[
        Path | None, typer.Option(help="Write every unresolved name with its source and rows to this CSV.")
    ] = None,
    allow_smaller: Annotated[
        bool,
        typer.Option(
            "--allow-smaller",
            help="Replace a source even from a file far smaller than the one it was last imported from.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Import every recognised source in DIRECTORY; each source is all-or-nothing, and the first that
    fails stops the run (the sources imported before it stay imported)."""
    from legation.ledger.importers import importers, run
    from legation.ledger.store import Ledger

    if not directory.is_dir():
        raise typer.BadParameter(f"{directory} is not a directory")
    plan = [(imp, imp.find(directory)) for imp in importers() if not only or imp.source.id in only]
    found = [(imp, files) for imp, files in plan if files is not None]
    if not found:
        wanted = f" of {', '.join(only)}" if only else ""
        raise ImporterError(
            f"no dataset files{wanted} in {directory}: it must be laid out like the releases "
            "(atop/atop5_1a.csv, unvotes/un_votes.parquet…; `legation data list` shows each source's files)"
        )
    reports: list[SourceReport] = []
    with (
        Ledger(db) as led,
        Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err_console
        ) as bar,
    ):
        task = bar.add_task("importing", total=len(found))
        for n, (imp, files) in enumerate(found):
            bar.update(task, description=f"importing {imp.source.id}")
            try:
                reports.append(run(led, imp, files, allow_smaller=allow_smaller, as_release=True))
            except LegationError as e:
                failed = (imp.source.id, e, [i.source.id for i, _ in found[n + 1 :]])
                break
            bar.advance(task)
        else:
            failed = None
    if reports:
        _print_reports(reports)
    if failed is not None:
        raise _stopped(*failed, done=[r.source for r in reports])
    skipped = [imp.source.id for imp, files in plan if files is None]
    if skipped:
        console.print(f"[dim]no files found for: {', '.join(skipped)}[/]")
    if unresolved is not None:
        with unresolved.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["source", "name", "reason", "year", "rows"])
            for r in reports:
                for (name, why, year), n in sorted(
                    r.unresolved_rows.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)
                ):
                    w.writerow([r.source, name, why, "" if year is None else year, n])
        console.print(f"unresolved names written to {unresolved}")


def _stopped(source: str, error: LegationError, rest: list[str], *, done: list[str]) -> ImporterError:
    """What a run stopped by ``source`` did: what it committed before, what it did not touch."""
    text = str(error).replace("; nothing was imported", f"; nothing of {source} was imported", 1)
    lines = [f"{source} was not imported, the ledger keeps what it held of it: {text}"]
    if done:
        lines.append(f"imported before it, and kept: {', '.join(done)}")
    else:
        lines.append("no source was imported in this run")
    if rest:
        lines.append(f"not attempted: {', '.join(rest)} (run import-dir again with --only)")
    return ImporterError("\n".join(lines))


def _unresolved_lines(r: SourceReport) -> list[str]:
    """One line per unresolved name, commonest first: "Oman: 12 rows, not a state on that date"."""
    why: dict[str, Counter[str]] = {}
    for (name, reason, _year), n in r.unresolved_rows.items():
        why.setdefault(name, Counter())[reason] += n
    lines = []
    for name, n in r.unresolved.most_common():
        reasons = ", ".join(w for w, _ in why.get(name, Counter()).most_common(2))
        lines.append(f"{name}: {n:,} row{'s' if n != 1 else ''}" + (f", {reasons}" if reasons else ""))
    return lines


def _print_reports(reports: list[SourceReport]) -> None:
    table = Table("source", "rows read", "written", "rejected (reasons)", "unresolved names (rows)", "s")
    for r in reports:
        written = "\n".join(f"{t} {n:,}" for t, n in r.written.items())
        rejected = f"{r.rows_rejected:,}"
        if r.rejected:
            rejected += "\n" + "\n".join(f"{n:,} {why}" for why, n in r.rejected.most_common(4))
            if len(r.rejected) > 4:
                rejected += f"\n… {len(r.rejected) - 4} more reasons"
        names = "\n".join(_unresolved_lines(r)[:6])
        if len(r.unresolved) > 6:
            names += f"\n… {len(r.unresolved) - 6} more names"
        table.add_row(r.source, f"{r.rows_read:,}", written, rejected, names or "—", f"{r.seconds:.1f}")
    console.print(table)
    for r in reports:
        for why, n in r.corrected.most_common():
            console.print(f"[yellow]{r.source}[/]: {n:,} rows with {why}")
    total = sum(sum(r.written.values()) for r in reports)
    console.print(f"{len(reports)} sources, {total:,} rows written")
