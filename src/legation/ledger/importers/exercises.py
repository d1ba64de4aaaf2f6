# Kept whole: MME, JME and the US visits come from one troopdata release and share its date parsing
# and the expansion of an exercise into pairs of participants.
"""Joint military exercises (MME v7, JME v3) and US senior-leader visits, from ``troopdata/``.

Every exercise becomes one undirected ``exercise`` engagement per unordered pair of its
participants (actor = the smaller COW code); MME humanitarian exercises also become ``hadr``
engagements, one per ordered pair. US service-secretary and combatant-commander visits become
``dialogue`` engagements from the United States to the visited state. See docs/sources/exercises.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

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

MME = Source(
    id="mme",
    name="Multinational Military Exercises (MME)",
    version="7",
    citation=(
        "D'Orazio, Vito and Kevin Galambos. 2021. Multinational Military Exercises, 1980-2010. "
        "Harvard Dataverse, doi:10.7910/DVN/KHFODX, V1."
    ),
    licence="not stated by the producers; see the Dataverse entry (copy via meflynn/troopdata, GPL-3)",
    url="https://doi.org/10.7910/DVN/KHFODX",
    coverage_start=1980,
    coverage_end=2010,
    coverage_note=(
        "Exercises with two or more states reported in open sources, 1980-2010, all participants; "
        "pairs are undirected (actor = smaller COW code)."
    ),
    references=(works.MME,),
)

JME = Source(
    id="jme",
    name="Joint Military Exercises (JME)",
    version="3",
    citation="D'Orazio, Vito. Joint Military Exercises data, version 3 (coder sheet jme_v3.xls).",
    licence="not stated by the producer (copy via meflynn/troopdata, GPL-3)",
    url="https://github.com/meflynn/troopdata",
    coverage_start=1974,
    coverage_end=2010,
    coverage_note="Bilateral and multilateral exercises 1974-2010; pairs undirected (actor = smaller code).",
    references=(works.JME,),
)

US_VISITS = Source(
    id="us-visits",
    name="Visits abroad by US service secretaries and combatant commanders",
    version="troopdata 3946bcf",
    citation=(
        "Allen, Michael A., Michael E. Flynn and Carla Martinez Machain. visits.xls in the troopdata "
        "R package (github.com/meflynn/troopdata, commit 3946bcf); undocumented in the repository."
    ),
    licence="GPL-3 (troopdata package); no separate terms given",
    url="https://github.com/meflynn/troopdata",
    coverage_start=1992,
    coverage_end=2012,
    coverage_actors=(2,),
    coverage_note=(
        "Only visits by the Secretaries of the Army, Navy and Air Force, the Commandant of the Marine "
        "Corps, and the PACOM and STRATCOM commanders; not all years are covered for every office."
    ),
    references=(works.US_VISITS,),
)

_RAW = "https://raw.githubusercontent.com/meflynn/troopdata/3946bcf89a6d72de8abace812dc557f1f249f5f7"
_MME_FLAGS = (
    "Air",
    "Land",
    "Sea",
    "Amphibious",
    "Cyber",
    "CPX",
    "Warfighting",
    "Peacekeeping",
    "Humanitarian",
)
_PARTICIPANT = ("participant_kind", "participant", "participant_ccode")
_UNKNOWN = "-9"
# Pre-1993 ISO codes the coders used, COW's abbreviation for Romania, and codes the coders used
# for the predecessor state too (DEU for West Germany before 1990, SRB for Yugoslavia/Serbia).
_JME_ALIASES = {"DDR": "cow:265", "CSK": "cow:315", "ROM": "cow:360", "DEU": "Germany", "SRB": "Serbia"}


# dates -----------------------------------------------------------------------------------------


def _int(expr: pl.Expr, lo: int, hi: int) -> pl.Expr:
    """A whole number in [lo, hi] from a column of text or numbers ('xx', '-9', '' → null)."""
    v = expr.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when((v >= lo) & (v <= hi) & (v == v.floor())).then(v.cast(pl.Int32))


def _dated(frame: pl.DataFrame, y: pl.Expr, m: pl.Expr, d: pl.Expr, prefix: str, end: bool) -> pl.DataFrame:
    """Add ``{prefix}_date`` and ``{prefix}_precision`` from year, month and day columns.

    A missing day gives month precision, a missing month year precision; end dates of month or year
    precision fall on the last day of the period (as `fields.parse_date` does for the CSV format).
    An impossible day (30 February) leaves the date null.
    """
    yi, mi, di = _int(y, 1000, 2100), _int(m, 1, 12), _int(d, 1, 31)
    prec = (
        pl.when(yi.is_null())
        .then(None)
        .when(mi.is_null())
        .then(pl.lit("year"))
        .when(di.is_null())
        .then(pl.lit("month"))
        .otherwise(pl.lit("day"))
    )
    text = pl.format(
        "{}-{}-{}",
        yi,
        pl.when(mi.is_null()).then(pl.lit(12 if end else 1)).otherwise(mi),
        pl.when(di.is_null()).then(1).otherwise(di),
    )
    day = text.str.to_date("%Y-%m-%d", strict=False)
    date = pl.when(di.is_null() & pl.lit(end)).then(day.dt.month_end()).otherwise(day)
    return frame.with_columns(date.alias(f"{prefix}_date"), prec.alias(f"{prefix}_precision"))


def _fix_end(frame: pl.DataFrame) -> pl.DataFrame:
    """Drop end dates that are missing, impossible or before the start (noted, never invented)."""
    bad = pl.col("end_date").is_null() | (pl.col("end_date") < pl.col("start_date"))
    return frame.with_columns(
        pl.when(bad & pl.col("_end_raw").is_not_null())
        .then(pl.format("end date in source unusable: {}", pl.col("_end_raw")))
        .alias("note"),
        pl.when(bad).then(None).otherwise(pl.col("end_date")).alias("end_date"),
        pl.when(bad).then(None).otherwise(pl.col("end_precision")).alias("end_precision"),
    )


# exercises -------------------------------------------------------------------------------------


def exercise_pairs(
    ledger: Ledger,
    report: SourceReport,
    exercises: pl.DataFrame,
    participants: Sequence[str],
    *,
    aliases: dict[str, str] | None = None,
    normalise: pl.Expr | None = None,
) -> pl.DataFrame:
    """One row per unordered pair of distinct participants of each exercise.

    ``exercises`` holds ``_ex`` (a unique row id), ``start_date`` and the participant columns.
    Returns the exercise columns plus actor/partner kind, ccode and name, the actor being the
    smaller COW code (groups after states). Participant mentions coded -9, names that do not
    resolve, repeated participants and exercises left with fewer than two parties are counted
    in ``report``.
    """
    norm = normalise if normalise is not None else pl.element().str.strip_chars()
    long = (
        exercises.select(
            "_ex",
            "start_date",
            pl.concat_list([pl.col(c).cast(pl.String) for c in participants]).list.eval(norm).alias("_name"),
        )
        .explode("_name")
        .filter(pl.col("_name").is_not_null() & (pl.col("_name") != ""))
    )
    unknown = long.filter(pl.col("_name") == _UNKNOWN).height
    report.reject("participant coded -9 (unidentified), participant mentions", unknown)
    long = long.filter(pl.col("_name") != _UNKNOWN)
    long = Names(ledger, report, aliases=aliases).resolve(long, "_name", "participant", when="start_date")
    before = long.height
    long = long.unique(["_ex", "participant_kind", "participant"], keep="first", maintain_order=True)
    report.reject("participant listed twice in one exercise, participant mentions", before - long.height)
    counts = long.group_by("_ex").len("_n")
    ok = counts.filter(pl.col("_n") >= 2).select("_ex")
    report.reject(
        "exercise with fewer than two identified participants",
        exercises.height - ok.height,
    )
    long = long.join(ok, on="_ex").with_columns(
        pl.when(pl.col("participant_ccode").is_not_null())
        .then(pl.col("participant_ccode").cast(pl.Int32))
        .otherwise(100_000)
        .alias("_ord")
    )
    a = long.select(
        "_ex",
        *(pl.col(c).alias(c.replace("participant", "actor", 1)) for c in _PARTICIPANT),
        pl.col("_ord").alias("_oa"),
    )
    b = long.select(
        "_ex",
        *(pl.col(c).alias(c.replace("participant", "partner", 1)) for c in _PARTICIPANT),
        pl.col("_ord").alias("_ob"),
    )
    pairs = a.join(b, on="_ex").filter(
        (pl.col("_oa") < pl.col("_ob"))
        | ((pl.col("_oa") == pl.col("_ob")) & (pl.col("actor") < pl.col("partner")))
    )
    return exercises.join(pairs.drop("_oa", "_ob"), on="_ex")


def _exercise_rows(pairs: pl.DataFrame, key: str, detail: pl.Expr, hadr: pl.Expr | None) -> pl.DataFrame:
    base = pairs.with_columns(
        pl.lit("exercise").alias("instrument"),
        pl.lit(1.0).alias("magnitude"),
        pl.lit("count").alias("unit"),
        detail.alias("details"),
    )
    out = engagements(base, key=[key, "instrument", "actor", "partner"])
    if hadr is None:
        return out
    hum = base.filter(hadr)
    swapped = (
        hum.rename({f"actor{s}": f"_tmp{s}" for s in ("", "_kind", "_ccode")})
        .rename({f"partner{s}": f"actor{s}" for s in ("", "_kind", "_ccode")})
        .rename({f"_tmp{s}": f"partner{s}" for s in ("", "_kind", "_ccode")})
    )
    both = pl.concat([hum, swapped.select(hum.columns)]).with_columns(
        pl.lit("hadr").alias("instrument"), pl.lit(0.5).alias("confidence")
    )
    return pl.concat([out, engagements(both, key=[key, "instrument", "actor", "partner"])])


class MmeExercises(Importer):
    """MME v7: one row per exercise, participants by name in StateA..StateAM."""

    source = MME
    patterns = ("troopdata/mme_v7.*",)
    downloads = (Download(f"{_RAW}/data-raw/mme_v7.csv", "troopdata/mme_v7.csv"),)

    REQUIRED = ("MMEID", "Ex_Name", "StartDate", "s.year", "s.month", "s.day", "e.year", "StateA", "StateB")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        raw = read_table(path, columns=self.REQUIRED, source=self.source.id, infer_schema_length=0)
        report.rows_read = raw.height
        states = [c for c in raw.columns if c.startswith("State") and c[5:].isalpha() and c[5:].isupper()]
        for col in ("Series_Name", "Location", "EndDate", "e.month", "e.day", *_MME_FLAGS):
            if col not in raw.columns:
                raw = raw.with_columns(pl.lit(None, pl.String).alias(col))
        df = raw.with_row_index("_ex")
        df = _dated(df, pl.col("s.year"), pl.col("s.month"), pl.col("s.day"), "start", end=False)
        df = _dated(df, pl.col("e.year"), pl.col("e.month"), pl.col("e.day"), "end", end=True)
        undated = df.filter(pl.col("start_date").is_null())
        report.reject("exercise without a usable start date", undated.height)
        df = _fix_end(
            df.filter(pl.col("start_date").is_not_null()).with_columns(pl.col("EndDate").alias("_end_raw"))
        )
        flags = {f.lower(): _int(pl.col(f), 0, 1) for f in _MME_FLAGS}
        detail = details(
            mmeid=pl.col("MMEID"),
            name=pl.col("Ex_Name"),
            series=pl.col("Series_Name"),
            location=pl.col("Location"),
            **flags,
        )
        pairs = exercise_pairs(ledger, report, df, states)
        pairs = pairs.with_columns(
            pl.concat_str(
                [pl.col("MMEID"), pl.col("Ex_Name"), pl.col("StartDate")], separator="|", ignore_nulls=True
            ).alias("_id"),
            pl.col("MMEID").alias("source_ref"),
        )
        rows = _exercise_rows(pairs, "_id", detail, _int(pl.col("Humanitarian"), 0, 1) == 1)
        return {"engagements": rows}


class JmeExercises(Importer):
    """JME v3 coder sheet: one row per exercise, participants as ISO3-like codes in State A..AD."""

    source = JME
    patterns = ("troopdata/jme_v3.*",)

    REQUIRED = ("Exercise Name", "Start Date", "s.year", "s.month", "s.day", "enddate", "State A", "State B")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        raw = read_table(path, columns=self.REQUIRED, source=self.source.id, infer_schema_length=0)
        report.rows_read = raw.height
        states = [c for c in raw.columns if c.startswith("State ") and c[6:].isalpha() and c[6:].isupper()]
        for col in (
            "e.year",
            "e.month",
            "e.day",
            "JME Type",
            "Location1",
            "Which state hosted the exercise?",
        ):
            if col not in raw.columns:
                raw = raw.with_columns(pl.lit(None, pl.String).alias(col))
        df = raw.with_row_index("_ex")
        # The coders split dates into s.year/s.month/s.day; the last batch (coded 2015) left them
        # empty and wrote only "Start Date"/"enddate" as M/D/YYYY (with xx for unknown parts).
        parts = {
            side: pl.col(col)
            .cast(pl.String)
            .str.strip_chars()
            .str.extract_groups(r"^(?<m>\d{1,2}|xx|-9)/(?<d>\d{1,2}|xx|-9)/(?<y>\d{4})$")
            for side, col in (("s", "Start Date"), ("e", "enddate"))
        }
        df = df.with_columns(parts["s"].alias("_sp"), parts["e"].alias("_ep"))

        def pick(side: str, f: str) -> pl.Expr:
            split = pl.col(f"{side}." + {"y": "year", "m": "month", "d": "day"}[f])
            return (
                pl.when(pl.col(f"{side}.year").is_not_null())
                .then(split)
                .otherwise(pl.col(f"_{side}p").struct.field(f))
            )

        df = _dated(df, pick("s", "y"), pick("s", "m"), pick("s", "d"), "start", end=False)
        df = _dated(df, pick("e", "y"), pick("e", "m"), pick("e", "d"), "end", end=True)
        undated = df.filter(pl.col("start_date").is_null())
        report.reject("exercise without a usable start date", undated.height)
        # one row (CHN-TUR) says it started 11/08/2015 and ended 11/15/2010: a typo we cannot fix
        late = pl.col("start_date").dt.year() > (self.source.coverage_end or 9999)
        report.reject("start date after the data's 2010 end (coder typo)", df.filter(late).height)
        df = _fix_end(
            df.filter(pl.col("start_date").is_not_null() & ~late).with_columns(
                pl.when(pl.col("enddate").cast(pl.String).str.strip_chars() != _UNKNOWN)
                .then(pl.col("enddate"))
                .alias("_end_raw")
            )
        )
        detail = details(
            name=pl.when(pl.col("Exercise Name") != _UNKNOWN).then(pl.col("Exercise Name")),
            jme_type=pl.col("JME Type"),
            location=pl.col("Location1"),
            host=pl.col("Which state hosted the exercise?"),
        )
        pairs = exercise_pairs(
            ledger,
            report,
            df,
            states,
            aliases=_JME_ALIASES,
            normalise=pl.element().str.strip_chars().str.to_uppercase(),
        )
        pairs = pairs.with_columns(pl.format("jme_v3 row {}", pl.col("_ex") + 2).alias("source_ref"))
        pairs = pairs.with_columns(
            pl.concat_str(
                [pl.col("source_ref"), pl.col("Exercise Name"), pl.col("Start Date")],
                separator="|",
                ignore_nulls=True,
            ).alias("_id")
        )
        return {"engagements": _exercise_rows(pairs, "_id", detail, None)}


# US visits -------------------------------------------------------------------------------------


class UsVisits(Importer):
    """US service-secretary and combatant-commander visits abroad, 1992-2012 (``visits.xls``)."""

    source = US_VISITS
    patterns = ("troopdata/visits.*",)

    REQUIRED = ("Title", "Name", "Start Day", "Start Month", "Start Year", "State Visit")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        raw = read_table(files[0], columns=self.REQUIRED, source=self.source.id)
        report.rows_read = raw.height
        for col in ("City Visited", "End Day", "End Month", "End Year"):
            if col not in raw.columns:
                raw = raw.with_columns(pl.lit(None, pl.String).alias(col))
        df = raw.with_row_index("_row")
        df = _dated(df, pl.col("Start Year"), pl.col("Start Month"), pl.col("Start Day"), "start", end=False)
        df = _dated(df, pl.col("End Year"), pl.col("End Month"), pl.col("End Day"), "end", end=True)
        report.reject("visit without a usable start date", df.filter(pl.col("start_date").is_null()).height)
        df = df.filter(pl.col("start_date").is_not_null()).with_columns(
            pl.format("{}-{}-{}", "End Year", "End Month", "End Day").alias("_end_raw")
        )
        df = _fix_end(df).with_columns(
            # mostly ISO3 codes (resolved as such), a few place names (Kosovo, Nassau)
            pl.col("State Visit").cast(pl.String).str.strip_chars().alias("_to")
        )
        df = Names(ledger, report).resolve(df, "_to", "partner")
        df = df.with_columns(
            pl.lit("dialogue").alias("instrument"),
            pl.lit("state").alias("actor_kind"),
            pl.lit(2, pl.Int16).alias("actor_ccode"),
            pl.lit(ledger.resolver().label(2)).alias("actor"),
            pl.lit(1.0).alias("magnitude"),
            pl.lit("count").alias("unit"),
            pl.format("visits.xls row {}", pl.col("_row") + 2).alias("source_ref"),
            details(title=pl.col("Title"), name=pl.col("Name"), city=pl.col("City Visited")).alias("details"),
        )
        report.reject("visit to the United States itself", df.filter(pl.col("partner_ccode") == 2).height)
        df = df.filter(pl.col("partner_ccode") != 2)
        key = pl.concat_str(
            [
                pl.col(c).cast(pl.String)
                for c in ("source_ref", "Title", "Name", "State Visit", "City Visited")
            ],
            separator="|",
            ignore_nulls=True,
        )
        rows = engagements(df, key=[key, "start_date"])
        return {"engagements": rows}


IMPORTERS: list[Importer] = [MmeExercises(), JmeExercises(), UsVisits()]
