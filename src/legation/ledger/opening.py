"""Opening a ledger file: what went wrong when DuckDB cannot (a lock held by another process, a
read-only file system, a full disk, a damaged file), each said with what to do; and damage found
later, in a block a query reaches in a file that opened cleanly."""

from __future__ import annotations

from pathlib import Path

import duckdb

from legation.errors import LedgerDamaged, LedgerError, LedgerFull, LedgerLocked, LedgerReadOnly

_DAMAGE = (
    "not a valid DuckDB database",
    "Could not read enough bytes",
    "Corrupt database file",
    "checksum",
    "Serialization Error",
    "INTERNAL Error",
    "database file is corrupted",
    "Invalid Input Error: Block",
)


def open_error(path: Path, e: duckdb.Error, read_only: bool) -> LedgerError:
    """What went wrong opening ``path``, from DuckDB's error: lock contention, a read-only file
    system, a full disk, or a damaged file, each with what to do."""
    text = str(e)
    if (
        isinstance(e, duckdb.ConnectionException)
        or "Could not set lock" in text
        or "Conflicting lock" in text
    ):
        return LedgerLocked(
            f"cannot open {path}: {text}. Another process holds it: a running import, or "
            "`legation serve` answering requests (it lets go after 2 s idle; import through its "
            "POST /api/imports, or retry); or use a copy of the file."
        )
    if "Read-only file system" in text or "Permission denied" in text:
        why = "the file system is read-only" if "Read-only" in text else "permission denied"
        return LedgerReadOnly(
            f"cannot {'read' if read_only else 'write'} {path}: {why}; copy the ledger somewhere "
            "writable, or choose another file with --db"
        )
    if "No space left" in text:
        return LedgerFull(f"cannot open {path}: the disk is full; free some space and retry")
    if "not a valid DuckDB database" in text:
        return LedgerDamaged(f"{path} is not a legation ledger (not a DuckDB database file)")
    if any(mark.lower() in text.lower() for mark in _DAMAGE) or isinstance(
        e, duckdb.SerializationException | duckdb.InternalException
    ):
        return LedgerDamaged(
            f"{path} is damaged (truncated or corrupt: {text}); restore it from a backup, or rebuild "
            "it (`legation init` on a new file, then import again)"
        )
    return LedgerError(f"cannot open {path}: {text}")


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path``, or the `LedgerError` that says why there is none."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as e:
        raise open_error(path, e, read_only) from e


def damage(e: BaseException, path: Path | None = None) -> LedgerDamaged | None:
    """The `LedgerDamaged` a DuckDB error raised by a read amounts to (a corrupt block the open did
    not touch), or None when ``e`` is something else. The faces ask this of an error they did not
    expect, so a damaged file is said to be damaged wherever a query meets the damage."""
    if not isinstance(e, duckdb.Error):
        return None
    text = str(e)
    if not any(mark.lower() in text.lower() for mark in _DAMAGE):
        return None
    where = str(path) if path is not None else "the ledger"
    return LedgerDamaged(
        f"{where} is damaged (a corrupt block: {text}); restore it from a backup, or rebuild it "
        "(`legation init` on a new file, then import again)"
    )


def disk_full(e: BaseException, path: Path) -> LedgerFull | None:
    """The `LedgerFull` a failed write amounts to when the disk filled up, or None."""
    if not isinstance(e, duckdb.Error | OSError) or "No space left" not in str(e):
        return None
    return LedgerFull(
        f"the disk holding {path} is full: nothing of this change was written, the ledger is as it "
        "was; free some space and retry"
    )
