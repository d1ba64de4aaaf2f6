"""State-system membership lists: COW State System Membership and Gleditsch–Ward independent states.

Formats read: COW ``system2016.csv`` (state-years: ``stateabb, ccode, year, version``) and
``states2016.csv`` (spells: ``stateabb, ccode, statenme, styear … endday, version``); GW
``iisystem.dat`` (tab-separated ``gwcode, abb, name, dd:mm:yyyy, dd:mm:yyyy``) and tables with
``gwcode, stateabb, statename, startdate, enddate`` (CSV or Parquet). Spells that run to the last
date of the list are stored as ongoing (end NULL), as peacesciencer carries the list forward.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.importers import works
from legation.ledger.importers.base import Download, Importer, SourceReport
from legation.ledger.sources import COW_STATES_2016, Source
from legation.ledger.store import Ledger
from legation.states import codes
from legation.states.system import SPELL_SCHEMA

COW_SYSTEM = Source(
    id="cow-system",
    name="COW State System Membership",
    version="2016",
    citation="Correlates of War Project. 2017. State System Membership List, v2016. "
    "Online, http://correlatesofwar.org",
    licence="free for use with citation",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    coverage_start=1816,
    coverage_end=2016,
    references=(COW_STATES_2016,),
)

GW_SYSTEM = Source(
    id="gw-states",
    name="Gleditsch–Ward list of independent states",
    version="2017",
    citation="Gleditsch, Kristian S. and Michael D. Ward. 1999. A revised list of independent "
    "states since the congress of Vienna. International Interactions 25(4): 393-413.",
    licence="free for academic use with citation",
    url="http://ksgleditsch.com/data-4.html",
    coverage_start=1816,
    coverage_end=2017,
    references=(works.GLEDITSCH_WARD,),
)


def _read_table(path: Path, **csv_kw: Any) -> pl.DataFrame:
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pl.read_parquet(path)
        return pl.read_csv(path, **csv_kw)
    except Exception as e:
        raise InputError([Problem("", "", f"cannot read state list: {e}")], file=str(path)) from e


def _need(df: pl.DataFrame, cols: list[str], path: Path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            [Problem(c, None, f"required column is missing; found {df.columns}") for c in missing],
            file=str(path),
        )


def _open_ended(spells: pl.DataFrame) -> pl.DataFrame:
    last = spells["end_date"].max()
    if last is None:  # no spells (a header-only file), or none has ended
        return spells
    return spells.with_columns(
        pl.when(pl.col("end_date") == last).then(None).otherwise(pl.col("end_date")).alias("end_date")
    )


def read_cow(path: str | Path) -> pl.DataFrame:
    """COW membership spells from ``system2016.csv`` (state-years) or ``states2016.csv``."""
    path = Path(path)
    df = _read_table(path)
    if "styear" in df.columns:
        _need(
            df,
            ["ccode", "stateabb", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"],
            path,
        )
        spells = df.select(
            pl.lit("cow").alias("system"),
            pl.col("ccode").cast(pl.Int32).alias("code"),
            "stateabb",
            pl.col("statenme").alias("statename"),
            pl.date("styear", "stmonth", "stday").alias("start_date"),
            pl.date("endyear", "endmonth", "endday").alias("end_date"),
        )
    else:
        _need(df, ["stateabb", "ccode", "year"], path)
        names = {k: v.name for k, v in codes.by_cown().items()}
        runs = (
            df.sort("ccode", "year")
            .with_columns(
                ((pl.col("year").diff().over("ccode").fill_null(1)) != 1)
                .cum_sum()
                .over("ccode")
                .alias("_run")
            )
            .group_by("ccode", "_run", maintain_order=True)
            .agg(pl.col("stateabb").first(), pl.col("year").min().alias("a"), pl.col("year").max().alias("b"))
        )
        spells = runs.select(
            pl.lit("cow").alias("system"),
            pl.col("ccode").cast(pl.Int32).alias("code"),
            "stateabb",
            pl.col("ccode")
            .replace_strict(names, default=pl.col("stateabb"), return_dtype=pl.String)
            .alias("statename"),
            pl.date("a", 1, 1).alias("start_date"),
            pl.date("b", 12, 31).alias("end_date"),
        )
    return _open_ended(spells).cast(SPELL_SCHEMA)


def read_gw(path: str | Path) -> pl.DataFrame:
    """GW spells from ``iisystem.dat`` or a table with gwcode/startdate/enddate columns."""
    path = Path(path)
    if path.suffix.lower() in (".dat", ".tsv", ".txt"):
        df = _read_table(
            path,
            separator="\t",
            has_header=False,
            encoding="utf8-lossy",
            new_columns=["gwcode", "stateabb", "statename", "startdate", "enddate"],
        ).with_columns(
            pl.col("startdate").str.strip_chars().str.to_date("%d:%m:%Y"),
            pl.col("enddate").str.strip_chars().str.to_date("%d:%m:%Y"),
        )
    else:
        df = _read_table(path, try_parse_dates=True)
    _need(df, ["gwcode", "stateabb", "statename", "startdate", "enddate"], path)
    spells = df.select(
        pl.lit("gw").alias("system"),
        pl.col("gwcode").cast(pl.Int32).alias("code"),
        pl.col("stateabb").cast(pl.String),
        pl.col("statename").cast(pl.String),
        pl.col("startdate").cast(pl.Date).alias("start_date"),
        pl.col("enddate").cast(pl.Date).alias("end_date"),
    )
    return _open_ended(spells).cast(SPELL_SCHEMA)


def import_cow(ledger: Ledger, path: str | Path) -> int:
    """Replace the ledger's COW spells with those of a COW membership file; returns spells."""
    return ledger.replace_states(read_cow(path), COW_SYSTEM)


def import_gw(ledger: Ledger, path: str | Path) -> int:
    """Replace the ledger's GW spells with those of a GW list; returns spells."""
    return ledger.replace_states(read_gw(path), GW_SYSTEM)


class CowSystem(Importer):
    """COW State System Membership v2016: day-level spells (``states2016.csv``, or peacesciencer's
    copy of it) first, the state-year list ``system2016.csv`` otherwise. Day-level spells are what
    let dyad-year frames leave out dyads of states that existed in one year but never at once."""

    source = COW_SYSTEM
    patterns = ("cow_raw/states2016.*",)
    fallbacks = (("peacesciencer/cow_states.*",), ("cow_raw/system2016.*",))
    tables = ("states",)
    order = 0
    downloads = (
        Download("https://correlatesofwar.org/wp-content/uploads/states2016.csv", "cow_raw/states2016.csv"),
    )

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        spells = read_cow(files[0])
        report.rows_read = spells.height
        return {"states": spells}


class GwSystem(Importer):
    """Gleditsch–Ward independent states (``iisystem.dat`` or peacesciencer's ``gw_states``)."""

    source = GW_SYSTEM
    patterns = ("gw/iisystem.dat",)
    fallbacks = (("peacesciencer/gw_states.*",),)
    formats = (".dat", ".csv", ".parquet")
    tables = ("states",)
    order = 0
    downloads = (Download("http://ksgleditsch.com/data/iisystem.dat", "gw/iisystem.dat"),)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        spells = read_gw(files[0])
        report.rows_read = spells.height
        return {"states": spells}


IMPORTERS: list[Importer] = [CowSystem(), GwSystem()]
