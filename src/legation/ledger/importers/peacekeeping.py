"""IPI *Providing for Peacekeeping*: UN peacekeeping contributions as ``peacekeeping`` engagements.

Two sources, so that the same personnel are never counted twice:

* ``ipi-peacekeeping`` — ``tcc_monthly_by_contributor`` (one row per contributor and month-end,
  1990-11 to 2014-03): contributor → the UN group, magnitude = troops + police + experts.
* ``ipi-peacekeeping-missions`` — ``tcc_mission_detail_2014-03`` (contributor × mission, March
  2014): contributor → the state hosting the mission, magnitude = the row's total.

The March 2014 mission rows add up, contributor by contributor, to the March 2014 monthly rows:
a panel should use one source or the other for that month, never both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.importers import works
from legation.ledger.importers.base import (
    Download,
    Importer,
    Names,
    SourceReport,
    details,
    engagements,
    read_table,
)
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

_CITATION = (
    "International Peace Institute, Providing for Peacekeeping database (IPI Peacekeeping Database), "
    "compiled from UN DPKO monthly contribution reports; see Perry, C. and Smith, A. C. (2013), "
    "Trends in Uniformed Contributions to UN Peacekeeping: A New Dataset, 1991-2012. IPI."
)
_REPO = "https://github.com/IPIDataLab/PPP_Loader"

IPI_MONTHLY = Source(
    id="ipi-peacekeeping",
    name="IPI Providing for Peacekeeping: uniformed contributions by contributor and month",
    version="PPP_Loader 2653920 (1990-11 to 2014-03)",
    citation=_CITATION,
    licence="GPL-2 (repository); the underlying UN figures are public",
    url=_REPO,
    coverage_start=1990,
    coverage_end=2014,
    coverage_note=(
        "Every UN member's uniformed contributions (troops, police, experts/observers) to UN "
        "peacekeeping, monthly from November 1990 to March 2014; partner is the UN, not the host "
        "state. 1990 holds November and December only, 2014 January to March only. A state "
        "absent in a covered month contributed nobody."
    ),
    references=(works.IPI, works.IPI_2013),
)

IPI_MISSIONS = Source(
    id="ipi-peacekeeping-missions",
    name="IPI Providing for Peacekeeping: contributions by contributor and mission, March 2014",
    version="PPP_Loader 2653920 (current_month 2014-03)",
    citation=_CITATION,
    licence="GPL-2 (repository); the underlying UN figures are public",
    url=_REPO,
    coverage_start=2014,
    coverage_end=2014,
    coverage_note=(
        "One month only (March 2014): uniformed personnel of each contributor in each UN "
        "peacekeeping mission, partner = the state hosting the mission. Missions outside any COW "
        "state (MINURSO, Western Sahara) cannot be mapped. Do not add to ipi-peacekeeping for "
        "March 2014: it is the same personnel split by mission."
    ),
    references=(works.IPI, works.IPI_2013),
)

ALIASES: dict[str, str] = {
    # IPI spellings; most resolve as written, these make the intent explicit.
    "Cote d Ivoire": "Ivory Coast",
    "DR Congo": "Democratic Republic of the Congo",
    "Congo": "Republic of the Congo",
    "Republic of Korea": "South Korea",
    "The former Yugoslav Republic of Macedonia": "Macedonia",
    "Russian Federation": "Russia",
    "Timor-Leste": "East Timor",
    "Serbia": "cow:345",
}
"""IPI contributor names → names the resolver knows."""

MISSION_HOSTS: dict[str, str] = {"UNMIK": "cow:347"}
"""Missions whose host is not the state IPI names: UNMIK serves in Kosovo (COW 347 since
2008-02-17), which IPI files under Serbia."""

_CZECHOSLOVAKIA_END = date(1992, 12, 31)


def _num(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars().replace("NA", None).cast(pl.Float64, strict=False)


def _bad_values(df: pl.DataFrame, cols: Sequence[str], path: Path, source: str) -> None:
    """Refuse a file whose count columns hold text that is not a number (or NA)."""
    problems = []
    for c in cols:
        raw = pl.col(c).cast(pl.String).str.strip_chars()
        bad = df.with_row_index("_row", 2).filter(raw.is_not_null() & (raw != "NA") & _num(c).is_null())
        problems += [
            Problem(c, v, "not a number", row=r) for r, v in bad.select("_row", c).head(5).iter_rows()
        ]
    if problems:
        raise InputError(problems, file=f"{path} ({source})")


class IpiMonthly(Importer):
    """``tcc_monthly_by_contributor``: contributor → UN, personnel per month-end."""

    source = IPI_MONTHLY
    patterns = ("ipi_peacekeeping/tcc_monthly_by_contributor.*",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        cols = ["contributor", "date", "troops", "police", "experts"]
        df = read_table(path, columns=cols, source=self.source.id, infer_schema_length=0)
        report.rows_read = df.height
        _bad_values(df, cols[2:], path, self.source.id)
        df = df.with_columns(
            pl.col("contributor").cast(pl.String).str.strip_chars(),
            pl.col("date").cast(pl.String).str.strip_chars().str.to_date("%Y-%m-%d", strict=False),
            *(_num(c).alias(c) for c in cols[2:]),
        )
        bad_date = df["date"].is_null()
        report.reject("date is not YYYY-MM-DD", int(bad_date.sum()))
        df = df.filter(~bad_date)
        df = df.with_columns(pl.sum_horizontal("troops", "police", "experts").alias("magnitude"))
        empty = df["magnitude"] <= 0
        report.reject("no personnel in the row", int(empty.sum()))
        df = df.filter(~empty)
        # IPI files each country's history under today's name: the Czech rows before 1993 are
        # Czechoslovakia's contributions (COW 315).
        df = df.with_columns(
            pl.when((pl.col("contributor") == "Czech Republic") & (pl.col("date") <= _CZECHOSLOVAKIA_END))
            .then(pl.lit("Czechoslovakia"))
            .otherwise(pl.col("contributor"))
            .alias("_name"),
            pl.col("date").alias("start_date"),
        )
        names = Names(ledger, report, aliases=ALIASES)
        df = names.resolve(df, "_name", "actor")
        un = ledger.resolver().resolve("UN")
        df = df.with_columns(
            pl.lit("peacekeeping").alias("instrument"),
            pl.lit(un.kind.value).alias("partner_kind"),
            pl.lit(None, pl.Int16).alias("partner_ccode"),
            pl.lit(un.name).alias("partner"),
            pl.col("date").dt.month_start().alias("start_date"),
            pl.lit("month").alias("start_precision"),
            pl.col("date").alias("end_date"),
            pl.lit("month").alias("end_precision"),
            pl.lit("personnel").alias("unit"),
            pl.format("{} {}", pl.col("contributor"), pl.col("date").dt.strftime("%Y-%m")).alias(
                "source_ref"
            ),
            details(
                "troops",
                "police",
                "experts",
                ipi_contributor=pl.col("contributor"),
                month_end=pl.col("date").dt.strftime("%Y-%m-%d"),
            ).alias("details"),
        )
        return {"engagements": engagements(df, key=["contributor", pl.col("date").cast(pl.String)])}


_MISSION_COUNTS = {
    "Troops": "troops",
    "Formed_Police_Units": "formed_police",
    "Inidividual_Police": "individual_police",  # sic, IPI's spelling
    "Civilian_Police": "police",
    "Experts_on_Mission": "experts",
    "Observers": "observers",
    "Total": "total",
}


class IpiMissions(Importer):
    """``tcc_mission_detail_2014-03``: contributor → mission host state, March 2014."""

    source = IPI_MISSIONS
    patterns = ("ipi_peacekeeping/tcc_mission_detail_2014-03.*",)
    downloads = (
        Download(
            "https://raw.githubusercontent.com/IPIDataLab/PPP_Loader/2653920af58e91a892d1cde3a402a57a2ebf5cdf/"
            "ppp_files/current_month/current_month.csv",
            "ipi_peacekeeping/tcc_mission_detail_2014-03.csv",
        ),
    )

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        ids = [
            "Date",
            "Contributor",
            "Contributor_ISO-3",
            "Mission",
            "Mission_Country",
            "Mission_Country_ISO-3",
        ]
        df = read_table(
            path, columns=ids + list(_MISSION_COUNTS), source=self.source.id, infer_schema_length=0
        )
        report.rows_read = df.height
        _bad_values(df, list(_MISSION_COUNTS), path, self.source.id)
        df = df.select(
            *(pl.col(c).cast(pl.String).str.strip_chars() for c in ids if c != "Date"),
            pl.col("Date")
            .cast(pl.String)
            .str.strip_chars()
            .str.to_date("%Y-%m-%d", strict=False)
            .alias("date"),
            *(_num(c).alias(new) for c, new in _MISSION_COUNTS.items()),
        )
        bad_date = df["date"].is_null()
        report.reject("date is not YYYY-MM-DD", int(bad_date.sum()))
        df = df.filter(~bad_date)
        empty = df["total"].fill_null(0) <= 0
        report.reject("no personnel in the row", int(empty.sum()))
        df = df.filter(~empty)
        df = df.with_columns(
            pl.col("date").alias("start_date"),
            ("iso3:" + pl.col("Contributor_ISO-3")).alias("_actor"),
            pl.col("Mission")
            .replace_strict(MISSION_HOSTS, default="iso3:" + pl.col("Mission_Country_ISO-3"))
            .alias("_host"),
        )
        names = Names(ledger, report)
        df = names.resolve(df, "_actor", "actor")
        df = names.resolve(df, "_host", "partner")
        # a contributor serving in a mission on its own soil is not an engagement between states
        home = (df["actor_ccode"] == df["partner_ccode"]).fill_null(False)
        report.reject("contributor hosts the mission", int(home.sum()))
        df = df.filter(~home)
        df = df.with_columns(
            pl.lit("peacekeeping").alias("instrument"),
            pl.col("date").dt.month_start().alias("start_date"),
            pl.lit("month").alias("start_precision"),
            pl.col("date").alias("end_date"),
            pl.lit("month").alias("end_precision"),
            pl.col("total").alias("magnitude"),
            pl.lit("personnel").alias("unit"),
            pl.format("{} {} {}", "Contributor", "Mission", pl.col("date").dt.strftime("%Y-%m")).alias(
                "source_ref"
            ),
            details(
                *(v for v in _MISSION_COUNTS.values() if v != "total"),
                mission=pl.col("Mission"),
                mission_country=pl.col("Mission_Country").str.strip_chars("'"),
                ipi_contributor=pl.col("Contributor"),
            ).alias("details"),
        )
        return {
            "engagements": engagements(df, key=["Contributor", "Mission", pl.col("date").cast(pl.String)])
        }


IMPORTERS: list[Importer] = [IpiMonthly(), IpiMissions()]
