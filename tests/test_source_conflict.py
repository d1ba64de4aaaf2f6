"""Disputes, arms races and the peace scale: facts checked against the real files, coverage in panels,
and damaged input refused."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SHARED
from legation import panel
from legation.errors import InputError
from legation.ledger import Ledger, importers
from legation.ledger.importers import conflict
from legation.ledger.importers.base import SourceReport

MID_FILE = SHARED / "peacesciencer" / "cow_mid_ddydisps.parquet"
PEACE_SPELLS = SHARED / "diehl_peace" / "peacedata3.1.csv"
PEACE_YEARS = SHARED / "diehl_peace" / "peacedatav31dyyearmean.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[tuple[Ledger, dict]]:
    """One ledger with the COW system and the three conflict sources imported from the real files."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    with Ledger(tmp_path_factory.mktemp("conflict") / "l.duckdb") as led:
        importers.import_dir(led, SHARED, only=["cow-system"])
        reports = {
            r.source: r
            for r in importers.import_dir(led, SHARED, only=["cow-mid", "grh-arms-races", "peace-scale"])
        }
        yield led, reports


def _dyad(led: Ledger, source: str, c1: int, c2: int, year: int, variable: str):
    rows = led.query(
        "SELECT value FROM dyad_attributes WHERE source_id=? AND ccode1=? AND ccode2=? AND year=? "
        "AND variable=?",
        [source, c1, c2, year, variable],
    )["value"].to_list()
    assert len(rows) <= 1
    return rows[0] if rows else "absent"


def _nulls(led: Ledger, source: str, variable: str) -> int:
    return led.query(
        "SELECT count(*) AS n FROM dyad_attributes WHERE source_id=? AND variable=? AND value IS NULL",
        [source, variable],
    )["n"][0]


# MIDs ----------------------------------------------------------------------------------------------


def test_the_falklands_war_is_a_directed_dispute_year(loaded):
    led, reports = loaded
    # cow_mid_ddydisps: 160 -> 200, 1982: dispnum 3630, onset, Argentina on side A and an originator,
    # both sides hostility 5 (war); dispute fatality 6 (over 999), Argentina's own level 5, the UK's 4
    falklands = {v: _dyad(led, "cow-mid", 160, 200, 1982, v) for v in conflict.CowMids.VARIABLES.values()}
    assert falklands == {
        "mid_dispnum": 3630,
        "mid_onset": 1,
        "mid_ongoing": 1,
        "mid_sidea": 1,
        "mid_originator": 1,
        "mid_hostlev": 5,
        "mid_fatality": 5,
        "mid_fatalities": None,  # -9 in the file: not known precisely
        "mid_dispute_hostlev": 5,
        "mid_dispute_fatality": 6,
        "mid_reciprocated": 1,
    }
    assert _dyad(led, "cow-mid", 200, 160, 1982, "mid_sidea") == 0
    assert _dyad(led, "cow-mid", 200, 160, 1982, "mid_fatality") == 4
    assert _dyad(led, "cow-mid", 160, 200, 1981, "mid_onset") == "absent"
    r = reports["cow-mid"]
    assert r.rows_read == 10_234 and not r.rejected
    assert r.written == {"dyad_attributes": 10_234 * len(conflict.CowMids.VARIABLES)}
    directed = led.query("SELECT DISTINCT directed FROM dyad_attributes WHERE source_id='cow-mid'")
    assert directed["directed"].to_list() == [True]


def test_unknown_mid_fatalities_are_null_not_zero(loaded):
    led, _ = loaded
    raw = pl.read_parquet(MID_FILE)
    for column, variable in (("fatality1", "mid_fatality"), ("fatality", "mid_dispute_fatality")):
        assert _nulls(led, "cow-mid", variable) == (raw[column] == -9).sum() > 1000


# arms races ----------------------------------------------------------------------------------------


def test_arms_races_are_every_year_of_each_race_once(loaded):
    led, reports = loaded
    raw = pl.read_parquet(SHARED / "peacesciencer" / "grh_arms_races.parquet")
    expected = {
        (min(a, b), max(a, b), y)
        for a, b, s, e in raw.select("ccode1", "ccode2", "styear", "endyear").cast(pl.Int64).iter_rows()
        for y in range(s, e + 1)
    }
    got = led.query(
        "SELECT ccode1, ccode2, year FROM dyad_attributes WHERE source_id='grh-arms-races' "
        "AND variable='arms_race' AND value = 1 AND NOT directed"
    )
    assert set(got.iter_rows()) == expected
    assert reports["grh-arms-races"].rows_read == 71
    # the United States and the Soviet Union, 1978-1981 (race 63)
    us_ussr = [y for a, b, y in expected if (a, b) == (2, 365)]
    assert sorted(us_ussr) == [1978, 1979, 1980, 1981]


# the peace scale ------------------------------------------------------------------------------------


def test_peace_scale_values_and_recodes(loaded):
    led, reports = loaded
    # peacedata3.1.csv: 002020 warm peace (.75) to 1987-10-02, security community (1) from 1987-10-03
    assert [_dyad(led, "peace-scale", 2, 20, y, "peace_scale") for y in (1986, 1987, 1988)] == [
        0.75,
        0.8125,
        1,
    ]
    # West Germany is 255 in the file; COW's 260 from 1946 to unification, 255 before and after
    assert _dyad(led, "peace-scale", 2, 260, 1970, "peace_scale") == 0.5
    assert _dyad(led, "peace-scale", 2, 255, 1970, "peace_scale") == "absent"
    assert _dyad(led, "peace-scale", 2, 255, 1995, "peace_scale") == 0.5
    assert _dyad(led, "peace-scale", 403, 435, 2010, "peace_scale") == 0.5  # listed as 435403
    # USA-Russia: serious rivalry to 1989-11-08, a transition to 1992-02-01, then lesser rivalry (.25);
    # the producers' yearly file has 9 for 1990 and 1991: here the transition climbs from 0 to .25
    cold_war_end = [_dyad(led, "peace-scale", 2, 365, y, "peace_scale") for y in range(1988, 1994)]
    assert cold_war_end[0] == 0 and cold_war_end[-1] == 0.25
    assert cold_war_end == sorted(cold_war_end) and 0 < cold_war_end[2] < cold_war_end[3] < 0.25
    assert reports["peace-scale"].rows_read == len(PEACE_SPELLS.read_text().splitlines())
    src = led.source("peace-scale")
    assert "non-commercial" in src.licence.lower()
    assert (src.coverage_start, src.coverage_end) == (1900, 2020)


def test_peace_scale_matches_the_producers_yearly_means_outside_transitions(loaded):
    """The producers' dyad-year file is right wherever a dyad never went through a transition."""
    led, _ = loaded
    steady = {
        int(fields[0])
        for fields in (line.split(",") for line in PEACE_SPELLS.read_text().splitlines())
        if "-9" not in fields[2::2] and "255" not in (fields[0].zfill(6)[:3], fields[0].zfill(6)[3:])
    }
    theirs = pl.read_csv(PEACE_YEARS).filter(pl.col("dyad").is_in(steady))
    mine = led.query(
        "SELECT ccode1 * 1000 + ccode2 AS dyad, year AS yearmonth, value FROM dyad_attributes "
        "WHERE source_id = 'peace-scale'"
    )
    both = theirs.join(mine.cast({"dyad": pl.Int64, "yearmonth": pl.Int64}), on=["dyad", "yearmonth"])
    assert both.height > 0.95 * theirs.height
    same = ((both["value"] - both["peacelevel"]).abs() < 1e-9).sum()
    assert same / both.height > 0.999  # the few others: overlapping spells the producers averaged


# panels: NA outside coverage, 0 only where the source records every event ----------------------------


def test_mid_verb_directed_with_zero_for_no_dispute_and_na_outside(loaded):
    led, _ = loaded
    p = panel.dyad_years(led, years=(2012, 2016)).add_mids()
    f = p.frame
    row = f.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 20) & (pl.col("year") == 2013))
    assert row.select("mid_ongoing", "mid_onset", "mid_hostlev", "mid_fatality", "mid_dispnum").row(0) == (
        0,
        0,
        0,
        0,
        None,
    )
    after = f.filter(pl.col("year") > 2014)
    assert after.height and all(after[c].null_count() == after.height for c in p.columns_by_source["cow-mid"])
    before = f.filter(pl.col("year") <= 2014)
    assert before["mid_ongoing"].null_count() == 0 and before["mid_ongoing"].sum() > 0


def test_mid_verb_keeps_unknown_fatality_na_and_names_the_initiator(loaded):
    led, _ = loaded
    d = panel.dyad_years(led, years=(1982, 1982)).add_mids().frame
    arg, uk = (
        d.filter((pl.col("ccode1") == a) & (pl.col("ccode2") == b)) for a, b in ((160, 200), (200, 160))
    )
    assert arg["mid_initiated"].item() == 1 and uk["mid_initiated"].item() == 0
    assert arg["mid_fatality"].item() == uk["mid_fatality"].item() == 6
    raw = pl.read_parquet(MID_FILE).filter(pl.col("year") == 1982)
    assert d["mid_fatality"].null_count() == (raw["fatality"] == -9).sum()
    u = panel.dyad_years(led, years=(1982, 1982), directed=False).add_mids().frame
    falklands = u.filter((pl.col("ccode1") == 160) & (pl.col("ccode2") == 200))
    assert falklands.select("mid_initiated_12", "mid_initiated_21").row(0) == (1, 0)


def test_arms_race_and_peace_verbs_honour_coverage(loaded):
    led, _ = loaded
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a real state system: no warning about a bundled subset
        p = panel.dyad_years(led, years=(1978, 1996), directed=False).add_arms_races().add_peace()
    f = p.frame
    us_ussr = f.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 365)).sort("year")
    assert us_ussr["arms_race"].to_list() == [1] * 4 + [0] * 12 + [None] * 3
    assert f.filter(pl.col("year") > 1993)["arms_race"].null_count() == f.filter(pl.col("year") > 1993).height
    assert us_ussr["peace_scale"].null_count() == 0
    # a pair with no relationship in the peace data is NA, never a level
    assert f["peace_scale"].null_count() > f.height // 2
    early = panel.dyad_years(led, years=(1898, 1901), directed=False).add_peace().frame
    assert (
        early.filter(pl.col("year") < 1900)["peace_scale"].null_count()
        == early.filter(pl.col("year") < 1900).height
    )


# damaged or truncated files ------------------------------------------------------------------------

MID_HEADER = ",".join(["ccode1", "ccode2", "year", *conflict.CowMids.VARIABLES]) + "\n"


def _mid_row(c1: int, c2: int, year: int, hostlev: int = 4, fatality: int = 0) -> str:
    values = dict.fromkeys(conflict.CowMids.VARIABLES, 1) | {"hostlev1": hostlev, "hostlev": hostlev}
    values |= {"fatality1": fatality, "fatality": fatality, "fatalpre1": -9}
    return ",".join(str(v) for v in (c1, c2, year, *values.values())) + "\n"


def test_a_damaged_parquet_is_refused_naming_the_file(ledger, tmp_path):
    if not MID_FILE.is_file():
        pytest.skip("real datasets not found")
    cut = tmp_path / "cow_mid_ddydisps.parquet"
    cut.write_bytes(MID_FILE.read_bytes()[: MID_FILE.stat().st_size // 2])
    with pytest.raises(InputError, match="cannot read") as err:
        importers.run(ledger, conflict.CowMids(), [cut])
    assert "cow_mid_ddydisps.parquet" in str(err.value)
    assert ledger.count("dyad_attributes") == 0


def test_a_truncated_copy_after_a_full_import_is_refused(ledger, write):
    full = write("cow_mid_ddydisps.csv", MID_HEADER + "".join(_mid_row(2, 20, y) for y in range(1900, 1950)))
    importers.run(ledger, conflict.CowMids(), [full])
    before = ledger.count("dyad_attributes")
    cut = write("cut.csv", MID_HEADER + "".join(_mid_row(2, 20, y) for y in range(1900, 1910)))
    with pytest.raises(InputError, match="truncated or damaged"):
        importers.run(ledger, conflict.CowMids(), [cut])
    assert ledger.count("dyad_attributes") == before
    assert importers.run(ledger, conflict.CowMids(), [cut], allow_smaller=True).rows_read == 10


def test_values_off_the_codebook_are_rejected_and_unknowns_kept(ledger, write):
    body = _mid_row(2, 20, 1900) + _mid_row(20, 2, 1900, hostlev=7) + _mid_row(2, 40, 1901, fatality=-9)
    report = importers.run(ledger, conflict.CowMids(), [write("m.csv", MID_HEADER + body)])
    assert report.rejected == {"a value outside the codebook's range": 1}
    assert _dyad(ledger, "cow-mid", 2, 40, 1901, "mid_fatality") is None
    assert _dyad(ledger, "cow-mid", 2, 20, 1900, "mid_hostlev") == 4


@pytest.mark.parametrize(
    ("importer", "body", "field"),
    [
        (conflict.CowMids(), MID_HEADER.replace(",recip", "") + "2,20,1900\n", "recip"),
        (conflict.CowMids(), MID_HEADER + _mid_row(2, 20, 1900).replace("1900", "19x0"), "year"),
        (conflict.ArmsRaces(), "race_id,ccode1,ccode2,styear\n1,2,365,1978\n", "endyear"),
    ],
)
def test_bad_columns_raise_and_change_nothing(ledger, write, importer, body, field):
    path = write("bad.csv", body)
    with pytest.raises(InputError) as err:
        importers.run(ledger, importer, [path])
    assert "bad.csv" in str(err.value) and field in str(err.value)
    assert ledger.count("dyad_attributes") == 0


def test_hand_made_peace_spells(ledger, write):
    rows = (
        "2020,19850101-19871002,0.75,19871003-19901231,1,,\n"
        "2255,19600101-19611231,0.5,,,,\n"
        "2002,19900101-19901231,1,,,,\n"
        "2093,19200101-19201231,0.25,19210101-19221231,-9,19230101-19231231,0.75\n"
        "2094,19200101-19201231,0.6,.,,,\n"
    )
    report = importers.run(ledger, conflict.PeaceScale(), [write("p.csv", rows)])
    assert report.rejected == {
        "a state paired with itself": 1,
        "a spell whose period or level cannot be read (spells, not dyads)": 2,
    }
    got = {
        (a, b, y): v
        for a, b, y, v in ledger.query(
            "SELECT ccode1, ccode2, year, value FROM dyad_attributes WHERE source_id='peace-scale'"
        ).rows()
    }
    assert got[(2, 20, 1987)] == pytest.approx(0.8125) and got[(2, 20, 1990)] == 1
    assert got[(2, 260, 1960)] == got[(2, 260, 1961)] == 0.5
    # 24 transition months from .25 to .75: month i is .25 + .5 i / 25
    assert got[(2, 93, 1921)] == pytest.approx(0.25 + 0.5 * 6.5 / 25)
    assert got[(2, 93, 1922)] == pytest.approx(0.25 + 0.5 * 18.5 / 25)
    assert (got[(2, 93, 1920)], got[(2, 93, 1923)]) == (0.25, 0.75)
    assert len(got) == 6 + 2 + 4


def test_a_peace_file_of_another_layout_is_refused(ledger, write):
    with pytest.raises(InputError, match="spell layout") as err:
        importers.run(
            ledger, conflict.PeaceScale(), [write("p.csv", "dyad,yearmonth,peacelevel,x\n2020,1920,1,0\n")]
        )
    assert "p.csv" in str(err.value)
    assert ledger.count("dyad_attributes") == 0


def test_races_that_end_before_they_start_are_rejected(ledger, write):
    body = "race_id,ccode1,ccode2,styear,endyear\n1,365,2,1978,1981\n2,2,365,1990,1989\n3,2,365,1980,1983\n"
    report = importers.run(ledger, conflict.ArmsRaces(), [write("r.csv", body)])
    assert report.rejected == {"end year before start year": 1}
    years = ledger.query("SELECT year FROM dyad_attributes WHERE ccode1=2 AND ccode2=365 ORDER BY year")
    assert years["year"].to_list() == [1978, 1979, 1980, 1981, 1982, 1983]


# the spell parser: yearly means of months, whatever the spells -----------------------------------------


def _spell_row(dyad: int, cuts: list[int], levels: list[float]) -> list[str]:
    """One line of the spell file: spell i runs over months cuts[i] … cuts[i+1] − 1 (months since
    year 0), written with the day of the month as the producers do."""
    fields = [str(dyad)]
    for (a, b), level in zip(itertools.pairwise(cuts), levels, strict=False):
        fields += [
            f"{a // 12:04d}{a % 12 + 1:02d}01-{(b - 1) // 12:04d}{(b - 1) % 12 + 1:02d}28",
            f"{level:g}",
        ]
    return fields


@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=5),
    st.lists(st.sampled_from([*conflict.LEVELS, conflict.TRANSITION]), min_size=5, max_size=5),
)
def test_yearly_means_are_the_means_of_the_months(lengths, levels):
    start = 1950 * 12 + 3
    cuts = list(itertools.accumulate(lengths, initial=start))
    levels = levels[: len(lengths)]
    fields = _spell_row(2020, cuts, levels)
    raw = pl.DataFrame(
        [fields + [None] * (11 - len(fields))], schema=[f"c{i}" for i in range(11)], orient="row"
    )
    got = {k % 4096: v for k, v in conflict._yearly(raw, SourceReport("peace-scale")).iter_rows()}
    months = [lv for n, lv in zip(lengths, levels, strict=True) for _ in range(n)]
    known = [lv for lv in months if lv != conflict.TRANSITION]
    assert set(got) == {m // 12 for m in range(cuts[0], cuts[-1])}
    if not known:  # nothing but a transition: no level to interpolate from
        assert all(v is None for v in got.values())
        return
    for year, value in got.items():
        assert min(known) <= value <= max(known)
        year_months = [months[m - start] for m in range(max(start, year * 12), min(cuts[-1], year * 12 + 12))]
        if conflict.TRANSITION not in months:
            assert value == pytest.approx(sum(year_months) / len(year_months))
