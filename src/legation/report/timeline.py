"""The notable engagements behind the numbers: from the ledger, one source per fact, machine-coded
event data left out, the largest of each instrument first, each with its source and reference."""

from __future__ import annotations

import polars as pl

from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.panel.channels import EVENT_SOURCES, one_per_fact

PAGE = 20_000
"""Engagements read per side at most: a great power's five years hold a few thousand."""

UNITS = {"tiv_musd": "TIV (million)", "count": "", "personnel": "personnel"}
"""How magnitudes' units read in a table."""

COLUMNS = {
    "date": "Date",
    "instrument": "Instrument",
    "actor": "From",
    "partner": "To",
    "size": "Size",
    "source": "Source",
    "reference": "Reference",
}


def _shape(rows: pl.DataFrame) -> pl.DataFrame:
    unit = pl.col("unit").fill_null("").replace(UNITS)
    plain = pl.col("magnitude").is_null() | ((pl.col("unit") == "count") & (pl.col("magnitude") == 1))
    amount = pl.col("magnitude").round(0).cast(pl.Int64)
    size = pl.when(plain).then(pl.lit("")).otherwise(amount.cast(pl.String) + pl.lit(" ") + unit)
    return rows.select(
        pl.col("start_date").cast(pl.String).alias("date"),
        pl.col("instrument").str.replace_all("_", " "),
        "actor",
        "partner",
        size.str.strip_chars().alias("size"),
        pl.col("source_id").alias("source"),
        pl.col("source_ref").fill_null("").str.slice(0, 80).alias("reference"),
        "source_id",
    )


def notable(
    led: Ledger, rows: pl.DataFrame, distinct: list[str], per_instrument: int = 2, most: int = 14
) -> pl.DataFrame:
    """From engagement rows (`reads.engagement_page` columns): positive state-to-state engagements,
    one source per fact, without machine-coded events; the largest (by magnitude, then the latest)
    row of each combination of the ``distinct`` columns, then the ``per_instrument`` largest of each
    instrument, at most ``most``, oldest first, as `COLUMNS`."""
    if rows.height == 0:
        return pl.DataFrame(schema=dict.fromkeys([*COLUMNS, "source_id"], pl.String))
    rows = rows.filter(
        ~pl.col("source_id").is_in(list(EVENT_SOURCES))
        & (pl.col("polarity") > 0)
        & (pl.col("actor_kind") == "state")
        & (pl.col("partner_kind") == "state")
    ).with_columns(pl.col("start_date").dt.year().cast(pl.Int32).alias("year"))
    rows = one_per_fact(led, rows)
    if rows.height == 0:
        return pl.DataFrame(schema=dict.fromkeys([*COLUMNS, "source_id"], pl.String))
    picked = (
        rows.sort(["magnitude", "start_date"], descending=True, nulls_last=True)
        .unique(distinct, keep="first", maintain_order=True)
        .group_by("instrument", maintain_order=True)
        .head(per_instrument)
        .head(most)
        .sort("start_date", "id")
    )
    return _shape(picked)


def of_state(led: Ledger, ccode: int, name: str, years: tuple[int, int]) -> pl.DataFrame:
    """Notable engagements the state started or received in ``years``."""
    me = (ccode, name, "state")
    out = reads.engagement_page(led, actor=me, since=years[0], until=years[1], limit=PAGE)[0]
    inc = reads.engagement_page(led, partner=me, since=years[0], until=years[1], limit=PAGE)[0]
    pairs = ["instrument", "actor_ccode", "partner_ccode"]
    return notable(led, pl.concat([out, inc]).unique("id"), pairs)


def of_dyad(led: Ledger, a: int, b: int, years: tuple[int, int]) -> pl.DataFrame:
    """Notable engagements between two states, either way, in ``years``."""
    rows = reads.engagement_page(
        led, actor=(a, "", "state"), partner=(b, "", "state"), since=years[0], until=years[1], limit=PAGE
    )[0]
    back = reads.engagement_page(
        led, actor=(b, "", "state"), partner=(a, "", "state"), since=years[0], until=years[1], limit=PAGE
    )[0]
    yearly = ["instrument", "actor_ccode", "year"]
    return notable(led, pl.concat([rows, back]), yearly, per_instrument=3, most=16)
