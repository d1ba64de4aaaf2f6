"""The one write path into ``engagements``, the ids its rows get, and the import log.

Engagement files (`importing`) and published datasets (`importers.base.run`) both conform their
rows with `engagement_rows` and write them with `insert_engagements`, inside the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb
import polars as pl

from legation import __version__
from legation.errors import ImporterError
from legation.ledger.schema import frame_schema

ROW_SCHEMA = pl.Schema({**frame_schema("engagements", without=("import_id",)), "_key": pl.String()})
"""The columns `insert_engagements` reads: the table's, less ``import_id``, plus ``_key``.

``id`` null asks for a stable id (`ID_SQL`). ``_key`` is a published dataset's own identity of the
row within the source; null for rows of an engagement file."""

_IDENTITY = (
    "instrument",
    "actor_kind",
    "coalesce(CAST(actor_ccode AS VARCHAR), actor)",
    "partner_kind",
    "coalesce(CAST(partner_ccode AS VARCHAR), partner)",
    "CAST(start_date AS VARCHAR)",
    "start_precision",
    "coalesce(CAST(end_date AS VARCHAR), '')",
    "coalesce(end_precision, '')",
    "coalesce(CAST(magnitude AS VARCHAR), '')",
    "unit",
    "CAST(polarity AS VARCHAR)",
    "source_id",
    "coalesce(source_ref, '')",
)

ID_SQL = (
    "coalesce(id, CASE WHEN _key IS NULL "
    f"THEN 'e' || left(md5(concat_ws('|', {', '.join(_IDENTITY)})), 20) "
    "ELSE source_id || ':' || left(md5(_key), 16) END)"
)
"""The SQL of an engagement's id, over a relation with the columns of `ROW_SCHEMA`.

An id given in the row is kept. Otherwise the id is stable, so that importing the same rows again
replaces them rather than adding copies, and it comes in one of two schemes, both kept because
ledgers and exports already carry ids of each and an id must never change under a row:

* a row of an engagement file (no ``_key``): ``e`` and 20 hex digits of the md5 of what the row
  says (`_IDENTITY`), not of where it stands in the file;
* a row of a published dataset (``_key`` set by `importers.base.engagements`):
  ``<source id>:`` and 16 hex digits of the md5 of the row's key within that source, so that a
  corrected value in a new release replaces the row it corrects.
"""


def engagement_rows(frame: pl.DataFrame, *, keep: Sequence[str] = ()) -> pl.DataFrame:
    """``frame`` with the columns of `ROW_SCHEMA` in their types (and ``keep``), or an
    `ImporterError` naming the columns it lacks."""
    missing = [c for c in ROW_SCHEMA if c not in frame.columns]
    if missing:
        raise ImporterError(f"engagement rows lack columns {missing}; add them (null where unknown)")
    rows = frame.select(*keep, *(pl.col(c).cast(t) for c, t in ROW_SCHEMA.items()))
    return rows.with_columns(canonical_dates())


def canonical_dates() -> tuple[pl.Expr, pl.Expr]:
    """``start_date`` and ``end_date`` as their precision states them, the same on every write
    path: a start is the first day of its year or month, an end the last (a month-precision end
    of February 2000 is 2000-02-29, whatever day the source gave). Day precision is kept."""
    s, e = pl.col("start_date"), pl.col("end_date")
    sp, ep = pl.col("start_precision"), pl.col("end_precision")
    start = (
        pl.when(sp == "year")
        .then(pl.date(s.dt.year(), 1, 1))
        .when(sp == "month")
        .then(s.dt.month_start())
        .otherwise(s)
    )
    end = (
        pl.when(ep == "year")
        .then(pl.date(e.dt.year(), 12, 31))
        .when(ep == "month")
        .then(e.dt.month_end())
        .otherwise(e)
    )
    return start.alias("start_date"), end.alias("end_date")


def insert_engagements(con: duckdb.DuckDBPyConnection, relation: str, import_id: int) -> None:
    """Insert the rows of the registered ``relation`` (made by `engagement_rows`) as import
    ``import_id``, each with its id (`ID_SQL`)."""
    cols = ", ".join(c for c in ROW_SCHEMA if c not in ("id", "_key"))
    con.execute(
        f"INSERT INTO engagements (id, {cols}, import_id) SELECT {ID_SQL}, {cols}, ? FROM {relation}",
        [import_id],
    )


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new import's id, for the rows it writes and its line in the import log."""
    return int(con.execute("SELECT nextval('import_ids')").fetchall()[0][0])


def log_import(
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    path: str,
    sha256: str,
    format: str,
    rows_read: int,
    rows_written: int,
    sources: Sequence[str],
    started_at: datetime,
) -> None:
    """Add one import to the ledger's import log (finished now)."""
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            import_id,
            path,
            sha256,
            format,
            rows_read,
            rows_written,
            list(sources),
            started_at,
            datetime.now(),
            __version__,
        ],
    )
