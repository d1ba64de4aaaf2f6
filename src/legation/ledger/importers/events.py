# Kept whole: ICEWS and both GDELT versions share the CAMEO mapping and the event-to-engagement rules.
"""CAMEO-coded event data (ICEWS, GDELT 1.0, GDELT 2.0) as single-day engagements.

Only events whose CAMEO code records an instrument (`legation.instruments.from_cameo`: 062, 064,
072, 073, 074, 0861, 1212, 1222–1224, 1622, 1623, 1661) become engagements; every other event is
counted as rejected ("CAMEO code not a military-diplomacy instrument"). Codes are kept as text:
"010" and "10" are different codes.

Direction: the CAMEO source is the actor and the target the partner, except for codes marked
``reversed`` (0861 "Receive deployment of peacekeepers", 1661 "Expel or withdraw peacekeepers"),
whose CAMEO source is the host, so the target becomes the actor. Withdrawal codes have polarity -1.

Each event is one engagement with day precision. Its magnitude is 1 (unit ``count``) where the
instrument is counted in events; for instruments measured only in money or personnel
(military_aid, peacekeeping) the event says nothing about the amount, so the magnitude is left
empty in the instrument's own unit.

Events inside one country (same source and target country) and events whose side is neither a
country nor a known group (an NGO, a company, a militia without a country) are rejected and counted.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from legation.errors import InputError, Problem, UnknownStateError
from legation.instruments import CAMEO, INSTRUMENTS, Unit
from legation.ledger.importers import works
from legation.ledger.importers.base import (
    Importer,
    Names,
    SourceReport,
    details,
    engagements,
    read_table,
    zip_member,
)
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

NOT_INSTRUMENT = "CAMEO code not a military-diplomacy instrument"
DOMESTIC = "event within one country"
NO_COUNTRY = "side is not a country or known group"

ICEWS_SAMPLE = Source(
    id="icews-sample",
    name="ICEWS coded event data, sample of 1-3 June 2018 (R package icews)",
    version="icews_sample (andybega/icews 3746c72)",
    citation=(
        "Boschee, E., Lautenschlager, J., O'Brien, S., Shellman, S., Starz, J. and Ward, M. (2015). "
        "ICEWS Coded Event Data. Harvard Dataverse, doi:10.7910/DVN/28075."
    ),
    licence="ICEWS: Harvard Dataverse terms; the icews R package (source of the sample) is MIT",
    url="https://github.com/andybega/icews",
    coverage_start=2018,
    coverage_end=2018,
    coverage_note=(
        "Three days only (2018-06-01 to 2018-06-03), 4,993 events: an absent event in 2018 is not "
        "evidence of no engagement outside those days. Machine-coded from news; one event is one "
        "report, not a verified act."
    ),
    references=(works.ICEWS,),
)

GDELT_1 = Source(
    id="gdelt-1",
    name="GDELT 1.0 Event Database (daily event exports)",
    version="1.0",
    citation=(
        "Leetaru, K. and Schrodt, P. A. (2013). GDELT: Global Data on Events, Location and Tone, "
        "1979-2012. ISA Annual Convention."
    ),
    licence="GDELT: free for any use with citation (see gdeltproject.org terms)",
    url="http://data.gdeltproject.org/events/index.html",
    coverage_start=1979,
    coverage_note=(
        "GDELT 1.0 runs from 1979 and is updated daily, but a ledger holds only the days of the "
        "export files that were imported: check the imports table for which files those were."
    ),
    references=(works.GDELT_1,),
)

GDELT_2 = Source(
    id="gdelt-2",
    name="GDELT 2.0 Event Database (15-minute event exports)",
    version="2.0",
    citation="Leetaru, K. (2015). GDELT 2.0 Event Database. The GDELT Project.",
    licence="GDELT: free for any use with citation (see gdeltproject.org terms)",
    url="http://data.gdeltproject.org/gdeltv2/masterfilelist.txt",
    coverage_start=2015,
    coverage_note=(
        "GDELT 2.0 runs from 2015-02-18 in 15-minute files; a ledger holds only the intervals of "
        "the export files that were imported: check the imports table for which files those were."
    ),
    references=(works.GDELT_2,),
)

# GDELT layouts (GDELT Event Codebook 1.0 / 2.0) ---------------------------------------------------

_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_EVENT = [
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
]


def _geo(adm2: bool) -> list[str]:
    cols = ["Type", "FullName", "CountryCode", "ADM1Code", *(["ADM2Code"] if adm2 else []), "Lat", "Long"]
    return [f"{g}Geo_{c}" for g in ("Actor1", "Actor2", "Action") for c in [*cols, "FeatureID"]]


_HEAD = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
_ACTORS = [f"Actor{i}{c}" for i in (1, 2) for c in _ACTOR]
GDELT1_COLUMNS = [*_HEAD, *_ACTORS, *_EVENT, *_geo(False), "DATEADDED", "SOURCEURL"]
"""GDELT 1.0 daily exports (from 2013-04-01): 58 columns; the backfiles before lack SOURCEURL (57)."""
GDELT2_COLUMNS = [*_HEAD, *_ACTORS, *_EVENT, *_geo(True), "DATEADDED", "SOURCEURL"]
"""GDELT 2.0 exports: 61 columns (ADM2Code added to each geography)."""


# shared mapping ------------------------------------------------------------------------------------

_CODES = pl.DataFrame(
    {
        "cameo_code": list(CAMEO),
        "instrument": [i.name for i, _ in CAMEO.values()],
        "polarity": [c.polarity for _, c in CAMEO.values()],
        "_reversed": [c.reversed for _, c in CAMEO.values()],
    },
    schema={"cameo_code": pl.String, "instrument": pl.String, "polarity": pl.Int8, "_reversed": pl.Boolean},
)
_COUNTED = {n: Unit.COUNT in i.units for n, i in INSTRUMENTS.items()}
_UNIT = {n: (Unit.COUNT if Unit.COUNT in i.units else i.default_unit).value for n, i in INSTRUMENTS.items()}


def _groups(ledger: Ledger, names: pl.Series) -> dict[str, str]:
    """Actor names that name a group (``United Nations`` → ``UN``), for sides without a country."""
    resolver = ledger.resolver()
    out = {}
    for name in names.drop_nulls().unique().to_list():
        with contextlib.suppress(UnknownStateError):
            out[name] = resolver.resolve(name, None, kind="group").name
    return out


def _map_events(
    ledger: Ledger,
    report: SourceReport,
    df: pl.DataFrame,
    *,
    aliases: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Engagements from events with columns event_id, date, cameo_code, src/tgt (country text or
    null), src_name/tgt_name (actor names) and ``_details`` (JSON); counts every rejected event."""
    df = df.join(_CODES, on="cameo_code", how="left")
    off = df["instrument"].is_null()
    report.reject(NOT_INSTRUMENT, int(off.sum()))
    df = df.filter(~off)
    bad_date = df["date"].is_null()
    report.reject("event date missing or malformed", int(bad_date.sum()))
    df = df.filter(~bad_date)
    no_id = df["event_id"].is_null()
    report.reject("event id missing", int(no_id.sum()))
    df = df.filter(~no_id)
    dup = ~df["event_id"].is_first_distinct()
    report.reject("duplicate event id", int(dup.sum()))
    df = df.filter(~dup)
    # a side without a country may still be a group (ICEWS writes the UN as "United Nations")
    groups = _groups(ledger, pl.concat([df.filter(pl.col(s).is_null())[f"{s}_name"] for s in ("src", "tgt")]))
    df = df.with_columns(
        pl.coalesce(pl.col(s), pl.col(f"{s}_name").replace_strict(groups, default=None)).alias(s)
        for s in ("src", "tgt")
    )
    nobody = df["src"].is_null() | df["tgt"].is_null()
    report.reject(NO_COUNTRY, int(nobody.sum()))
    df = df.filter(~nobody)
    home = df["src"] == df["tgt"]
    report.reject(DOMESTIC, int(home.sum()))
    df = df.filter(~home)
    # reversed codes: the CAMEO target is the instrument's actor
    df = df.with_columns(
        pl.when("_reversed").then("tgt").otherwise("src").alias("_actor"),
        pl.when("_reversed").then("src").otherwise("tgt").alias("_partner"),
        pl.col("date").alias("start_date"),
    )
    names = Names(ledger, report, aliases=aliases)
    df = names.resolve(df, "_actor", "actor")
    df = names.resolve(df, "_partner", "partner")
    same = (df["actor_kind"] == df["partner_kind"]) & (df["actor"] == df["partner"])
    report.reject(DOMESTIC, int(same.sum()))
    df = df.filter(~same)
    df = df.with_columns(
        pl.lit("day").alias("start_precision"),
        pl.col("date").alias("end_date"),
        pl.lit("day").alias("end_precision"),
        pl.when(pl.col("instrument").replace_strict(_COUNTED, return_dtype=pl.Boolean))
        .then(1.0)
        .otherwise(None)
        .alias("magnitude"),
        pl.col("instrument").replace_strict(_UNIT, return_dtype=pl.String).alias("unit"),
        pl.col("event_id").alias("source_ref"),
        pl.col("_details").alias("details"),
    )
    return engagements(df, key=["event_id"])


def _text(col: str) -> pl.Expr:
    """A text column with surrounding blanks removed and empty strings as null."""
    s = pl.col(col).cast(pl.String).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


# ICEWS -------------------------------------------------------------------------------------------

ICEWS_COLUMNS = [
    "event_id",
    "event_date",
    "source_name",
    "source_sectors",
    "source_country",
    "event_text",
    "cameo_code",
    "intensity",
    "target_name",
    "target_sectors",
    "target_country",
    "story_id",
]

ICEWS_ALIASES: dict[str, str] = {}
"""ICEWS country names the resolver does not know as written (none needed for the sample)."""


class IcewsSample(Importer):
    """ICEWS events (the ``icews_sample`` of the icews R package, or a Dataverse file in its columns)."""

    source = ICEWS_SAMPLE
    patterns = ("icews/icews_sample.*", "icews/goldstein_mappings.*")
    formats = (".csv", ".parquet")

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        events_path, goldstein_path = files
        src = self.source.id
        ev = read_table(events_path, columns=ICEWS_COLUMNS, source=src, infer_schema_length=0)
        gold = read_table(goldstein_path, columns=["code", "goldstein"], source=src, infer_schema_length=0)
        report.rows_read = ev.height
        gold = gold.select(
            _text("code").alias("cameo_code"), pl.col("goldstein").cast(pl.Float64, strict=False)
        ).unique("cameo_code")
        if ev.schema["event_date"] in (pl.Date, pl.Datetime) or isinstance(
            ev.schema["event_date"], pl.Datetime
        ):
            day = pl.col("event_date").cast(pl.Date)
        else:
            day = _text("event_date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        df = ev.select(
            _text("event_id").alias("event_id"),
            day.alias("date"),
            _text("cameo_code").alias("cameo_code"),
            _text("source_country").alias("src"),
            _text("target_country").alias("tgt"),
            _text("source_name").alias("src_name"),
            _text("target_name").alias("tgt_name"),
            _text("source_sectors").alias("source_sectors"),
            _text("target_sectors").alias("target_sectors"),
            _text("event_text").alias("event_text"),
            pl.col("intensity").cast(pl.Float64, strict=False),
            _text("story_id").alias("story_id"),
        ).join(gold, on="cameo_code", how="left")
        df = df.with_columns(
            details(
                "cameo_code",
                "goldstein",
                "event_text",
                "intensity",
                "story_id",
                source_name=pl.col("src_name"),
                source_sectors=pl.col("source_sectors"),
                source_country=pl.col("src"),
                target_name=pl.col("tgt_name"),
                target_sectors=pl.col("target_sectors"),
                target_country=pl.col("tgt"),
            ).alias("_details")
        )
        return {"engagements": _map_events(ledger, report, df, aliases=ICEWS_ALIASES)}


# GDELT -------------------------------------------------------------------------------------------


def read_gdelt(path: Path, version: int, source: str) -> pl.DataFrame:
    """A GDELT event export (tab-separated, no header; plain or zipped) with the codebook's names."""
    path = Path(path)
    where = f"{path} ({source})"
    if path.suffix.lower() == ".zip":
        try:
            _, data = zip_member(path)
        except InputError as e:
            raise e.renamed(str(path), where) from None
        if not data.strip():
            raise InputError([Problem("", "", "the file is empty")], file=where)
        try:
            df = pl.read_csv(io.BytesIO(data), **_GDELT_CSV)
        except Exception as e:
            raise InputError([Problem("", "", f"cannot read: {e}")], file=where) from e
    else:
        df = read_table(path, source=source, **_GDELT_CSV)
    widths = {1: (57, 58), 2: (61,)}[version]
    if df.width not in widths:
        other = {1: 2, 2: 1}[version] if df.width in {1: (61,), 2: (57, 58)}[version] else None
        hint = f"; this looks like a GDELT {other}.0 file" if other else ""
        raise InputError(
            [
                Problem(
                    "columns",
                    df.width,
                    f"GDELT {version}.0 event files have {' or '.join(map(str, widths))} "
                    f"tab-separated columns{hint}",
                )
            ],
            file=where,
        )
    names = GDELT1_COLUMNS[: df.width] if version == 1 else GDELT2_COLUMNS
    return df.rename(dict(zip(df.columns, names, strict=True)))


_GDELT_CSV: dict[str, Any] = {
    "separator": "\t",
    "has_header": False,
    "infer_schema_length": 0,
    "quote_char": None,
    "truncate_ragged_lines": False,
}


class _Gdelt(Importer):
    version: int

    def read(self, ledger: Ledger, files: Sequence[Path], report: SourceReport) -> dict[str, pl.DataFrame]:
        frames = [read_gdelt(f, self.version, self.source.id) for f in files]
        ev = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
        report.rows_read = ev.height
        if "SOURCEURL" not in ev.columns:
            ev = ev.with_columns(pl.lit(None, pl.String).alias("SOURCEURL"))
        side = {}
        for i, s in ((1, "src"), (2, "tgt")):
            code = _text(f"Actor{i}Code")
            # a side without a country that GDELT codes as the UN (IGOUNO…) is the UN group
            side[s] = pl.coalesce(
                ("iso3:" + _text(f"Actor{i}CountryCode")),
                pl.when(code.str.starts_with("IGOUNO")).then(pl.lit("UN")),
            ).alias(s)
        df = ev.select(
            _text("GLOBALEVENTID").alias("event_id"),
            _text("SQLDATE").str.to_date("%Y%m%d", strict=False).alias("date"),
            _text("EventCode").alias("cameo_code"),
            side["src"],
            side["tgt"],
            # sides resolve by country code (and IGOUNO), never by GDELT's free-text actor names
            pl.lit(None, pl.String).alias("src_name"),
            pl.lit(None, pl.String).alias("tgt_name"),
            details(
                cameo_code=_text("EventCode"),
                goldstein=_text("GoldsteinScale").cast(pl.Float64, strict=False),
                actor1_code=_text("Actor1Code"),
                actor1_name=_text("Actor1Name"),
                actor1_country=_text("Actor1CountryCode"),
                actor2_code=_text("Actor2Code"),
                actor2_name=_text("Actor2Name"),
                actor2_country=_text("Actor2CountryCode"),
                quad_class=_text("QuadClass").cast(pl.Int8, strict=False),
                num_mentions=_text("NumMentions").cast(pl.Int64, strict=False),
                avg_tone=_text("AvgTone").cast(pl.Float64, strict=False),
                source_url=_text("SOURCEURL"),
            ).alias("_details"),
        )
        return {"engagements": _map_events(ledger, report, df)}


class Gdelt1(_Gdelt):
    """GDELT 1.0 daily event exports (``YYYYMMDD.export.CSV``, plain or ``.zip``)."""

    source = GDELT_1
    version = 1
    patterns = ("gdelt/[12][0-9][0-9][0-9][01][0-9][0-3][0-9].export.CSV*",)
    formats = (".csv", ".zip")
    many = True


class Gdelt2(_Gdelt):
    """GDELT 2.0 15-minute event exports (``YYYYMMDDHHMMSS.export.CSV``, plain or ``.zip``)."""

    source = GDELT_2
    version = 2
    patterns = ("gdelt/[12][0-9][0-9][0-9][01][0-9][0-3][0-9][0-2][0-9][0-5][0-9][0-5][0-9].export.CSV*",)
    formats = (".csv", ".zip")
    many = True


IMPORTERS: list[Importer] = [IcewsSample(), Gdelt1(), Gdelt2()]
