"""Python conveniences: `Panel.filter` and `Panel.add_names`, the one-liners `legation.troops`,
`legation.arms` and `legation.alliances`, the plotly figures of `legation.plots`, and an
``import legation`` that loads none of them until they are used."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import legation
from api_helpers import sample_ledger
from legation import plots
from legation.errors import InvalidValueError, NeedsDataError
from legation.instruments import INSTRUMENTS
from legation.ledger import Ledger
from legation.panel import Panel, from_frame

ROOT = Path(__file__).resolve().parents[1]

# a hand-made directed dyad-year frame: the US, China and the Philippines, 2000–2003
FRAME = pl.DataFrame(
    [
        (a, b, y, float(a + b + y))
        for a in (2, 710, 840)
        for b in (2, 710, 840)
        if a != b
        for y in range(2000, 2004)
    ],
    schema={"ccode1": pl.Int16, "ccode2": pl.Int16, "year": pl.Int16, "v": pl.Float64},
    orient="row",
)


@pytest.fixture
def dyads(ledger):
    return from_frame(FRAME, ledger)


def test_filter_by_years_states_and_expressions(dyads):
    p = dyads.filter(years=(2001, 2002), states="Philippines")
    assert p.years == (2001, 2002)
    assert set(p.frame["year"]) == {2001, 2002}
    assert ((p.frame["ccode1"] == 840) | (p.frame["ccode2"] == 840)).all()
    assert p.frame.height == 4 * 2  # four directed dyads with the Philippines, two years
    both = dyads.filter(states=["USA", 710], side="both")
    assert sorted(set(zip(both.frame["ccode1"], both.frame["ccode2"], strict=True))) == [(2, 710), (710, 2)]
    assert set(dyads.filter(states=840, side="ccode2").frame["ccode2"]) == {840}
    big = dyads.filter(pl.col("v") > 2800, years=2003)
    assert big.frame["year"].to_list() == [2003] * big.frame.height
    assert (big.frame["v"] > 2800).all() and big.frame.height == 4  # the four dyads with code sums over 800
    assert dyads.filter().frame.equals(dyads.frame)


def test_filter_refuses_what_it_cannot_read(dyads):
    with pytest.raises(InvalidValueError, match="not a state"):
        dyads.filter(states="NATO")
    with pytest.raises(InvalidValueError, match="side"):
        dyads.filter(states=2, side="left")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="first year is after the last"):
        dyads.filter(years=(2003, 2001))


@given(st.integers(2000, 2003), st.integers(2000, 2003), st.sampled_from([2, 710, 840]))
def test_filter_keeps_exactly_the_rows_asked_for(first, last, state):
    lo, hi = min(first, last), max(first, last)
    panel = Panel(FRAME, "dyad", True, "cow", (2000, 2003), Path("no ledger is read for codes"))
    p = panel.filter(years=(lo, hi), states=[state], side="ccode1")
    assert p.years == (lo, hi)
    expected = FRAME.filter(pl.col("year").is_between(lo, hi), pl.col("ccode1") == state)
    assert p.frame.equals(expected)


def test_add_names_puts_each_name_beside_its_code(dyads, ledger):
    named = dyads.add_names().frame
    assert named.columns == ["ccode1", "name1", "ccode2", "name2", "year", "v"]
    pairs = set(zip(named["ccode1"], named["name1"], strict=True))
    assert pairs == {(2, "United States of America"), (710, "China"), (840, "Philippines")}
    assert dyads.add_names().add_names().frame.columns == named.columns  # once, however often
    states = from_frame(pl.DataFrame({"ccode": [2, 840], "year": [2000, 2000]}), ledger).add_names()
    assert states.frame.columns == ["ccode", "name", "year"]
    assert states.frame["name"].to_list() == ["United States of America", "Philippines"]


# the one-liners, on the real data -------------------------------------------------------------------


def test_troops_in_japan_as_troopdata_gives_them(full_ledger_path):
    japan = legation.troops(host="JPN", years=(1990, 2020), ledger=full_ledger_path)
    assert japan.columns == ["ccode", "name", "year", "troops"]
    assert japan["year"].to_list() == list(range(1990, 2021))
    assert set(japan["name"]) == {"Japan"} and japan["troops"].null_count() == 0
    assert japan["troops"].is_between(25_000, 80_000).all()  # some 33–72 thousand through the period
    before = legation.troops(host=200, years=(1945, 1952), ledger=full_ledger_path)  # the UK
    assert before.filter(pl.col("year") < 1950)["troops"].null_count() == 5  # before the data: NA, not 0


def test_arms_and_alliances_name_both_sides(full_ledger):
    arms = legation.arms(supplier="RUS", recipient="IND", ledger=full_ledger)
    assert arms.columns[:5] == ["ccode1", "name1", "ccode2", "name2", "year"]
    assert (arms["year"].min(), arms["year"].max()) == (1950, 2021)  # the source's coverage by default
    assert arms.filter(pl.col("year").is_between(2000, 2010))["arms_tiv"].sum() > 10_000
    late = legation.arms(supplier="RUS", recipient="IND", years=(2020, 2023), ledger=full_ledger)
    assert late.filter(pl.col("year") > 2021)["arms_tiv"].null_count() == 2  # after SIPRI's data: NA
    philippines = legation.alliances("PHL", years=2010, ledger=full_ledger)
    assert set(philippines["ccode1"]) == {840} and philippines.height > 150  # to every other state
    allies = philippines.filter(pl.col("atop_defense") == 1)["name2"].to_list()
    assert allies == ["United States of America"]


def test_one_liners_say_what_to_import(tmp_path):
    path = sample_ledger(tmp_path / "s.duckdb")
    with pytest.raises(NeedsDataError, match="import"):
        legation.troops(host="JPN", ledger=path)


# figures -----------------------------------------------------------------------------------------------


def test_figures_colour_each_instrument_and_count_in_whole_numbers(tmp_path):
    with Ledger(sample_ledger(tmp_path / "s.duckdb"), read_only=True) as led:
        rows = led.engagements()
    fig = plots.engagements(rows, source="legation curated sample")
    names = [t.name for t in fig.data]
    assert names == [i for i in INSTRUMENTS if i in set(rows["instrument"])]  # the vocabulary's order
    assert all(t.marker.color == plots.colour(t.name) for t in fig.data)
    assert sum(sum(t.y) for t in fig.data) == rows.height
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.barmode == "stack"
    assert "legation curated sample" in fig.layout.annotations[0].text
    assert len(set(plots.PALETTE)) == len(INSTRUMENTS)


def test_contest_figure_leaves_gaps_where_there_is_no_share():
    frame = pl.DataFrame(
        {"patron": [2, 2, 710, 710], "year": [2000, 2001, 2000, 2001], "share": [0.75, None, 0.25, None]}
    )
    fig = plots.contest(frame, {2: "United States", 710: "China"})
    assert [t.name for t in fig.data] == ["United States", "China"]
    assert fig.data[0].y == (0.75, None) and fig.data[0].connectgaps is False
    with pytest.raises(InvalidValueError, match="share"):
        plots.contest(frame.drop("share"))


def test_series_and_troops_figures(full_ledger):
    frame = legation.troops(host=["JPN", "KOR"], years=(2000, 2005), ledger=full_ledger)
    fig = plots.troops(frame)
    assert sorted(t.name for t in fig.data) == ["Japan", "South Korea"]
    line = plots.series(frame, "troops")
    assert [len(t.x) for t in line.data] == [6, 6]


def test_the_palette_is_the_dashboards():
    js = (ROOT / "src" / "legation" / "web" / "app.js").read_text(encoding="utf-8")
    block = re.search(r"const PALETTE = \[(.*?)\];", js, re.S)
    assert block is not None
    assert tuple(re.findall(r'"(#[0-9A-Fa-f]{6})"', block.group(1))) == plots.PALETTE


def test_import_legation_loads_them_on_first_use():
    code = (
        "import sys, legation\n"
        "assert 'legation.quick' not in sys.modules and 'polars' not in sys.modules\n"
        "assert callable(legation.troops) and 'legation.quick' in sys.modules\n"
        "assert legation.plots.PALETTE\n"
        "try:\n    legation.nothing\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
