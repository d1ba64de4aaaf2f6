"""The ledger: one DuckDB file holding sources, states, groups, engagements and the import log.

DuckDB allows one writing process per file. Read commands open the file read-only so several
readers can share it; a writer that finds the file locked gets a `LedgerError` naming the
holder, never a crash or a half-written file.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shlex
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, overload

import duckdb
import polars as pl
import pyarrow as pa
from platformdirs import user_data_dir

from legation.errors import (
    InvalidValueError,
    LedgerDamaged,
    LedgerError,
    LedgerReadOnly,
    SchemaVersionError,
)
from legation.groups import Groups
from legation.groups import bundled as bundled_groups
from legation.ledger import schema
from legation.ledger.opening import connect, disk_full, open_error
from legation.ledger.sources import BUNDLED, GROUPS, STATES, Source
from legation.states.resolve import Resolver
from legation.states.system import SPELL_SCHEMA, StateSystem
from legation.states.system import bundled as bundled_system

if TYPE_CHECKING:
    import pandas as pd

Frame = Literal["polars", "pandas", "arrow"]


def default_path() -> Path:
    """``$LEGATION_DB``, else ``ledger.duckdb`` in the user's data directory."""
    env = os.environ.get("LEGATION_DB")
    return Path(env) if env else Path(user_data_dir("legation")) / "ledger.duckdb"


def demo_path() -> Path:
    """Where `legation demo` builds its ledger unless told otherwise: ``demo.duckdb`` in the user's data
    directory, beside the default ledger and never it (the demo rebuilds its file from scratch)."""
    return Path(user_data_dir("legation")) / "demo.duckdb"


def no_ledger(path: Path) -> str:
    """Why a missing ledger file cannot be read, and what helps: the demo's ledger when it exists (it
    is not the default ledger), else the commands that build one."""
    demo = demo_path()
    if demo.is_file() and demo.resolve() != path.resolve():
        where = shlex.quote(str(demo))
        return (
            f"no ledger at {path}; the demo's ledger is {demo}: add --db {where} (or set "
            f"LEGATION_DB={where}), or create this one with `legation init` and `legation import FILE`"
        )
    return (
        f"no ledger at {path}; create it with `legation init` and `legation import FILE`, or build the "
        "demo's ledger from the curated sample with `legation demo --no-serve` and pass the --db it prints"
    )


@overload
def to_frame(table: pa.Table, as_: Literal["polars"]) -> pl.DataFrame: ...
@overload
def to_frame(table: pa.Table, as_: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def to_frame(table: pa.Table, as_: Literal["arrow"]) -> pa.Table: ...
@overload
def to_frame(table: pa.Table, as_: Frame) -> pl.DataFrame | pd.DataFrame | pa.Table: ...
def to_frame(table: pa.Table, as_: Frame) -> pl.DataFrame | pd.DataFrame | pa.Table:
    """An Arrow table as the caller's frame type, without copying where Arrow allows."""
    if as_ == "arrow":
        return table
    if as_ == "polars":
        out = pl.from_arrow(table)
        assert isinstance(out, pl.DataFrame)  # an Arrow table (not an array) gives a frame
        return out
    if as_ == "pandas":
        import pandas as pd

        return table.to_pandas(types_mapper=pd.ArrowDtype)
    raise InvalidValueError(f"as_ must be 'polars', 'pandas' or 'arrow', not {as_!r}")


class Ledger:
    """A ledger file. Use as a context manager, or call `close()`.

    >>> with Ledger("my.duckdb") as led:
    ...     led.engagements(actor="United States", instrument="exercise")
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self.closed = False
        self._depth = 0  # transactions open: only the outermost begins and ends one
        if read_only and not self.path.exists():
            raise LedgerError(no_ledger(self.path))
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise LedgerReadOnly(
                    f"cannot create the folder {self.path.parent} for the ledger ({e.strerror}); "
                    "choose a writable place with --db or LEGATION_DB"
                ) from e
        self._resolver: Resolver | None = None
        self.con = connect(self.path, read_only)
        try:
            self._check(read_only)
        except BaseException:
            self.con.close()
            raise

    def _check(self, read_only: bool) -> None:
        """Bring a writable ledger to the current schema (seeding a new one); refuse a read-only
        one at another version; refuse a ledger that lacks one of its tables."""
        try:
            # DuckDB prints a progress bar on stdout for statements over 2 s: it would corrupt what
            # the CLI and the benchmarks write there. In a Jupyter kernel without ipywidgets DuckDB
            # refuses the setting, and shows no bar there anyway
            with contextlib.suppress(duckdb.InvalidInputException):
                self.con.execute("SET enable_progress_bar = false")
            if read_only:
                found = schema.version(self.con)
                if found > schema.SCHEMA_VERSION:
                    raise SchemaVersionError(
                        f"{self.path} has schema version {found}, newer than this legation's "
                        f"{schema.SCHEMA_VERSION}: upgrade legation to use it"
                    )
                if found != schema.SCHEMA_VERSION:
                    raise LedgerError(
                        f"{self.path} has schema version {found}, older than this legation's "
                        f"{schema.SCHEMA_VERSION}: open it once for writing (`legation init --db "
                        f"{self.path}`) to migrate it"
                    )
            elif schema.migrate(self.con, str(self.path)) == 0:
                self._seed()
            if missing := schema.missing_tables(self.con):
                raise LedgerDamaged(
                    f"{self.path} lacks the table{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}: it was changed outside legation; restore it from a "
                    "backup, or rebuild it"
                )
        except LedgerDamaged as e:
            if str(self.path) in str(e):
                raise
            raise LedgerDamaged(f"{self.path}: {e}") from e
        except duckdb.Error as e:
            raise open_error(self.path, e, read_only) from e

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (a cursor from `cursor` closes only itself)."""
        self.con.close()
        self.closed = True

    def cursor(self) -> Ledger:
        """The same ledger on a new cursor of this connection, for use from another thread (one
        DuckDB connection must not run two queries at once; its cursors may). Close it after use."""
        other = copy.copy(self)
        other.con, other.closed, other._depth = self.con.cursor(), False, 0
        return other

    def _seed(self) -> None:
        """A new ledger starts with the bundled sources, state spells and groups."""
        with self.transaction():
            for src in BUNDLED:
                self._put_source(src)
            spells = bundled_system().spells.with_columns(pl.lit(STATES.id).alias("source_id"))
            self.con.register("_spells", spells.to_arrow())
            self.con.execute("INSERT INTO states SELECT * FROM _spells")
            self.con.unregister("_spells")
            self._put_groups(bundled_groups(), GROUPS.id)

    # transactions -----------------------------------------------------------------------------

    def transaction(self) -> _Transaction:
        """A context manager: commits on success, rolls back on any exception. A transaction opened
        inside another joins it: the outermost one commits or rolls back the whole."""
        return _Transaction(self)

    # reading ----------------------------------------------------------------------------------

    @overload
    def query(
        self, sql: str, params: Sequence[object] | None = None, as_: Literal["polars"] = "polars"
    ) -> pl.DataFrame: ...
    @overload
    def query(self, sql: str, params: Sequence[object] | None, as_: Literal["pandas"]) -> pd.DataFrame: ...
    @overload
    def query(self, sql: str, params: Sequence[object] | None, as_: Literal["arrow"]) -> pa.Table: ...
    @overload
    def query(
        self, sql: str, params: Sequence[object] | None = None, *, as_: Literal["pandas"]
    ) -> pd.DataFrame: ...
    @overload
    def query(
        self, sql: str, params: Sequence[object] | None = None, *, as_: Literal["arrow"]
    ) -> pa.Table: ...
    @overload
    def query(
        self, sql: str, params: Sequence[object] | None = None, as_: Frame = "polars"
    ) -> pl.DataFrame | pd.DataFrame | pa.Table: ...
    def query(
        self, sql: str, params: Sequence[object] | None = None, as_: Frame = "polars"
    ) -> pl.DataFrame | pd.DataFrame | pa.Table:
        """Run a parameterised SQL query and return a frame of the caller's kind."""
        return to_frame(self.con.sql(sql, params=params).to_arrow_table(), as_)

    @overload
    def engagements(
        self,
        *,
        actor: str | int | None = None,
        partner: str | int | None = None,
        instrument: str | Sequence[str] | None = None,
        since: date | int | None = None,
        until: date | int | None = None,
        source: str | None = None,
        details: bool = False,
        as_: Literal["polars"] = "polars",
    ) -> pl.DataFrame: ...
    @overload
    def engagements(
        self,
        *,
        actor: str | int | None = None,
        partner: str | int | None = None,
        instrument: str | Sequence[str] | None = None,
        since: date | int | None = None,
        until: date | int | None = None,
        source: str | None = None,
        details: bool = False,
        as_: Frame,
    ) -> pl.DataFrame | pd.DataFrame | pa.Table: ...
    def engagements(
        self,
        *,
        actor: str | int | None = None,
        partner: str | int | None = None,
        instrument: str | Sequence[str] | None = None,
        since: date | int | None = None,
        until: date | int | None = None,
        source: str | None = None,
        details: bool = False,
        as_: Frame = "polars",
    ) -> pl.DataFrame | pd.DataFrame | pa.Table:
        """Engagements matching every filter given; ``since``/``until`` bound the start date.

        ``details=True`` adds the ``details`` column: source-specific fields as JSON text (ATOP
        provisions, SIPRI weapon and delivery years, exercise domain and mission…).
        """
        where: list[str] = []
        params: list[object] = []
        for col, who in (("actor", actor), ("partner", partner)):
            if who is not None:
                a = self.resolver().resolve(who)
                if a.ccode is not None:
                    where.append(f"{col}_ccode = ?")
                    params.append(a.ccode)
                else:
                    where.append(f"{col} = ? AND {col}_kind = ?")
                    params += [a.name, a.kind.value]
        if instrument is not None:
            names = [instrument] if isinstance(instrument, str) else list(instrument)
            where.append(f"instrument IN ({', '.join('?' * len(names))})")
            params += names
        if since is not None:
            where.append("start_date >= ?")
            params.append(date(since, 1, 1) if isinstance(since, int) else since)
        if until is not None:
            where.append("start_date <= ?")
            params.append(date(until, 12, 31) if isinstance(until, int) else until)
        if source is not None:
            where.append("source_id = ?")
            params.append(source)
        cols = [*schema.ENGAGEMENT_COLUMNS, "details"] if details else schema.ENGAGEMENT_COLUMNS
        sql = f"SELECT {', '.join(cols)} FROM engagements"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY start_date, id"
        return self.query(sql, params, as_)

    def count(self, table: str = "engagements") -> int:
        """Rows in one of the ledger's tables (`schema.TABLES`)."""
        if table not in schema.TABLES:
            raise LedgerError(f"no table {table!r}; the ledger's tables are {', '.join(schema.TABLES)}")
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    def digest(self, table: str) -> str:
        """A digest of one table's content, whatever the order of its rows: the row count and the
        sum of every row's hash. Equal digests mean equal content (up to a hash collision), so a
        change undone (a deleted import) can be checked table by table."""
        if table not in schema.TABLES:
            raise LedgerError(f"no table {table!r}; the ledger's tables are {', '.join(schema.TABLES)}")
        n, total = self.con.execute(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {table} t").fetchall()[0]
        return f"{n}:{total or 0:x}"

    @overload
    def sources(self, as_: Literal["polars"] = "polars") -> pl.DataFrame: ...
    @overload
    def sources(self, as_: Frame) -> pl.DataFrame | pd.DataFrame | pa.Table: ...
    def sources(self, as_: Frame = "polars") -> pl.DataFrame | pd.DataFrame | pa.Table:
        """Every registered source, one row each, by id."""
        return self.query("SELECT * EXCLUDE (added_at) FROM sources ORDER BY id", as_=as_)

    def source(self, source_id: str) -> Source:
        """One registered source; a `LedgerError` naming the registered ones when it is absent."""
        found = self.registered([source_id])
        if not found:
            known = ", ".join(self.sources()["id"].to_list())
            raise LedgerError(f"no source {source_id!r} in {self.path}; registered: {known}")
        return found[0]

    def registered(self, source_ids: Sequence[str]) -> list[Source]:
        """Those of ``source_ids`` registered in the ledger, in the order given (one query)."""
        rows = {r["id"]: r for r in self.sources().filter(pl.col("id").is_in(list(source_ids))).to_dicts()}
        out = []
        for sid in source_ids:
            if (row := rows.get(sid)) is not None:
                if row["coverage_actors"] is not None:
                    row["coverage_actors"] = tuple(row["coverage_actors"])
                out.append(Source.model_validate(row))
        return out

    def states(self, system: str = "cow") -> StateSystem:
        """The state system's spells: the most complete imported list, else the bundled subset."""
        return StateSystem(self.state_list(system)[0], system)

    def state_list(self, system: str = "cow") -> tuple[pl.DataFrame, str | None]:
        """The spells of ``system``'s most complete list in the ledger (an imported one over the
        bundled subset), ordered by code and start, and the id of its source (None: no list)."""
        rows = self.query(
            "SELECT system, code, stateabb, statename, start_date, end_date, source_id FROM states "
            "WHERE system = ? AND source_id = coalesce(("
            "  SELECT any_value(source_id) FROM states WHERE system = ? AND source_id <> ?"
            "), ?) ORDER BY code, start_date",
            [system, system, STATES.id, STATES.id],
        )
        source = rows["source_id"][0] if rows.height else None
        return rows.drop("source_id").cast(SPELL_SCHEMA), source

    def groups(self) -> Groups:
        return bundled_groups()

    def resolver(self) -> Resolver:
        """A resolver over this ledger's COW state system and groups (cached)."""
        if self._resolver is None:
            self._resolver = Resolver(self.states("cow"), self.groups())
        return self._resolver

    def refresh(self) -> None:
        """Forget what was read and cached (the resolver): call after a write that may change the
        states or groups."""
        self._resolver = None

    # writing ----------------------------------------------------------------------------------

    def register_source(self, src: Source) -> None:
        """Add or update a source (by id); inside a `transaction`, as part of it."""
        with self.transaction():
            self._put_source(src)

    def _put_source(self, src: Source) -> None:
        row = src.model_dump()
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        params = [list(v) if isinstance(v, tuple) else v for v in row.values()]
        self.con.execute(f"INSERT OR REPLACE INTO sources ({cols}) VALUES ({marks})", params)

    def _put_groups(self, groups: Groups, source_id: str) -> None:
        self.con.executemany(
            "INSERT OR REPLACE INTO groups VALUES (?, ?, ?, ?, ?, ?, ?)",
            [[g.id, g.name, g.kind, g.founded, g.url, g.note, source_id] for g in groups],
        )
        self.con.executemany(
            "INSERT INTO memberships VALUES (?, ?, ?, ?, ?, ?)",
            [[g.id, m.state, m.start, m.end, m.note, source_id] for g in groups for m in g.members],
        )

    def replace_states(self, spells: pl.DataFrame, source: Source) -> int:
        """Replace the spells of ``spells``' system that came from ``source``; returns rows."""
        systems = spells["system"].unique().to_list()
        with self.transaction():
            self._put_source(source)
            self.con.execute(
                "DELETE FROM states WHERE source_id = ? AND system IN (SELECT unnest(?))",
                [source.id, systems],
            )
            self.con.register("_spells", spells.select(*SPELL_SCHEMA).to_arrow())
            self.con.execute("INSERT INTO states SELECT *, ? FROM _spells", [source.id])
            self.con.unregister("_spells")
        self._resolver = None
        return spells.height


class _Transaction:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        if self.ledger._depth == 0:
            self.ledger.con.execute("BEGIN TRANSACTION")
        self.ledger._depth += 1
        return self.ledger.con

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.ledger._depth -= 1
        if self.ledger._depth:
            return
        if exc is None:
            try:
                self.ledger.con.execute("COMMIT")
                return
            except duckdb.Error as e:
                exc = e
        with contextlib.suppress(duckdb.Error):  # a commit that failed has already rolled back
            self.ledger.con.execute("ROLLBACK")
        full = disk_full(exc, self.ledger.path)
        if full is not None:
            raise full from exc
        if exc_type is None:
            raise exc
