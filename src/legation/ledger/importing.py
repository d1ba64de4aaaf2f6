"""Import engagements from CSV, Parquet and YAML: validate everything, then write in one transaction.

A file with any bad row changes nothing: every problem found (up to `MAX_PROBLEMS` shown) is
raised together in one `InputError` naming file, line/row, field and value. Rows get stable ids
(given, or an md5 of their identifying fields), so importing the same file twice is a no-op. Reading
each format, and refusing hostile or damaged bytes, is `file_formats.py`.

CSV and Parquet are validated column-wise: each field parser of `fields.py` runs once per
*distinct* value and the answers are joined back, which keeps a million-row import in seconds.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl
from pydantic import ValidationError

from legation.errors import InputError, Problem
from legation.ledger import candidates
from legation.ledger.digest import sha256_bytes
from legation.ledger.file_formats import read_csv, read_parquet, read_yaml
from legation.ledger.sources import BUNDLED, Source
from legation.ledger.store import Ledger
from legation.ledger.validate import MAX_PROBLEMS, check_columns, validate_frame
from legation.ledger.writing import (
    ID_SQL,
    ROW_SCHEMA,
    engagement_rows,
    insert_engagements,
    log_import,
    next_import_id,
)

if TYPE_CHECKING:
    import pandas as pd

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".yaml": "yaml", ".yml": "yaml"}
Progress = Callable[[str], None]

_PROBLEM_SCHEMA = {"_line": pl.Int64, "field": pl.String, "value": pl.String, "message": pl.String}


@dataclass
class ImportReport:
    """What one import did."""

    path: str
    format: str
    rows_read: int
    rows_written: int
    sources: list[str] = field(default_factory=list)
    seconds: float = 0.0
    import_id: int | None = None


def import_file(
    ledger: Ledger,
    path: str | Path,
    *,
    source: str | None = None,
    progress: Progress | None = None,
    name: str | None = None,
    replace_source: bool = False,
    accepted_only: bool = False,
    source_name: str | None = None,
    citation: str | None = None,
) -> ImportReport:
    """Import one engagement file into ``ledger``; ``source`` fills rows with no source. ``name``
    (an uploaded file's own name) stands for ``path`` in problems and in the ledger's import log.

    A YAML ``sources:`` entry may add a source; one whose id is registered already with other
    fields is refused unless ``replace_source`` (the sources legation bundles, never). A CSV or
    Parquet file names its own with ``source_name`` and ``citation``: a minimal source
    (`user_source`) registered in the import's transaction, filling rows with no source unless
    ``source`` is given. ``accepted_only`` reads a reviewed candidates CSV (`candidates.py`): its
    accepted rows, under a source registered for the batch unless ``source`` or ``source_name``
    names one."""
    path = Path(path)
    own = _own_source(ledger, path, source_name, citation, replace_source)
    if name is None:
        return _import_file(ledger, path, source, progress, str(path), replace_source, accepted_only, own)
    try:
        return _import_file(ledger, path, source, progress, name, replace_source, accepted_only, own)
    except InputError as e:
        raise e.renamed(str(path), name) from None


def user_source(source_id: str, citation: str) -> Source:
    """The minimal source an analyst's file registers: its id and citation. Its coverage is not
    stated, so the file's rows are what the source recorded, not a census."""
    return Source(
        id=source_id,
        name=source_id,
        version="user",
        citation=citation,
        coverage_note="Recorded by the user who imported it: not a census.",
    )


def _own_source(
    ledger: Ledger, path: Path, source_name: str | None, citation: str | None, replace: bool
) -> tuple[Source | None, str | None]:
    """The source a file names with ``source_name`` and ``citation``: (the source to register, or
    None when the ledger holds it already; its id). Refused without a citation for a new id, for a
    YAML file (its ``sources:`` list does this), and for a registered id with another citation
    unless ``replace`` (never a bundled source)."""
    file = str(path)
    if source_name is None:
        if citation is not None:
            raise InputError([Problem("source", citation, "a citation needs --source-name ID")], file=file)
        return None, None
    if FORMATS.get(path.suffix.lower()) == "yaml":
        raise InputError(
            [Problem("source", source_name, "a YAML file declares its sources in its 'sources:' list")],
            file=file,
        )
    (old,) = ledger.registered([source_name]) or (None,)
    if citation is None:
        if old is None:
            raise InputError(
                [Problem("source", source_name, "a new source needs its citation (--citation TEXT)")],
                file=file,
            )
        return None, old.id
    try:
        new = user_source(source_name, citation)
    except ValidationError as e:
        why = "; ".join(err["msg"].removeprefix("Value error, ") for err in e.errors())
        raise InputError([Problem("source", source_name, why)], file=file) from None
    if old is None or old.citation == citation:
        return (new if old is None else None), source_name
    if source_name in {s.id for s in BUNDLED}:
        msg = "a source legation bundles; give yours another id"
    elif not replace:
        msg = "registered already with another citation; give another id, or --replace-source"
    else:
        return old.model_copy(update={"citation": citation}), source_name
    raise InputError([Problem("source", source_name, msg)], file=file)


def _import_file(
    ledger: Ledger,
    path: Path,
    source: str | None,
    progress: Progress | None,
    name: str,
    replace_source: bool,
    accepted_only: bool = False,
    own: tuple[Source | None, str | None] = (None, None),
) -> ImportReport:
    t0 = time.perf_counter()
    register, own_id = own
    sources: list[Source] = [register] if register is not None else []
    source = source or own_id
    note = progress or (lambda _stage: None)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            [Problem("", path.suffix, f"unsupported file type; use one of {sorted(FORMATS)}")],
            file=str(path),
        )
    if not path.is_file():
        raise InputError([Problem("", str(path), "no such file")], file=str(path))
    data = path.read_bytes()  # one read: what is checked, imported and logged are the same bytes
    if not data:
        raise InputError([Problem("", "", "the file is empty")], file=str(path))
    note("validating")
    if accepted_only:
        rows, batch, has_details = _accepted(ledger, data, path, fmt, source, name, sources)
        sources = sources or batch
    elif fmt == "csv" and candidates.is_candidates(data):
        raise InputError(
            [
                Problem(
                    "accept",
                    None,
                    "a candidates file from legation extract: review it, then import "
                    "the accepted rows with --accepted-only",
                )
            ],
            file=str(path),
        )
    elif fmt == "yaml":
        rows, sources, has_details = read_yaml(ledger, data, path, source, replace_source)
    else:
        frame = read_csv(data, path, source) if fmt == "csv" else read_parquet(data, path, source)
        has_details = "details" in frame.columns
        rows = validate_frame(
            ledger, frame, str(path), source, "line" if fmt == "csv" else "row", [s.id for s in sources]
        )
    note("writing")
    digest = sha256_bytes(data)
    report = _write(ledger, rows, digest, fmt, sources, name, has_details=has_details)
    report.seconds = time.perf_counter() - t0
    return report


def _accepted(
    ledger: Ledger, data: bytes, path: Path, fmt: str, source: str | None, name: str, own: list[Source]
) -> tuple[pl.DataFrame, list[Source], bool]:
    """The checked rows a reviewer accepted in a candidates CSV, with the batch's new source (``own``,
    the source the import names, when it registers one)."""
    if fmt != "csv":
        raise InputError(
            [Problem("", path.suffix, "accepted-only imports read the CSV that legation extract writes")],
            file=str(path),
        )
    batch = own or ([] if source else [candidates.batch_source(sha256_bytes(data), name)])
    default = source or batch[0].id
    frame = candidates.accepted(read_csv(data, path, default, candidates.REVIEW_COLUMNS), str(path))
    rows = validate_frame(ledger, frame, str(path), default, "line", new_sources=[s.id for s in batch])
    return rows, batch, "details" in frame.columns


def import_frame(
    ledger: Ledger, frame: pl.DataFrame | pd.DataFrame, *, name: str = "<frame>", source: str | None = None
) -> ImportReport:
    """Import engagements from a polars or pandas frame with the columns of a CSV import."""
    t0 = time.perf_counter()
    df = frame if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame)
    check_columns(df.columns, source, name)
    df = df.with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64))
    rows = validate_frame(ledger, df, name, source, "row")
    report = _write(ledger, rows, _frame_digest(rows), "frame", [], name, has_details="details" in df.columns)
    report.seconds = time.perf_counter() - t0
    return report


# reading --------------------------------------------------------------------------------------


def _write(
    ledger: Ledger,
    rows: pl.DataFrame,
    digest: str,
    fmt: str,
    sources: list[Source],
    file: str,
    *,
    has_details: bool,
) -> ImportReport:
    """Register the file's sources and write its rows, in one transaction; ``digest`` is the
    SHA-256 of the bytes read.

    A row identical in every column to the stored row of its id is left as it is, with the import
    that wrote it: importing what was exported changes nothing. A row that differs replaces the
    stored one and belongs to this import. Without a ``details`` column (``has_details``) a row
    keeps the details stored under its id."""
    started = datetime.now()
    con = ledger.con
    con.register(
        "_rows", engagement_rows(rows.with_columns(_key=pl.lit(None, pl.String)), keep=["_line"]).to_arrow()
    )
    new = ""  # "TABLE" once _new holds the rows to compare with the stored ones
    try:
        with ledger.transaction():
            for src in sources:
                ledger.register_source(src)
            # the ids alone first: most imports only add rows, and those need no copy
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _ids AS SELECT _line, source_id, {ID_SQL} AS id FROM _rows"
            )
            _refuse_clashes(con, file, "_ids")
            _refuse_duplicates(con, file, "_ids")
            (overlap,) = con.execute(
                "SELECT EXISTS (SELECT 1 FROM _ids JOIN engagements USING (id))"
            ).fetchall()[0]
            if overlap:
                new = "TABLE"
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE _new AS SELECT r.* REPLACE (i.id AS id) "
                    "FROM _rows r JOIN _ids i USING (_line)"
                )
                if not has_details:
                    con.execute("UPDATE _new SET details = e.details FROM engagements e WHERE _new.id = e.id")
                same = " AND ".join(
                    f"e.{c} IS NOT DISTINCT FROM n.{c}" for c in ROW_SCHEMA if c not in ("id", "_key")
                )
                stored = f"SELECT 1 FROM engagements e WHERE e.id = n.id AND {same}"
                con.execute(f"DELETE FROM _new n WHERE EXISTS ({stored})")
                con.execute("DELETE FROM engagements WHERE id IN (SELECT id FROM _new)")
                (written,) = con.execute("SELECT count(*) FROM _new").fetchall()[0]
            else:  # every row is new: they go in straight from the checked rows, with no copy
                written = rows.height
            import_id = next_import_id(con)
            insert_engagements(con, "_new" if overlap else "_rows", import_id)
            used = [r[0] for r in con.execute("SELECT DISTINCT source_id FROM _rows").fetchall()]
            log_import(
                con,
                import_id,
                path=file,
                sha256=digest,
                format=fmt,
                rows_read=rows.height,
                rows_written=int(written),
                sources=sorted(set(used) | {s.id for s in sources}),
                started_at=started,
            )
    finally:
        if new:
            con.execute(f"DROP {new} IF EXISTS _new")
        con.execute("DROP TABLE IF EXISTS _ids")
        con.unregister("_rows")
    return ImportReport(file, fmt, rows.height, int(written), sorted(set(used)), import_id=import_id)


def _refuse_clashes(con: duckdb.DuckDBPyConnection, file: str, ids: str) -> None:
    """An id given in the file that another source's row holds: refuse the file (``ids``: the
    relation of the rows' ``_line, source_id, id``)."""
    clash = con.execute(
        f"SELECT n._line, n.id, e.source_id FROM {ids} n JOIN engagements e USING (id) "
        "WHERE e.source_id <> n.source_id ORDER BY n._line LIMIT ?",
        [MAX_PROBLEMS],
    ).fetchall()
    if clash:
        raise InputError(
            [
                Problem("id", i, f"id already used by source {other!r}", row=line, file=file)
                for line, i, other in clash
            ],
            file=file,
        )


def _refuse_duplicates(con: duckdb.DuckDBPyConnection, file: str, ids: str) -> None:
    """Two rows of one import with one id are one engagement written twice: refuse the file.

    Grouping on a 64-bit hash of the id is cheap; only hash collisions are compared exactly.
    """
    suspects = con.execute(f"SELECT hash(id) FROM {ids} GROUP BY 1 HAVING count(*) > 1").fetchall()
    if not suspects:
        return
    dup = con.execute(
        f"SELECT id, list(_line ORDER BY _line) FROM {ids} WHERE hash(id) IN (SELECT unnest(?)) "
        "GROUP BY id HAVING count(*) > 1 ORDER BY min(_line) LIMIT ?",
        [[h for (h,) in suspects], MAX_PROBLEMS],
    ).fetchall()
    if dup:
        raise InputError(
            [
                Problem(
                    "id",
                    i,
                    f"duplicate id: lines {', '.join(map(str, lines))} are the same engagement",
                    row=lines[1],
                    file=file,
                )
                for i, lines in dup
            ],
            file=file,
        )


def _frame_digest(rows: pl.DataFrame) -> str:
    buf = io.BytesIO()
    rows.write_ipc(buf)
    return sha256_bytes(buf.getvalue())
