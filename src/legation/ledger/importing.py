"""Import engagements from CSV, Parquet and YAML: validate everything, then write in one transaction.

A file with any bad row changes nothing: every problem found (up to `MAX_PROBLEMS` shown) is
raised together in one `InputError` naming file, line/row, field and value. Rows get stable ids
(given, or an md5 of their identifying fields), so importing the same file twice is a no-op.

CSV and Parquet are validated column-wise: each field parser of `fields.py` runs once per
*distinct* value and the answers are joined back, which keeps a million-row import in seconds.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl
import pyarrow.parquet as pq
import yaml
from pydantic import ValidationError

from legation.errors import InputError, Problem
from legation.ledger.digest import sha256_bytes
from legation.ledger.records import EngagementRecord
from legation.ledger.schema import frame_schema
from legation.ledger.sources import BUNDLED, Source
from legation.ledger.store import Ledger
from legation.ledger.validate import MAX_PROBLEMS, check_columns, unknown_source_message, validate_frame
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
) -> ImportReport:
    """Import one engagement file into ``ledger``; ``source`` fills rows with no source. ``name``
    (an uploaded file's own name) stands for ``path`` in problems and in the ledger's import log.

    A YAML ``sources:`` entry may add a source; one whose id is registered already with other
    fields is refused unless ``replace_source`` (the sources legation bundles, never)."""
    path = Path(path)
    if name is None:
        return _import_file(ledger, path, source, progress, str(path), replace_source)
    try:
        return _import_file(ledger, path, source, progress, name, replace_source)
    except InputError as e:
        raise e.renamed(str(path), name) from None


def _import_file(
    ledger: Ledger,
    path: Path,
    source: str | None,
    progress: Progress | None,
    name: str,
    replace_source: bool,
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
    data = path.read_bytes()  # one read: what is checked, imported and logged are the same bytes
    if not data:
        raise InputError([Problem("", "", "the file is empty")], file=str(path))
    note("validating")
    sources: list[Source] = []
    if fmt == "yaml":
        rows, sources, has_details = _read_yaml(ledger, data, path, source, replace_source)
    else:
        frame = _read_csv(data, path, source) if fmt == "csv" else _read_parquet(data, path, source)
        has_details = "details" in frame.columns
        rows = validate_frame(ledger, frame, str(path), source, "line" if fmt == "csv" else "row")
    note("writing")
    digest = sha256_bytes(data)
    report = _write(ledger, rows, digest, fmt, sources, name, has_details=has_details)
    report.seconds = time.perf_counter() - t0
    return report


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


_BINARY = {b"\x1f\x8b": "gzip", b"PK\x03\x04": "zip", b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"PAR1": "Parquet"}


def _text(data: bytes, path: Path) -> str:
    """The file's bytes as UTF-8 text (a BOM dropped), or an `InputError`: compressed or binary
    bytes are named as such, other bytes that are not UTF-8 by their line."""
    for magic, kind in _BINARY.items():
        if data.startswith(magic):
            raise InputError(
                [
                    Problem(
                        "",
                        kind,
                        f"this is a {kind} file, not text; unpack or convert it first",
                        row=1,
                        file=str(path),
                    )
                ],
                file=str(path),
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise InputError(
            [Problem("", "", "a NUL byte: this is a binary file, not text", row=line, file=str(path))],
            file=str(path),
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            [Problem("", "", "bytes that are not UTF-8; save the file as UTF-8", row=line)],
            file=str(path),
        ) from e


def _read_csv(data: bytes, path: Path, default_source: str | None) -> pl.DataFrame:
    """The file's records with ``_line``, the line each record starts on; the structure is checked
    first (`_records`), so polars only reads a file whose every record has the header's fields."""
    text = _text(data, path)
    starts = _records(text, path, default_source)
    try:
        df = pl.read_csv(io.StringIO(text), infer_schema=False)
    except pl.exceptions.PolarsError as e:
        raise InputError([Problem("", "", f"not a readable CSV file: {e}")], file=str(path)) from e
    if df.height != len(starts):
        raise InputError(
            [Problem("", "", f"not a readable CSV file: {len(starts)} records but {df.height} rows read")],
            file=str(path),
        )
    return df.with_columns(pl.Series("_line", starts, pl.Int64))


def _records(text: str, path: Path, default_source: str | None) -> list[int]:
    """The line each record starts on, after checking that every record has the header's fields,
    that no line ends in a bare carriage return and that the file is not cut off: a file that ends
    without a line break must end with a closing quote (a last field known to be complete)."""
    file = str(path)
    reader = csv.reader(io.StringIO(text, newline="\n"), strict=True)
    starts: list[int] = []
    problems: list[Problem] = []
    total = 0
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise InputError([Problem("", "", "the file has no header", row=1)], file=file)
        check_columns(header, default_source, file)
        n, prev = len(header), reader.line_num
        for record in reader:
            line = prev + 1
            prev = reader.line_num
            if not record:
                continue  # a blank line
            starts.append(line)
            if len(record) != n:
                total += 1
                if len(problems) < MAX_PROBLEMS:
                    what = "fewer" if len(record) < n else "more"
                    problems.append(
                        Problem(
                            "",
                            ",".join(record)[:80],
                            f"{len(record)} fields, {what} than the header's {n}",
                            row=line,
                            file=file,
                        )
                    )
    except csv.Error as e:
        raise InputError(
            [Problem("", "", _csv_error(e), row=reader.line_num, file=file)], file=file
        ) from None
    cut = bool(starts) and not text.endswith("\n")
    if problems and cut and problems[-1].row == starts[-1]:
        p = problems[-1]
        problems[-1] = replace(
            p, message=f"the last line has {p.message.split(',')[0]}: the file looks truncated"
        )
    if problems:
        raise InputError(problems, total=total, file=file)
    if cut and not text.endswith('"'):
        last = text.rsplit("\n", 1)[-1]
        raise InputError(
            [
                Problem(
                    "",
                    last[-60:],
                    "the file ends without a line break: its last line may be cut off (if it is "
                    "complete, end the file with a line break)",
                    row=starts[-1],
                    file=file,
                )
            ],
            file=file,
        )
    return starts


def _csv_error(e: csv.Error) -> str:
    msg = str(e)
    if "new-line character" in msg:
        return (
            "a carriage return outside quotes (old Mac line endings?); "
            "save the file with LF or CRLF line endings"
        )
    if "unexpected end of data" in msg:
        return "the file ends inside a quoted field: it looks truncated"
    if "field larger" in msg:
        return f"a field longer than {csv.field_size_limit():,} characters"
    return f"not a readable CSV file: {msg}"


def _read_parquet(data: bytes, path: Path, default_source: str | None) -> pl.DataFrame:
    """A damaged file is read and fully validated by pyarrow, which reports it (polars' reader
    can panic on one, or hand on text that is not UTF-8)."""
    try:
        table = pq.ParquetFile(io.BytesIO(data)).read()
        table.validate(full=True)  # text that is not UTF-8, offsets out of bounds
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
    except (Exception, pl.exceptions.PanicException) as e:  # several kinds for a damaged file
        raise InputError(
            [Problem("", "", f"not a readable Parquet file (truncated or damaged?): {e}")],
            file=str(path),
        ) from e
    check_columns(df.columns, default_source, str(path))
    return df.with_row_index("_line", offset=1).with_columns(pl.col("_line").cast(pl.Int64))


MAX_DEPTH = 16
"""How deeply a YAML engagement file may nest (its own structure needs 5 levels)."""


def _read_yaml(
    ledger: Ledger, data: bytes, path: Path, default_source: str | None, replace_source: bool
) -> tuple[pl.DataFrame, list[Source], bool]:
    """YAML: an optional ``sources:`` list, then ``engagements:``, each checked by pydantic; the
    rows, the sources and whether any item gives ``details``."""
    file = str(path)
    doc, lines = _load_yaml(_text(data, path), file)
    problems: list[Problem] = []
    total = 0

    def add(found: list[Problem]) -> None:
        nonlocal total
        total += len(found)
        problems.extend(found[: max(0, MAX_PROBLEMS - len(problems))])

    new_sources = []
    declared = set()  # ids of the file's sources, valid or not: each problem is named once
    for i, item in enumerate(doc.get("sources") or []):
        if isinstance(item, dict) and item.get("id"):
            declared.add(str(item["id"]))
        try:
            new_sources.append(Source.model_validate(item))
        except ValidationError as e:
            add(_pydantic_problems(e, lines.get(("sources", i)), path))
    add(_source_clashes(ledger, new_sources, lines, file, replace_source))
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
            add(_pydantic_problems(e, line, path))
            continue
        if rec.source not in known:
            add([_unknown_source(rec.source, known, line, file)])
            continue
        rows.append({**rec.row(resolver), "_line": line})
    if problems:
        raise InputError(problems, total=total, file=file)
    has_details = any(isinstance(item, dict) and "details" in item for item in doc.get("engagements") or [])
    return _rows_frame(rows), new_sources, has_details


def _load_yaml(text: str, file: str) -> tuple[dict[str, Any], dict[tuple[str, int], int]]:
    """The document (a mapping of optional ``sources`` and ``engagements`` lists) and the line of
    each top-level key (index -1) and list item, or an `InputError`."""
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(
            [
                Problem(
                    "", "", f"not valid YAML: {getattr(e, 'problem', e)}", row=mark.line + 1 if mark else None
                )
            ],
            file=file,
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(doc, dict) or not set(doc) <= {"sources", "engagements"}:
        raise InputError(
            [Problem("", "", "expected a mapping with 'sources' and/or 'engagements' lists")], file=file
        )
    lines = _item_lines(node)
    for key in ("sources", "engagements"):
        if doc.get(key) is not None and not isinstance(doc[key], list):
            raise InputError(
                [Problem(key, doc[key], f"'{key}' must be a list", row=lines.get((key, -1)))], file=file
            )
    return doc, lines


def _source_clashes(
    ledger: Ledger, new: list[Source], lines: dict[tuple[str, int], int], file: str, replace: bool
) -> list[Problem]:
    """Sources of the file that would change a registered one: never a bundled source, and
    another only when the user asked (``replace``)."""
    old = {s.id: s for s in ledger.registered([s.id for s in new])}
    bundled = {s.id for s in BUNDLED}
    out = []
    for i, src in enumerate(new):
        if src.id not in old or old[src.id] == src:
            continue
        if src.id in bundled:
            msg = "a source legation bundles; it cannot be replaced (give your source another id)"
        elif not replace:
            msg = (
                "a source with this id is registered with other fields; give yours another id, or "
                "import with --replace-source to replace it"
            )
        else:
            continue
        out.append(Problem("sources.id", src.id, msg, row=lines.get(("sources", i)), file=file))
    return out


class _Loader(yaml.SafeLoader):
    """Safe YAML for engagement files, bounded and unambiguous:

    * every scalar but null stays text, so '2015-02-30' is reported rather than a crash, '2015-06'
      keeps its month precision, and numbers obey the one rule of `fields.number` (no ``1_000``);
    * aliases (``*name``) are refused: an alias bomb would expand a small file without bound;
    * nesting deeper than `MAX_DEPTH` is refused (no RecursionError);
    * a key given twice in one mapping is refused with both lines (not last-wins).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _refused("an alias (*name): write the value out in full", event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise _refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key, _ in node.value:
                k = (key.tag, key.value) if isinstance(key, yaml.ScalarNode) else None
                if k is None:
                    continue
                if k in seen:
                    raise _refused(
                        f"the key {key.value!r} appears twice (lines {seen[k]} and "
                        f"{key.start_mark.line + 1}); give it once",
                        key.start_mark,
                    )
                seen[k] = key.start_mark.line + 1
        return node


def _refused(problem: str, mark: yaml.Mark) -> yaml.YAMLError:
    return yaml.composer.ComposerError(None, None, problem, mark)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag in ("int", "float", "bool", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", yaml.SafeLoader.construct_scalar)  # type: ignore[arg-type]


def _item_lines(node: yaml.Node | None) -> dict[tuple[str, int], int]:
    """1-based line of each item of the document's top-level lists."""
    out: dict[tuple[str, int], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(key.value, -1)] = key.start_mark.line + 1
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
    schema = {"_line": pl.Int64(), **frame_schema("engagements", without=("import_id",))}
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


# writing --------------------------------------------------------------------------------------


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
