"""Reads of the state lists and of what each source holds."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from legation.ledger.reads._frame import Years, frame
from legation.ledger.schema import TABLES
from legation.ledger.store import Ledger

_DATA_TABLES = ("engagements", "dyad_attributes", "state_attributes", "votes")
"""Tables that hold a source's data."""


def state_names(led: Ledger) -> pl.DataFrame:
    """``ccode, abb, name, first_year, last_year`` of every COW state (its most recent name)."""
    return frame(
        led,
        "SELECT code::INTEGER AS ccode, arg_max(stateabb, start_date) AS abb, "
        "arg_max(statename, start_date) AS name, min(year(start_date))::INTEGER AS first_year, "
        "max(coalesce(year(end_date), 9999))::INTEGER AS last_year "
        "FROM states WHERE system = 'cow' GROUP BY code ORDER BY code",
    )


def source_exists(led: Ledger, source: str) -> bool:
    """Whether ``source`` is registered in the ledger (rows or not)."""
    return frame(led, "SELECT 1 FROM sources WHERE id = ?", [source]).height > 0


def source_rows(led: Ledger) -> dict[str, int]:
    """Rows each source contributed to the ledger, in every table that holds a source's rows
    (engagements, attributes, votes and roll calls, states, groups and memberships)."""
    rows = {sid: sum(held.values()) for sid, held in rows_by_table(led).items()}
    return {sid: n for sid, n in rows.items() if n}


def rows_by_table(led: Ledger) -> dict[str, dict[str, int]]:
    """``{source id: {table: rows}}`` over every table that holds a source's data."""
    held: dict[str, dict[str, int]] = {}
    for table in (t for t in TABLES if t not in ("sources", "imports")):
        for sid, n in led.con.execute(f"SELECT source_id, count(*) FROM {table} GROUP BY 1").fetchall():
            held.setdefault(sid, {})[table] = n
    return held


def has_data(led: Ledger, sources: Sequence[str]) -> bool:
    """Whether the ledger holds any row of any of ``sources`` (stops at the first it finds)."""
    if not sources:
        return False
    exists = " OR ".join(
        f"EXISTS (SELECT 1 FROM {t} WHERE source_id IN (SELECT unnest(?)))" for t in _DATA_TABLES
    )
    return bool(frame(led, f"SELECT {exists} AS found", [list(sources)] * len(_DATA_TABLES))["found"][0])


def sources_with_rows(led: Ledger, sources: Sequence[str]) -> list[str]:
    """Those of ``sources`` that hold engagements or dyad attributes, in the order given."""
    found = set(
        frame(
            led,
            "SELECT DISTINCT source_id FROM engagements WHERE source_id IN (SELECT unnest(?)) "
            "UNION SELECT DISTINCT source_id FROM dyad_attributes WHERE source_id IN (SELECT unnest(?))",
            [list(sources), list(sources)],
        )["source_id"].to_list()
    )
    return [s for s in sources if s in found]


def recording_sources(led: Ledger) -> dict[str, list[str]]:
    """``{instrument: [source ids with engagements of it]}``, each list sorted."""
    rows = frame(
        led, "SELECT instrument, list(DISTINCT source_id ORDER BY source_id) AS s FROM engagements GROUP BY 1"
    )
    return {r["instrument"]: list(r["s"]) for r in rows.iter_rows(named=True)}


def engagement_years(led: Ledger, sources: Sequence[str], instrument: str) -> Years | None:
    """First and last start year of ``instrument``'s engagements from ``sources`` (None if none)."""
    lo, hi = led.con.execute(
        "SELECT min(year(start_date)), max(year(start_date)) FROM engagements "
        "WHERE instrument = ? AND source_id IN (SELECT unnest(?))",
        [instrument, list(sources)],
    ).fetchall()[0]
    return None if lo is None else (int(lo), int(hi))
