"""US troops and bases abroad (troopdata): facts checked against the source files, and bad input."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers import troops

SHARED = Path(
    os.environ.get("LEGATION_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[tuple[Ledger, dict]]:
    """One ledger with the full COW system and the three troopdata sources imported."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    with Ledger(tmp_path_factory.mktemp("troops") / "l.duckdb") as led:
        importers.import_dir(led, SHARED, only=["cow-system"])
        reports = {}
        for imp in troops.IMPORTERS:
            files = imp.find(SHARED)
            assert files is not None, imp.source.id
            reports[imp.source.id] = importers.run(led, imp, files)
        yield led, reports


@pytest.fixture
def cow_ledger(ledger: Ledger) -> Ledger:
    if not SHARED.is_dir():
        pytest.skip("real datasets not found")
    importers.import_dir(ledger, SHARED, only=["cow-system"])
    return ledger


def _troops(led: Ledger, source: str, host: int, start: str) -> list[tuple]:
    return led.query(
        "SELECT magnitude, start_precision, end_date::VARCHAR AS e FROM engagements WHERE source_id=? "
        "AND partner_ccode=? AND start_date=?::DATE",
        [source, host, start],
    ).rows()


# facts from the real files ---------------------------------------------------------------------


def test_japan_and_korea_equal_the_source(loaded):
    led, _ = loaded
    # troopdata_rebuild_long: Japan September 2015 troops_ad 55,744; South Korea September 2000 holds
    # 73,130 there, twice the DMDC report's 36,565 (troopdata_rebuild_reports): the report's figure
    assert _troops(led, "us-troops", 740, "2015-09-01") == [(55_744, "month", "2015-09-30")]
    assert _troops(led, "us-troops", 732, "2000-09-01") == [(36_565, "month", "2000-09-30")]
    # quarterly reports from 2008: Japan March 2015 53,916
    assert _troops(led, "us-troops", 740, "2015-03-01") == [(53_916, "month", "2015-03-31")]
    # Kane's yearly series (labelled June in the source) has year precision: South Korea 2000 36,565
    assert _troops(led, "us-troops", 732, "2000-01-01") == [(36_565, "year", "2000-12-31")]
    # troopdata v0.1.5: Japan 2015 55,727; South Korea 2000 36,565
    assert _troops(led, "us-troops-v015", 740, "2015-01-01") == [(55_727, "year", "2015-12-31")]
    assert _troops(led, "us-troops-v015", 732, "2000-01-01") == [(36_565, "year", "2000-12-31")]


def test_branches_are_in_details(loaded):
    led, _ = loaded
    raw = led.query(
        "SELECT details FROM engagements WHERE source_id='us-troops' AND partner_ccode=740 "
        "AND start_date='2015-09-01'"
    )["details"][0]
    d = json.loads(raw)
    assert (d["army"], d["air_force"], d["marine_corps"], d["civilians"], d["reserves"]) == (
        2442,
        11386,
        19869,
        6291,
        73,
    )
    assert d["series"] == "dmdc" and d["report"] == "September 2015"


def test_germany_is_260_before_unification_and_255_after(loaded):
    led, _ = loaded
    rows = led.query(
        "SELECT partner_ccode AS c, min(start_date) AS a, max(start_date) AS b, sum(magnitude) AS n "
        "FROM engagements WHERE source_id='us-troops' AND partner_ccode IN (255, 260) GROUP BY 1 ORDER BY 1"
    ).rows()
    (c255, a255, _b255, n255), (c260, _a260, b260, _n260) = rows
    assert (c255, c260) == (255, 260)
    assert str(a255) == "1991-01-01" and str(b260) == "1990-09-01"
    # every troops_ad of the source's Germany (260) from 1991 on: 95 rows summing to 5,088,697
    assert n255 == 5_088_697
    assert _troops(led, "us-troops", 260, "1989-09-01")[0][0] == 248_621
    assert _troops(led, "us-troops-v015", 255, "1991-01-01")[0][0] == 203_423


def test_nothing_is_dropped_silently(loaded):
    _, reports = loaded
    r = reports["us-troops"]
    assert r.rows_read == 29_629
    assert r.rows_read == r.written["engagements"] + r.rows_rejected
    assert (
        r.rejected["not a state: territory, afloat or unknown location (source code 1000 and above)"] == 968
    )
    assert r.rejected["in the United States or its territories (host = actor)"] == 113
    assert r.unresolved["Guam (code 1008)"] == 106
    # occupied Germany (no German state in COW 1945-05-09 to 1955-05-04) is reported, not dropped
    assert r.unresolved["Germany (code 260)"] == 5
    v = reports["us-troops-v015"]
    assert v.rows_read == 14_792 == v.written["engagements"] + v.rows_rejected
    assert v.unresolved["Afloat (code 1003)"] == 2 and v.unresolved["UNKNOWN (code 1099)"] == 14
    b = reports["us-bases"]
    assert (b.rows_read, b.written["engagements"]) == (414, 383)
    assert b.rejected == {"in the United States or its territories (host = actor)": 31}
    assert b.unresolved["Puerto Rico (code 2)"] == 19


def test_bases_are_a_binary_snapshot(loaded):
    led, _ = loaded
    rows = led.query(
        "SELECT partner_ccode, magnitude, unit, start_date::VARCHAR AS s, details FROM engagements "
        "WHERE source_id='us-bases' AND note LIKE '%Ramstein%'"
    ).rows()
    assert len(rows) == 1
    ccode, magnitude, unit, start, raw = rows[0]
    assert (ccode, magnitude, unit, start) == (255, 1, "binary", "2015-01-01")
    d = json.loads(raw)
    assert (d["lat"], d["lon"], d["base"], d["lilypad"], d["site"]) == (49.44, 7.5971, 1, 0, "base")
    assert (
        led.query("SELECT count(*) AS n FROM engagements WHERE source_id='us-bases' AND partner_ccode=740")[
            "n"
        ][0]
        == 42
    )


def test_us_is_the_only_actor_and_coverage(loaded):
    led, _ = loaded
    actors = led.query("SELECT DISTINCT actor_ccode, instrument FROM engagements").rows()
    assert actors == [(2, "basing")]
    for sid in ("us-troops", "us-troops-v015", "us-bases"):
        assert led.source(sid).coverage_actors == (2,)
    assert (led.source("us-troops").coverage_start, led.source("us-troops").coverage_end) == (1950, 2025)


# hand-made input -------------------------------------------------------------------------------

HEADER = "ccode,iso3c,countryname,year,month,quarter,source,troops_ad,army_ad\n"


def test_dates_codes_and_rejections_on_a_small_file(cow_ledger, write):
    path = write(
        "troopdata_rebuild_long.csv",
        HEADER
        + "260,DEU,Germany,1990,September,3,September 1990,227586,1\n"
        + "260,DEU,Germany,1990,December,4,December 1990,200000,1\n"
        + "260,DEU,Germany,1952,June,2,Kane 2006,250000,\n"
        + "678,,Yemen,1995,June,2,Kane 2006,12,\n"
        + "1008,,Guam,2010,June,2,June 2010,5000,\n"
        + ",,Nowhere,2010,June,2,June 2010,5,\n"
        + "740,JPN,Japan,2010,June,2,June 2010,0,\n",
    )
    report = importers.run(cow_ledger, troops.UsTroops(), [path])
    got = cow_ledger.query(
        "SELECT partner_ccode, start_date::VARCHAR, start_precision, magnitude FROM engagements ORDER BY 2"
    ).rows()
    assert got == [
        (260, "1990-09-01", "month", 227586.0),
        (255, "1990-12-01", "month", 200000.0),
        (679, "1995-01-01", "year", 12.0),
    ]
    assert report.rows_read == 7
    assert report.rejected == {
        "no host ccode": 1,
        "not a state: territory, afloat or unknown location (source code 1000 and above)": 1,
        "troops_ad is 0: no troops reported (a covered year without basing)": 1,
        "host not a COW system member on the date": 1,
    }
    assert report.unresolved == {"Nowhere (code none)": 1, "Guam (code 1008)": 1, "Germany (code 260)": 1}


@pytest.mark.parametrize(
    ("importer", "name", "body", "field"),
    [
        (
            troops.UsTroops(),
            "troopdata_rebuild_long.csv",
            HEADER.replace("troops_ad", "troops") + "",
            "troops_ad",
        ),
        (
            troops.UsTroops(),
            "troopdata_rebuild_long.csv",
            HEADER + "JPN,JPN,Japan,2010,June,2,x,5,\n",
            "ccode",
        ),
        (troops.UsTroopsV015(), "troopdata_v015.csv", "countryname,ccode,year\nJapan,740,2000\n", "troops"),
        (
            troops.UsTroopsV015(),
            "troopdata_v015.csv",
            "countryname,ccode,year,troops\nJapan,740,20x0,5\n",
            "year",
        ),
        (
            troops.UsBases(),
            "basedata.csv",
            "countryname,ccode,basename,lat,lon,base,lilypad\nJ,740,K,1,2,1,0\n",
            "fundedsite",
        ),
    ],
)
def test_bad_input_raises_and_changes_nothing(cow_ledger, write, importer, name, body, field):
    good = write("good.csv", HEADER + "740,JPN,Japan,2010,June,2,June 2010,5,\n")
    importers.run(cow_ledger, troops.UsTroops(), [good])
    before = cow_ledger.engagements().drop("import_id").sort("id").rows()
    if body == HEADER.replace("troops_ad", "troops"):
        body += "740,JPN,Japan,2010,June,2,June 2010,5,\n"
    path = write(name, body)
    with pytest.raises(InputError) as err:
        importers.run(cow_ledger, importer, [path])
    assert name in str(err.value) and field in str(err.value)
    assert cow_ledger.engagements().drop("import_id").sort("id").rows() == before


def test_empty_file_raises(cow_ledger, write):
    path = write("basedata.csv", "")
    with pytest.raises(InputError, match="empty") as err:
        importers.run(cow_ledger, troops.UsBases(), [path])
    assert "basedata.csv" in str(err.value)
    assert cow_ledger.count() == 0


def test_reimport_keeps_ids(cow_ledger, write):
    path = write(
        "basedata.csv",
        "countryname,ccode,iso3c,basename,lat,lon,base,lilypad,fundedsite\n"
        "Italy,325,ITA,Naples,40.8,14.2,1,0,0\nItaly,325,ITA,Naples,40.8,14.2,1,0,0\n"
        "Canada,20,CAN,,56.1,-106.3,0,1,0\n",
    )
    importers.run(cow_ledger, troops.UsBases(), [path])
    first = sorted(cow_ledger.engagements()["id"].to_list())
    importers.run(cow_ledger, troops.UsBases(), [path])
    assert sorted(cow_ledger.engagements()["id"].to_list()) == first and len(first) == 3


def test_v015_placeholder_codes_of_real_states_are_mapped(loaded):
    led, reports = loaded
    hosts = set(led.engagements(source="us-troops-v015")["partner_ccode"].to_list())
    assert {341, 402, 626} <= hosts  # Montenegro 1010, Cabo Verde 1015, South Sudan 1020 in the source
    assert not any("Montenegro" in name for name in reports["us-troops-v015"].unresolved)


def test_every_host_is_a_cow_state(loaded):
    led, reports = loaded
    # the rebuild files Serbia under its GW code 340 from 1995 (DMDC September 1995: 13 troops);
    # v0.1.5 codes Ethiopia 529 in 2022; Puerto Rico (6) is a US territory and no state
    assert _troops(led, "us-troops", 345, "1995-09-01") == [(13, "month", "1995-09-30")]
    assert _troops(led, "us-troops-v015", 530, "2022-01-01") != []
    codes = led.query("SELECT DISTINCT partner_ccode FROM engagements WHERE source_id LIKE 'us-troops%'")
    known = set(led.states().spells["code"].to_list())
    assert set(codes["partner_ccode"].to_list()) <= known
    assert reports["us-troops-v015"].unresolved["Puerto Rico (code 6)"] == 16
