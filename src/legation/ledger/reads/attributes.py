"""Reads of dyad and state attributes (ATOP obligations, capabilities, contiguity, distance…)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from legation.ledger.reads._frame import Years, frame
from legation.ledger.store import Ledger

OBLIGATIONS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
"""The ATOP obligation variables, in the order `obligations` returns them."""


def obligations(
    led: Ledger, source: str, *, since: int | None = None, until: int | None = None
) -> pl.DataFrame:
    """``ccode1, ccode2, year, atop_defense … atop_consul`` (0/1, TINYINT): each directed dyad-year the
    source lists, with the obligations of ccode1 to ccode2 it holds that year."""
    flags = ", ".join(f"CAST(bool_or(variable = '{f}' AND value > 0) AS TINYINT) AS {f}" for f in OBLIGATIONS)
    return frame(
        led,
        f"SELECT ccode1, ccode2, year, {flags} FROM dyad_attributes WHERE source_id = ? "
        "AND year BETWEEN ? AND ? GROUP BY ALL",
        [source, -(10**6) if since is None else since, 10**6 if until is None else until],
    )


def state_attributes(
    led: Ledger, source: str, variables: Sequence[str], years: Years | None = None
) -> pl.DataFrame:
    """``ccode, year, <variable>…``: one row per state-year the source has, one column per variable."""
    cols = ", ".join(f"max(value) FILTER (variable = '{v}') AS {v}" for v in variables)
    lo, hi = years or (-(10**6), 10**6)
    return frame(
        led,
        f"SELECT ccode, year, {cols} FROM state_attributes WHERE source_id = ? AND year BETWEEN ? AND ? "
        "GROUP BY ALL",
        [source, lo, hi],
    )


def state_attribute(led: Ledger, source: str, variable: str, years: Years) -> pl.DataFrame:
    """``ccode, year, <variable>``: one variable of a source's state attributes, as stored."""
    return frame(
        led,
        f"SELECT ccode, year, value AS {variable} FROM state_attributes WHERE source_id = ? "
        "AND variable = ? AND year BETWEEN ? AND ?",
        [source, variable, *years],
    )


def dyad_attribute(
    led: Ledger,
    source: str,
    variables: Sequence[str],
    years: Years | None = None,
    *,
    positive: bool = False,
    name: str = "value",
) -> pl.DataFrame:
    """``ccode1, ccode2, year, <name>``: the rows of ``variables`` (one value per row as stored; with
    ``positive`` only values > 0)."""
    lo, hi = years or (-(10**6), 10**6)
    keep = " AND value > 0" if positive else ""
    return frame(
        led,
        f"SELECT ccode1, ccode2, year, value AS {name} FROM dyad_attributes WHERE source_id = ? "
        f"AND variable IN (SELECT unnest(?)) AND year BETWEEN ? AND ?{keep}",
        [source, list(variables), lo, hi],
    )


def dyad_attributes(
    led: Ledger, source: str, variables: Sequence[str], years: Years | None = None
) -> pl.DataFrame:
    """``ccode1, ccode2, year, <variable>…``: one row per dyad-year the source has (in its stored
    direction), one column per variable (NULL where the source reports it missing)."""
    cols = ", ".join(f"max(value) FILTER (variable = '{v}') AS {v}" for v in variables)
    lo, hi = years or (-(10**6), 10**6)
    return frame(
        led,
        f"SELECT ccode1, ccode2, year, {cols} FROM dyad_attributes WHERE source_id = ? "
        "AND variable IN (SELECT unnest(?)) AND year BETWEEN ? AND ? GROUP BY ALL",
        [source, list(variables), lo, hi],
    )


def last_years(led: Ledger, source: str) -> dict[str, int]:
    """The last year of each variable of a source's dyad attributes."""
    rows = led.con.execute(
        "SELECT variable, max(year) FROM dyad_attributes WHERE source_id = ? GROUP BY 1", [source]
    ).fetchall()
    return {v: int(y) for v, y in rows}
