"""Reads of UN General Assembly roll calls and votes."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from legation.ledger.reads._frame import Years, frame
from legation.ledger.store import Ledger


def has_roll_calls(led: Ledger, source: str) -> bool:
    """Whether the ledger holds roll calls of ``source``."""
    return bool(frame(led, "SELECT count(*) AS n FROM roll_calls WHERE source_id = ?", [source])["n"][0])


def votes(
    led: Ledger,
    source: str,
    years: Years,
    *,
    by_issue: bool = False,
    important_only: bool = False,
    states: Sequence[int] | None = None,
) -> pl.DataFrame:
    """``year, rcid, ccode, vote[, issue]`` (SMALLINT year and ccode): every yes (1), abstain (2) or
    no (3) on a dated roll call in ``years``; with ``by_issue`` one row per vote and issue code (roll
    calls without one left out), with ``important_only`` only the roll calls marked important, with
    ``states`` only those states' votes."""
    issue = ", unnest(r.issues) AS issue" if by_issue else ""
    important = " AND r.important" if important_only else ""
    params: list[object] = [source, int(years[0]), int(years[1])]
    if states is not None:
        important += " AND v.ccode IN (SELECT unnest(?))"
        params.append([int(c) for c in states])
    sql = (
        f"SELECT CAST(year(r.date) AS SMALLINT) AS year, v.rcid, CAST(v.ccode AS SMALLINT) AS ccode, "
        f"v.vote{issue} FROM votes v JOIN roll_calls r ON r.source_id = v.source_id AND r.rcid = v.rcid "
        f"WHERE v.source_id = ? AND v.vote IN (1, 2, 3) AND year(r.date) BETWEEN ? AND ?{important}"
    )
    if by_issue:
        sql = f"SELECT DISTINCT * FROM ({sql}) WHERE issue IS NOT NULL"
    return frame(led, sql, params)


def yearly_votes(led: Ledger, source: str, years: Years) -> pl.DataFrame:
    """``year, rcid, ccode, vote``: yes, abstain and no votes on the roll calls dated in ``years``."""
    return frame(
        led,
        "SELECT year(r.date) AS year, v.rcid, v.ccode, v.vote FROM votes v JOIN roll_calls r "
        "ON r.rcid = v.rcid AND r.source_id = v.source_id WHERE v.source_id = ? AND v.vote IN (1, 2, 3) "
        "AND year(r.date) BETWEEN ? AND ?",
        [source, *years],
    )
