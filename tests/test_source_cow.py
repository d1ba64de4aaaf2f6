"""COW/peacesciencer attribute importers: facts checked against the source files, and bad input."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers import cow

SHARED = Path(
    os.environ.get("LEGATION_SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[tuple[Ledger, dict]]:
    """One ledger with the COW system and every source of `cow` imported from the real files."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    with Ledger(tmp_path_factory.mktemp("cow") / "l.duckdb") as led:
        importers.import_dir(led, SHARED, only=["cow-system"])
        reports = {}
        for imp in cow.IMPORTERS:
            files = imp.find(SHARED)
            assert files is not None, imp.source.id
            reports[imp.source.id] = importers.run(led, imp, files)
        yield led, reports


def _state(led: Ledger, source: str, ccode: int, year: int, variable: str):
    rows = led.query(
        "SELECT value FROM state_attributes WHERE source_id=? AND ccode=? AND year=? AND variable=?",
        [source, ccode, year, variable],
    )["value"].to_list()
    assert len(rows) <= 1
    return rows[0] if rows else "absent"


def _dyad(led: Ledger, source: str, c1: int, c2: int, year: int, variable: str):
    rows = led.query(
        "SELECT value FROM dyad_attributes WHERE source_id=? AND ccode1=? AND ccode2=? AND year=? "
        "AND variable=?",
        [source, c1, c2, year, variable],
    )["value"].to_list()
    assert len(rows) <= 1
    return rows[0] if rows else "absent"


# facts from the real files ---------------------------------------------------------------------


def test_nmc_values_equal_the_source(loaded):
    led, reports = loaded
    # cow_nmc: ccode 2, year 2000 -> cinc 0.14289317, milex 303136000 (thousand USD), milper 1366
    assert _state(led, "cow-nmc", 2, 2000, "cinc") == pytest.approx(0.14289317, rel=1e-7)
    assert _state(led, "cow-nmc", 2, 2000, "milex") == 303_136_000
    assert _state(led, "cow-nmc", 2, 2000, "milper") == 1366
    r = reports["cow-nmc"]
    assert r.rows_read == 17_121
    assert r.written == {"state_attributes": 17_121 * 7}
    # the source reports 2,360 state-years with military spending missing: kept as NULL, not dropped
    n = led.query(
        "SELECT count(*) AS n FROM state_attributes WHERE source_id='cow-nmc' AND variable='milex' "
        "AND value IS NULL"
    )["n"][0]
    assert n == 2360


def test_china_is_a_major_power_from_1950(loaded):
    led, reports = loaded
    assert reports["cow-majors"].files[0].endswith("cow_raw/majors2016.csv")
    assert _state(led, "cow-majors", 710, 1949, "major_power") == "absent"
    assert _state(led, "cow-majors", 710, 1950, "major_power") == 1
    assert _state(led, "cow-majors", 710, 2016, "major_power") == 1
    years = led.query(
        "SELECT min(year) AS a, max(year) AS b, count(*) AS n FROM state_attributes "
        "WHERE source_id='cow-majors' AND ccode=2"
    ).row(0)
    assert years == (1898, 2016, 2016 - 1898 + 1)
    # France was not a major power during the occupation (1940-06-22 to 1945-08-15): 1941-1944 absent
    assert _state(led, "cow-majors", 220, 1942, "major_power") == "absent"
    assert _state(led, "cow-majors", 220, 1940, "major_power") == 1


def test_majors_fall_back_to_peacesciencer(tmp_path):
    if not SHARED.is_dir():
        pytest.skip("real datasets not found")
    (tmp_path / "peacesciencer").mkdir()
    (tmp_path / "peacesciencer" / "cow_majors.parquet").symlink_to(
        SHARED / "peacesciencer" / "cow_majors.parquet"
    )
    found = cow.CowMajors().find(tmp_path)
    assert found is not None and found[0].name == "cow_majors.parquet"
    assert cow.CowMajors().find(tmp_path / "peacesciencer") is None


def test_contiguity_is_directed_conttype_per_year(loaded):
    led, _ = loaded
    assert _dyad(led, "cow-contiguity", 2, 20, 2000, "contiguity") == 1
    assert _dyad(led, "cow-contiguity", 20, 2, 2000, "contiguity") == 1
    assert _dyad(led, "cow-contiguity", 2, 20, 1919, "contiguity") == "absent"  # Canada from 1920
    # France-Germany: land border to 1940-06, conttype 0 spell 1940-07..1942-11, border again 1944-08
    assert _dyad(led, "cow-contiguity", 220, 255, 1939, "contiguity") == 1
    assert _dyad(led, "cow-contiguity", 220, 255, 1940, "contiguity") == 1  # both spells: closer kept
    assert _dyad(led, "cow-contiguity", 220, 255, 1941, "contiguity") == 0
    assert _dyad(led, "cow-contiguity", 220, 255, 1950, "contiguity") == "absent"
    assert _dyad(led, "cow-contiguity", 220, 255, 1991, "contiguity") == 1
    directed = led.query("SELECT DISTINCT directed FROM dyad_attributes WHERE source_id='cow-contiguity'")
    assert directed["directed"].to_list() == [True]


def test_shared_igos_and_state_counts(loaded):
    led, reports = loaded
    assert _dyad(led, "cow-igo", 2, 20, 2000, "igo_shared") == 73
    assert _dyad(led, "cow-igo", 200, 220, 1990, "igo_shared") == 90
    assert _state(led, "cow-igo", 2, 2000, "igo_full") == 88
    assert _state(led, "cow-igo", 2, 2000, "igo_observer") == 2
    assert reports["cow-igo"].written == {"state_attributes": 15_557 * 4, "dyad_attributes": 917_695}
    bad = led.query(
        "SELECT count(*) AS n FROM dyad_attributes WHERE source_id IN ('cow-igo', 'cow-mindist', "
        "'rivalries') AND (directed OR ccode1 >= ccode2)"
    )["n"][0]
    assert bad == 0


def test_mindist_and_rivalries(loaded):
    led, reports = loaded
    assert _dyad(led, "cow-mindist", 2, 40, 2000, "mindist_km") == pytest.approx(233.681391013833)
    assert _dyad(led, "cow-mindist", 2, 20, 2000, "mindist_km") == 0
    assert reports["cow-mindist"].written == {"dyad_attributes": 952_244}
    # Thompson-Dreyer: Russia-United States 1945-1989 and 2007-2010
    td = led.query(
        "SELECT year FROM dyad_attributes WHERE source_id='rivalries' AND variable='rivalry_td' "
        "AND ccode1=2 AND ccode2=365 ORDER BY year"
    )["year"].to_list()
    assert td == [*range(1945, 1990), *range(2007, 2011)]
    # Thompson-Sakuwa-Suhas: 1918-1920, 1945-1989, 2007-2020
    tss = led.query(
        "SELECT count(*) AS n FROM dyad_attributes WHERE source_id='rivalries' AND variable='rivalry_tss' "
        "AND ccode1=2 AND ccode2=365"
    )["n"][0]
    assert tss == 3 + 45 + 14
    r = reports["rivalries"]
    assert r.rows_read == 197 + 264
    assert r.rejected == {
        "rivalry_td: rivalry ended before 1816 (no COW codes)": 15,
        "rivalry_tss: rivalry ended before 1816 (no COW codes)": 15,
    }
    assert led.query("SELECT min(year) AS y FROM dyad_attributes WHERE source_id='rivalries'")["y"][0] == 1816


def test_coverage_is_registered(loaded):
    led, _ = loaded
    nmc = led.source("cow-nmc")
    assert (nmc.coverage_start, nmc.coverage_end, nmc.coverage_actors) == (1816, 2022, None)
    assert led.source("cow-igo").coverage_end == 2014
    assert led.source("cow-mindist").coverage_start == 1886


# hand-made input -------------------------------------------------------------------------------

NMC_HEADER = "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n"


def test_nmc_minus_nine_is_missing(ledger, write):
    path = write("cow_nmc.csv", NMC_HEADER + "2,1900,-9,10,5,5,100,-9,0.2\n200,1900,30,20,5,5,100,50,0.1\n")
    report = importers.run(ledger, cow.CowNmc(), [path])
    got = ledger.query(
        "SELECT ccode, variable, value FROM state_attributes WHERE source_id='cow-nmc' "
        "ORDER BY ccode, variable"
    )
    values = {(c, v): x for c, v, x in got.iter_rows()}
    assert values[(2, "milex")] is None and values[(2, "upop")] is None
    assert values[(2, "milper")] == 10 and values[(200, "milex")] == 30
    assert report.written == {"state_attributes": 14}


def _counts(led: Ledger) -> tuple[int, int]:
    return led.count("state_attributes"), led.count("dyad_attributes")


@pytest.mark.parametrize(
    ("importer", "name", "body", "field"),
    [
        (
            cow.CowNmc(),
            "cow_nmc.csv",
            "ccode,year,milex,milper,irst,pec,tpop,upop\n2,1900,1,1,1,1,1,1\n",
            "cinc",
        ),
        (cow.CowNmc(), "cow_nmc.csv", NMC_HEADER + "2,nineteen,1,1,1,1,1,1,0.1\n", "year"),
        (cow.CowNmc(), "cow_nmc.csv", NMC_HEADER + "2,1900.5,1,1,1,1,1,1,0.1\n", "year"),
        (cow.CowMindist(), "cow_mindist.csv", "ccode1,ccode2,year,distance\n2,20,1900,0\n", "mindist"),
        (cow.CowMajors(), "majors2016.csv", "ccode,styear,end\n2,1898,2016\n", "endyear"),
        (cow.CowContiguity(), "cow_contdir.csv", "ccode1,ccode2,conttype,stdate\n2,20,1,192001\n", "enddate"),
    ],
)
def test_bad_columns_raise_and_change_nothing(ledger, write, importer, name, body, field):
    good = write("good.csv", NMC_HEADER + "2,1900,1,1,1,1,1,1,0.1\n")
    importers.run(ledger, cow.CowNmc(), [good])
    before = _counts(ledger)
    path = write(name, body)
    with pytest.raises(InputError) as err:
        importers.run(ledger, importer, [path])
    assert name in str(err.value) and field in str(err.value)
    assert _counts(ledger) == before


def test_empty_file_raises(ledger, write):
    path = write("cow_nmc.csv", "")
    with pytest.raises(InputError, match="empty") as err:
        importers.run(ledger, cow.CowNmc(), [path])
    assert "cow_nmc.csv" in str(err.value)
    header_only = write(
        "cow_igo_sy.csv", "ccode,year,sum_igo_full,sum_igo_associate,sum_igo_observer,sum_igo_anytype\n"
    )
    ndy = write("cow_igo_ndy.csv", "ccode1,ccode2,year,dyadigos\n2,20,1950,3\n")
    with pytest.raises(InputError, match="no rows"):
        importers.run(ledger, cow.CowIgo(), [header_only, ndy])
    assert _counts(ledger) == (0, 0)


def test_contiguity_reads_cow_yyyymm_and_reversed_igo_pairs(ledger, write):
    cont = write(
        "cow_contdir.csv",
        "ccode1,ccode2,conttype,stdate,enddate\n2,20,1,192001,192212\n20,2,1,192001,192212\n",
    )
    report = importers.run(ledger, cow.CowContiguity(), [cont])
    assert report.written == {"dyad_attributes": 6}
    sy = write(
        "sy.csv",
        "ccode,year,sum_igo_full,sum_igo_associate,sum_igo_observer,sum_igo_anytype\n2,1950,3,0,0,3\n",
    )
    ndy = write("ndy.csv", "ccode1,ccode2,year,dyadigos\n20,2,1950,3\n2,2,1950,9\n")
    report = importers.run(ledger, cow.CowIgo(), [sy, ndy])
    assert report.rejected == {"a state paired with itself": 1}
    row = ledger.query("SELECT ccode1, ccode2, value FROM dyad_attributes WHERE source_id='cow-igo'").row(0)
    assert row == (2, 20, 3.0)


def test_reimport_replaces(ledger, write):
    path = write(
        "majors2016.csv",
        "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version\n"
        "CHN,710,1950,1,1,2016,12,31,2016\nXXX,2,2000,1,1,1999,1,1,2016\n",
    )
    first = importers.run(ledger, cow.CowMajors(), [path])
    assert first.rejected == {"end year before start year": 1}
    importers.run(ledger, cow.CowMajors(), [path])
    assert ledger.count("state_attributes") == 2016 - 1950 + 1
