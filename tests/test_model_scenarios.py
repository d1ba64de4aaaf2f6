"""Scenarios on the real data: the file format and its errors, the input paths, the six shipped
scenarios, the backtest, and sensitivity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from legation.errors import InputError
from legation.model import backtest, results, scenario, sensitivity, simulation
from legation.model.calibrate import calibrate_history, data_versions
from legation.model.inputs import history
from legation.model.paths import Change, project, recorded

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "examples" / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def hist(full_ledger):
    return history(full_ledger)


@pytest.fixture(scope="module")
def ps(full_ledger, hist):
    """One calibration for the module (a simulation without a parameter set calibrates its own)."""
    return calibrate_history(
        hist, (1991, 2015), boot=50, window=simulation.WINDOW, data_versions=data_versions(full_ledger)
    )


# the file format ----------------------------------------------------------------------------------


def test_a_scenario_resolves_states_and_defaults():
    sc = scenario.parse(
        "name: t\npatrons: [USA, 710]\ntargets: [Philippines]\n"
        "interventions:\n  - {instrument: exercise, actor: USA, partner: PHL, start: 2016, magnitude: 2}\n"
    )
    assert sc.patrons == [2, 710] and sc.targets == [840] and sc.horizon == 10 and sc.draws == 1000
    assert sc.interventions[0].end is None and sc.interventions[0].magnitude == 2


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("name: t\nhorizon: 99\n", 2, "horizon", "less than or equal to 30"),
        ("name: t\ntargets: [Atlantis]\n", 2, "targets.0", "unknown state"),
        (
            "name: t\ninterventions:\n  - instrument: exercise\n    actor: USA\n    partner: PHL\n"
            "    start: 2016\n",
            3,
            "interventions.0",
            "exactly one of 'magnitude'",
        ),
        (
            "name: t\ninterventions:\n"
            "  - {instrument: lasers, actor: USA, partner: PHL, start: 2016, factor: 2}\n",
            3,
            "interventions.0.instrument",
            "unknown instrument 'lasers'",
        ),
        (
            "name: t\nshocks:\n  - {kind: cutoff, actor: RUS, partner: IND, year: 2018}\n",
            3,
            "shocks.0",
            "names the",
        ),
        ("name: t\nsurprise: 1\n", 2, "surprise", "Extra inputs"),
    ],
)
def test_errors_name_the_file_line_and_field(text, line, field, message):
    with pytest.raises(InputError) as e:
        scenario.parse(text, "s.yaml")
    p = e.value.problems[0]
    assert (p.file, p.row, p.field) == ("s.yaml", line, field)
    assert message in p.message


def test_hostile_yaml_is_refused():
    with pytest.raises(InputError, match="an alias"):
        scenario.parse("a: &x [1, 2]\nb: *x\n")
    with pytest.raises(InputError, match="line 3"):
        scenario.parse("name: t\nhorizon: [\n")
    with pytest.raises(InputError, match="expected a mapping"):
        scenario.parse("- 1\n")
    with pytest.raises(InputError, match="nested more than"):
        scenario.parse("a: " + "[" * 20 + "]" * 20)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_say_what_they_ask(path):
    text = path.read_text()
    assert text.startswith("# What it asks:") and "# What the model can answer:" in text
    scenario.parse(text, str(path))


def test_there_are_six_shipped_scenarios():
    assert len(SHIPPED) == 6


# input paths --------------------------------------------------------------------------------------


def test_an_added_arms_flow_raises_the_score_and_takes_dependence_from_the_others(full_ledger):
    rec = recorded(full_ledger, 2015, 8, ("arms",))
    pairs = np.array([[710, 840], [2, 840]])
    base = project(rec, pairs, 2015, 8, (), ("arms",))
    more = project(rec, pairs, 2015, 8, [Change("arms", 710, 840, 2016, 2023, add=200.0)], ("arms",))
    np.testing.assert_array_equal(base.scores[:, :, 0], more.scores[:, :, 0])  # the base year is the ledger's
    assert np.all(more.scores[0, 0, 2:] > base.scores[0, 0, 2:])  # China's score on the Philippines rises
    assert np.all(more.scores[0, 1, 2:] < base.scores[0, 1, 2:])  # the US share of its arms falls
    cut = project(rec, pairs, 2015, 8, [Change("arms", 2, 840, 2016, 2023, factor=0.0)], ("arms",))
    assert np.all(np.diff(cut.scores[0, 1, 1:]) < 0)  # a cut-off US stock only decays


# the shipped scenarios on the real data -----------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_run_and_differ_from_the_baseline(full_ledger, hist, ps, path):
    sc = scenario.load(path)
    p = simulation.plan(full_ledger, sc, ps, hist=hist, draws=250)
    draws = simulation.run_blocks(p)
    n = 3 * 250 * p.start.pairs.shape[0] * sc.horizon
    assert draws.height == n * (1 + len(p.risks))  # alignment and each risk's events
    assert draws.filter(pl.col("metric") == "alignment").height == n
    head = results.headline(results.summarise(draws))
    assert (
        head.height == p.start.pairs.shape[0] and head["year"].to_list() == [2015 + sc.horizon] * head.height
    )
    assert head.filter(pl.col("difference").abs() > 1e-4).height >= 1  # the scenario changes something
    assert (head["lo90"] <= head["difference"]).all() and (head["difference"] <= head["hi90"]).all()
    assert p.params.data_versions  # the parameter set records the data it came from


def test_a_pair_untouched_by_a_scenario_has_no_effect(full_ledger, hist):
    sc = scenario.load(ROOT / "examples" / "scenarios" / "russia_iran.yaml")
    p = simulation.plan(full_ledger, sc, hist=hist, draws=100)  # calibrates its own parameters
    assert p.params.train == (1991, 2015)
    head = results.headline(results.summarise(simulation.run_blocks(p)))
    israel = head.filter(pl.col("target") == 666)  # nothing in the scenario touches Israel
    assert israel.height == 3 and (israel["difference"] == 0).all()


def test_sensitivity_finds_the_channels_the_scenario_uses(full_ledger, hist, ps):
    sc = scenario.load(ROOT / "examples" / "scenarios" / "russia_india_arms.yaml")
    p = simulation.plan(full_ledger, sc, ps, hist=hist, draws=100)
    s = sensitivity.sobol(p, n=64)
    top = s["parameter"][0]
    assert top == "beta_arms"
    unused = s.filter(pl.col("parameter").is_in(["beta_alliance", "beta_basing", "q", "r"]))
    assert (unused["ST"] < 0.01).all()


# the backtest -------------------------------------------------------------------------------------


def test_the_backtest_scores_every_method_on_the_same_pairs(hist):
    table = backtest.backtest(hist, (2000,), (5,), backtest.Design(members=100, boot=10))
    assert set(table["method"]) == set(backtest.METHODS)
    assert table["n"].n_unique() == 1 and table["n"][0] > 500
    assert table.filter((pl.col("crps") <= 0) | (pl.col("crps") > 0.2)).height == 0
    assert table.filter(~pl.col("cover80").is_between(0.3, 1.0)).height == 0
    assert (table["cover80"] >= table["cover50"]).all()
    s = backtest.summary(table)
    assert s.filter(pl.col("method").is_in(backtest.BASELINES))["skill"].max() == pytest.approx(0.0)
