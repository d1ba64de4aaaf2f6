"""Ledger commands: init, import, engagements, sources, cite, export."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, cast

import polars as pl
import typer
from rich.table import Table

from legation._parse import integer
from legation.cli.app import DbOption, command, console, stages
from legation.ledger import export, reads
from legation.ledger.importing import import_file
from legation.ledger.store import Ledger


class OutFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class FileFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


class CiteFormat(StrEnum):
    PLAIN = "plain"
    BIBTEX = "bibtex"


def _year_or_date(text: str | None) -> date | int | None:
    if text is None:
        return None
    if len(text) == 4 and (year := integer(text)) is not None and year >= 0:
        return year
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r}: give a year (2010) or a date (2010-06-30)") from None


@command("init")
def init(db: DbOption = None) -> None:
    """Create the ledger (or migrate an existing one) with the bundled sources, states, groups."""
    with Ledger(db) as led:
        console.print(f"ledger ready at {led.path} ({led.count('sources')} sources)")


@command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="CSV, Parquet or YAML files.")],
    source: Annotated[str | None, typer.Option(help="Source id for rows that name none.")] = None,
    replace_source: Annotated[
        bool,
        typer.Option(
            "--replace-source",
            help="Let a YAML 'sources:' entry replace a registered source of the same id "
            "(never one legation bundles).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Import engagement files; each file is all-or-nothing."""
    table = Table("file", "format", "rows", "written", "sources", "seconds")
    with Ledger(db) as led:
        for path in paths:
            with stages(f"importing {path.name}") as progress:
                r = import_file(led, path, source=source, progress=progress, replace_source=replace_source)
            table.add_row(
                path.name,
                r.format,
                f"{r.rows_read:,}",
                f"{r.rows_written:,}",
                ", ".join(r.sources),
                f"{r.seconds:.2f}",
            )
    console.print(table)


FiltersActor = Annotated[str | None, typer.Option(help="Actor: name, COW code, ISO3 or group id.")]
FiltersPartner = Annotated[str | None, typer.Option(help="Partner: name, COW code, ISO3, group.")]
FiltersInstrument = Annotated[
    list[str] | None, typer.Option("--instrument", "-i", help="Instrument (repeatable).")
]
FiltersSince = Annotated[str | None, typer.Option(help="Started on or after (YYYY or date).")]
FiltersUntil = Annotated[str | None, typer.Option(help="Started on or before (YYYY or date).")]


def _select(
    led: Ledger,
    actor: str | None,
    partner: str | None,
    instrument: list[str] | None,
    since: str | None,
    until: str | None,
    *,
    details: bool = False,
) -> pl.DataFrame:
    return led.engagements(
        actor=actor,
        partner=partner,
        instrument=instrument or None,
        since=_year_or_date(since),
        until=_year_or_date(until),
        details=details,
    )


@command("engagements")
def engagements(
    actor: FiltersActor = None,
    partner: FiltersPartner = None,
    instrument: FiltersInstrument = None,
    since: FiltersSince = None,
    until: FiltersUntil = None,
    format: Annotated[OutFormat, typer.Option("--format", "-f")] = OutFormat.TABLE,
    limit: Annotated[int | None, typer.Option(help="Show at most this many (table only).")] = 50,
    db: DbOption = None,
) -> None:
    """List engagements; ``--format csv`` prints what `legation import` reads back unchanged."""
    with Ledger(db, read_only=True) as led:
        rows = _select(led, actor, partner, instrument, since, until, details=format is not OutFormat.TABLE)
    if format is OutFormat.TABLE:
        shown = export.to_import_format(rows)
        table = Table(
            "start",
            "end",
            "instrument",
            "actor",
            "partner",
            "magnitude",
            "unit",
            "±",
            "source",
            title=f"{rows.height:,} engagements",
        )
        for r in (shown if limit is None else shown.head(limit)).iter_rows(named=True):
            mag = "" if r["magnitude"] is None else f"{r['magnitude']:,.10g}"
            table.add_row(
                r["start"],
                r["end"] or "",
                r["instrument"],
                r["actor"],
                r["partner"],
                mag,
                r["unit"],
                "+" if r["polarity"] > 0 else "−",
                r["source"],
            )
        console.print(table)
        if limit is not None and rows.height > limit:
            console.print(f"… {rows.height - limit:,} more; use --limit or --format csv")
        return
    sys.stdout.flush()
    export.write(rows, sys.stdout.buffer, cast(Literal["csv", "parquet", "json"], format.value))
    sys.stdout.buffer.flush()


@command("export")
def export_(
    out: Annotated[Path, typer.Argument(help="Output file.")],
    format: Annotated[FileFormat | None, typer.Option("--format", "-f", help="Default: from suffix.")] = None,
    actor: FiltersActor = None,
    partner: FiltersPartner = None,
    instrument: FiltersInstrument = None,
    since: FiltersSince = None,
    until: FiltersUntil = None,
    db: DbOption = None,
) -> None:
    """Export engagements to CSV or Parquet in the import format."""
    fmt = format or (FileFormat.PARQUET if out.suffix.lower() in (".parquet", ".pq") else FileFormat.CSV)
    with Ledger(db, read_only=True) as led:
        rows = _select(led, actor, partner, instrument, since, until, details=True)
    export.write(rows, out, fmt.value)
    console.print(f"wrote {rows.height:,} engagements to {out}")


@command("sources")
def sources(
    format: Annotated[OutFormat, typer.Option("--format", "-f")] = OutFormat.TABLE,
    db: DbOption = None,
) -> None:
    """List the datasets in the ledger with version, coverage and licence."""
    with Ledger(db, read_only=True) as led:
        frame = led.sources()
        counts = {sid: n.get("engagements", 0) for sid, n in reads.rows_by_table(led).items()}
    if format is not OutFormat.TABLE:
        frame = frame.with_columns(
            pl.col("id").replace_strict(counts, default=0, return_dtype=pl.Int64).alias("engagements")
        )
        if format is OutFormat.CSV:
            frame = frame.with_columns(pl.col("coverage_actors").cast(pl.List(pl.String)).list.join(" "))
            sys.stdout.write(frame.write_csv())
        else:
            sys.stdout.write(frame.write_json())
        return
    table = Table("id", "name", "version", "coverage", "engagements", "licence")
    for r in frame.iter_rows(named=True):
        cov = f"{r['coverage_start'] or '…'}–{r['coverage_end'] or '…'}"
        if r["coverage_actors"]:
            cov += f" (actors {', '.join(map(str, r['coverage_actors']))})"
        table.add_row(r["id"], r["name"], r["version"], cov, f"{counts.get(r['id'], 0):,}", r["licence"])
    console.print(table)


@command("cite")
def cite(
    source: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    format: Annotated[CiteFormat, typer.Option("--format", "-f")] = CiteFormat.PLAIN,
    db: DbOption = None,
) -> None:
    """Print the citation of every dataset (or of the named ones)."""
    with Ledger(db, read_only=True) as led:
        ids = source or led.sources()["id"].to_list()
        found = [led.source(i) for i in ids]
    for s in found:
        if format is CiteFormat.BIBTEX:
            sys.stdout.write(s.bibtex_entry() + "\n\n")
        else:
            sys.stdout.write(s.citation_line() + "\n")
