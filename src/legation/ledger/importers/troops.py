# Kept whole: the three troopdata sources share the host-code rules (dated codes, COW membership).
"""US troops and bases abroad from the troopdata R package (Allen, Flynn & Martinez Machain).

Three sources, all ``basing`` engagements with the United States (COW 2) as actor and the host
state as partner:

- ``us-troops``: ``troopdata_rebuild_long``, the rebuilt DMDC series: active-duty personnel
  (``troops_ad``) by host and report (yearly September reports, quarterly from 2008), with Kane's
  yearly series and an imputation for 1951-52 where no report is at hand.
- ``us-troops-v015``: ``troopdata_v015_country_year``, the earlier (v0.1.5) country-year series.
- ``us-bases``: ``basedata``, David Vine's list of US bases, lily pads and US-funded sites abroad
  (a snapshot without dates).

Hosts come as COW codes. They are checked against the state system on the observation's date:
Germany's 260 becomes 255 from 3 October 1990 and Yemen's 678 becomes 679 from 22 May 1990; a code
that is not a member on that date, a placeholder code for a territory or unknown place (1000 and
above), or the United States itself are rejected and counted, never dropped silently. Rows that
report no troops (0) are counted too: they are covered years without basing, not engagements.
See docs/sources/troops.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.importers import works
from legation.ledger.importers.base import Importer, SourceReport, details, engagements, read_table
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.states import history
from legation.states.resolve import from_gw

_TD = "Taken from the troopdata R package (meflynn/troopdata, commit 3946bcf)."
_CITATION = (
    "Allen, Michael A., Michael E. Flynn, and Carla Martinez Machain. 2022. Global U.S. military "
    "deployment data: 1950-2020. Conflict Management and Peace Science 39(3): 351-370."
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        1,
    )
}
_REPORT = re.compile(r"^(" + "|".join(_MONTHS) + r") \d{4}$")

PLACEHOLDER_STATES: dict[int, int] = {1010: 341, 1012: 713, 1015: 402, 1020: 626, 529: 530}
"""troopdata v0.1.5's own codes for five real states: placeholders for Montenegro, Taiwan, Cabo Verde
and South Sudan, and 529 for Ethiopia in 2022–2023 (530, its COW code, in every other year)."""

GW_HOSTS: dict[int, int] = {gw: cow for gw in (340,) if (cow := from_gw(gw)) is not None}
"""Hosts the rebuild files under their Gleditsch–Ward code: Serbia (GW 340, COW 345) in the DMDC
reports from 1995 on. The series start in 1950, long after COW's own 340 (Serbia, 1878–1915) ended."""

DATED_CODES = history.UNIFICATIONS
"""Codes the sources keep after a state's code changed: from that date on, the new COW code."""

US = 2


US_TROOPS = Source(
    id="us-troops",
    name="US military personnel abroad (troopdata rebuild)",
    version="troopdata rebuild (2025 release, DMDC reports to 2025)",
    citation=_CITATION + " Kane, Tim. 2005. Global U.S. troop deployment, 1950-2003. Heritage Foundation.",
    licence="troopdata is GPL (>= 3); DMDC counts are US-government works",
    url="https://github.com/meflynn/troopdata",
    coverage_start=1950,
    coverage_end=2025,
    coverage_actors=(US,),
    coverage_note="US troops only (actor 2), every host the DoD reports, 1950-2025. magnitude = active-duty "
    "personnel (troops_ad). Reports dated by month (September yearly; March, June, September, "
    "December from 2008) have month precision; Kane's yearly series and the 1951-52 imputation have "
    "year precision, so one host-year can hold both a yearly and a monthly observation (details.series "
    "tells them apart: dmdc, kane, imputed, unlabelled). A covered host-year without a row had no US "
    "troops reported (0), or its host was not a COW member (see the import report). " + _TD,
    references=(works.TROOPDATA, works.KANE),
)

US_TROOPS_V015 = Source(
    id="us-troops-v015",
    name="US military personnel abroad (troopdata v0.1.5 country-year)",
    version="0.1.5",
    citation=_CITATION + " Kane, Tim. 2005. Global U.S. troop deployment, 1950-2003. Heritage Foundation.",
    licence="troopdata is GPL (>= 3); DMDC counts are US-government works",
    url="https://github.com/meflynn/troopdata",
    coverage_start=1950,
    coverage_end=2023,
    coverage_actors=(US,),
    coverage_note="US troops only (actor 2), country-years 1950-2023 with year precision; magnitude = "
    "troops (all services). The earlier series, kept as a separate source from us-troops. " + _TD,
    references=(works.TROOPDATA, works.KANE),
)

US_BASES = Source(
    id="us-bases",
    name="US military bases abroad (Vine)",
    version="troopdata basedata (Vine's list)",
    citation="Vine, David. 2015. Base Nation: How U.S. Military Bases Abroad Harm America and the World. "
    "New York: Metropolitan Books. Distributed in: " + _CITATION,
    licence="troopdata is GPL (>= 3); no separate terms stated for Vine's list",
    url="https://github.com/meflynn/troopdata",
    coverage_start=2015,
    coverage_end=2015,
    coverage_actors=(US,),
    coverage_note="A snapshot, not a time series: the list dates neither the opening nor the closing of "
    "any site. Every site is written with start and end year 2015 (year precision), the year Vine's "
    "Base Nation list was published; SOURCES describes the list as covering the Cold War to 2018, so "
    "treat the year as approximate (confidence 0.8). magnitude 1 (binary) per site; details hold the "
    "base name, lat/lon and the base/lilypad/fundedsite flags. Sites in US territories (Guam, Puerto "
    "Rico...) are not abroad in COW terms and are rejected. " + _TD,
    references=(works.BASE_NATION, works.TROOPDATA),
)


# host checks -----------------------------------------------------------------------------------


def _code_column(
    frame: pl.DataFrame, path: Path, source: str, placeholders: dict[int, int] | None = None
) -> pl.DataFrame:
    col = frame["ccode"]
    if not col.dtype.is_numeric():
        raise InputError(
            [Problem("ccode", str(col.dtype), "must be a COW code (a number)")], file=f"{path} ({source})"
        )
    frac = frame.with_row_index("_row", 1).filter(
        pl.col("ccode").is_not_null() & (pl.col("ccode").cast(pl.Float64) % 1 != 0)
    )
    if frac.height:
        raise InputError(
            [
                Problem("ccode", r["ccode"], "must be a whole number", row=r["_row"])
                for r in frac.head(5).to_dicts()
            ],
            file=f"{path} ({source})",
        )
    code = pl.col("ccode").cast(pl.Int32)
    return frame.with_columns(code.replace(placeholders or {}).alias("_src_ccode"))


def _count(report: SourceReport, rows: pl.DataFrame, reason: str) -> None:
    """Reject ``rows`` for ``reason`` and list each location ("Puerto Rico (code 6)") as unresolved."""
    report.reject(reason, rows.height)
    if rows.height:
        labels = rows.select(
            pl.concat_str(
                pl.col("countryname").fill_null("?"),
                pl.lit(" (code "),
                pl.col("_src_ccode").cast(pl.String).fill_null("none"),
                pl.lit(")"),
            ).alias("_label"),
            pl.col("year").cast(pl.Int32, strict=False).alias("_year")
            if "year" in rows.columns
            else pl.lit(None, pl.Int32).alias("_year"),
        )
        for label, year, n in labels.group_by("_label", "_year").len().iter_rows():
            report.unresolve(label, n, reason, year)


def _static_hosts(frame: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    """Remove (and count) rows whose host is no state: no code, a placeholder code, the US itself."""
    code = pl.col("_src_ccode")
    for reason, bad in (
        ("no host ccode", code.is_null()),
        ("not a state: territory, afloat or unknown location (source code 1000 and above)", code >= 1000),
        ("in the United States or its territories (host = actor)", code == US),
    ):
        hit = bad.fill_null(False)
        _count(report, frame.filter(hit), reason)
        frame = frame.filter(~hit)
    return frame


def _dated_hosts(ledger: Ledger, frame: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    """Set ``partner_ccode`` by date (260 → 255 after unification…) and keep only COW members.

    ``_when`` is the date a code is read on (start of the observation); ``_from``/``_to`` its
    window: a host counts as a member when its spell overlaps the window.
    """
    code = pl.col("_src_ccode")
    new = code.replace(GW_HOSTS)
    for old, (since, to) in DATED_CODES.items():
        new = pl.when((code == old) & (pl.col("_when") >= since)).then(pl.lit(to)).otherwise(new)
    frame = frame.with_columns(new.cast(pl.Int32).alias("partner_ccode"))
    spells = ledger.resolver().system.spells.select(
        pl.col("code").cast(pl.Int32).alias("partner_ccode"), "start_date", "end_date"
    )
    windows = frame.select("partner_ccode", "_from", "_to").unique()
    ok = (
        windows.join(spells, on="partner_ccode", how="inner")
        .filter(
            (pl.col("start_date") <= pl.col("_to"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("_from")))
        )
        .select("partner_ccode", "_from", "_to")
        .unique()
        .with_columns(pl.lit(True).alias("_member"))
    )
    known = spells["partner_ccode"].unique().implode()
    frame = frame.join(ok, on=["partner_ccode", "_from", "_to"], how="left").with_columns(
        pl.col("_member").fill_null(False), pl.col("partner_ccode").is_in(known).alias("_known")
    )
    # a code the COW list lacks altogether (Puerto Rico's 6) is no state: reported, never stored
    _count(report, frame.filter(~pl.col("_known")), "host code not in the COW state list")
    _count(
        report,
        frame.filter(pl.col("_known") & ~pl.col("_member")),
        "host not a COW system member on the date",
    )
    frame = frame.filter(pl.col("_member")).drop("_member", "_known")
    resolver = ledger.resolver()
    names = {int(c): resolver.label(int(c)) for c in frame["partner_ccode"].unique().to_list()}
    return frame.with_columns(
        pl.lit("state").alias("partner_kind"),
        pl.col("partner_ccode").replace_strict(names, default=None, return_dtype=pl.String).alias("partner"),
    )


def _us(frame: pl.DataFrame, ledger: Ledger) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit("basing").alias("instrument"),
        pl.lit("state").alias("actor_kind"),
        pl.lit(US, pl.Int16).alias("actor_ccode"),
        pl.lit(ledger.resolver().label(US)).alias("actor"),
    )


def _drop_zero(frame: pl.DataFrame, col: str, report: SourceReport) -> pl.DataFrame:
    value = pl.col(col).cast(pl.Float64)
    missing = value.is_null() | value.is_nan()
    report.reject(f"{col} missing", frame.filter(missing).height)
    frame = frame.filter(~missing)
    neg = value < 0
    report.reject(f"{col} negative", frame.filter(neg).height)
    frame = frame.filter(~neg)
    zero = value == 0
    report.reject(
        f"{col} is 0: no troops reported (a covered year without basing)", frame.filter(zero).height
    )
    return frame.filter(~zero)


def _year_column(frame: pl.DataFrame, path: Path, source: str) -> pl.DataFrame:
    col = frame["year"]
    if not col.dtype.is_numeric():
        raise InputError(
            [Problem("year", str(col.dtype), "must be a year (a number)")], file=f"{path} ({source})"
        )
    bad = frame.with_row_index("_row", 1).filter(
        pl.col("year").is_null()
        | (pl.col("year").cast(pl.Float64) % 1 != 0)
        | ~pl.col("year").is_between(1800, 2100)
    )
    if bad.height:
        raise InputError(
            [Problem("year", r["year"], "not a year", row=r["_row"]) for r in bad.head(5).to_dicts()],
            file=f"{path} ({source})",
        )
    return frame.with_columns(pl.col("year").cast(pl.Int32))


# importers -------------------------------------------------------------------------------------

_BRANCHES = {
    "army_ad": "army",
    "navy_ad": "navy",
    "air_force_ad": "air_force",
    "marine_corps_ad": "marine_corps",
    "space_force_ad": "space_force",
    "coast_guard_ad": "coast_guard",
    "army_national_guard": "army_national_guard",
    "air_national_guard": "air_national_guard",
    "army_reserve": "army_reserve",
    "navy_reserve": "navy_reserve",
    "marine_corps_reserve": "marine_corps_reserve",
    "air_force_reserve": "air_force_reserve",
    "coast_guard_reserve": "coast_guard_reserve",
    "total_selected_reserve": "reserves",
    "total_civilian": "civilians",
    "troops_all": "troops_all",
}


_AD_BRANCHES = ("army_ad", "navy_ad", "air_force_ad", "marine_corps_ad", "coast_guard_ad", "space_force_ad")
_REPORT_KEY = ["ccode", "year", "month", "source"]
DOUBLED = "troops_ad corrected: troopdata_rebuild_long added the June (Kane) value to the DMDC report"


def _dmdc_reports(path: Path, source: str) -> pl.DataFrame:
    """``ccode, year, month, source, _r_*``: the DMDC report rows (``troopdata_rebuild_reports``)
    summed per host and report: the DoD's own figures, active duty total and by branch."""
    df = read_table(path, columns=[*_REPORT_KEY, "troops_ad"], source=source)
    df = _year_column(_code_column(df, path, source), path, source)
    cols = ["troops_ad", *(c for c in _AD_BRANCHES if c in df.columns)]
    bad = [c for c in cols if not df[c].dtype.is_numeric()]
    if bad:
        raise InputError(
            [Problem(c, str(df[c].dtype), "must be a number") for c in bad], file=f"{path} ({source})"
        )
    return df.group_by(
        pl.col("ccode").cast(pl.Float64),
        pl.col("year").cast(pl.Int32),
        pl.col("month").cast(pl.String),
        pl.col("source").cast(pl.String),
    ).agg(pl.col(c).cast(pl.Float64).sum().alias(f"_r_{c}") for c in cols)


def _undouble(df: pl.DataFrame, reports: pl.DataFrame | None, report: SourceReport) -> pl.DataFrame:
    """Correct the report rows troopdata's rebuild doubled (item: South Korea September 2000 holds
    73,130, twice the DMDC report's 36,565).

    The rebuild's ``troops_ad`` of many DMDC report rows is the report's figure plus the host-year's
    June row (Kane's series, usually the same figure), or twice the report's figure. Where
    ``troopdata_rebuild_reports`` (the DMDC rows themselves) is at hand, a report row whose
    ``troops_ad`` is exactly twice the report's, or the report's plus the June value, takes the
    report's figures (active duty, total and by branch). Without it, only what the long file proves
    is corrected: a report row exactly twice the host-year's June (Kane) value is halved. The
    rebuild's value is kept in ``details.rebuild_troops_ad`` and each row counted in the import report.
    """
    src = pl.col("source").cast(pl.String)
    kane = (
        df.filter(src.str.starts_with("Kane") & pl.col("troops_ad").is_not_null())
        .group_by(pl.col("ccode").cast(pl.Float64), "year")
        .agg(pl.col("troops_ad").cast(pl.Float64).first().alias("_kane"))
    )
    out = df.with_row_index("_i").with_columns(pl.col("ccode").cast(pl.Float64).alias("_c"))
    out = out.join(kane.rename({"ccode": "_c"}), on=["_c", "year"], how="left")
    ad = pl.col("troops_ad").cast(pl.Float64)
    dated = src.str.contains(_REPORT.pattern).fill_null(False)
    if reports is not None:
        keyed = out.with_columns(pl.col("month").cast(pl.String).alias("_m"), src.alias("_s"))
        out = keyed.join(
            reports.rename({"ccode": "_c", "month": "_m", "source": "_s"}),
            on=["_c", "year", "_m", "_s"],
            how="left",
        ).drop("_m", "_s")
        r = pl.col("_r_troops_ad")
        fix = dated & (r > 0) & ((ad == 2 * r) | (ad == r + pl.col("_kane")))
        fixes = {"troops_ad": r} | {
            c: pl.col(f"_r_{c}") for c in _AD_BRANCHES if f"_r_{c}" in out.columns and c in out.columns
        }
    else:
        fix = dated & (pl.col("_kane") > 0) & (ad == 2 * pl.col("_kane"))
        fixes = {"troops_ad": pl.col("_kane")} | {
            c: pl.col(c).cast(pl.Float64) / 2 for c in _AD_BRANCHES if c in out.columns
        }
    fix = fix.fill_null(False)
    out = out.with_columns(fix.alias("_fix"))
    n = int(out["_fix"].sum())
    if n:
        report.corrected[DOUBLED] += n
    if "troops_all" in out.columns:  # the total over all categories holds the same excess
        fixes["troops_all"] = pl.col("troops_all").cast(pl.Float64) - ad + fixes["troops_ad"]
    out = out.with_columns(
        pl.when(pl.col("_fix")).then(ad).otherwise(None).alias("_rebuild_ad"),
        *(
            pl.when(pl.col("_fix")).then(e).otherwise(pl.col(c).cast(pl.Float64)).alias(c)
            for c, e in fixes.items()
        ),
    )
    return out.sort("_i").select(*df.columns, "_rebuild_ad")


class UsTroops(Importer):
    """troopdata ``troopdata_rebuild_long``: US active-duty personnel by host and report."""

    source = US_TROOPS
    patterns = ("troopdata/troopdata_rebuild_long.*", "troopdata/troopdata_rebuild_reports.*")
    fallbacks = (("troopdata/troopdata_rebuild_long.*",),)
    formats = (".csv", ".parquet")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        need = ["ccode", "iso3c", "countryname", "year", "month", "source", "troops_ad"]
        df = read_table(path, columns=need, source=self.source.id)
        report.rows_read = df.height
        df = _year_column(_code_column(df, path, self.source.id), path, self.source.id)
        for c in _BRANCHES:
            if c not in df.columns:
                df = df.with_columns(pl.lit(None, pl.Float64).alias(c))
        reports = _dmdc_reports(files[1], self.source.id) if len(files) > 1 else None
        df = _undouble(df, reports, report)
        df = _static_hosts(df, report)
        df = _drop_zero(df, "troops_ad", report)
        month = pl.col("month").cast(pl.String).str.strip_chars().replace_strict(_MONTHS, default=None)
        src = pl.col("source").cast(pl.String)
        dated = src.str.contains(_REPORT.pattern).fill_null(False) & month.is_not_null()
        series = (
            pl.when(dated)
            .then(pl.lit("dmdc"))
            .when(src.str.starts_with("Kane"))
            .then(pl.lit("kane"))
            .when(src.str.contains("(?i)imput"))
            .then(pl.lit("imputed"))
            .otherwise(pl.lit("unlabelled"))
        )
        start = pl.when(dated).then(pl.date("year", month, 1)).otherwise(pl.date("year", 1, 1))
        df = df.with_columns(
            start.alias("start_date"),
            pl.when(dated).then(pl.lit("month")).otherwise(pl.lit("year")).alias("start_precision"),
            series.alias("_series"),
        ).with_columns(
            pl.when(dated)
            .then(pl.col("start_date").dt.month_end())
            .otherwise(pl.date("year", 12, 31))
            .alias("end_date"),
            pl.col("start_precision").alias("end_precision"),
            pl.col("start_date").alias("_when"),
        )
        df = df.with_columns(pl.col("start_date").alias("_from"), pl.col("end_date").alias("_to"))
        df = _dated_hosts(ledger, df, report)
        # a month with no report name (unlabelled rows) is still the month the row is filed under
        df = _us(df, ledger).with_columns(
            pl.col("troops_ad").cast(pl.Float64).alias("magnitude"),
            pl.lit("personnel").alias("unit"),
            pl.when(pl.col("_series") == "imputed").then(0.7).otherwise(1.0).alias("confidence"),
            details(
                series=pl.col("_series"),
                report=src,
                month=pl.col("month").cast(pl.String),
                host_name=pl.col("countryname").cast(pl.String),
                host_iso3c=pl.col("iso3c").cast(pl.String),
                source_ccode=pl.col("_src_ccode"),
                **{name: pl.col(c).cast(pl.Float64) for c, name in _BRANCHES.items()},
            ).alias("details"),
        )
        # a corrected row keeps the rebuild's figure (other rows' details stay as they were)
        df = df.with_columns(
            pl.when(pl.col("_rebuild_ad").is_not_null())
            .then(
                pl.concat_str(
                    pl.col("details").str.strip_suffix("}"),
                    pl.lit(',"rebuild_troops_ad":'),
                    pl.col("_rebuild_ad").cast(pl.String),
                    pl.lit("}"),
                )
            )
            .otherwise(pl.col("details"))
            .alias("details")
        )
        out = engagements(
            df,
            key=[
                pl.col("_src_ccode").cast(pl.String),
                pl.col("year").cast(pl.String),
                pl.col("month").fill_null("NA"),
            ],
        )
        return {"engagements": out}


_V015_BRANCHES = ("army", "navy", "air_force", "marine_corps", "space_force", "coast_guard")


class UsTroopsV015(Importer):
    """troopdata v0.1.5 country-year series (``troopdata_v015_country_year``)."""

    source = US_TROOPS_V015
    patterns = ("troopdata/troopdata_v015_country_year.*",)
    formats = (".csv", ".parquet")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        df = read_table(
            path,
            columns=["countryname", "ccode", "year", "troops"],
            source=self.source.id,
            null_values=["NA", ""],
        )
        report.rows_read = df.height
        df = _year_column(_code_column(df, path, self.source.id, PLACEHOLDER_STATES), path, self.source.id)
        for c in (*_V015_BRANCHES, "iso3c"):
            if c not in df.columns:
                df = df.with_columns(pl.lit(None).alias(c))
        df = _static_hosts(df, report)
        df = _drop_zero(df, "troops", report)
        df = df.with_columns(
            pl.date("year", 1, 1).alias("start_date"), pl.date("year", 12, 31).alias("end_date")
        ).with_columns(
            pl.col("start_date").alias("_when"),
            pl.col("start_date").alias("_from"),
            pl.col("end_date").alias("_to"),
        )
        df = _dated_hosts(ledger, df, report)
        df = _us(df, ledger).with_columns(
            pl.lit("year").alias("end_precision"),
            pl.col("troops").cast(pl.Float64).alias("magnitude"),
            pl.lit("personnel").alias("unit"),
            details(
                host_name=pl.col("countryname").cast(pl.String),
                host_iso3c=pl.col("iso3c").cast(pl.String),
                source_ccode=pl.col("_src_ccode"),
                **{c: pl.col(c).cast(pl.Float64) for c in _V015_BRANCHES},
            ).alias("details"),
        )
        key = [pl.col("_src_ccode").cast(pl.String), pl.col("year").cast(pl.String), pl.col("countryname")]
        return {"engagements": engagements(df, key=key)}


class UsBases(Importer):
    """troopdata ``basedata``: Vine's list of US bases, lily pads and funded sites abroad."""

    source = US_BASES
    patterns = ("troopdata/basedata.*",)
    formats = (".csv", ".parquet")

    SNAPSHOT = 2015

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        need = ["countryname", "ccode", "basename", "lat", "lon", "base", "lilypad", "fundedsite"]
        df = read_table(path, columns=need, source=self.source.id)
        report.rows_read = df.height
        df = _code_column(df, path, self.source.id)
        if "iso3c" not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias("iso3c"))
        df = _static_hosts(df, report)
        start, end = date(self.SNAPSHOT, 1, 1), date(self.SNAPSHOT, 12, 31)
        df = df.with_columns(
            pl.lit(start).alias("start_date"),
            pl.lit(end).alias("end_date"),
            pl.lit("year").alias("end_precision"),
            pl.lit(start).alias("_when"),
            pl.lit(start).alias("_from"),
            pl.lit(end).alias("_to"),
        )
        df = _dated_hosts(ledger, df, report)
        flag = {
            c: pl.col(c).cast(pl.Float64).fill_nan(None).cast(pl.Int8)
            for c in ("base", "lilypad", "fundedsite")
        }
        kind = (
            pl.when(flag["base"] == 1)
            .then(pl.lit("base"))
            .when(flag["lilypad"] == 1)
            .then(pl.lit("lilypad"))
            .when(flag["fundedsite"] == 1)
            .then(pl.lit("funded site"))
            .otherwise(pl.lit("site"))
        )
        df = _us(df, ledger).with_columns(
            pl.lit(1.0).alias("magnitude"),
            pl.lit("binary").alias("unit"),
            pl.lit(0.8).alias("confidence"),
            pl.concat_str(kind, pl.lit(": "), pl.col("basename").fill_null("(unnamed)")).alias("note"),
            details(
                basename=pl.col("basename").cast(pl.String),
                site=kind,
                lat=pl.col("lat").cast(pl.Float64),
                lon=pl.col("lon").cast(pl.Float64),
                host_name=pl.col("countryname").cast(pl.String),
                host_iso3c=pl.col("iso3c").cast(pl.String),
                **flag,
            ).alias("details"),
            # the list names a few sites twice (e.g. Naples): the occurrence keeps ids unique
            pl.int_range(pl.len()).over("_src_ccode", "basename", "lat", "lon").cast(pl.String).alias("_n"),
        )
        key: list[str | pl.Expr] = [
            pl.col("_src_ccode").cast(pl.String),
            pl.col("basename").fill_null("NA"),
            pl.col("lat").cast(pl.String).fill_null("NA"),
            pl.col("lon").cast(pl.String).fill_null("NA"),
            "_n",
        ]
        return {"engagements": engagements(df, key=key)}


IMPORTERS: list[Importer] = [UsTroops(), UsTroopsV015(), UsBases()]
