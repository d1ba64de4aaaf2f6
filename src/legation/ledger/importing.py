"""Import engagements from CSV, Parquet and YAML: validate everything, then write in one transaction.

A file with any bad row changes nothing: every problem found (up to `MAX_PROBLEMS` shown) is
raised together in one `InputError` naming file, line/row, field and value. Rows get stable ids
(given, or an md5 of their identifying fields), so importing the same file twice is a no-op.

CSV and Parquet are validated column-wise: each field parser of `fields.py` runs once per
*distinct* value and the answers are joined back, which keeps a million-row import in seconds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl
import yaml
from pydantic import ValidationError

from legation.errors import InputError, Problem
from legation.ledger.digest import sha256_files
from legation.ledger.records import EngagementRecord
from legation.ledger.schema import frame_schema
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.ledger.validate import MAX_PROBLEMS, unknown_source_message, validate_frame
from legation.ledger.writing import ID_SQL, engagement_rows, insert_engagements, log_import, next_import_id

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
) -> ImportReport:
    """Import one engagement file into ``ledger``; ``source`` fills rows with no source. ``name``
    (an uploaded file's own name) stands for ``path`` in problems and in the ledger's import log."""
    path = Path(path)
    if name is None:
        return _import_file(ledger, path, source, progress, str(path))
    try:
        return _import_file(ledger, path, source, progress, name)
    except InputError as e:
        raise e.renamed(str(path), name) from None


def _import_file(
    ledger: Ledger, path: Path, source: str | None, progress: Progress | None, name: str
) -> ImportReport:
    t0 = time.perf_counter()
    note = progress or (lambda _stage: None)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            [Problem("", path.suffix, f"unsupported file type; use one of {sorted(FORMATS)}")],
            file=str(path),
        )
    if not path.is_file():
        raise InputError([Problem("", str(path), "no such file")], file=str(path))
    if path.stat().st_size == 0:
        raise InputError([Problem("", "", "the file is empty")], file=str(path))
    note("validating")
    if fmt == "yaml":
        rows, sources = _read_yaml(ledger, path, source)
    else:
        read = _read_csv if fmt == "csv" else _read_parquet
        rows = validate_frame(ledger, read(path), str(path), source, "line" if fmt == "csv" else "row")
        sources = []
    note("writing")
    report = _write(ledger, rows, path, fmt, sources, name)
    report.seconds = time.perf_counter() - t0
    return report


def import_frame(
    ledger: Ledger, frame: pl.DataFrame | pd.DataFrame, *, name: str = "<frame>", source: str | None = None
) -> ImportReport:
    """Import engagements from a polars or pandas frame with the columns of a CSV import."""
    t0 = time.perf_counter()
    df = frame if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame)
    df = df.with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64))
    rows = validate_frame(ledger, df, name, source, "row")
    report = _write(ledger, rows, Path(name), "frame", [], name)
    report.seconds = time.perf_counter() - t0
    return report


# reading --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> pl.DataFrame:
    _check_truncated(path)
    try:
        return pl.read_csv(
            path,
            infer_schema=False,
            row_index_name="_line",
            row_index_offset=2,
        )
    except pl.exceptions.ComputeError as e:
        line = _first_bad_utf8_line(path)
        if line is not None:
            raise InputError(
                [Problem("", "", "bytes that are not UTF-8; save the file as UTF-8", row=line)],
                file=str(path),
            ) from e
        raise InputError([Problem("", "", f"not a readable CSV file: {e}")], file=str(path)) from e
    except pl.exceptions.NoDataError as e:
        raise InputError([Problem("", "", "the file has no header")], file=str(path)) from e


def _check_truncated(path: Path) -> None:
    """A last line with fewer fields than the header, and no final newline, is a cut-off file."""
    with path.open("rb") as f:
        header = f.readline()
        size = path.stat().st_size
        f.seek(max(0, size - 65536))
        tail = f.read()
    if tail.endswith(b"\n"):
        return
    last = tail.rsplit(b"\n", 1)[-1]
    n_head = len(next(csv.reader([header.decode("utf-8", "replace")])))
    try:
        n_last = len(next(csv.reader([last.decode("utf-8", "replace")], strict=True)))
    except csv.Error:
        n_last = 0
    if n_last < n_head:
        line = sum(1 for _ in path.open("rb"))
        raise InputError(
            [
                Problem(
                    "",
                    last.decode("utf-8", "replace")[:60],
                    f"the last line has {n_last} of {n_head} fields: the file looks truncated",
                    row=line,
                )
            ],
            file=str(path),
        )


def _first_bad_utf8_line(path: Path) -> int | None:
    with path.open("rb") as f:
        for i, raw in enumerate(f, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return i
    return None


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        df = pl.read_parquet(path)
    except Exception as e:  # polars raises several kinds for a damaged file
        raise InputError(
            [Problem("", "", f"not a readable Parquet file (truncated or damaged?): {e}")],
            file=str(path),
        ) from e
    return df.with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64))


def _read_yaml(ledger: Ledger, path: Path, default_source: str | None) -> tuple[pl.DataFrame, list[str]]:
    """YAML: an optional ``sources:`` list, then ``engagements:``, each checked by pydantic."""
    text = _decode(path)
    try:
        node = yaml.compose(text, Loader=_TextDates)
        doc = yaml.load(text, Loader=_TextDates)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(
            [
                Problem(
                    "", "", f"not valid YAML: {getattr(e, 'problem', e)}", row=mark.line + 1 if mark else None
                )
            ],
            file=str(path),
        ) from e
    if not isinstance(doc, dict) or not set(doc) <= {"sources", "engagements"}:
        raise InputError(
            [Problem("", "", "expected a mapping with 'sources' and/or 'engagements' lists")],
            file=str(path),
        )
    lines = _item_lines(node)
    problems: list[Problem] = []
    new_sources = []
    declared = set()
    for i, item in enumerate(doc.get("sources") or []):
        if isinstance(item, dict) and item.get("id"):
            declared.add(str(item["id"]))
        try:
            new_sources.append(Source.model_validate(item))
        except ValidationError as e:
            problems += _pydantic_problems(e, lines.get(("sources", i)), path)
    known = set(ledger.sources()["id"].to_list()) | declared
    resolver = ledger.resolver()
    rows = []
    for i, item in enumerate(doc.get("engagements") or []):
        line = lines.get(("engagements", i))
        if isinstance(item, dict) and default_source and not item.get("source"):
            item = {**item, "source": default_source}
        try:
            rec = EngagementRecord.model_validate(item, context={"resolver": resolver})
        except ValidationError as e:
            problems += _pydantic_problems(e, line, path)
            continue
        if rec.source not in known:
            problems.append(_unknown_source(rec.source, known, line, str(path)))
            continue
        rows.append({**rec.row(resolver), "_line": line})
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], total=len(problems), file=str(path))
    for src in new_sources:
        ledger.register_source(src)
    return _rows_frame(rows), [s.id for s in new_sources]


class _TextDates(yaml.SafeLoader):
    """Safe YAML that keeps dates as written: '2015-02-30' is reported, not a crash, and
    '2015-06' keeps its month precision."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise InputError(
            [Problem("", "", "bytes that are not UTF-8; save the file as UTF-8", row=line)],
            file=str(path),
        ) from e


def _item_lines(node: yaml.Node | None) -> dict[tuple[str, int], int]:
    """1-based line of each item of the document's top-level lists."""
    out: dict[tuple[str, int], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(value, yaml.SequenceNode):
                for i, item in enumerate(value.value):
                    out[(key.value, i)] = item.start_mark.line + 1
    return out


def _pydantic_problems(e: ValidationError, line: int | None, path: Path) -> list[Problem]:
    out = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        out.append(Problem(loc, err.get("input"), msg, row=line, file=str(path)))
    return out


def _unknown_source(src: object, known: Iterable[str], line: int | None, file: str) -> Problem:
    return Problem("source", src, unknown_source_message(known), row=line, file=file)


def _rows_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    schema = {"_line": pl.Int64(), **frame_schema("engagements", without=("import_id", "details"))}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


# writing --------------------------------------------------------------------------------------


def _write(
    ledger: Ledger, rows: pl.DataFrame, path: Path, fmt: str, sources: list[str], file: str
) -> ImportReport:
    """Replace this source's rows with the same ids and insert the rest, in one transaction."""
    digest = sha256_files([path]) if path.is_file() else _frame_digest(rows)
    started = datetime.now()
    con = ledger.con
    none = pl.lit(None, pl.String)
    con.register(
        "_rows", engagement_rows(rows.with_columns(details=none, _key=none), keep=["_line"]).to_arrow()
    )
    try:
        with ledger.transaction():
            clash = con.execute(
                f"SELECT r._line, r.id, e.source_id FROM (SELECT _line, {ID_SQL} AS id, source_id "
                "FROM _rows) r "
                "JOIN engagements e USING (id) WHERE e.source_id <> r.source_id "
                "ORDER BY r._line LIMIT ?",
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
            import_id = next_import_id(con)
            con.execute(f"DELETE FROM engagements WHERE id IN (SELECT {ID_SQL} FROM _rows)")
            insert_engagements(con, "_rows", import_id)
            _refuse_duplicates(con, import_id, file)
            used = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT source_id FROM engagements WHERE import_id = ?", [import_id]
                ).fetchall()
            ]
            log_import(
                con,
                import_id,
                path=file,
                sha256=digest,
                format=fmt,
                rows_read=rows.height,
                rows_written=rows.height,
                sources=sorted(set(used) | set(sources)),
                started_at=started,
            )
    finally:
        con.unregister("_rows")
    return ImportReport(file, fmt, rows.height, rows.height, sorted(set(used)), import_id=import_id)


def _refuse_duplicates(con: duckdb.DuckDBPyConnection, import_id: int, file: str) -> None:
    """Two rows of one import with one id are one engagement written twice: refuse the file.

    Grouping on a 64-bit hash of the id is cheap; only hash collisions are compared exactly.
    """
    suspects = con.execute(
        "SELECT hash(id) FROM engagements WHERE import_id = ? GROUP BY 1 HAVING count(*) > 1",
        [import_id],
    ).fetchall()
    if not suspects:
        return
    dup = con.execute(
        f"SELECT id, list(_line ORDER BY _line) FROM (SELECT _line, {ID_SQL} AS id "
        "FROM _rows) WHERE hash(id) IN (SELECT unnest(?)) GROUP BY id HAVING count(*) > 1 "
        "ORDER BY min(_line) LIMIT ?",
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
    return hashlib.sha256(buf.getvalue()).hexdigest()
