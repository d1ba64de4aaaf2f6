"""CAMEO event data: the ICEWS sample and GDELT 1.0/2.0 exports as single-day engagements."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import polars as pl
import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers.events import (
    DOMESTIC,
    GDELT1_COLUMNS,
    GDELT2_COLUMNS,
    NO_COUNTRY,
    NOT_INSTRUMENT,
    Gdelt1,
    Gdelt2,
    IcewsSample,
)


@pytest.fixture
def cow_ledger(ledger: Ledger, shared_data: Path) -> Ledger:
    importers.import_dir(ledger, shared_data, only=["cow-system"])
    return ledger


def _rows(ledger: Ledger, sql: str) -> list[tuple]:
    return ledger.con.execute(sql).fetchall()


def test_icews_sample(cow_ledger: Ledger, shared_data: Path) -> None:
    imp = IcewsSample()
    report = importers.run(cow_ledger, imp, imp.find(shared_data))
    assert report.rows_read == 4993
    assert report.seconds < 10
    # the 44 events coded 062/064/072/073/074 (SOURCES.md §9): imported or counted, none lost
    raw = pl.read_parquet(shared_data / "icews/icews_sample.parquet")
    five = raw.filter(pl.col("cameo_code").is_in(["062", "064", "072", "073", "074"]))
    assert five.height == 44
    imported = _rows(
        cow_ledger,
        "SELECT count(*) FROM engagements WHERE source_id = 'icews-sample' AND "
        "json_extract_string(details, '$.cameo_code') IN ('062', '064', '072', '073', '074')",
    )[0][0]
    domestic = five.filter(pl.col("source_country") == pl.col("target_country")).height
    assert (imported, domestic) == (9, 35)
    assert imported + domestic == 44
    # all 4,993 accounted for: 48 events carry an instrument code (44 + three 0861 + one 1212)
    assert report.written == {"engagements": 13}
    assert report.rejected == {NOT_INSTRUMENT: 4993 - 48, DOMESTIC: 35}
    assert not report.unresolved

    # event 32899642: Government (China) rejects military cooperation with Taiwan (1212)
    ((inst, actor, partner, day, prec, mag, unit, pol, det),) = _rows(
        cow_ledger,
        "SELECT instrument, actor_ccode, partner_ccode, start_date, start_precision, magnitude, unit, "
        "polarity, details FROM engagements WHERE source_ref = '32899642'",
    )
    assert (inst, actor, partner, str(day), prec, mag, unit, pol) == (
        "dialogue",
        710,
        713,
        "2018-06-02",
        "day",
        1.0,
        "count",
        -1,
    )
    d = json.loads(det)
    assert d["cameo_code"] == "1212" and d["goldstein"] == -4.0  # joined from goldstein_mappings
    assert d["source_name"] == "Government (China)" and d["story_id"] == "47409369"

    # 0861 is reversed: South Sudan receives UN peacekeepers -> the UN is the actor, South Sudan hosts
    assert _rows(
        cow_ledger,
        "SELECT instrument, actor_kind, actor, partner_ccode, polarity, unit, magnitude, "
        "json_extract(details, '$.goldstein')::DOUBLE FROM engagements WHERE source_ref = '32898441'",
    ) == [("peacekeeping", "group", "UN", 626, 1, "personnel", None, 9.0)]
    # 072 China -> Vietnam: military aid is measured in money, so an event leaves the amount empty
    assert _rows(
        cow_ledger,
        "SELECT actor_ccode, partner_ccode, unit, magnitude FROM engagements WHERE source_ref = '32890307'",
    ) == [(710, 816, "usd", None)]


# GDELT -------------------------------------------------------------------------------------------


def _gdelt_row(columns: list[str], **values: str) -> str:
    row = dict.fromkeys(columns, "")
    row.update(values)
    return "\t".join(row[c] for c in columns)


def _gdelt(columns: list[str], rows: list[dict[str, str]]) -> str:
    return "\n".join(_gdelt_row(columns, **r) for r in rows) + "\n"


EVENTS = [
    # USA cooperates militarily with Poland (062)
    dict(
        GLOBALEVENTID="1001",
        SQLDATE="20150218",
        Actor1Code="USAMIL",
        Actor1CountryCode="USA",
        Actor2Code="POL",
        Actor2CountryCode="POL",
        EventCode="062",
        GoldsteinScale="7.4",
        SOURCEURL="http://example.org/a",
    ),
    # Mali receives peacekeepers from the UN (0861, reversed): UN -> Mali
    dict(
        GLOBALEVENTID="1002",
        SQLDATE="20150218",
        Actor1Code="MLI",
        Actor1CountryCode="MLI",
        Actor2Code="IGOUNO",
        EventCode="0861",
        GoldsteinScale="9.0",
    ),
    # Russia reduces military assistance to Ukraine (1622): polarity -1
    dict(
        GLOBALEVENTID="1003",
        SQLDATE="20150219",
        Actor1Code="RUS",
        Actor1CountryCode="RUS",
        Actor2Code="UKR",
        Actor2CountryCode="UKR",
        EventCode="1622",
        GoldsteinScale="-5.6",
    ),
    # "10" is not "010" and not an instrument code; 010 is a statement
    dict(
        GLOBALEVENTID="1004",
        SQLDATE="20150219",
        Actor1CountryCode="FRA",
        Actor2CountryCode="DEU",
        EventCode="010",
        GoldsteinScale="0",
    ),
    # within one country
    dict(
        GLOBALEVENTID="1005",
        SQLDATE="20150219",
        Actor1CountryCode="IND",
        Actor2CountryCode="IND",
        EventCode="073",
    ),
    # a side without a country (a rebel group)
    dict(
        GLOBALEVENTID="1006", SQLDATE="20150219", Actor1Code="REB", Actor2CountryCode="SYR", EventCode="072"
    ),
    # a regional CAMEO code that is no state
    dict(
        GLOBALEVENTID="1007",
        SQLDATE="20150219",
        Actor1CountryCode="EUR",
        Actor2CountryCode="MLI",
        EventCode="074",
    ),
]


@pytest.mark.parametrize(
    ("imp", "columns", "name"),
    [
        (Gdelt1(), GDELT1_COLUMNS, "20150218.export.CSV"),
        (Gdelt1(), GDELT1_COLUMNS[:57], "20130331.export.CSV"),
        (Gdelt2(), GDELT2_COLUMNS, "20150218230000.export.CSV"),
    ],
    ids=["gdelt-1 daily (58)", "gdelt-1 backfile (57)", "gdelt-2 (61)"],
)
def test_gdelt(ledger: Ledger, tmp_path: Path, imp, columns, name) -> None:
    assert len(columns) in (57, 58, 61)
    (tmp_path / "gdelt").mkdir()
    path = tmp_path / "gdelt" / name
    path.write_text(_gdelt(columns, EVENTS))
    files = imp.find(tmp_path)
    assert files == [path]  # each version finds its own file name
    report = importers.run(ledger, imp, files)
    assert report.rows_read == 7 and report.written == {"engagements": 3}
    assert report.rejected == {
        NOT_INSTRUMENT: 1,
        DOMESTIC: 1,
        NO_COUNTRY: 1,
        "unresolved actor name": 1,
    }
    assert report.unresolved == {"iso3:EUR": 1}
    got = _rows(
        ledger,
        "SELECT source_ref, instrument, coalesce(actor_ccode::VARCHAR, actor), partner_ccode, "
        "start_date::VARCHAR, polarity, "
        "json_extract_string(details, '$.cameo_code'), json_extract(details, '$.goldstein')::DOUBLE "
        f"FROM engagements WHERE source_id = '{imp.source.id}' ORDER BY source_ref",
    )
    assert got == [
        ("1001", "dialogue", "2", 290, "2015-02-18", 1, "062", 7.4),
        ("1002", "peacekeeping", "UN", 432, "2015-02-18", 1, "0861", 9.0),
        ("1003", "military_aid", "365", 369, "2015-02-19", -1, "1622", -5.6),
    ]
    url = _rows(
        ledger,
        "SELECT json_extract_string(details, '$.source_url') FROM engagements WHERE source_ref = '1001'",
    )[0][0]
    assert url == (None if len(columns) == 57 else "http://example.org/a")


def test_gdelt_zipped(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "20150218.export.CSV.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("20150218.export.CSV", _gdelt(GDELT1_COLUMNS, EVENTS[:1]))
    report = importers.run(ledger, Gdelt1(), [path])
    assert report.written == {"engagements": 1}


def test_gdelt_wrong_version_and_empty(ledger: Ledger, write) -> None:
    v2 = write("20150218230000.export.CSV", _gdelt(GDELT2_COLUMNS, EVENTS))
    with pytest.raises(InputError) as e:
        importers.run(ledger, Gdelt1(), [v2])
    assert str(v2) in str(e.value) and "field 'columns'" in str(e.value) and "GDELT 2.0 file" in str(e.value)
    empty = write("20150218.export.CSV", "")
    with pytest.raises(InputError, match="empty") as e:
        importers.run(ledger, Gdelt1(), [empty])
    assert str(empty) in str(e.value)
    assert _rows(ledger, "SELECT count(*) FROM engagements WHERE source_id LIKE 'gdelt%'") == [(0,)]


def test_icews_bad_input(cow_ledger: Ledger, shared_data: Path, write) -> None:
    imp = IcewsSample()
    importers.run(cow_ledger, imp, imp.find(shared_data))
    gold = shared_data / "icews/goldstein_mappings.parquet"
    no_code = write(
        "icews.csv", "event_id,event_date,source_country,target_country\n1,2018-06-01,Chad,Mali\n"
    )
    with pytest.raises(InputError) as e:
        importers.run(cow_ledger, imp, [no_code, gold])
    assert str(no_code) in str(e.value) and "field 'cameo_code'" in str(e.value)
    with pytest.raises(InputError, match="empty"):
        importers.run(cow_ledger, imp, [write("empty.csv", ""), gold])
    assert _rows(cow_ledger, "SELECT count(*) FROM engagements WHERE source_id = 'icews-sample'") == [(13,)]


def test_icews_csv_fixture_keeps_codes_as_text(cow_ledger: Ledger, shared_data: Path, write) -> None:
    header = (
        "event_id,event_date,source_name,source_sectors,source_country,event_text,cameo_code,"
        "intensity,target_name,target_sectors,target_country,story_id\n"
    )
    body = (
        "1,2018-06-01,France,,France,Provide military aid,072,8.3,Mali,,Mali,9\n"
        "2,2018-06-01,France,,France,x,72,8.3,Mali,,Mali,9\n"  # not a CAMEO code: 072 written as 72
        "3,2018-06-01,Ministry (Chad),,Chad,Expel peacekeepers,1661,-7,UN,,,9\n"
    )
    report = importers.run(
        cow_ledger,
        IcewsSample(),
        [write("e.csv", header + body), shared_data / "icews/goldstein_mappings.parquet"],
    )
    assert report.rejected == {NOT_INSTRUMENT: 1}
    assert _rows(
        cow_ledger,
        "SELECT source_ref, instrument, actor, partner, polarity FROM engagements "
        "WHERE source_id = 'icews-sample' ORDER BY source_ref",
    ) == [("1", "military_aid", "France", "Mali", 1), ("3", "peacekeeping", "UN", "Chad", -1)]
