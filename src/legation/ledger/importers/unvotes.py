"""UN General Assembly roll-call votes (Voeten, Strezhnev and Bailey), in two releases.

* ``unvotes``: the tidy tables of David Robinson's R package `unvotes` (``un_votes``,
  ``un_roll_calls``, ``un_roll_call_issues``; sessions 1–74). Countries carry ISO 3166 alpha-2
  codes, which are turned into COW codes on the roll call's date (Germany, Yemen and the states
  that no longer exist are mapped explicitly, see `SPELLS`). Only yes, abstain and no are in this
  release: a country without a row for a roll call was absent *or* not a member, never "no".
* ``unvotes-voeten``: Voeten's original release ``UNVotesPublished`` (COW codes; votes 1 yes,
  2 abstain, 3 no, 8 absent, 9 not a member; sessions 1–70), kept whole so later layers can tell
  an absence from a non-membership.

Both fill the ``roll_calls`` and ``votes`` tables under their own source id; roll-call ids
(``rcid``) are the same in both releases. Issues are stored as the six short codes of `ISSUES`.
See docs/sources/unvotes.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import polars as pl
from countrycode.countrycode import prepare_codelist

from legation.ledger.importers import works
from legation.ledger.importers.base import Importer, SourceReport, read_table
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.states import codes, history

_CITATION = (
    "Voeten, Erik, Anton Strezhnev and Michael Bailey. United Nations General Assembly Voting Data. "
    "Harvard Dataverse, hdl:1902.1/12379. See also Voeten, E. (2013), Data and Analyses of Voting in "
    "the UN General Assembly, in Routledge Handbook of International Organization."
)

UNVOTES = Source(
    id="unvotes",
    name="UN General Assembly roll-call votes (R package unvotes)",
    version="dgrtwo/unvotes@7eb7034 (sessions 1-74)",
    citation=_CITATION + " Data as packaged by David Robinson, R package unvotes.",
    licence="MIT (package); data CC0 (Harvard Dataverse)",
    url="https://github.com/dgrtwo/unvotes",
    coverage_start=1946,
    coverage_end=2019,
    coverage_note=(
        "UNGA recorded (roll-call) votes, sessions 1-74, 1946-01-01 to 2020-01-14 (2020 is covered only "
        "up to 14 January). Only yes/abstain/no are recorded: a missing vote means absent or not a "
        "member, never 'no'. Adopted-without-vote resolutions are not roll calls and are not included."
    ),
    references=(works.UNGA_VOTES, works.VOETEN_2013, works.UNVOTES_PACKAGE),
)

UNVOTES_VOETEN = Source(
    id="unvotes-voeten",
    name="UN General Assembly roll-call votes (Voeten, original release)",
    version="UNVotesPublished (2016 release, sessions 1-70)",
    citation=_CITATION,
    licence="CC0 (Harvard Dataverse)",
    url="https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
    coverage_start=1946,
    coverage_end=2015,
    coverage_note=(
        "UNGA recorded (roll-call) votes, sessions 1-70, 1946-01-01 to 2015-12-23, COW-coded, with "
        "8 = absent and 9 = not a member, so a missing vote is distinguishable from a 'no'."
    ),
    references=(works.UNGA_VOTES, works.VOETEN_2013),
)

ISSUES: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}
"""The issue codes stored in ``roll_calls.issues`` and what they stand for."""

VOTES: dict[str, int] = {"yes": 1, "abstain": 2, "no": 3}
"""The unvotes vote words as ledger vote codes (8 absent and 9 non-member are not in that release)."""

VOETEN_VOTES = (1, 2, 3, 8, 9)

_N = None
_EVE = timedelta(days=1)
_FRG = tuple((s.start, s.end, s.code) for s in history.carried_on(260) if s.code is not None)
_YAR = tuple((s.start, s.end, s.code) for s in history.carried_on(678) if s.code is not None)
SPELLS: dict[str, tuple[tuple[date | None, date | None, int], ...]] = {
    # ISO2 codes whose COW code depends on the date or that countrycode does not map
    "DE": _FRG,
    "DD": ((_N, history.GERMAN_UNIFICATION - _EVE, 265),),
    "YE": _YAR,
    "YD": ((_N, history.YEMENI_UNIFICATION - _EVE, 680),),
    "CS": ((_N, date(1992, 12, 31), 315),),
    "YU": ((_N, _N, 345),),  # Yugoslavia, Serbia and Montenegro, Serbia: COW 345 throughout
    "RU": ((_N, _N, 365),),  # USSR until 1991, then Russia: COW 365 throughout
    "TW": ((_N, _N, 713),),  # the Republic of China held China's seat until 25 October 1971
    # rows with no ISO2 code (``NA`` in R), keyed by country name
    "name:Federal Republic of Germany": _FRG,
    "name:Yemen Arab Republic": _YAR,
    "name:Zanzibar": ((_N, _N, 511),),
}
"""Explicit, dated ISO2 (or ``name:`` country) to COW mappings; other ISO2 codes use countrycode."""

_SPELL_SCHEMA = {"_key": pl.String, "_from": pl.Date, "_to": pl.Date, "ccode": pl.Int32}


@cache
def iso2_spells() -> pl.DataFrame:
    """Every ISO2 code (and ``name:`` key) with the COW codes it stands for, by date."""
    cl = prepare_codelist()
    rows: list[tuple[str, date | None, date | None, int]] = [
        (iso2, None, None, int(cown))
        for iso2, cown in zip(cl["iso2c"], cl["cown"], strict=True)
        if iso2 and cown is not None and iso2 not in SPELLS
    ]
    rows += [(key, a, b, code) for key, spells in SPELLS.items() for a, b, code in spells]
    return pl.DataFrame(rows, schema=_SPELL_SCHEMA, orient="row")


def _date(col: str) -> pl.Expr:
    """A date from a datetime, a date, or text (ISO ``1946-01-01…`` or US ``1/1/1946``)."""
    c = pl.col(col)
    text = c.cast(pl.String).str.strip_chars()
    return (
        pl.coalesce(
            text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
            text.str.to_date("%m/%d/%Y", strict=False),
        )
        .cast(pl.Date)
        .alias(col)
    )


def _whole(col: str) -> pl.Expr:
    """An integer column from ints, floats (``3.0``) or text; null when not a whole number."""
    f = pl.col(col).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    return pl.when(f == f.round()).then(f).otherwise(None).cast(pl.Int32, strict=False).alias(col)


def _flag(col: str) -> pl.Expr:
    """A 0/1 issue flag from ints or text (Voeten's file has a stray ``0\\"``); null if missing."""
    return pl.col(col).cast(pl.String).str.extract(r"^\s*([01])", 1).cast(pl.Int8).alias(col)


def _unique(frame: pl.DataFrame, key: list[str], report: SourceReport, what: str) -> pl.DataFrame:
    first = frame.select(pl.struct(key).is_first_distinct()).to_series()
    report.reject(f"duplicate {what} (first kept)", int((~first).sum()))
    return frame.filter(first)


def _drop(frame: pl.DataFrame, bad: pl.Expr, report: SourceReport, reason: str) -> pl.DataFrame:
    mask = frame.select(bad.fill_null(True)).to_series()
    report.reject(reason, int(mask.sum()))
    return frame.filter(~mask)


class UnVotes(Importer):
    """dgrtwo/unvotes: ``un_votes``, ``un_roll_calls`` and ``un_roll_call_issues`` (CSV or Parquet)."""

    source = UNVOTES
    patterns = ("unvotes/un_votes.*", "unvotes/un_roll_calls.*", "unvotes/un_roll_call_issues.*")
    tables = ("roll_calls", "votes")
    order = 60

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        sid = self.source.id
        votes = read_table(files[0], columns=["rcid", "country", "country_code", "vote"], source=sid)
        calls = read_table(
            files[1],
            columns=["rcid", "session", "importantvote", "date", "unres", "short", "descr"],
            source=sid,
        )
        issues = read_table(files[2], columns=["rcid", "short_name"], source=sid)
        report.rows_read = votes.height + calls.height + issues.height

        calls = calls.with_columns(_whole("rcid"), _whole("session"), _date("date"))
        calls = _drop(calls, pl.col("rcid").is_null(), report, "roll call without a whole-number rcid")
        calls = _unique(calls, ["rcid"], report, "roll call rcid")

        issues = issues.with_columns(_whole("rcid"), pl.col("short_name").cast(pl.String).str.strip_chars())
        issues = _drop(
            issues,
            pl.col("short_name").is_null() | ~pl.col("rcid").is_in(calls["rcid"].implode()),
            report,
            "issue of a roll call not in un_roll_calls (or without issue code)",
        )
        issues = _unique(issues, ["rcid", "short_name"], report, "issue of a roll call")
        by_call = issues.group_by("rcid").agg(pl.col("short_name").sort().alias("issues"))
        roll_calls = (
            calls.join(by_call, on="rcid", how="left")
            .with_columns(pl.col("issues").fill_null(pl.lit([], pl.List(pl.String))))
            .select(
                "rcid",
                "session",
                "date",
                (_whole("importantvote") == 1).alias("important"),
                pl.col("unres").cast(pl.String),
                pl.col("short").cast(pl.String),
                pl.col("descr").cast(pl.String),
                "issues",
            )
        )
        return {"roll_calls": roll_calls, "votes": self._votes(votes, roll_calls, report)}

    def _votes(self, votes: pl.DataFrame, calls: pl.DataFrame, report: SourceReport) -> pl.DataFrame:
        code = pl.col("country_code").cast(pl.String).str.strip_chars()
        country = pl.col("country").cast(pl.String).str.strip_chars()
        # R writes a missing code as NA, which is also Namibia's ISO2 code: tell them apart by name
        missing = code.is_null() | (code == "") | ((code == "NA") & ~country.str.contains("(?i)namibia"))
        votes = votes.with_columns(
            _whole("rcid"),
            pl.col("vote").cast(pl.String).str.strip_chars().str.to_lowercase().alias("_word"),
            pl.when(missing).then(pl.lit("name:") + country).otherwise(code.str.to_uppercase()).alias("_key"),
            pl.when(missing).then(country).otherwise(code + " (" + country + ")").alias("_label"),
        ).with_columns(
            pl.col("_word").replace_strict(VOTES, default=None, return_dtype=pl.Int8).alias("vote")
        )
        votes = _drop(votes, pl.col("vote").is_null(), report, "vote not yes, abstain or no")
        votes = votes.join(calls.select("rcid", "date"), on="rcid", how="left")
        votes = _drop(votes, pl.col("date").is_null(), report, "vote on a roll call not in un_roll_calls")

        spells = iso2_spells()
        hit = (
            votes.with_row_index("_row")
            .join(spells, on="_key", how="inner")
            .filter(
                (pl.col("_from").is_null() | (pl.col("date") >= pl.col("_from")))
                & (pl.col("_to").is_null() | (pl.col("date") <= pl.col("_to")))
            )
            .unique("_row", keep="first")
        )
        miss = votes.with_row_index("_row").join(hit.select("_row"), on="_row", how="anti")
        for label, n in miss.group_by("_label").len().iter_rows():
            report.unresolve(str(label), n, "no COW code on the roll call's date")
        report.reject("country code with no COW code on the roll call's date", miss.height)
        out = hit.sort("_row").select("rcid", "ccode", "vote")
        return _unique(out, ["rcid", "ccode"], report, "vote of one country on one roll call")


class UnVotesVoeten(Importer):
    """Voeten's original release ``UNVotesPublished`` (COW codes, votes 1/2/3/8/9)."""

    source = UNVOTES_VOETEN
    patterns = ("unvotes/UNVotesPublished.*",)
    tables = ("roll_calls", "votes")
    order = 60
    _COLUMNS = ("rcid", "session", "vote", "ccode", "importantvote", "date", "unres", *ISSUES)

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        df = read_table(files[0], columns=list(self._COLUMNS), source=self.source.id)
        report.rows_read = df.height
        df = df.with_columns(
            _whole("rcid"),
            _whole("session"),
            _whole("vote"),
            _whole("ccode"),
            _whole("importantvote"),
            _date("date"),
            pl.col("unres").cast(pl.String),
            *(_flag(c) for c in ISSUES),
        )
        df = _drop(df, pl.col("rcid").is_null(), report, "row without a whole-number rcid")
        df = _drop(df, ~pl.col("vote").is_in(VOETEN_VOTES), report, "vote code not 1, 2, 3, 8 or 9")
        df = _drop(df, pl.col("ccode").is_null(), report, "row without a COW code")
        known = self._known(ledger, df["ccode"].unique().to_list())
        bad = df.filter(~pl.col("ccode").is_in(known))
        for code, n in bad.group_by("ccode").len().iter_rows():
            report.unresolve(f"cow:{code}", n, "COW code unknown to the state system and countrycode")
        report.reject("COW code unknown to the state system and countrycode", bad.height)
        df = df.filter(pl.col("ccode").is_in(known))

        # roll-call fields repeat on every vote row; take each roll call's first non-null value
        flags = [pl.col(c).drop_nulls().first().alias(c) for c in ISSUES]
        calls = df.group_by("rcid", maintain_order=True).agg(
            *(pl.col(c).drop_nulls().first() for c in ("session", "date", "importantvote", "unres")),
            *flags,
        )
        issue_list = pl.concat_list(
            [pl.when(pl.col(c) == 1).then(pl.lit(c)).otherwise(pl.lit(None, pl.String)) for c in ISSUES]
        ).list.drop_nulls()
        no_coding = pl.all_horizontal(pl.col(c).is_null() for c in ISSUES)
        roll_calls = calls.select(
            "rcid",
            "session",
            "date",
            (pl.col("importantvote") == 1).alias("important"),
            "unres",
            pl.lit(None, pl.String).alias("short"),
            pl.lit(None, pl.String).alias("descr"),
            pl.when(no_coding).then(pl.lit(None, pl.List(pl.String))).otherwise(issue_list).alias("issues"),
        )
        # Voeten codes the 1990 votes of unified Yemen as 678; COW's 678 ends on 21 May 1990
        ccode = pl.col("ccode")
        for code, (since, unified) in history.UNIFICATIONS.items():
            after = (pl.col("date") >= pl.lit(since)).fill_null(False)
            ccode = pl.when((pl.col("ccode") == code) & after).then(unified).otherwise(ccode)
        moved = df.join(calls.select("rcid", "date"), on="rcid", how="left").select(
            "rcid",
            ccode.alias("ccode"),
            pl.col("vote").cast(pl.Int8),
        )
        votes = _unique(
            moved.sort("vote", maintain_order=True),  # a real vote wins over 8/9 if a recoding collides
            ["rcid", "ccode"],
            report,
            "vote of one country on one roll call",
        )
        return {"roll_calls": roll_calls, "votes": votes}

    @staticmethod
    def _known(ledger: Ledger, ccodes: list[int]) -> list[int]:
        resolver = ledger.resolver()
        return [c for c in ccodes if c in resolver.system or c in codes.by_cown()]


IMPORTERS: list[Importer] = [UnVotes(), UnVotesVoeten()]
