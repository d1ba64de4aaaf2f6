"""Influence index, national scores and validation: hand-computed cases and facts on the real data."""

from __future__ import annotations

import math

import polars as pl
import pytest
from typer.testing import CliRunner

from legation.cli import app
from legation.measures import influence as inf
from legation.measures import scores
from legation.measures.validation import common_support

# hand-computed ---------------------------------------------------------------------------------


def test_v1_bandwidth_dependence_and_score_by_hand():
    stock = pl.DataFrame(
        {"patron": [1, 2, 1], "target": [9, 9, 8], "year": [2000] * 3, "stock": [3.0, 1.0, 7.0]}
    )
    out = {(r["patron"], r["target"]): r for r in inf.score_stocks(stock).iter_rows(named=True)}
    top = math.log1p(7.0)
    # bandwidth: log(1 + S) over the year's largest; dependence: share of the target's total
    assert out[(1, 9)]["bandwidth"] == pytest.approx(math.log1p(3) / top)
    assert out[(1, 9)]["dependence"] == pytest.approx(0.75) and out[(2, 9)]["dependence"] == pytest.approx(
        0.25
    )
    assert out[(1, 8)]["score"] == pytest.approx(1.0)
    assert out[(2, 9)]["score"] == pytest.approx(math.log1p(1) / top * 0.25)


def test_composite_weights_available_channels_and_coverage():
    scores_ = pl.DataFrame(
        {
            "patron": [1, 1, 2],
            "target": [9, 9, 9],
            "year": [2000] * 3,
            "channel": ["alliance", "arms", "arms"],
            "score": [0.5, 0.2, 0.8],
        }
    )
    w = {"alliance": 0.5, "arms": 0.5}
    plain = inf.composite(scores_, w).sort("patron")
    # patron 2 has no alliance row: left out of its mean without coverage
    assert plain["influence"].to_list() == pytest.approx([0.35, 0.8])
    cover = pl.DataFrame(
        {
            "patron": [1, 1, 2, 2],
            "year": [2000] * 4,
            "channel": ["alliance", "arms"] * 2,
            "covered": [True, True, True, True],
        }
    )
    covered = inf.composite(scores_, w, coverage=cover).sort("patron")
    # with coverage, patron 2's alliance is a recorded 0
    assert covered["influence"].to_list() == pytest.approx([0.35, 0.4])


def test_contest_outward_exposure():
    infl = pl.DataFrame(
        {"patron": [1, 2, 1], "target": [9, 9, 8], "year": [2000] * 3, "influence": [0.3, 0.1, 0.2]}
    )
    c = inf.contest(infl, 9, [1, 2, 3]).sort("patron")
    assert c["share"].to_list() == pytest.approx([0.75, 0.25, 0.0])
    assert inf.outward(infl).filter(pl.col("patron") == 1)["outward"].item() == pytest.approx(0.5)
    assert inf.exposure(infl).filter(pl.col("target") == 9)["exposure"].item() == pytest.approx(0.4)


def test_common_support_drops_a_channel_missing_for_some_patron():
    d = pl.DataFrame(
        {
            "patron": [1, 2],
            "target": [9, 9],
            "year": [2000, 2000],
            "score_a": [0.5, None],
            "score_b": [None, None],
            "score_c": [0.1, 0.2],
        }
    )
    out = common_support(d, ["score_a", "score_b", "score_c"]).with_columns(pl.all().fill_null(0.0))
    assert out["score_a"].to_list() == [0.0, 0.0] and out["score_c"].to_list() == [0.1, 0.2]


# real data -------------------------------------------------------------------------------------


def test_us_has_the_highest_outward_influence_in_2010(full_ledger):
    infl = inf.influence(full_ledger, (1946, 2010), index="v1")
    top = inf.outward(infl).filter(pl.col("year") == 2010).sort("outward", descending=True)
    assert top["patron"][0] == 2


def test_russia_is_indias_top_arms_patron_2010_2014(full_ledger):
    s = inf.channel_scores(full_ledger, (2010, 2014), ["arms"]).filter(pl.col("target") == 750)
    for year in range(2010, 2015):
        top = s.filter(pl.col("year") == year).sort("dependence", descending=True).row(0, named=True)
        assert top["patron"] == 365 and top["dependence"] > 0.5, year


def test_channels_are_na_outside_their_coverage(full_ledger):
    grid = inf.coverage_grid(full_ledger, (2010, 2014), [2, 710], ["exercise", "basing"])
    covered = {(r["patron"], r["year"], r["channel"]): r["covered"] for r in grid.iter_rows(named=True)}
    assert covered[(2, 2010, "exercise")] and not covered[(2, 2011, "exercise")]  # MME/JME end in 2010
    assert covered[(2, 2014, "basing")] and not covered[(710, 2014, "basing")]  # US troop data only


def test_defence_networks_and_power_gap(full_ledger):
    dn = scores.defence_networks(full_ledger, (2010, 2010))
    assert dn["ccode"][0] == 2 and dn["score"][0] == pytest.approx(100.0)
    for c in (*scores.COMPONENTS, "score"):
        assert dn[c].min() >= 0 and dn[c].max() <= 100 + 1e-9
    custom = scores.defence_networks(full_ledger, (2010, 2010), {"arms_transfers": 1.0})
    assert custom.sort("arms_transfers", descending=True)["ccode"][0] == custom["ccode"][0]
    with pytest.raises(ValueError, match="unknown components"):
        scores.defence_networks(full_ledger, (2010, 2010), {"navy": 1.0})
    gap = scores.power_gap(full_ledger, inf.influence(full_ledger, (1946, 2010)), (2010, 2010))
    assert abs(gap["power_gap"].mean()) < 1e-9  # least-squares residuals
    assert gap.filter(pl.col("ccode") == 2)["power_gap"].item() > 0


def test_cli_influence_and_scores(full_ledger):
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["influence", "--db", str(full_ledger.path), "--target", "PHL", "--years", "2010-2012"],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "USA" in res.output and "2012" in res.output
    res = runner.invoke(
        app, ["scores", "--db", str(full_ledger.path), "--year", "2010", "--top", "5"], env={"COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    assert "United States" in res.output


def test_influence_on_dyad_years_is_zero_inside_coverage_na_outside(full_ledger):
    from legation import panel

    infl = inf.influence(full_ledger, (1946, 2023))
    f = inf.on_dyad_years(full_ledger, infl, panel.dyad_years(full_ledger, years=(2010, 2023)).frame)
    assert f["influence"].filter(f["year"] == 2010).null_count() == 0
    assert f.filter((pl.col("ccode1") == 2) & (pl.col("year") == 2023))["influence"].null_count() == 0
    late = f.filter((pl.col("ccode1") == 710) & (pl.col("year") == 2023))
    assert late.height and late["influence"].null_count() == late.height  # no channel records China in 2023


def test_cli_network_and_validate(full_ledger, tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["network", "--db", str(full_ledger.path), "--year", "2005", "--channel", "alliance"],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert "United States" in res.output and "blocs:" in res.output
    res = runner.invoke(
        app, ["network", "--db", str(full_ledger.path), "--year", "2014", "--channel", "exercise"]
    )
    assert res.exit_code != 0 and "coverage" in res.output
    res = runner.invoke(app, ["validate", "--db", str(full_ledger.path), "--format", "yaml"])
    assert res.exit_code != 0 and "format" in res.output
