"""Writing a frame in the formats the field uses, chosen by extension.

CSV and Parquet are exact (what `legation import` reads back unchanged); Stata ``.dta`` (version 118,
UTF-8, with variable labels), R ``.rds`` (pyreadr), Feather (Arrow IPC) and Excel ``.xlsx`` (openpyxl:
numbers as numbers, text never as a formula) are for the analyst's own tools. Spreadsheet-formula
neutralisation — a text cell starting with ``= + - @``, TAB or CR gets a leading ``'`` so a
spreadsheet shows it as text instead of running it — is on by default for ``.xlsx`` and for CSV
meant for Excel (``excel=True``), and off for every other format.

The citations that go beside every file (``<name>.bib``, ``datapackage.json``) are written by
`legation.ledger.datapackage`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from legation.errors import InvalidValueError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Format:
    """One output format: its name, the extensions that choose it, and whether it is a spreadsheet."""

    name: str
    suffixes: tuple[str, ...]
    mediatype: str
    spreadsheet: bool = False


FORMATS: tuple[Format, ...] = (
    Format("csv", (".csv",), "text/csv"),
    Format("parquet", (".parquet", ".pq"), "application/vnd.apache.parquet"),
    Format("stata", (".dta",), "application/x-stata-dta"),
    Format("rds", (".rds",), "application/x-rds"),
    Format("feather", (".feather", ".arrow"), "application/vnd.apache.arrow.file"),
    Format("xlsx", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True),
)
"""Every format legation writes; the one list the CLI, the panel writer and the docs read."""

SUFFIXES: tuple[str, ...] = tuple(s for f in FORMATS for s in f.suffixes)

EXCEL_ROWS = 1_048_576
"""Rows in one Excel worksheet, the header included."""

_STATA_LABEL = 80
_STATA_STR = 2045
_DANGER = r"^[=+\-@\t\r]"
# fmt: off
_STATA_RESERVED = frozenset((
    "aggregate", "array", "boolean", "break", "byte", "case", "catch", "class", "colvector", "complex",
    "const", "continue", "default", "delegate", "delete", "do", "double", "else", "eltypedef", "end",
    "enum", "explicit", "export", "external", "float", "for", "friend", "function", "global", "goto",
    "if", "inline", "int", "local", "long", "NULL", "pragma", "protected", "quad", "rowvector", "short",
    "typedef", "typename", "virtual", "_all", "_N", "_skip", "_b", "_pi", "str", "in", "_pred", "strL",
    "_coef", "_rc", "using", "_cons", "_se", "with", "_n",
))
# fmt: on

IMPORT_FORMAT: dict[str, str] = {
    "id": "engagement id (stable: the same fact gets the same id)",
    "instrument": "one of legation's 14 instruments of military diplomacy",
    "actor": "the state or group acting (name as resolved)",
    "partner": "the state or group engaged",
    "actor_kind": "state, group or other",
    "partner_kind": "state, group or other",
    "actor_ccode": "COW code of the actor (empty when not a state)",
    "partner_ccode": "COW code of the partner (empty when not a state)",
    "start": "start date at its precision: YYYY, YYYY-MM or YYYY-MM-DD",
    "end": "end date at its precision (empty: a point event or continuing)",
    "magnitude": "size in the unit given (empty: not reported)",
    "unit": "unit of magnitude (count, personnel, tiv_musd, usd_m, binary)",
    "polarity": "1 cooperative, -1 a suspension or withdrawal",
    "confidence": "how sure the source is of the row, 0-1",
    "source": "id of the dataset the row comes from (see the .bib and datapackage.json)",
    "source_ref": "where in the source: a record id, page or URL",
    "note": "free text",
    "details": "source-specific fields as JSON text",
}
"""What each column of an engagement export (the import format) means."""


def format_for(path: str | Path) -> Format:
    """The format an output file's extension asks for; an `InvalidValueError` listing the supported
    extensions for any other."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    what = f"extension {suffix!r}" if suffix else "a file without an extension"
    raise InvalidValueError(f"{path}: cannot write {what}; write one of {', '.join(SUFFIXES)}")


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula (starting ``= + - @``, TAB or CR),
    prefixed with ``'``; every other cell unchanged."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_DANGER)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def nullable_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """A pandas frame with pandas' nullable dtypes (Int16, Float64, boolean, string): NA stays apart
    from 0, and `DataFrame.to_stata` accepts it (Arrow-backed columns with nulls it does not)."""
    import pandas as pd
    import pyarrow as pa

    mapping: dict[Any, Any] = {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
        pa.float32(): pd.Float32Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(),
        pa.large_string(): pd.StringDtype(),
        pa.string_view(): pd.StringDtype(),
    }
    return frame.to_arrow().to_pandas(types_mapper=mapping.get)


def write(
    frame: pl.DataFrame,
    path: str | os.PathLike[str],
    *,
    descriptions: Mapping[str, str] | None = None,
    title: str | None = None,
    excel: bool = False,
    neutralise: bool | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write ``frame`` in the format its extension names (`FORMATS`).

    ``descriptions`` become Stata variable labels and the xlsx "columns" sheet; ``title`` the Stata
    data label and the sheet's name. ``excel`` writes CSV for Excel (UTF-8 with a byte-order mark).
    ``neutralise`` defaults to on for ``.xlsx`` and Excel CSV, off otherwise. ``metadata`` goes into
    a Parquet file's key-value metadata."""
    path = Path(path)
    fmt = format_for(path)
    if excel and fmt.name != "csv":
        raise InvalidValueError(f"{path}: the Excel option is for .csv files; .xlsx is Excel already")
    if neutralise if neutralise is not None else (fmt.spreadsheet or excel):
        frame = neutralised(frame)
    labels = dict(descriptions or {})
    if fmt.name == "csv":
        frame.write_csv(path, include_bom=excel)
    elif fmt.name == "parquet":
        frame.write_parquet(path, metadata=dict(metadata) if metadata else None)
    elif fmt.name == "stata":
        _stata(frame, path, labels, title)
    elif fmt.name == "rds":
        _rds(frame, path)
    elif fmt.name == "feather":
        frame.write_ipc(path, compression="lz4")
    else:
        _xlsx(frame, path, labels, title)
    return path


def _stata(frame: pl.DataFrame, path: Path, labels: dict[str, str], title: str | None) -> None:
    long_text = [
        c
        for c, t in frame.schema.items()
        if t == pl.String and (frame[c].str.len_bytes().max() or 0) > _STATA_STR  # type: ignore[operator]
    ]
    names = stata_names(frame.columns)
    for old in names:
        labels[old] = f"{old}: {labels.get(old, '')}".rstrip(": ")
    # Stata has no missing text: an empty string is its missing value (and an all-NA column fails)
    frame = frame.with_columns(pl.col(pl.String).fill_null(""))
    nullable_pandas(frame.rename(names)).to_stata(
        path,
        write_index=False,
        version=118,
        variable_labels={
            names.get(c, c): _clip(d, _STATA_LABEL) for c, d in labels.items() if c in frame.columns
        },
        data_label=_clip(title, _STATA_LABEL) if title else None,
        convert_strl=long_text,
    )


def stata_names(columns: Sequence[str]) -> dict[str, str]:
    """Columns whose names Stata refuses (a reserved word such as ``end``, a leading digit, other
    characters, over 32 characters), renamed as pandas would; the label keeps the original name."""
    out: dict[str, str] = {}
    for c in columns:
        name = re.sub(r"[^A-Za-z0-9_]", "_", c)
        if name in _STATA_RESERVED or name[:1].isdigit():
            name = "_" + name
        name = name[:32]
        while name != c and (name in columns or name in out.values()):
            name = ("_" + name)[:32]
        if name != c:
            out[c] = name
    return out


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rds(frame: pl.DataFrame, path: Path) -> None:
    """R has 32-bit integers and NA in every type: integers with a null or out of range go as
    doubles, logicals and text with None for NA."""
    import pyreadr

    cols: dict[str, Any] = {}
    for name, series in frame.to_dict().items():
        if series.dtype.is_integer():
            low, high = series.min(), series.max()
            fits = series.null_count() == 0 and (
                series.is_empty() or (int(low) > -(2**31) and int(high) < 2**31)  # type: ignore[arg-type]
            )
            cols[name] = series.cast(pl.Int32 if fits else pl.Float64).to_numpy()
        elif series.dtype.is_float():
            cols[name] = series.cast(pl.Float64).to_numpy()
        else:
            cols[name] = series.to_list()
    import pandas as pd

    pyreadr.write_rds(str(path), pd.DataFrame(cols), compress="gzip")


def _xlsx(frame: pl.DataFrame, path: Path, labels: dict[str, str], title: str | None) -> None:
    """A real workbook: a data sheet (numbers as numbers, NA empty, text never a formula) and a
    "columns" sheet naming each column's type and meaning."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    if frame.height >= EXCEL_ROWS:
        raise InvalidValueError(
            f"{path}: {frame.height:,} rows do not fit in one Excel sheet ({EXCEL_ROWS - 1:,} at most); "
            "write .csv, .parquet, .dta, .rds or .feather, or fewer years"
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(title))
    sheet.append(frame.columns)
    # NaN and infinities have no Excel value: empty, like NA
    frame = frame.with_columns(pl.col(c).fill_nan(None) for c, t in frame.schema.items() if t.is_float())
    frame = frame.with_columns(
        pl.when(pl.col(c).is_infinite()).then(None).otherwise(pl.col(c)).alias(c)
        for c, t in frame.schema.items()
        if t.is_float()
    )
    # openpyxl stores text starting with "=" as a formula: such cells are written as text explicitly
    formulas = [
        i
        for i, (c, t) in enumerate(frame.schema.items())
        if t == pl.String and frame[c].str.starts_with("=").any()
    ]

    def as_text(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    for i, row in enumerate(frame.iter_rows(), start=2):
        values = list(row)
        for j in formulas:
            values[j] = as_text(values[j])
        try:
            sheet.append(values)
        except IllegalCharacterError:
            raise InvalidValueError(
                f"{path}: row {i} holds a control character Excel cannot store; write .csv or .parquet"
            ) from None
    about = book.create_sheet("columns")
    about.append(["column", "type", "description"])
    for name, dtype in frame.schema.items():
        about.append([name, field_type(dtype), labels.get(name, "")])
    book.save(path)


def _sheet_name(title: str | None) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title or "data").strip()[:31]
    return name or "data"


def field_type(dtype: pl.DataType) -> str:
    """The Table Schema type of a polars dtype."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    kinds = {
        pl.Boolean: "boolean",
        pl.String: "string",
        pl.Categorical: "string",
        pl.Date: "date",
        pl.Datetime: "datetime",
        pl.Time: "time",
        pl.Duration: "duration",
        pl.List: "array",
        pl.Array: "array",
        pl.Struct: "object",
    }
    return next((t for k, t in kinds.items() if dtype.base_type() == k), "any")
