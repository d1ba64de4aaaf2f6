# Kept whole: the importer contract, the run that writes it and the row builders every importer uses.
"""The machinery every importer of a published dataset shares.

An `Importer` knows one producer's files: the ones it recognises in a data directory (`patterns`,
official formats first), where the producer publishes them (`downloads`), the `Source` they are
registered under, and how to turn them into rows of the ledger's tables (`read`). `run` then
writes those rows in one transaction that first removes everything the source wrote before, so a
re-import replaces and a failed or killed import changes nothing.

Rows a source holds but legation cannot map (a name that resolves to no state, a malformed year)
are never dropped silently: `read` counts them in the `SourceReport` with the reason, and the
report lists every unresolved name with its number of rows.
"""

from __future__ import annotations

import contextlib
import io
import time
import zipfile
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import polars as pl

from legation.errors import ImporterError, InputError, LegationError, Problem, UnknownStateError
from legation.instruments import INSTRUMENTS
from legation.ledger.digest import sha256_files
from legation.ledger.importers.releases import release_rows
from legation.ledger.schema import frame_schema
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.ledger.writing import engagement_rows, insert_engagements, log_import, next_import_id
from legation.states.resolve import ActorKind

ENGAGEMENT_SCHEMA = frame_schema("engagements", without=("id", "source_id", "import_id"))
"""Columns of an engagement frame returned by `Importer.read` (plus ``_key``, see `engagements`)."""

SCHEMAS: dict[str, pl.Schema] = {
    "engagements": pl.Schema({**ENGAGEMENT_SCHEMA, "_key": pl.String()}),
    **{
        table: frame_schema(table, without=("source_id",))
        for table in (
            "state_attributes",
            "dyad_attributes",
            "roll_calls",
            "votes",
            "groups",
            "memberships",
            "states",
        )
    },
}
"""What `Importer.read` may return, by table (``source_id`` is added by `run`)."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Download:
    """One file the producer publishes: its official URL and where it lies in a data directory."""

    url: str
    path: str
    sha256: str | None = None


def unresolved_reason(e: UnknownStateError) -> str:
    """Why a name resolved to no state, in a few words: a state that did not exist on the row's date
    is not an unknown name."""
    if e.reason and "not a member of the state system" in e.reason:
        return "not a state on that date"
    return e.reason or "unknown name"


@dataclass
class SourceReport:
    """What importing one source did: rows read, written per table, rejected and unresolved."""

    source: str
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    written: dict[str, int] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    unresolved: Counter[str] = field(default_factory=Counter)
    """Rows per name (or code) that resolved to no state."""
    unresolved_rows: Counter[tuple[str, str, int | None]] = field(default_factory=Counter)
    """The same rows by name, reason and year: why each did not resolve, and when."""
    corrected: Counter[str] = field(default_factory=Counter)
    """Rows written with a value corrected from the file's (the reason, with the number of rows)."""
    seconds: float = 0.0

    def reject(self, reason: str, rows: int = 1) -> None:
        if rows:
            self.rejected[reason] += rows

    def unresolve(self, name: str, rows: int, reason: str, year: int | None = None) -> None:
        """Count ``rows`` whose ``name`` resolved to no state in ``year``, and say why."""
        if rows:
            self.unresolved[name] += rows
            self.unresolved_rows[(name, reason, year)] += rows

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())


class Importer(ABC):
    """One producer's dataset; subclasses set the class attributes and write `read`."""

    source: ClassVar[Source]
    patterns: ClassVar[tuple[str, ...]]
    """Glob patterns relative to a data directory, one per file the importer reads. Each may match
    several formats of one file (``atop/atop5_1a.*``); `find` takes the first in `formats`."""
    formats: ClassVar[tuple[str, ...]] = (".csv", ".xlsx", ".dta", ".zip", ".parquet")
    tables: ClassVar[tuple[str, ...]] = ("engagements",)
    downloads: ClassVar[tuple[Download, ...]] = ()
    order: ClassVar[int] = 50
    """Import order in `import_dir`: state systems (0) come before everything that resolves names."""

    fallbacks: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Other sets of patterns, tried in order when `patterns` do not all match: processed copies
    of a release (peacesciencer's tables) read where the producer's own files are absent."""
    many: ClassVar[bool] = False
    """True for sources published as many files of one layout (GDELT's daily exports): `find` then
    returns every file each pattern matches (one format per file name), not only the first."""

    def find(self, root: Path) -> list[Path] | None:
        """The files this importer reads in ``root``: those of the first set of patterns
        (`patterns`, then each of `fallbacks`) that all match; None when no set does."""
        for patterns in (self.patterns, *self.fallbacks):
            found = self._find(root, patterns)
            if found is not None:
                return found
        return None

    def _find(self, root: Path, patterns: Sequence[str]) -> list[Path] | None:
        found = []
        for pattern in patterns:
            hits = [p for p in root.glob(pattern) if p.suffix.lower() in self.formats and p.is_file()]
            if not hits:
                return None
            best: dict[str, Path] = {}
            for p in sorted(hits, key=lambda p: (_rank(p, self.formats), str(p))):
                best.setdefault(_stem(p, self.formats) if self.many else pattern, p)
            found += sorted(best.values()) if self.many else list(best.values())
        return found

    @abstractmethod
    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        """Rows for the ledger's tables, by table name (each a frame with `SCHEMAS[table]`)."""


def _stem(path: Path, formats: tuple[str, ...]) -> str:
    """The file's path without its format suffixes: ``a.export.CSV.zip`` → ``a.export``."""
    while path.suffix.lower() in formats:
        path = path.with_suffix("")
    return str(path)


def _rank(path: Path, formats: tuple[str, ...]) -> int:
    suffix = path.suffix.lower()
    return formats.index(suffix) if suffix in formats else len(formats)


# running ---------------------------------------------------------------------------------------


def run(
    ledger: Ledger,
    importer: Importer,
    files: Sequence[Path],
    progress: Progress | None = None,
    *,
    allow_smaller: bool = False,
    as_release: bool = False,
) -> SourceReport:
    """Read ``files`` with ``importer`` and replace the source's rows, all in one transaction.

    A file that cannot be a whole release is refused before anything changes (`check_complete`):
    no rows, every row rejected, far fewer rows than the source's last import read, or, for files
    found in a release's layout (``as_release``), fewer than that release holds (unless
    ``allow_smaller``)."""
    t0 = time.perf_counter()
    note = progress or (lambda _stage: None)
    src = importer.source
    report = SourceReport(src.id, [str(f) for f in files])
    note(f"{src.id}: reading")
    where = f"source {src.id} ({', '.join(Path(f).name for f in files)})"
    try:
        out = importer.read(ledger, files, report)
    except LegationError:
        raise
    except (pl.exceptions.PolarsError, duckdb.Error, ValueError, TypeError, KeyError, OverflowError) as e:
        # a cell of the wrong type or a null where the layout has none: the file, not legation
        raise InputError([Problem("", "", f"cannot read the file: {_short(e)}")], file=where) from e
    unknown = set(out) - set(importer.tables)
    if unknown:
        raise ImporterError(
            f"{type(importer).__name__} returned tables it does not declare: {unknown}; "
            "add them to its `tables`"
        )
    frames = {table: _conform(table, frame, where) for table, frame in out.items()}
    if "engagements" in frames:
        check_engagements(frames["engagements"], src.id)
    check_complete(
        importer,
        report,
        frames,
        where,
        previous=previous_rows(ledger, src.id),
        release=release_rows(src.id, files) if as_release else None,
        allow_smaller=allow_smaller,
    )
    note(f"{src.id}: writing")
    started = datetime.fromtimestamp(time.time() - (time.perf_counter() - t0))
    with ledger.transaction() as con:
        ledger.register_source(src)
        for table in importer.tables:
            con.execute(f"DELETE FROM {table} WHERE source_id = ?", [src.id])
        import_id = next_import_id(con)
        for table, frame in frames.items():
            _insert(con, table, frame, src.id, import_id)
            report.written[table] = frame.height
        log_import(
            con,
            import_id,
            path="; ".join(report.files),
            sha256=sha256_files(files),
            format=f"source:{src.id}",
            rows_read=report.rows_read,
            rows_written=sum(report.written.values()),
            sources=[src.id],
            started_at=started,
        )
    ledger.refresh()
    report.seconds = time.perf_counter() - t0
    return report


def _short(e: BaseException, limit: int = 300) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= limit else text[:limit] + "…"


def _conform(table: str, frame: pl.DataFrame, where: str) -> pl.DataFrame:
    schema = SCHEMAS[table]
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ImporterError(f"{where}: the {table} rows lack columns {missing}; the importer must add them")
    try:
        return frame.select(pl.col(c).cast(t) for c, t in schema.items())
    except pl.exceptions.PolarsError:
        pass
    problems = []
    for c, t in schema.items():  # the first values that do not fit, by column
        try:
            frame.select(pl.col(c).cast(t))
        except pl.exceptions.PolarsError:
            loose = frame.with_row_index("_row", 1).select(
                "_row", pl.col(c).alias("_v"), pl.col(c).cast(t, strict=False).alias("_cast")
            )
            bad = loose.filter(pl.col("_cast").is_null() & pl.col("_v").is_not_null()).head(5)
            problems += [
                Problem(c, repr(v)[:80], f"not a {t} ({table} row {r})")
                for r, v in bad.select("_row", "_v").rows()
            ] or [Problem(c, None, f"cannot be stored as {t}")]
    raise InputError(problems, file=where)


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, source_id: str, import_id: int
) -> None:
    if table == "engagements":
        frame = engagement_rows(
            frame.with_columns(
                pl.lit(None, pl.String).alias("id"),
                pl.lit(source_id).alias("source_id"),
                pl.coalesce("source_ref", "_key").alias("source_ref"),
            )
        )
    con.register("_rows", frame.to_arrow())
    try:
        if table == "engagements":
            insert_engagements(con, "_rows", import_id)
        else:
            cols = ", ".join(SCHEMAS[table])
            con.execute(f"INSERT INTO {table} ({cols}, source_id) SELECT {cols}, ? FROM _rows", [source_id])
    except duckdb.ConstraintException as e:  # a null or a duplicate the table refuses: bad data
        raise InputError(
            [Problem("", "", f"the {table} rows break the ledger's constraints: {_short(e)}")],
            file=f"source {source_id}",
        ) from e
    finally:
        with contextlib.suppress(duckdb.Error):  # a failed transaction: keep the error that failed it
            con.unregister("_rows")


def check_engagements(frame: pl.DataFrame, source_id: str) -> None:
    """Refuse engagement rows that break the ledger's rules (an importer bug, not bad data)."""
    problems = []
    units = {name: [u.value for u in inst.units] for name, inst in INSTRUMENTS.items()}
    checks = {
        "instrument": ~pl.col("instrument").is_in(list(INSTRUMENTS)),
        "magnitude": pl.col("magnitude") < 0,
        "end_date": pl.col("end_date") < pl.col("start_date"),
        "polarity": ~pl.col("polarity").is_in([1, -1]),
        "partner": (pl.col("actor_kind") == pl.col("partner_kind")) & (pl.col("actor") == pl.col("partner")),
        "start_date": pl.col("start_date").is_null()
        | pl.col("actor").is_null()
        | pl.col("partner").is_null(),
        "_key": pl.col("_key").is_null() | pl.col("_key").is_duplicated(),
    }
    pairs = frame.select("instrument", "unit").unique()
    for i, u in pairs.iter_rows():
        if i in units and u not in units[i]:
            problems.append(Problem("unit", u, f"unit {u} does not measure {i}"))
    for col, bad in checks.items():
        hit = frame.with_row_index("_row", 1).filter(bad.fill_null(False))
        for row in hit.head(5).iter_rows(named=True):
            problems.append(Problem(col, row.get(col), "breaks the ledger's rules", row=row["_row"]))
    if problems:
        raise InputError(problems, file=f"source {source_id}")


SHRINK = 0.9
"""A new file of a source already in the ledger must hold at least this share of the rows the
source's last import read; fewer is taken for a truncated or damaged file (``allow_smaller``)."""


def check_complete(
    importer: Importer,
    report: SourceReport,
    frames: dict[str, pl.DataFrame],
    where: str,
    *,
    previous: int | None = None,
    release: int | None = None,
    allow_smaller: bool = False,
) -> None:
    """Refuse what cannot be a whole release, before anything is deleted: a file with no rows or
    whose every row was rejected (a header-only state list must not wipe the state system), and a
    file far smaller than the one the source was last imported from, or than the known release it
    is named after (`releases`: so a first import of a truncated copy is refused too)."""
    if sum(f.height for f in frames.values()) == 0:
        why = ", ".join(f"{n:,} {r}" for r, n in report.rejected.most_common(3))
        raise InputError(
            [
                Problem(
                    "",
                    "",
                    f"nothing to import: {report.rows_read:,} rows read"
                    + (f", every one rejected ({why})" if why else "")
                    + "; the ledger keeps what it holds of the source",
                )
            ],
            file=where,
        )
    if release and not allow_smaller and report.rows_read < release:
        raise InputError(
            [
                Problem(
                    "",
                    report.rows_read,
                    f"the files hold {report.rows_read:,} rows where the release they are named after "
                    f"holds {release:,}: a truncated or damaged copy? Nothing was imported; "
                    "import it anyway with --allow-smaller",
                )
            ],
            file=where,
        )
    if previous and not allow_smaller and report.rows_read < SHRINK * previous:
        raise InputError(
            [
                Problem(
                    "",
                    report.rows_read,
                    f"the file holds {report.rows_read:,} rows where the source's last import read "
                    f"{previous:,}: a truncated or damaged copy? The ledger keeps what it holds; "
                    "import it anyway with --allow-smaller",
                )
            ],
            file=where,
        )


def previous_rows(ledger: Ledger, source_id: str) -> int | None:
    """Rows read by the source's latest import still in the ledger's log (None if none)."""
    got = ledger.con.execute(
        "SELECT rows_read FROM imports WHERE format = ? ORDER BY id DESC LIMIT 1", [f"source:{source_id}"]
    ).fetchall()
    return int(got[0][0]) if got and got[0][0] is not None else None


# building rows ---------------------------------------------------------------------------------


def engagements(frame: pl.DataFrame, key: Sequence[str | pl.Expr]) -> pl.DataFrame:
    """An engagement frame from ``frame``, with defaults for the optional columns.

    ``frame`` must hold instrument, the actor and partner columns (``*_kind``, ``*_ccode``, name)
    and ``start_date``; ``key`` are the columns (or expressions) that identify a row within the
    source: its stable id is the source id and an md5 of them, so a re-import keeps ids.
    """
    defaults: dict[str, pl.Expr] = {
        "start_precision": pl.lit("year"),
        "end_date": pl.lit(None, pl.Date),
        "end_precision": pl.lit(None, pl.String),
        "magnitude": pl.lit(None, pl.Float64),
        "polarity": pl.lit(1, pl.Int8),
        "confidence": pl.lit(1.0),
        "source_ref": pl.lit(None, pl.String),
        "note": pl.lit(None, pl.String),
        "details": pl.lit(None, pl.String),
    }
    out = frame.with_columns(
        *(expr.alias(c) for c, expr in defaults.items() if c not in frame.columns),
        pl.concat_str(
            [pl.col(k) if isinstance(k, str) else k for k in key], separator="|", ignore_nulls=False
        )
        .fill_null("")
        .alias("_key"),
    )
    if "unit" not in out.columns:
        default_unit = {n: i.default_unit.value for n, i in INSTRUMENTS.items()}
        out = out.with_columns(pl.col("instrument").replace_strict(default_unit, default=None).alias("unit"))
    return out.select(*SCHEMAS["engagements"])


def details(*cols: str, **exprs: pl.Expr) -> pl.Expr:
    """A JSON text column of source-specific fields (nulls left out)."""
    fields = [pl.col(c) for c in cols] + [e.alias(k) for k, e in exprs.items()]
    return pl.struct(fields).struct.json_encode()


class Names:
    """Resolves a source's actor names to states, groups or non-state actors, once per distinct name
    and year, and counts every row whose name cannot be resolved in the report."""

    def __init__(
        self,
        ledger: Ledger,
        report: SourceReport,
        *,
        aliases: dict[str, str] | None = None,
        nonstate: Callable[[str], bool] | None = None,
    ):
        self.resolver = ledger.resolver()
        self.report = report
        self.aliases = aliases or {}
        self.nonstate = nonstate or (lambda _name: False)

    def actor(self, name: str, when: date) -> tuple[str, str, int | None] | str:
        """(kind, canonical name, ccode) or, when it cannot be resolved, the reason."""
        text = self.aliases.get(name, name)
        if self.nonstate(name):
            return (ActorKind.NONSTATE.value, name.rstrip("*").strip(), None)
        try:
            a = self.resolver.resolve(text, when)
        except UnknownStateError as e:
            return unresolved_reason(e)
        return (a.kind.value, a.name, a.ccode)

    def resolve(self, frame: pl.DataFrame, column: str, side: str, when: str = "start_date") -> pl.DataFrame:
        """Add ``{side}_kind``, ``{side}_ccode`` and ``{side}`` for the names in ``column``, resolved on
        the dates in ``when``; rows that do not resolve are removed and reported."""
        pairs = frame.select(
            pl.col(column).cast(pl.String).alias("_name"), pl.col(when).alias("_when")
        ).unique()
        rows: list[tuple[object, ...]] = []
        for name, when_ in pairs.iter_rows():
            got = self.actor(name, when_) if name is not None and when_ is not None else "no name or date"
            if isinstance(got, str):
                rows.append((name, when_, None, None, None, got))
            else:
                rows.append((name, when_, *got, None))
        table = pl.DataFrame(
            rows,
            orient="row",
            schema={
                "_name": pl.String,
                "_when": pl.Date,
                f"{side}_kind": pl.String,
                side: pl.String,
                f"{side}_ccode": pl.Int16,
                "_why": pl.String,
            },
        )
        out = frame.with_columns(pl.col(column).cast(pl.String).alias("_name"), pl.col(when).alias("_when"))
        out = out.drop(
            [c for c in (side, f"{side}_kind", f"{side}_ccode") if c in out.columns and c != column]
        )
        out = out.join(table, on=["_name", "_when"], how="left", nulls_equal=True)
        bad = out.filter(pl.col("_why").is_not_null())
        by = bad.group_by("_name", "_why", pl.col("_when").dt.year().alias("_year")).len()
        for name, why, year, n in by.iter_rows():
            self.report.unresolve(str(name), n, why, year)
        self.report.reject(f"unresolved {side} name", bad.height)
        return out.filter(pl.col("_why").is_null()).drop("_name", "_when", "_why")

    def ccode(self, frame: pl.DataFrame, column: str, side: str) -> pl.DataFrame:
        """Add ``{side}_kind``/``{side}``/``{side}_ccode`` for COW codes already in ``column``."""
        codes = frame[column].drop_nulls().unique().to_list()
        names = {int(c): self.resolver.label(int(c)) for c in codes}
        return frame.with_columns(
            pl.lit(ActorKind.STATE.value).alias(f"{side}_kind"),
            pl.col(column).cast(pl.Int16).alias(f"{side}_ccode"),
            pl.col(column).replace_strict(names, default=None, return_dtype=pl.String).alias(side),
        )


# reading files ---------------------------------------------------------------------------------


def read_table(path: Path, *, columns: Sequence[str] = (), source: str = "", **csv: Any) -> pl.DataFrame:
    """A producer's table from CSV, XLSX (first sheet unless ``sheet_name``), Stata DTA, Parquet or
    a zip holding one of those; every failure is an `InputError` naming the source and file."""
    path = Path(path)
    where = f"{path} ({source})" if source else str(path)
    if not path.is_file():
        raise InputError([Problem("", str(path), "no such file")], file=where)
    if path.stat().st_size == 0:
        raise InputError([Problem("", "", "the file is empty")], file=where)
    try:
        df = _read_any(path, csv)
    except InputError:
        raise
    except Exception as e:  # each reader raises its own kinds for a damaged file
        raise InputError([Problem("", "", f"cannot read: {e}")], file=where) from e
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            [
                Problem(c, None, f"required column is missing (found: {', '.join(df.columns[:30])})")
                for c in missing
            ],
            file=where,
        )
    if df.height == 0:
        raise InputError([Problem("", "", "the table has no rows")], file=where)
    return df


def _read_any(path: Path, csv: dict[str, Any]) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        inner, data = zip_member(path, (".csv", ".xlsx", ".dta", ".parquet"))
        return _read_bytes(io.BytesIO(data), Path(inner).suffix.lower(), csv)
    with path.open("rb") as f:
        return _read_bytes(io.BytesIO(f.read()), suffix, csv)


ZIP_MEMBER_LIMIT = 1 << 30
"""The most bytes one zipped file may inflate to (1 GiB): a zip bomb is refused while it streams."""


def zip_member(path: Path, suffixes: Sequence[str] = ()) -> tuple[str, bytes]:
    """The first file in the zip at ``path`` (with one of ``suffixes``, if given) and its bytes,
    inflated in chunks and refused past `ZIP_MEMBER_LIMIT` (the size the archive declares is not
    trusted; the CRC is checked as the member ends). Damage is an `InputError` naming the file."""
    where = str(path)
    limit = ZIP_MEMBER_LIMIT
    try:
        with zipfile.ZipFile(path) as z:
            members = [i for i in z.infolist() if not i.is_dir()]
            if suffixes:
                members = [i for i in members if Path(i.filename).suffix.lower() in suffixes]
            if not members:
                kinds = ", ".join(x.lstrip(".").upper() for x in suffixes) or "data"
                raise InputError([Problem("", "", f"the zip holds no {kinds} file")], file=where)
            info = members[0]
            too_big = Problem(
                info.filename, None, f"inflates to more than {limit:,} bytes: refused (a zip bomb?)"
            )
            if info.file_size > limit:
                raise InputError([too_big], file=where)
            out = bytearray()
            with z.open(info) as f:
                while chunk := f.read(min(1 << 20, limit + 1 - len(out))):
                    out += chunk
                    if len(out) > limit:
                        raise InputError([too_big], file=where)
            return info.filename, bytes(out)
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as e:
        raise InputError([Problem("", "", f"cannot read zip: {e}")], file=where) from e


def _read_bytes(buf: io.BytesIO, suffix: str, csv: dict[str, Any]) -> pl.DataFrame:
    import pandas as pd

    if suffix == ".parquet":
        return pl.read_parquet(buf)
    if suffix == ".xlsx":
        kw = {k: v for k, v in csv.items() if k in ("sheet_name", "skiprows", "header")}
        return pl.from_pandas(
            pd.read_excel(buf, engine="openpyxl", **kw).convert_dtypes(dtype_backend="pyarrow")
        )
    if suffix == ".dta":
        return pl.from_pandas(pd.read_stata(buf, convert_categoricals=False))
    kw = {"infer_schema_length": 10_000, **csv}
    return pl.read_csv(buf, **kw)
