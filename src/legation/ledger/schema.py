"""The ledger's tables and their migrations.

`MIGRATIONS[k]` takes a ledger from schema version k to k+1; a new ledger runs them all. A ledger
written by a newer legation (higher version than `SCHEMA_VERSION`) is refused, never rewritten.
"""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl

from legation._parse import integer
from legation.errors import LedgerDamaged, SchemaVersionError

ENGAGEMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "instrument",
    "actor_kind",
    "actor_ccode",
    "actor",
    "partner_kind",
    "partner_ccode",
    "partner",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "magnitude",
    "unit",
    "polarity",
    "confidence",
    "source_id",
    "source_ref",
    "note",
    "import_id",
)

TABLES: tuple[str, ...] = (
    "engagements",
    "sources",
    "states",
    "groups",
    "memberships",
    "imports",
    "state_attributes",
    "dyad_attributes",
    "roll_calls",
    "votes",
)
"""Every data table of the ledger (for counts and per-source replacement)."""

_V1 = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE sources (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    citation VARCHAR NOT NULL,
    bibtex VARCHAR,
    licence VARCHAR NOT NULL,
    url VARCHAR,
    coverage_start INTEGER,
    coverage_end INTEGER,
    coverage_actors INTEGER[],
    coverage_note VARCHAR,
    added_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE states (
    system VARCHAR NOT NULL,           -- 'cow' or 'gw'
    code INTEGER NOT NULL,
    stateabb VARCHAR,
    statename VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,                     -- NULL: continues
    source_id VARCHAR NOT NULL
);
CREATE TABLE groups (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    founded DATE,
    url VARCHAR,
    note VARCHAR,
    source_id VARCHAR NOT NULL
);
CREATE TABLE memberships (
    group_id VARCHAR NOT NULL,
    ccode INTEGER NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    note VARCHAR,
    source_id VARCHAR NOT NULL
);
CREATE SEQUENCE import_ids START 1;
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_written BIGINT NOT NULL,
    sources VARCHAR[] NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    legation_version VARCHAR NOT NULL
);
CREATE TABLE engagements (
    id VARCHAR NOT NULL,
    instrument VARCHAR NOT NULL,
    actor_kind VARCHAR NOT NULL,
    actor_ccode SMALLINT,
    actor VARCHAR NOT NULL,
    partner_kind VARCHAR NOT NULL,
    partner_ccode SMALLINT,
    partner VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    start_precision VARCHAR NOT NULL,
    end_date DATE,
    end_precision VARCHAR,
    magnitude DOUBLE,
    unit VARCHAR NOT NULL,
    polarity TINYINT NOT NULL,
    confidence DOUBLE NOT NULL,
    source_id VARCHAR NOT NULL,
    source_ref VARCHAR,
    note VARCHAR,
    import_id INTEGER
);
"""

_V2 = """
ALTER TABLE engagements ADD COLUMN details VARCHAR;   -- JSON text: source-specific fields
CREATE TABLE state_attributes (
    source_id VARCHAR NOT NULL,
    ccode INTEGER NOT NULL,
    year INTEGER NOT NULL,
    variable VARCHAR NOT NULL,
    value DOUBLE                       -- NULL: the source reports the value as missing
);
CREATE TABLE dyad_attributes (
    source_id VARCHAR NOT NULL,
    ccode1 INTEGER NOT NULL,
    ccode2 INTEGER NOT NULL,
    year INTEGER NOT NULL,
    variable VARCHAR NOT NULL,
    value DOUBLE,
    directed BOOLEAN NOT NULL          -- false: one row per unordered pair, ccode1 < ccode2
);
CREATE TABLE roll_calls (
    source_id VARCHAR NOT NULL,
    rcid INTEGER NOT NULL,
    session INTEGER,
    date DATE,
    important BOOLEAN,
    unres VARCHAR,
    short VARCHAR,
    descr VARCHAR,
    issues VARCHAR[]
);
CREATE TABLE votes (
    source_id VARCHAR NOT NULL,
    rcid INTEGER NOT NULL,
    ccode INTEGER NOT NULL,
    vote TINYINT NOT NULL              -- 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member
);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


def version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open ledger (0 for an empty database); a `LedgerDamaged` when the
    recorded version is not a whole number."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()
    if not has_meta[0][0]:
        return 0
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    if not rows:
        return 0
    found = integer(str(rows[0][0]).strip())
    if found is None or found < 0:
        raise LedgerDamaged(
            f"its recorded schema version {rows[0][0]!r} is not a whole number: the file was changed "
            "outside legation; restore it from a backup, or rebuild it"
        )
    return found


def missing_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of `SCHEMA_VERSION` absent from an open, migrated ledger (dropped outside legation)."""
    found = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    return [t for t in ("meta", *TABLES) if t not in found]


def migrate(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Bring the ledger to `SCHEMA_VERSION` in one transaction; returns the version found."""
    found = version(con)
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path} has schema version {found}, newer than this legation's {SCHEMA_VERSION}: "
            "upgrade legation to use it"
        )
    if found == SCHEMA_VERSION:
        return found
    con.execute("BEGIN TRANSACTION")
    try:
        for step in MIGRATIONS[found:]:
            con.execute(step)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return found


@cache
def _frame_schemas() -> dict[str, pl.Schema]:
    con = duckdb.connect()
    try:
        for step in MIGRATIONS:
            con.execute(step)
        return {table: con.sql(f"SELECT * FROM {table} LIMIT 0").pl().schema for table in TABLES}
    finally:
        con.close()


def frame_schema(table: str, *, without: tuple[str, ...] = ()) -> pl.Schema:
    """The polars columns and types of one of `TABLES`, less ``without``: read from the tables the
    migrations create (in memory, once), so the SQL above stays the only statement of each shape."""
    return pl.Schema({c: t for c, t in _frame_schemas()[table].items() if c not in without})
