"""Plan files (errors with file, line and field), the shipped plans on the real data, and the
`legation optimise` command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legation.cli import app
from legation.model.optimise import PlanError, load, parse, run
from legation.model.optimise.history import instance, partners

PLANS = Path(__file__).resolve().parents[1] / "examples" / "plans"
runner = CliRunner()

GOOD = """\
name: test
patron: USA
base_year: 2010
horizon: 2
budget:
  total: 100
  per_year: 60
partners:
  states: [Philippines, Vietnam, Thailand]
instruments: [training, exercise]
"""


def test_a_good_plan_parses():
    plan = parse(GOOD)
    assert plan.years == (2011, 2012)
    assert partners(plan) == (2, [800, 816, 840])


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (GOOD.replace("total: 100", "total: -5"), 6, "budget.total", "greater than or equal to 0"),
        (
            GOOD.replace("[training, exercise]", "[training, exercize]"),
            10,
            "instruments.1",
            "unknown instrument",
        ),
        (GOOD.replace("per_year: 60", "per_year: [60, 40, 20]"), 7, "budget.per_year", "lists 3 years"),
        (GOOD + "colour: blue\n", 11, "colour", "Extra inputs are not permitted"),
        (GOOD + "risk:\n  cvar_level: 1.5\n", 12, "risk.cvar_level", "less than 1"),
        (GOOD + "bounds:\n  - {partner: Philippines, min: 9, max: 3}\n", 12, "bounds.0", "below min"),
        (GOOD.replace("horizon: 2", "horizon: 2\nhorizon: 3"), 5, "horizon", "appears twice"),
        (GOOD.replace("base_year: 2010", "base_year: 1700"), 3, "base_year", "outside"),
    ],
)
def test_bad_plans_name_file_line_and_field(text, line, field, message):
    with pytest.raises(PlanError) as e:
        parse(text, "plan.yaml")
    problem = e.value.problems[0]
    assert problem.file == "plan.yaml"
    assert problem.row == line
    assert problem.field == field
    assert message in problem.message
    assert "plan.yaml" in str(e.value) and "imported" not in str(e.value)


def test_broken_yaml_and_missing_files_are_named(tmp_path):
    with pytest.raises(PlanError, match=r"line 3.*not valid YAML|not valid YAML"):
        parse("name: x\npatron: [USA\nbudget: 1\n", "p.yaml")
    with pytest.raises(PlanError, match="no such plan file"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(PlanError, match="a mapping"):
        parse("- just\n- a list\n")


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_a_plan_or_a_plan_error(text):
    try:
        parse(text, "fuzz.yaml")
    except PlanError as e:
        assert "fuzz.yaml" in str(e)


def test_unknown_partners_in_bounds_are_refused(full_ledger):
    plan = parse(GOOD + "bounds:\n  - {partner: France, max: 3}\n")
    with pytest.raises(Exception, match="not one of the plan's partners"):
        instance(plan, full_ledger)


@pytest.fixture(scope="module")
def outcomes(full_ledger) -> dict:
    return {p.stem: run(p, full_ledger) for p in sorted(PLANS.glob("*.yaml"))}


def test_the_shipped_plans_beat_both_baselines_out_of_sample(outcomes):
    assert set(outcomes) == {"us_southeast_asia", "us_southeast_asia_cut30", "france_africa"}
    for name, o in outcomes.items():
        rows = {r["allocation"]: r for r in o.comparison.to_dicts()}
        best = rows["optimised"]
        for base in ("status quo", "proportional"):
            assert best["expected_gain"] > rows[base]["expected_gain"], (name, base)
            assert rows[base]["spend_musd"] <= best["spend_musd"] + 1e-6
        assert o.solution.summary()["basis"].startswith("prior")


def test_the_us_plan_keeps_its_limits(outcomes):
    o = outcomes["us_southeast_asia"]
    sol, plan = o.solution, o.plan
    assert sol.spend.sum() <= 1100 + 1e-6
    assert (sol.spend.sum(axis=(0, 1)) <= 400 + 1e-6).all()
    alloc = sol.allocation()
    phil = alloc.filter((alloc["partner"] == "Philippines") & (alloc["instrument"] == "military_aid"))
    assert (phil["spend_musd"] >= 40 - 1e-6).all() and phil.height == plan.horizon
    assert 840 in sol.instance.partners and 775 not in sol.instance.partners  # Myanmar excluded
    assert sol.binding and sol.binding[0].shadow_price > 0


def test_a_thirty_per_cent_cut_keeps_the_commitments_and_raises_the_price_of_money(outcomes):
    full, cut = outcomes["us_southeast_asia"].solution, outcomes["us_southeast_asia_cut30"].solution
    price = {b.constraint: b.shadow_price for b in full.binding}
    price_cut = {b.constraint: b.shadow_price for b in cut.binding}
    assert price_cut["budget total"] > price["budget total"]  # the last million cut bought more
    assert cut.expected_gain < full.expected_gain
    assert cut.spend.sum() == pytest.approx(770, rel=1e-6)


def test_france_funds_at_most_eight_partners_each_enough(outcomes):
    sol = outcomes["france_africa"].solution
    totals = sol.spend.sum(axis=(1, 2))
    funded = totals[totals > 1e-6]
    assert 1 <= len(funded) <= 8
    assert funded.min() >= 15 - 1e-6
    djibouti = sol.instance.partners.index(522)
    assert totals[djibouti] >= 9 - 1e-6


def test_the_cli_prints_and_writes_the_result(full_ledger_path, tmp_path):
    out = tmp_path / "r.json"
    res = runner.invoke(
        app,
        [
            "optimise",
            str(PLANS / "us_southeast_asia.yaml"),
            "--frontier",
            "--out",
            str(out),
            "--db",
            str(full_ledger_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "against the baselines" in res.output and "efficient frontier" in res.output
    doc = json.loads(out.read_text())
    assert {"summary", "allocation", "comparison", "frontier", "marginal"} <= set(doc)
    assert len(doc["frontier"]) == 20
    gains = np.array([p["expected_gain"] for p in doc["frontier"]])
    assert (np.diff(gains) >= -1e-6).all()


def test_the_cli_reports_a_bad_plan_in_one_line(tmp_path, full_ledger_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("total: 100", "total: lots"))
    res = runner.invoke(app, ["optimise", str(bad), "--db", str(full_ledger_path)])
    assert res.exit_code == 1
    assert "line 6" in res.output and "budget.total" in res.output


def test_the_api_lists_plans_and_optimises_one_behind_the_token(full_ledger_path):
    from fastapi.testclient import TestClient

    from legation.api import create_app

    with TestClient(create_app(full_ledger_path, token="t0ken-optimise", warm=False)) as c:
        plans = c.get("/api/optimise/plans").json()
        assert {p["file"] for p in plans} == {"us_southeast_asia", "us_southeast_asia_cut30", "france_africa"}
        assert c.get("/api/optimise/plans/nope").status_code == 404
        assert c.post("/api/optimise", json={"plan": "us_southeast_asia_cut30"}).status_code == 401
        auth = {"Authorization": "Bearer t0ken-optimise"}
        r = c.post("/api/optimise", json={"plan": "us_southeast_asia_cut30"}, headers=auth)
        assert r.status_code == 200, r.text
        doc = r.json()
        assert doc["summary"]["spend_musd"] == pytest.approx(770, rel=1e-6)
        assert {row["iso3"] for row in doc["by_partner"]} <= {
            "PHL",
            "VNM",
            "IDN",
            "THA",
            "MYS",
            "SGP",
            "BRN",
            "KHM",
            "LAO",
        }
        bad = c.post("/api/optimise", json={"yaml": GOOD.replace("total: 100", "total: -1")}, headers=auth)
        assert bad.status_code == 422 and bad.json()["errors"][0]["row"] == 6
        tight = GOOD + "commitments:\n  - {partner: Vietnam, instrument: training, per_year: 70}\n"
        infeasible = c.post("/api/optimise", json={"yaml": tight}, headers=auth)
        assert infeasible.status_code == 400 and "budget" in infeasible.json()["detail"]
        both = c.post("/api/optimise", json={"plan": "x", "yaml": GOOD}, headers=auth)
        assert both.status_code == 422


def test_a_calibrated_parameter_set_sets_the_sign_and_the_spread():
    from legation.model.optimise.history import prior_response, response_from_params
    from legation.model.params import Estimate, ParameterSet

    params = ParameterSet(
        train=(1990, 2005),
        patrons=(2,),
        channels=("exercise", "arms"),
        estimates={
            "beta_exercise": Estimate(0.02, 0.01, (0.01, 0.03, 0.02, 0.02)),
            "beta_arms": Estimate(-0.01, 0.01, (-0.02, 0.0)),
        },
        residuals=(0.0,),
    )
    names = ["exercise", "arms_transfer", "training"]
    prior = prior_response(np.zeros((2, 3)), np.array([14.0, 1.0, 0.022]), names, np.array([True, False]))
    resp = response_from_params(params, names, prior)
    assert (resp.mean[:, 1] == 0).all()  # a negative calibrated response buys nothing
    np.testing.assert_allclose(resp.mean[:, [0, 2]], prior.mean[:, [0, 2]])
    assert set(np.round(resp.instrument_draws[:, 0], 6)) == {0.5, 1.0, 1.5}  # draws / estimate
    assert "beta_exercise" in resp.basis and "prior" in resp.basis
