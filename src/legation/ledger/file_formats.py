"""Reading engagement files: CSV, Parquet and YAML bytes into rows to validate, refusing what is
hostile or damaged before any of it reaches the ledger (binary or compressed bytes, bare carriage
returns, short or cut rows, unreadable Parquet or unsupported column types, YAML aliases, duplicate
keys and deep nesting). `importing` validates and writes what these return.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import yaml
from pydantic import ValidationError

from legation._yaml import BoundedLoader
from legation.errors import InputError, Problem
from legation.ledger.records import EngagementRecord
from legation.ledger.schema import frame_schema
from legation.ledger.sources import BUNDLED, Source
from legation.ledger.store import Ledger
from legation.ledger.validate import MAX_PROBLEMS, check_columns, unknown_source_message

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


def read_csv(data: bytes, path: Path, default_source: str | None, extra: Sequence[str] = ()) -> pl.DataFrame:
    """The file's records with ``_line``, the line each record starts on; the structure is checked
    first (`_records`), so polars only reads a file whose every record has the header's fields."""
    text = _text(data, path)
    starts = _records(text, path, default_source, extra)
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


def _records(text: str, path: Path, default_source: str | None, extra: Sequence[str] = ()) -> list[int]:
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
        check_columns(header, default_source, file, extra)
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


def read_parquet(data: bytes, path: Path, default_source: str | None) -> pl.DataFrame:
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


def read_yaml(
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


class _Loader(BoundedLoader):
    """Safe YAML for engagement files (`BoundedLoader`: no aliases, bounded nesting, no key twice),
    where every scalar but null stays text, so '2015-02-30' is reported rather than a crash,
    '2015-06' keeps its month precision, and numbers obey the one rule of `fields.number` (no
    ``1_000``)."""


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
