"""Democracy scores and dyadic trade: facts checked against the real files, coverage in panels, damaged
input refused; and the five sources of the model's data found, cited and deleted like every other."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import SHARED
from legation import panel
from legation.cli import app
from legation.errors import InputError
from legation.ledger import Ledger, importers, imports_log
from legation.ledger.importers import democracy, trade

NEW = ("cow-mid", "grh-arms-races", "peace-scale", "democracy-scores", "cow-trade")
DEMOCRACY_FILE = SHARED / "peacesciencer" / "ccode_democracy.parquet"
TRADE_FILE = SHARED / "peacesciencer" / "cow_trade_ndy.parquet"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Iterator[tuple[Ledger, dict]]:
    """One ledger with the COW system and democracy and trade imported from the real files."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    with Ledger(tmp_path_factory.mktemp("politics") / "l.duckdb") as led:
        importers.import_dir(led, SHARED, only=["cow-system"])
        reports = {
            r.source: r for r in importers.import_dir(led, SHARED, only=["democracy-scores", "cow-trade"])
        }
        yield led, reports


def _state(led: Ledger, ccode: int, year: int, variable: str):
    rows = led.query(
        "SELECT value FROM state_attributes WHERE source_id='democracy-scores' AND ccode=? AND year=? "
        "AND variable=?",
        [ccode, year, variable],
    )["value"].to_list()
    assert len(rows) <= 1
    return rows[0] if rows else "absent"


def _trade(led: Ledger, c1: int, c2: int, year: int, variable: str = "trade_exports"):
    rows = led.query(
        "SELECT value FROM dyad_attributes WHERE source_id='cow-trade' AND ccode1=? AND ccode2=? AND year=? "
        "AND variable=?",
        [c1, c2, year, variable],
    )["value"].to_list()
    assert len(rows) <= 1
    return rows[0] if rows else "absent"


# democracy -------------------------------------------------------------------------------------------


def test_democracy_scores_equal_the_source(loaded):
    led, reports = loaded
    # ccode_democracy: USA 2000 polyarchy .863, polity2 10; Russia 2000 .422, 6, extended UDS .770638
    us = [_state(led, 2, 2000, v) for v in democracy.Democracy.VARIABLES]
    assert us == pytest.approx([0.863, 10, 1.590669], abs=1e-6)
    assert _state(led, 365, 2000, "polity2") == 6
    assert _state(led, 365, 2000, "xm_qudsest") == pytest.approx(0.770638, abs=1e-6)
    raw = pl.read_parquet(DEMOCRACY_FILE)
    r = reports["democracy-scores"]
    assert r.rows_read == raw.height and not r.rejected
    assert r.written == {"state_attributes": raw.height * 3}
    nulls = led.query(
        "SELECT variable, count(*) AS n FROM state_attributes WHERE source_id='democracy-scores' "
        "AND value IS NULL GROUP BY 1"
    )
    assert dict(nulls.iter_rows()) == {v: raw[v].null_count() for v in democracy.Democracy.VARIABLES}


def test_democracy_verb_on_states_and_both_sides_of_a_dyad(loaded):
    led, _ = loaded
    s = panel.state_years(led, years=(2016, 2021)).add_democracy().frame
    us = s.filter(pl.col("ccode") == 2).sort("year")
    assert us["v2x_polyarchy"].to_list()[:4] == [0.89, 0.834, 0.839, 0.798]
    assert us["polity2"].to_list()[2:] == [None] * 4  # Polity ends with 2017 in this file
    late = s.filter(pl.col("year") > 2019)
    assert all(late[v].null_count() == late.height for v in democracy.Democracy.VARIABLES)  # NA, never 0
    d = panel.dyad_years(led, years=(2000, 2000)).add_democracy().frame
    row = d.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 365))
    assert row.select("polity21", "polity22", "v2x_polyarchy2").row(0) == (10, 6, 0.422)


# trade -----------------------------------------------------------------------------------------------


def test_trade_is_written_in_both_directions(loaded):
    led, reports = loaded
    # cow_trade_ndy (2, 710, 2014): flow1 = US imports from China 472,525; flow2 = China's from the US 183,283
    assert _trade(led, 710, 2, 2014) == 472_525
    assert _trade(led, 2, 710, 2014) == 183_283
    assert _trade(led, 2, 20, 2000, "trade_exports_smooth") == 169_068
    raw = pl.read_parquet(TRADE_FILE)
    r = reports["cow-trade"]
    assert r.rows_read == raw.height and not r.rejected
    assert r.written == {"dyad_attributes": raw.height * 4}
    missing = led.query(
        "SELECT count(*) AS n FROM dyad_attributes WHERE source_id='cow-trade' AND variable='trade_exports' "
        "AND value IS NULL"
    )["n"][0]
    assert missing == raw["flow1"].null_count() + raw["flow2"].null_count() > 0
    directed = led.query("SELECT DISTINCT directed FROM dyad_attributes WHERE source_id='cow-trade'")
    assert directed["directed"].to_list() == [True]


def test_trade_verb_is_directed_and_na_where_cow_has_no_figure(loaded):
    led, _ = loaded
    p = panel.dyad_years(led, years=(2013, 2016)).add_trade()
    f = p.frame
    us_china = f.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 710)).sort("year")
    assert us_china["trade_exports"].to_list()[1:] == [183_283, None, None]
    after = f.filter(pl.col("year") > 2014)
    assert after["trade_exports"].null_count() == after.height
    inside = f.filter(pl.col("year") <= 2014)
    assert 0 < inside["trade_exports"].null_count() < inside.height  # pairs COW has no figure for
    u = panel.dyad_years(led, years=(2014, 2014), directed=False).add_trade().frame
    row = u.filter((pl.col("ccode1") == 2) & (pl.col("ccode2") == 710))
    assert row.select("trade_exports_12", "trade_exports_21").row(0) == (183_283, 472_525)


# bad input -------------------------------------------------------------------------------------------

TRADE_HEADER = "ccode1,ccode2,year,flow1,flow2,smoothflow1,smoothflow2\n"
DEMOCRACY_HEADER = "ccode,year,v2x_polyarchy,polity2,xm_qudsest\n"


def test_off_scale_scores_and_negative_flows_are_rejected(ledger, write):
    body = "2,2000,0.86,10,1.5\n20,2000,1.7,10,1.4\n200,2000,0.8,-11,1.2\n220,2000,,,\n"
    report = importers.run(ledger, democracy.Democracy(), [write("d.csv", DEMOCRACY_HEADER + body)])
    assert report.rejected == {"a score outside its scale": 2}
    assert report.written == {"state_attributes": 6}
    body = "2,20,2000,5,6,5,6\n2,200,2000,-3,1,1,1\n2,220,2000,-9,4,,4\n"
    report = importers.run(ledger, trade.CowTrade(), [write("t.csv", TRADE_HEADER + body)])
    assert report.rejected == {"a negative trade flow": 1}
    got = ledger.query(
        "SELECT ccode1, ccode2, variable, value FROM dyad_attributes WHERE source_id='cow-trade' "
        "AND ccode2 = 2 ORDER BY ALL"
    ).rows()
    assert got == [
        (20, 2, "trade_exports", 5.0),  # flow1: 2's imports from 20
        (20, 2, "trade_exports_smooth", 5.0),
        (220, 2, "trade_exports", None),  # -9: missing, not 0
        (220, 2, "trade_exports_smooth", None),
    ]
    assert _trade(ledger, 2, 20, 2000) == 6 and _trade(ledger, 2, 220, 2000) == 4


@pytest.mark.parametrize(
    ("importer", "body", "field"),
    [
        (democracy.Democracy(), "ccode,year,v2x_polyarchy,polity2\n2,2000,0.8,10\n", "xm_qudsest"),
        (democracy.Democracy(), DEMOCRACY_HEADER + "2,2000.5,0.8,10,1\n", "year"),
        (trade.CowTrade(), TRADE_HEADER.replace(",smoothflow2", "") + "2,20,2000,1,1,1\n", "smoothflow2"),
        (trade.CowTrade(), TRADE_HEADER + "2,USA,2000,1,1,1,1\n", "ccode2"),
    ],
)
def test_bad_columns_raise_and_change_nothing(ledger, write, importer, body, field):
    with pytest.raises(InputError) as err:
        importers.run(ledger, importer, [write("bad.csv", body)])
    assert "bad.csv" in str(err.value) and field in str(err.value)
    assert ledger.count("dyad_attributes") == ledger.count("state_attributes") == 0


def test_a_truncated_trade_copy_is_refused_after_the_real_one(loaded, tmp_path):
    led, _ = loaded
    before = led.count("dyad_attributes")
    cut = tmp_path / "cow_trade_ndy.parquet"
    pl.read_parquet(TRADE_FILE).head(100_000).write_parquet(cut)
    with pytest.raises(InputError, match="truncated or damaged"):
        importers.run(led, trade.CowTrade(), [cut])
    assert led.count("dyad_attributes") == before


# the five sources: found, cited, deleted ------------------------------------------------------------


def test_import_dir_cite_and_delete_the_new_sources(shared_data, tmp_path):
    db = tmp_path / "l.duckdb"
    with Ledger(db) as led:
        importers.import_dir(led, shared_data, only=["cow-system"])
        counts = led.count("dyad_attributes"), led.count("state_attributes")
        reports = importers.import_dir(led, shared_data, only=list(NEW))
        assert sorted(r.source for r in reports) == sorted(NEW)
        assert led.count("dyad_attributes") > counts[0] and led.count("state_attributes") > counts[1]
    res = CliRunner().invoke(app, ["cite", *NEW, "--db", str(db)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for sid, words in {
        "cow-mid": "MID5 Dataset",
        "grh-arms-races": "Taking Arms Against a Sea",
        "peace-scale": "Puzzle of Peace",
        "democracy-scores": "V-Dem Codebook v10",
        "cow-trade": "Trading Data",
    }.items():
        assert f"[{sid}]" in res.output and words in res.output, sid
    with Ledger(db) as led:
        log = imports_log.imports(led)
        for import_id, fmt in log.select("id", "format").iter_rows():
            if fmt.removeprefix("source:") in NEW:
                imports_log.delete_import(led, import_id)
        assert (led.count("dyad_attributes"), led.count("state_attributes")) == counts
