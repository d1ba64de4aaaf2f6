"""McManus & Nieman (2019) individual signals of major-power support, country-years 1950-2012.

Each non-zero ``{patron}_{signal}`` value becomes one engagement from the patron (US, Russia, UK,
France, China) to the protégé country for that year. See docs/sources/signals.md for what each
variable measures and why ``us_econaid``, ``*_bit``, ``*_nukes`` and ``us_words`` are not mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from legation.ledger.importers import works
from legation.ledger.importers.base import Importer, Names, SourceReport, details, engagements, read_table
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

MCMANUS_NIEMAN = Source(
    id="mcmanus-nieman",
    name="McManus & Nieman individual signals of major-power support",
    version="JPR 2019 replication data",
    citation=(
        "McManus, Roseanne W. and Mark David Nieman. 2019. Identifying the level of major power support "
        "signaled for proteges: A latent measure approach. Journal of Peace Research 56(3)."
    ),
    licence="replication data; no licence stated",
    url="https://github.com/jandresgannon/DoDL",
    coverage_start=1950,
    coverage_end=2012,
    coverage_actors=(2, 365, 200, 220, 710),
    coverage_note=(
        "Signals from the five permanent Security Council members to every other state-year "
        "(198 protégés); exercises, visits and pacts are yearly indicators."
    ),
    references=(works.SIGNALS,),
)

PATRONS: dict[str, int] = {"us": 2, "rus": 365, "uk": 200, "fra": 220, "chi": 710}
"""Variable prefix → the patron's COW code."""

SIGNALS: dict[str, tuple[str, str]] = {
    "vis": ("dialogue", "binary"),
    "ex": ("exercise", "count"),  # a 0/1 indicator; exercise has no binary unit: 1 = at least one
    "arms": ("arms_transfer", "tiv_musd"),
    "troops": ("basing", "personnel"),
    "pact": ("alliance", "binary"),
}
"""Signal suffix → (instrument, unit)."""


class McManusNieman(Importer):
    """``individual_signals_dataset.csv`` (or its Parquet copy)."""

    source = MCMANUS_NIEMAN
    patterns = ("mcmanus_nieman_signals/individual_signals_dataset.*",)
    formats = (".csv", ".parquet")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        variables = [f"{p}_{s}" for p in PATRONS for s in SIGNALS]
        raw = read_table(
            files[0], columns=["ccode", "year", *variables], source=self.source.id, infer_schema_length=None
        )
        report.rows_read = raw.height
        df = raw.select(
            pl.col("ccode").cast(pl.Int32, strict=False),
            pl.col("year").cast(pl.Int32, strict=False),
            *(pl.col(v).cast(pl.Float64, strict=False) for v in variables),
        )
        bad = df.filter(pl.col("ccode").is_null() | pl.col("year").is_null())
        report.reject("country-year without a ccode or year", bad.height)
        long = (
            df.filter(pl.col("ccode").is_not_null() & pl.col("year").is_not_null())
            .unpivot(index=["ccode", "year"], variable_name="variable", value_name="value")
            .filter(pl.col("value").is_not_null() & (pl.col("value") != 0))
        )
        negative = long.filter(pl.col("value") < 0)
        report.reject("negative signal value", negative.height)
        long = long.filter(pl.col("value") > 0)
        parts = pl.col("variable").str.split_exact("_", 1)
        long = long.with_columns(
            parts.struct.field("field_0").replace_strict(PATRONS, return_dtype=pl.Int32).alias("_patron"),
            parts.struct.field("field_1").alias("_signal"),
        ).with_columns(
            pl.col("_signal").replace_strict({k: v[0] for k, v in SIGNALS.items()}).alias("instrument"),
            pl.col("_signal").replace_strict({k: v[1] for k, v in SIGNALS.items()}).alias("unit"),
        )
        same = long.filter(pl.col("_patron") == pl.col("ccode"))
        report.reject("patron and protégé are the same state", same.height)
        long = long.filter(pl.col("_patron") != pl.col("ccode"))
        names = Names(ledger, report)
        long = names.ccode(long, "_patron", "actor")
        long = names.ccode(long, "ccode", "partner")
        rows = long.with_columns(
            pl.date("year", 1, 1).alias("start_date"),
            pl.date("year", 12, 31).alias("end_date"),
            pl.lit("year").alias("end_precision"),
            pl.col("value").alias("magnitude"),
            pl.format("{} {}", pl.col("variable"), pl.col("year")).alias("source_ref"),
            details("variable", "value").alias("details"),
        )
        return {"engagements": engagements(rows, key=["variable", "ccode", "year"])}


IMPORTERS: list[Importer] = [McManusNieman()]
