"""What a brief is made of: sections of sentences, figures and tables, with the sources they cite.

The same objects feed the HTML and PDF renderer and a notebook: `Brief.frames()` gives every table
and every figure's data as polars frames, `Brief.figures()` every chart as SVG text with its title,
unit and source line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

from legation.ledger.sources import Source

Kind = Literal["country", "dyad", "scenario"]


@dataclass(frozen=True)
class Figure:
    """One static chart: its SVG (None when there is nothing to draw) or the statement shown instead."""

    key: str
    title: str
    unit: str
    source: str
    data: pl.DataFrame
    svg: str | None = None
    statement: str | None = None
    notes: tuple[str, ...] = ()
    """Coverage notes printed under the chart ("no arms data before 1950")."""


@dataclass(frozen=True)
class Table:
    """One table: a frame, the label of each column shown, and where its numbers come from."""

    key: str
    title: str
    frame: pl.DataFrame
    labels: dict[str, str]
    source: str
    statement: str | None = None
    """Shown instead of the table when the frame is empty."""

    def rows(self) -> list[list[str]]:
        """The shown columns as text, numbers rounded for reading."""
        return [[_cell(row[c]) for c in self.labels] for row in self.frame.iter_rows(named=True)]


@dataclass
class Section:
    """A titled part of a brief: paragraphs, then figures and tables, then statements about gaps."""

    key: str
    title: str
    text: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


@dataclass
class Brief:
    """A country, dyad or scenario brief: bottom line up front, sections, citations, provenance."""

    kind: Kind
    title: str
    subject: str
    year: int | None
    bottom_line: list[str]
    sections: list[Section]
    citations: list[Source]
    vintage: str
    """The data's vintage: the last import into the ledger and the years its sources reach."""
    version: str
    created: date = field(default_factory=date.today)

    def section(self, key: str) -> Section:
        """The section ``key`` (KeyError naming the known ones otherwise)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {[s.key for s in self.sections]}")

    def figures(self) -> dict[str, Figure]:
        """Every figure by key."""
        return {f.key: f for s in self.sections for f in s.figures}

    def frames(self) -> dict[str, pl.DataFrame]:
        """Every table and every figure's data by key, as polars frames."""
        out = {t.key: t.frame for s in self.sections for t in s.tables}
        return out | {f.key: f.data for s in self.sections for f in s.figures}


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}" if abs(value) >= 0.0005 else f"{value:.1e}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)
