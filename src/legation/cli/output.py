"""How a measure command gives its answer: a table that fits an 80-column terminal (the main columns,
names next to codes), or every column as CSV or JSON for other tools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from legation.cli.app import console, err_console

if TYPE_CHECKING:
    import polars as pl

WIDTH = 80
"""The terminal width every table fits."""


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table (the main columns, fits 80 columns) or every column as csv or json.",
    ),
]


def cell(value: object, digits: int = 3) -> str:
    """A value as a table shows it: floats to ``digits`` places, missing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else f"{value:.{digits}f}"  # NaN is missing
    return str(value)


def emit(
    frame: pl.DataFrame,
    fmt: Format,
    *,
    title: str,
    columns: Sequence[str] | None = None,
    digits: Mapping[str, int] | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Print ``frame``: as CSV or JSON (an array of row objects) with every column on stdout, the
    ``notes`` on stderr; or as a table of ``columns`` titled ``title``, the notes below it."""
    if fmt is not Format.TABLE:
        text = frame.write_csv() if fmt is Format.CSV else frame.write_json() + "\n"
        typer.echo(text, nl=False)
        for note in notes:
            err_console.print(escape(note), highlight=False)
        return
    shown = list(columns or frame.columns)
    places = digits or {}
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for c in shown:
        numeric = frame.schema[c].is_numeric()
        table.add_column(c, justify="right" if numeric else "left", no_wrap=not numeric)
    for row in frame.select(shown).iter_rows():
        table.add_row(*(escape(cell(v, places.get(c, 3))) for c, v in zip(shown, row, strict=True)))
    console.print(table, width=WIDTH)
    for note in notes:
        console.print(escape(note), width=WIDTH, highlight=False)
