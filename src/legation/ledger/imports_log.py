"""The import log: what each import wrote, and taking an import back out."""

from __future__ import annotations

import polars as pl

from legation.errors import LedgerError
from legation.ledger.sources import BUNDLED
from legation.ledger.store import Ledger

_SOURCE_TABLES = (
    "states",
    "groups",
    "memberships",
    "state_attributes",
    "dyad_attributes",
    "roll_calls",
    "votes",
)
"""Tables whose rows carry their source but not the import that wrote them."""

_BUNDLED = frozenset(s.id for s in BUNDLED)


def imports(led: Ledger) -> pl.DataFrame:
    """The import log, newest first."""
    out = led.query("SELECT * FROM imports ORDER BY id DESC")
    assert isinstance(out, pl.DataFrame)
    return out


def import_exists(led: Ledger, import_id: int) -> bool:
    """Whether the log holds import ``import_id``."""
    return bool(led.con.execute("SELECT count(*) FROM imports WHERE id = ?", [import_id]).fetchall()[0][0])


def delete_import(led: Ledger, import_id: int) -> int:
    """Remove everything import ``import_id`` wrote, and its log entry, in one transaction; returns
    the engagements removed.

    Engagements carry their import. A dataset import (``legation data import-dir``) replaces its
    source's rows in the other tables wholesale, so when it is the newest import of that source those
    rows are its own and go too; when a later import of the source replaced them, they are not. A
    dataset's source registration goes with the last import of it, so the ledger's content is as
    before the import (per-table digests, `Ledger.digest`)."""
    if not import_exists(led, import_id):
        raise LedgerError(
            f"no import {import_id} in {led.path.name}; the import log lists them (GET /api/imports)"
        )
    with led.transaction() as con:
        (n,) = con.execute("SELECT count(*) FROM engagements WHERE import_id = ?", [import_id]).fetchall()[0]
        fmt, sources = con.execute(
            "SELECT format, sources FROM imports WHERE id = ?", [import_id]
        ).fetchall()[0]
        if fmt.startswith("source:"):
            for sid in sources:
                (newest,) = con.execute(
                    "SELECT max(id) FROM imports WHERE format = ?", [f"source:{sid}"]
                ).fetchall()[0]
                if newest == import_id:
                    for table in _SOURCE_TABLES:
                        con.execute(f"DELETE FROM {table} WHERE source_id = ?", [sid])
        con.execute("DELETE FROM engagements WHERE import_id = ?", [import_id])
        con.execute("DELETE FROM imports WHERE id = ?", [import_id])
        if fmt.startswith("source:"):
            # the import registered its source: with no import of it left, the registration goes too
            for sid in sources:
                if sid in _BUNDLED:
                    continue
                (left,) = con.execute(
                    "SELECT count(*) FROM imports WHERE format = ?", [f"source:{sid}"]
                ).fetchall()[0]
                (rows,) = con.execute(
                    "SELECT count(*) FROM engagements WHERE source_id = ?", [sid]
                ).fetchall()[0]
                if left == 0 and rows == 0:
                    con.execute("DELETE FROM sources WHERE id = ?", [sid])
    led.refresh()
    return int(n)
