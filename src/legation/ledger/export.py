"""Export engagements in the import format, so that what legation writes it reads back unchanged;
`to_file` writes them in any output format with their citations beside the file."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

import polars as pl

from legation.errors import InvalidValueError
from legation.ledger.records import COLUMNS

if TYPE_CHECKING:
    from legation.ledger.store import Ledger

_SHOWN = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def _as_written(date_col: str, precision_col: str) -> pl.Expr:
    """A stored date shown at its precision: 2014-12-31 with precision 'year' is '2014'."""
    out = pl.lit(None, pl.String)
    for precision, fmt in _SHOWN.items():
        out = (
            pl.when(pl.col(precision_col) == precision).then(pl.col(date_col).dt.strftime(fmt)).otherwise(out)
        )
    return out


def to_import_format(engagements: pl.DataFrame) -> pl.DataFrame:
    """Stored engagements (`Ledger.engagements()`) as rows of the import format.

    The ``details`` column (source-specific fields, JSON text) comes along when ``engagements``
    holds it (`Ledger.engagements(details=True)`); without it the file has no ``details`` column,
    and importing it keeps the details the ledger holds for those ids."""
    has_details = "details" in engagements.columns
    return engagements.select(
        "id",
        "instrument",
        "actor",
        "partner",
        "actor_kind",
        "partner_kind",
        pl.col("actor_ccode").cast(pl.Int32),
        pl.col("partner_ccode").cast(pl.Int32),
        _as_written("start_date", "start_precision").alias("start"),
        _as_written("end_date", "end_precision").alias("end"),
        "magnitude",
        "unit",
        "polarity",
        "confidence",
        pl.col("source_id").alias("source"),
        "source_ref",
        "note",
        *(["details"] if has_details else []),
    ).select(c for c in COLUMNS if c != "details" or has_details)


def write(
    engagements: pl.DataFrame,
    target: str | Path | IO[bytes] | IO[str],
    fmt: Literal["csv", "parquet", "json"] = "csv",
) -> None:
    """Write stored engagements as CSV, Parquet or JSON (records) in the import format."""
    frame = to_import_format(engagements)
    if fmt == "csv":
        frame.write_csv(target)  # type: ignore[arg-type]
    elif fmt == "parquet":
        frame.write_parquet(target)  # type: ignore[arg-type]
    elif fmt == "json":
        frame.write_json(target)  # type: ignore[arg-type]
    else:
        raise InvalidValueError(f"unknown format {fmt!r}; use csv, parquet or json")


def to_file(
    ledger: Ledger,
    engagements: pl.DataFrame,
    path: str | Path,
    *,
    excel: bool = False,
    neutralise: bool | None = None,
    cite: bool = True,
) -> list[Path]:
    """Write stored engagements (`Ledger.engagements(details=True)`) in the import format, in the
    format ``path``'s extension names (`outputs.FORMATS`), with ``.bib`` and ``datapackage.json``
    beside it (``cite``) citing the sources the rows come from; returns the paths written."""
    from legation.ledger import datapackage, outputs

    frame = to_import_format(engagements)
    sources = ledger.registered(sorted(set(engagements["source_id"].to_list())))
    title = f"legation engagements, {frame.height:,} rows"
    out = outputs.write(
        frame, path, descriptions=outputs.IMPORT_FORMAT, title=title, excel=excel, neutralise=neutralise
    )
    if not cite:
        return [out]
    return [out, *datapackage.write(out, frame, sources, descriptions=outputs.IMPORT_FORMAT, title=title)]
