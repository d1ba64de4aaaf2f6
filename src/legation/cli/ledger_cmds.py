"""Ledger commands: init, import, engagements, sources, cite, export."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer
from rich.table import Table

from legation._parse import integer
from legation.cli.app import DbOption, command, console, stages

if TYPE_CHECKING:
    import polars as pl

    from legation.ledger.store import Ledger


class OutFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class CiteFormat(StrEnum):
    PLAIN = "plain"
    BIBTEX = "bibtex"
    CSL_JSON = "csl-json"


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
    from legation.ledger.store import Ledger

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
            help="Let a YAML 'sources:' entry, or --citation, replace a registered source of the same "
            "id (never one legation bundles).",
        ),
    ] = False,
    source_name: Annotated[
        str | None,
        typer.Option(
            "--source-name",
            help="Register a source of your own with this id (lower-case, e.g. my-notes) in the same "
            "import, for rows that name it or none (CSV and Parquet).",
            show_default=False,
        ),
    ] = None,
    citation: Annotated[
        str | None,
        typer.Option(
            help="The citation of the --source-name source (needed when it is new).", show_default=False
        ),
    ] = None,
    accepted_only: Annotated[
        bool,
        typer.Option(
            "--accepted-only",
            help="Read candidates files from legation extract: import the rows whose accept column says "
            "yes, under a source registered for the batch.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Import engagement files; each file is all-or-nothing."""
    from legation.ledger.importing import import_file
    from legation.ledger.store import Ledger

    table = Table("file", "format", "rows", "written", "sources", "seconds")
    with Ledger(db) as led:
        for path in paths:
            with stages(f"importing {path.name}") as progress:
                r = import_file(
                    led,
                    path,
                    source=source,
                    progress=progress,
                    replace_source=replace_source,
                    accepted_only=accepted_only,
                    source_name=source_name,
                    citation=citation,
                )
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
    """List engagements; --format csv prints what legation import reads back unchanged."""
    from legation.ledger import export
    from legation.ledger.store import Ledger

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


Excel = Annotated[
    bool, typer.Option("--excel", help="CSV for Excel: UTF-8 with a byte-order mark, formulas neutralised.")
]
Neutralise = Annotated[
    bool | None,
    typer.Option(
        "--neutralise/--no-neutralise",
        help="Prefix text cells that start with = + - @ TAB or CR with ' so a spreadsheet shows them as "
        "text instead of running them (default: on for .xlsx and --excel CSV, off otherwise).",
        show_default=False,
    ),
]
Cite = Annotated[
    bool, typer.Option("--cite/--no-cite", help="Write NAME.bib and datapackage.json beside the file.")
]


@command("export")
def export_(
    out: Annotated[
        Path,
        typer.Argument(
            help="Output file; its extension picks the format: .csv, .parquet, .dta (Stata), .rds (R), "
            ".feather or .xlsx.",
            show_default=False,
        ),
    ],
    actor: FiltersActor = None,
    partner: FiltersPartner = None,
    instrument: FiltersInstrument = None,
    since: FiltersSince = None,
    until: FiltersUntil = None,
    excel: Excel = False,
    neutralise: Neutralise = None,
    cite: Cite = True,
    db: DbOption = None,
) -> None:
    """Export engagements in the import format, with their citations beside the file.

    CSV and Parquet read back unchanged with legation import; Stata files carry variable labels."""
    from legation.ledger import export, outputs
    from legation.ledger.store import Ledger

    outputs.format_for(out)  # refuse an unknown extension before reading the ledger
    with Ledger(db, read_only=True) as led:
        rows = _select(led, actor, partner, instrument, since, until, details=True)
        written = export.to_file(led, rows, out, excel=excel, neutralise=neutralise, cite=cite)
    console.print(f"wrote {rows.height:,} engagements to " + ", ".join(str(p) for p in written))


@command("sources")
def sources(
    format: Annotated[OutFormat, typer.Option("--format", "-f")] = OutFormat.TABLE,
    db: DbOption = None,
) -> None:
    """List the datasets in the ledger with version, coverage, licence and the rows each holds in
    every table (engagements, votes, attributes, states...)."""
    import polars as pl

    from legation.ledger import reads
    from legation.ledger.store import Ledger

    with Ledger(db, read_only=True) as led:
        frame = led.sources()
        held = reads.rows_by_table(led)
    tables = sorted({t for n in held.values() for t in n} | {"engagements"})
    if format is not OutFormat.TABLE:
        frame = frame.with_columns(
            pl.col("id")
            .replace_strict({sid: n.get(t, 0) for sid, n in held.items()}, default=0, return_dtype=pl.Int64)
            .alias(t)
            for t in tables
        )
        if format is OutFormat.CSV:
            frame = frame.with_columns(pl.col("coverage_actors").cast(pl.List(pl.String)).list.join(" "))
            sys.stdout.write(frame.write_csv())
        else:
            sys.stdout.write(frame.write_json())
        return
    table = Table("id", "version", "coverage", "rows held", caption="names and licences: --format csv")
    table.columns[0].no_wrap = True
    for r in frame.iter_rows(named=True):
        if r["coverage_start"] or r["coverage_end"]:
            cov = f"{r['coverage_start'] or '…'}–{r['coverage_end'] or '…'}"
        else:
            cov = "—"
        if r["coverage_actors"]:
            cov += f" (actors {', '.join(map(str, r['coverage_actors']))})"
        rows = held.get(r["id"], {})
        shown = "\n".join(f"{n:,} {_TABLE_WORDS.get(t, t)}" for t, n in sorted(rows.items())) or "0"
        table.add_row(r["id"], r["version"], cov, shown)
    console.print(table)


_TABLE_WORDS = {
    "dyad_attributes": "dyad values",
    "state_attributes": "state values",
    "roll_calls": "roll calls",
}


@command("cite")
def cite(
    source: Annotated[list[str] | None, typer.Argument(help="Source ids (default: all).")] = None,
    format: Annotated[
        CiteFormat, typer.Option("--format", "-f", help="plain lines, BibTeX entries or CSL-JSON.")
    ] = CiteFormat.PLAIN,
    db: DbOption = None,
) -> None:
    """Print the citation of every dataset (or of the named ones): as lines, BibTeX or CSL-JSON.

    BibTeX and CSL-JSON give each work a source asks to be cited (articles, books, dataset
    releases), each once; both import into Zotero."""
    from legation.ledger import citations
    from legation.ledger.store import Ledger

    with Ledger(db, read_only=True) as led:
        ids = source or led.sources()["id"].to_list()
        found = [led.source(i) for i in ids]
    if format is CiteFormat.BIBTEX:
        sys.stdout.write(citations.bibtex(found))
    elif format is CiteFormat.CSL_JSON:
        sys.stdout.write(json.dumps(citations.csl_json(found), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(s.citation_line() + "\n" for s in found))
