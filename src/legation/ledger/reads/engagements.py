"""Reads of engagements: yearly flows per dyad, exercises, reports, events, activity, pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import polars as pl

from legation.ledger.reads._frame import STATE_PAIR, Years, frame
from legation.ledger.schema import ENGAGEMENT_COLUMNS
from legation.ledger.store import Ledger

Flow = Literal["sum", "count", "sum_or_one", "max_thousands"]
_FLOW = {
    "sum": "sum(magnitude)",
    "count": "CAST(count(*) AS INTEGER)",
    "sum_or_one": "sum(coalesce(magnitude, 1.0))",
    "max_thousands": "max(magnitude / 1000.0)",
}


def flows(
    led: Ledger,
    sources: Sequence[str],
    instrument: str,
    *,
    until: int,
    flow: Flow = "sum",
    by_source: bool = False,
) -> pl.DataFrame:
    """``[source_id,] ccode1, ccode2, year, v``: state-to-state engagements of ``instrument`` from
    ``sources`` aggregated per directed dyad-year (and source) up to ``until``: ``sum`` of magnitudes,
    ``count`` of rows, ``sum_or_one`` (a row without magnitude counts 1) or ``max_thousands`` (the
    largest magnitude / 1000)."""
    src = "source_id, " if by_source else ""
    return frame(
        led,
        f"SELECT {src}actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, "
        f"{_FLOW[flow]} AS v FROM engagements WHERE source_id IN (SELECT unnest(?)) AND instrument = ? "
        f"AND {STATE_PAIR} AND year(start_date) <= ? GROUP BY ALL",
        [list(sources), instrument, until],
    )


def inflows(led: Ledger, source: str, instrument: str) -> pl.DataFrame:
    """``ccode2, year, v``: the summed magnitude each state received from any actor (state or not)."""
    return frame(
        led,
        "SELECT partner_ccode AS ccode2, year(start_date) AS year, sum(magnitude) AS v FROM engagements "
        "WHERE source_id = ? AND instrument = ? AND partner_kind = 'state' GROUP BY ALL",
        [source, instrument],
    )


def positive_counts(led: Ledger, instrument: str, until: int) -> pl.DataFrame:
    """``source_id, ccode1, ccode2, year, v`` (Float64): positive state-to-state engagements of
    ``instrument`` from every source, counted per source and directed dyad-year up to ``until``
    (self-ties left out)."""
    return frame(
        led,
        "SELECT source_id, actor_ccode::INTEGER AS ccode1, partner_ccode::INTEGER AS ccode2, "
        "year(start_date)::INTEGER AS year, count(*)::DOUBLE AS v FROM engagements "
        f"WHERE instrument = ? AND polarity > 0 AND {STATE_PAIR} "
        "AND actor_ccode <> partner_ccode AND year(start_date) <= ? GROUP BY ALL",
        [instrument, until],
    )


_EXERCISE = (
    "coalesce(details->>'mmeid', '') || '|' || coalesce(details->>'name', '') || '|' || "
    "CAST(start_date AS VARCHAR)"
)


def exercise_rows(led: Ledger, source: str, years: Years) -> pl.DataFrame:
    """``ccode1, ccode2, year, ex, details``: each state pair of each exercise (``ex`` identifies the
    exercise: its MME id, name and start date)."""
    return frame(
        led,
        "SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, "
        f"{_EXERCISE} AS ex, details FROM engagements WHERE source_id = ? AND instrument = 'exercise' "
        f"AND {STATE_PAIR} AND year(start_date) BETWEEN ? AND ?",
        [source, *years],
    )


def exercise_counts(led: Ledger, source: str, until: int) -> pl.DataFrame:
    """``ccode1 < ccode2, year, v``: distinct exercises each unordered pair held per year up to ``until``."""
    return frame(
        led,
        "SELECT least(actor_ccode, partner_ccode) AS ccode1, greatest(actor_ccode, partner_ccode) AS ccode2, "
        f"year(start_date) AS year, count(DISTINCT {_EXERCISE}) AS v FROM engagements "
        f"WHERE source_id = ? AND instrument = 'exercise' AND {STATE_PAIR} "
        "AND actor_ccode <> partner_ccode AND year(start_date) <= ? GROUP BY ALL",
        [source, until],
    )


def last_reports(led: Ledger, source: str, instrument: str, years: Years) -> pl.DataFrame:
    """``ccode1, ccode2, year, v`` (INTEGER): the year's last reported magnitude per directed dyad (the
    largest when two reports share the date), e.g. troops stationed."""
    return frame(
        led,
        "SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, "
        "CAST(arg_max(magnitude, (start_date, magnitude)) AS INTEGER) AS v FROM engagements "
        "WHERE source_id = ? AND instrument = ? AND year(start_date) BETWEEN ? AND ? GROUP BY ALL",
        [source, instrument, *years],
    )


def largest_by_instrument(led: Ledger, source: str, names: Mapping[str, str], years: Years) -> pl.DataFrame:
    """``ccode1, ccode2, year, <name>…``: per directed dyad-year the largest magnitude of each
    instrument in ``names`` (instrument → column name)."""
    cols = ", ".join(f"max(magnitude) FILTER (instrument = '{i}') AS {n}" for i, n in names.items())
    return frame(
        led,
        f"SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, {cols} "
        "FROM engagements WHERE source_id = ? AND year(start_date) BETWEEN ? AND ? GROUP BY ALL",
        [source, *years],
    )


def mean_by_actor(led: Ledger, source: str, years: Years, name: str) -> pl.DataFrame:
    """``ccode, year, <name>``: the mean magnitude of each state actor's engagements per year."""
    return frame(
        led,
        f"SELECT actor_ccode AS ccode, year(start_date) AS year, avg(magnitude) AS {name} "
        "FROM engagements WHERE source_id = ? AND actor_kind = 'state' "
        "AND year(start_date) BETWEEN ? AND ? GROUP BY ALL",
        [source, *years],
    )


def codeployments(led: Ledger, source: str, years: Years) -> pl.DataFrame:
    """``ccode1 < ccode2, year, pk_codeployments``: missions (``details.mission``) both states sent
    personnel to that year."""
    return frame(
        led,
        "WITH m AS (SELECT DISTINCT actor_ccode AS c, details->>'mission' AS mission, "
        "year(start_date) AS year FROM engagements WHERE source_id = ? AND actor_kind = 'state') "
        "SELECT a.c AS ccode1, b.c AS ccode2, a.year, CAST(count(*) AS INTEGER) AS pk_codeployments "
        "FROM m a JOIN m b ON a.mission = b.mission AND a.year = b.year AND a.c < b.c "
        "WHERE a.year BETWEEN ? AND ? GROUP BY ALL",
        [source, *years],
    )


def event_rows(led: Ledger, source: str, years: Years) -> pl.DataFrame:
    """``ccode1, ccode2, year, instrument, polarity, g``: state-to-state events with their Goldstein
    weight (``details.goldstein``)."""
    return frame(
        led,
        "SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, instrument, "
        "polarity, TRY_CAST(details->>'goldstein' AS DOUBLE) AS g FROM engagements WHERE source_id = ? "
        f"AND {STATE_PAIR} AND year(start_date) BETWEEN ? AND ?",
        [source, *years],
    )


def engagement_counts(led: Ledger, ccode: int | None = None) -> pl.DataFrame:
    """``source_id, instrument, actor_kind, actor_ccode, actor, partner_kind, partner_ccode, partner,
    year, positive, negative``: engagements counted per source, instrument, pair of parties and year of
    start, split by polarity (only those where ``ccode`` is actor or partner, when given)."""
    where, params = "", []
    if ccode is not None:
        where, params = "WHERE actor_ccode = ? OR partner_ccode = ?", [ccode, ccode]
    return frame(
        led,
        "SELECT source_id, instrument, actor_kind, actor_ccode::INTEGER AS actor_ccode, actor, partner_kind, "
        "partner_ccode::INTEGER AS partner_ccode, partner, year(start_date)::INTEGER AS year, "
        "sum((polarity > 0)::INTEGER)::INTEGER AS positive, "
        "sum((polarity < 0)::INTEGER)::INTEGER AS negative "
        f"FROM engagements {where} GROUP BY ALL",
        params,
    )


def dyad_engagements(led: Ledger, a: int, b: int, limit: int, offset: int) -> tuple[pl.DataFrame, int]:
    """One page of the engagements between two states, either way, oldest first, with each source's
    name, the dates' precision, the source's own fields (``details``, JSON text) and ``parties``: how
    many states share the row's event (same source, reference, instrument and start) when more than
    one of them acts in it: 2 for a joint event recorded both ways, 3 or more for a multilateral
    exercise or treaty; null where one state acts on the other. And how many rows there are in all."""
    where = (
        "FROM engagements e JOIN sources s ON s.id = e.source_id WHERE "
        "((actor_ccode = ? AND partner_ccode = ?) OR (actor_ccode = ? AND partner_ccode = ?)) "
        f"AND {STATE_PAIR}"
    )
    params = [a, b, b, a]
    total = frame(led, f"SELECT count(*) AS n {where}", params)["n"][0]
    event = ["source_id", "source_ref", "instrument", "start_date"]
    rows = frame(
        led,
        "WITH page AS (SELECT e.id, e.instrument, e.actor_ccode::INTEGER AS actor_ccode, e.actor, "
        "e.partner_ccode::INTEGER AS partner_ccode, e.partner, e.start_date, e.start_precision, "
        "e.end_date, e.end_precision, e.magnitude, e.unit, e.polarity, e.source_id, s.name AS source_name, "
        f"e.source_ref, e.note, e.details {where} ORDER BY e.start_date, e.id LIMIT ? OFFSET ?), "
        f"events AS (SELECT {', '.join(event)}, count(DISTINCT actor_ccode) AS actors, "
        "count(DISTINCT c) AS states FROM (SELECT g.*, unnest([g.actor_ccode, g.partner_ccode]) AS c "
        f"FROM engagements g SEMI JOIN page USING ({', '.join(event)}) WHERE {STATE_PAIR}) GROUP BY ALL) "
        "SELECT page.*, CASE WHEN events.actors > 1 THEN events.states::INTEGER "
        f"END AS parties FROM page LEFT JOIN events USING ({', '.join(event)}) ORDER BY start_date, id",
        [*params, limit, offset],
    )
    return rows, int(total)


def engagement_page(
    led: Ledger,
    *,
    actor: tuple[int | None, str, str] | None = None,
    partner: tuple[int | None, str, str] | None = None,
    instrument: str | None = None,
    source: str | None = None,
    since: int | None = None,
    until: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[pl.DataFrame, int]:
    """One page of engagements matching every filter, oldest first, and the number matching. ``actor``
    and ``partner`` are ``(ccode, name, kind)`` of a resolved party: a state by its code, anything else
    by name and kind; ``since``/``until`` bound the start year."""
    where: list[str] = ["TRUE"]
    params: list[object] = []
    for col, who in (("actor", actor), ("partner", partner)):
        if who is not None:
            code, name, kind = who
            if code is not None:
                where.append(f"{col}_ccode = ?")
                params.append(code)
            else:
                where.append(f"{col} = ? AND {col}_kind = ?")
                params += [name, kind]
    for clause, value in (("instrument = ?", instrument), ("source_id = ?", source)):
        if value is not None:
            where.append(clause)
            params.append(value)
    if since is not None:
        where.append("year(start_date) >= ?")
        params.append(since)
    if until is not None:
        where.append("year(start_date) <= ?")
        params.append(until)
    sql_where = " AND ".join(where)
    rows = frame(
        led,
        f"SELECT {', '.join(ENGAGEMENT_COLUMNS)}, count(*) OVER () AS _total FROM engagements "
        f"WHERE {sql_where} ORDER BY start_date, id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    if rows.height:
        total = int(rows["_total"][0])
    else:
        total = int(frame(led, f"SELECT count(*) AS n FROM engagements WHERE {sql_where}", params)["n"][0])
    return rows.drop("_total"), total
