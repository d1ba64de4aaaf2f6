"""COW Dyadic Trade v4.0 (peacesciencer's ``cow_trade_ndy``) as directed dyad-year flows.

The file has one row per unordered pair (``ccode1 < ccode2``) with ``flow1`` = imports of ccode1
from ccode2 and ``flow2`` = imports of ccode2 from ccode1, in millions of current US dollars, and
the producers' smoothed versions. legation writes each direction as its own row: ``trade_exports``
of ccode1 to ccode2 (= ccode2's imports from ccode1) and ``trade_exports_smooth``. See
docs/sources/politics.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from legation.ledger.importers import works
from legation.ledger.importers.base import Importer, SourceReport, read_table
from legation.ledger.importers.cow import _drop_missing_keys, _dyad_frame, _integral, _reject_self_pairs
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

COW_TRADE = Source(
    id="cow-trade",
    name="COW Dyadic Trade (peacesciencer cow_trade_ndy)",
    version="4.0",
    citation="Barbieri, Katherine, Omar M. G. Keshk, and Brian Pollins. 2009. Trading Data: Evaluating "
    "our Assumptions and Coding Rules. Conflict Management and Peace Science 26(5): 471-491. Barbieri, "
    "Katherine, and Omar M. G. Keshk. 2016. Correlates of War Project Trade Data Set Codebook, "
    "Version 4.0.",
    licence="COW data are free for use with citation; peacesciencer is GPL-2",
    url="https://correlatesofwar.org/data-sets/bilateral-trade/",
    coverage_start=1870,
    coverage_end=2014,
    coverage_note="Directed dyad-years 1870-2014: trade_exports = goods from ccode1 to ccode2 (ccode2's "
    "imports from ccode1), millions of current USD; trade_exports_smooth the producers' smoothed "
    "series. A pair-year the file lacks, or a flow it reports missing, is NA (not 0): the file lists "
    "only pairs for which COW has some trade figure. Taken from the peacesciencer R package (svmiller/"
    "peacesciencer, commit 3db24a5; the table later moved to an external download).",
    references=(works.TRADE_2009, works.TRADE_CODEBOOK_4),
)


class CowTrade(Importer):
    """COW Dyadic Trade v4.0 → directed ``trade_exports`` and ``trade_exports_smooth``."""

    source = COW_TRADE
    patterns = ("peacesciencer/cow_trade_ndy.*",)
    formats = (".csv", ".parquet")
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        flows = ["flow1", "flow2", "smoothflow1", "smoothflow2"]
        df = read_table(files[0], columns=["ccode1", "ccode2", "year", *flows], source=self.source.id)
        df = _integral(df, ["ccode1", "ccode2", "year"], files[0], self.source.id)
        report.rows_read = df.height
        df = _reject_self_pairs(_drop_missing_keys(df, ["ccode1", "ccode2", "year"], report), report)
        value = {f: pl.col(f).cast(pl.Float64) for f in flows}
        negative = pl.any_horizontal((v < 0) & (v != -9) for v in value.values()).fill_null(False)
        report.reject("a negative trade flow", df.filter(negative).height)
        df = df.filter(~negative)
        pair = [pl.min_horizontal("ccode1", "ccode2").alias("_lo"), pl.max_horizontal("ccode1", "ccode2")]
        dup = df.select(pl.struct(*pair, "year").is_duplicated()).to_series()
        report.reject("a pair-year listed twice", int(dup.sum()))
        df = df.filter(~dup)

        def side(exporter: str, importer: str, raw: str, smooth: str) -> pl.DataFrame:
            return df.select(
                pl.col(exporter).alias("ccode1"),
                pl.col(importer).alias("ccode2"),
                "year",
                value[raw].alias("trade_exports"),
                value[smooth].alias("trade_exports_smooth"),
            )

        both = pl.concat(
            [
                side("ccode2", "ccode1", "flow1", "smoothflow1"),
                side("ccode1", "ccode2", "flow2", "smoothflow2"),
            ]
        )
        long = both.unpivot(
            index=["ccode1", "ccode2", "year"], variable_name="variable", value_name="value"
        ).with_columns(
            pl.when(pl.col("value").is_nan() | (pl.col("value") == -9))
            .then(None)
            .otherwise(pl.col("value"))
            .alias("value"),
            pl.lit(True).alias("directed"),
        )
        return {"dyad_attributes": _dyad_frame(long)}


IMPORTERS: list[Importer] = [CowTrade()]
