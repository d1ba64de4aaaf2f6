"""The optimiser on cases whose optimum is known, its limits, its infeasibility answers, and its
frontier; the plan files and real data are in test_optimise_plans.py."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legation.model.optimise import Choice, InfeasiblePlan, Instance, Response, optimise
from legation.model.optimise.evaluate import compare
from legation.model.optimise.frontier import frontier
from legation.model.optimise.scenarios import cvar


def response(mean, scale, sigma_partner=None, sigma_instrument=None) -> Response:
    mean, scale = np.asarray(mean, float), np.asarray(scale, float)
    p, i = mean.shape
    return Response(
        mean=mean,
        scale=scale,
        sigma_instrument=np.zeros(i) if sigma_instrument is None else np.asarray(sigma_instrument, float),
        sigma_partner=np.full(p, 0.3) if sigma_partner is None else np.asarray(sigma_partner, float),
        basis="test",
    )


def instance(resp: Response, *, years=(2025,), **kw) -> Instance:
    p, i = resp.shape
    names = ("training", "exercise", "military_aid", "hadr")[:i]
    return Instance(tuple(range(100, 100 + p)), names, tuple(years), resp, **{"draws": 400, **kw})


def pair_totals(sol) -> np.ndarray:
    return sol.spend.sum(axis=2)


def test_linear_returns_fill_the_best_ratio_first_up_to_its_bound():
    """With a saturation far beyond the budget, log1p(X/k) is X/k: a linear programme whose optimum
    fills pairs in order of a/k, each to its bound, until the budget runs out."""
    mean = np.array([[3.0, 1.0], [2.0, 5.0], [4.0, 0.5]])
    k = np.full((3, 2), 1e6)
    inst = instance(response(mean, k), budget_total=100.0, pair_max=np.full((3, 2), 40.0))
    sol = optimise(inst, concave="pwl")  # the linear programme lands on the vertex exactly
    # a/k order: (1,1)=5, (2,0)=4, (0,0)=3, …: 40 + 40 + the last 20
    want = np.zeros((3, 2))
    want[1, 1], want[2, 0], want[0, 0] = 40, 40, 20
    np.testing.assert_allclose(pair_totals(sol), want, atol=1e-6)
    assert sol.binding[0].constraint == "budget total"
    # one more million goes to the next pair in line, (0,0), whose slope is 3/1e6
    assert sol.binding[0].shadow_price == pytest.approx(3e-6, rel=1e-3)


def test_identical_partners_get_the_same_allocation():
    resp = response(np.full((4, 2), 0.01), np.array([[5.0, 20.0]] * 4), sigma_partner=np.full(4, 0.5))
    sol = optimise(instance(resp, budget_total=80.0), concave="exp")
    totals = pair_totals(sol)
    np.testing.assert_allclose(totals, np.tile(totals[0], (4, 1)), rtol=1e-4, atol=1e-4)
    assert totals.sum() == pytest.approx(80.0, rel=1e-6)
    # concave returns: the cheaper-to-saturate instrument gets less than linear returns would give it
    assert 0 < totals[0, 0] < 20


def test_a_binding_cvar_limit_moves_money_to_the_low_variance_partner():
    """Two partners with the same expected response; the second is far more uncertain. Without a
    risk limit the money splits evenly; a CVaR limit moves it to the safe partner."""
    resp = response(np.full((2, 1), 0.02), np.full((2, 1), 10.0), sigma_partner=[0.1, 1.5])
    free = optimise(instance(resp, budget_total=50.0, draws=2000), concave="exp")
    a, b = pair_totals(free)[:, 0]
    assert a == pytest.approx(b, rel=0.05)
    limit = free.cvar_model - 0.2 * abs(free.cvar_model)
    safe = optimise(dataclasses.replace(free.instance, cvar_max=limit), concave="exp")
    a2, b2 = pair_totals(safe)[:, 0]
    assert a2 > a + 5 and b2 < b - 5
    assert safe.cvar_model <= limit + 1e-3 * abs(limit)  # the cut loop's tolerance (solve.CUT_TOL)
    assert any(x.constraint == "CVaR loss" and x.shadow_price > 0 for x in safe.binding)
    assert safe.expected_gain < free.expected_gain  # safety costs expected gain


def test_the_reduced_scenario_method_reports_its_error():
    resp = response(np.full((6, 2), 0.01), np.full((6, 2), 5.0), sigma_partner=np.linspace(0.2, 1.5, 6))
    inst = instance(resp, budget_total=60.0, draws=1000, reduce_to=20, cvar_max=-0.05)
    sol = optimise(inst, cvar_method="reduced")
    assert sol.model_error == pytest.approx(sol.cvar - sol.cvar_model)
    assert sol.model_error != 0  # twenty clusters cannot carry the tail of a thousand draws exactly
    exact = optimise(inst)
    assert exact.cvar_model <= -0.05 + 1e-3


def test_commitments_beyond_a_year_budget_name_that_year():
    resp = response(np.full((2, 2), 0.01), np.full((2, 2), 5.0))
    floor = np.zeros((2, 2, 2))
    floor[0, 0, 1] = 30.0
    inst = instance(resp, years=(2025, 2026), budget_year=np.array([50.0, 20.0]), commitments=floor)
    with pytest.raises(InfeasiblePlan, match="budget 2026") as e:
        optimise(inst)
    assert e.value.clashes == [("budget 2026", pytest.approx(10.0, rel=1e-6))]


def test_an_unreachable_cvar_limit_is_named():
    resp = response(np.full((2, 1), 0.01), np.full((2, 1), 5.0), sigma_partner=[0.5, 0.5])
    with pytest.raises(InfeasiblePlan, match="CVaR limit"):
        optimise(instance(resp, budget_total=10.0, cvar_max=-10.0))


def test_a_yes_no_choice_funds_the_best_partners_only():
    mean = np.array([[0.01], [0.03], [0.02], [0.005]])
    inst = instance(response(mean, np.full((4, 1), 5.0)), budget_total=40.0, choice=Choice(2, 5.0))
    sol = optimise(inst)
    funded = pair_totals(sol)[:, 0]
    assert set(np.flatnonzero(funded > 1e-6)) == {1, 2}
    assert funded[funded > 1e-6].min() >= 5.0 - 1e-6
    assert sol.binding  # shadow prices come from the programme with the choice fixed


def test_escalation_and_dependency_caps_hold():
    resp = response(np.array([[0.02, 0.01], [0.01, 0.01]]), np.full((2, 2), 5.0))
    esc = np.array([[0.01, 0.0], [0.0, 0.0]])
    inst = instance(
        resp, budget_total=100.0, escalation=esc, escalation_max=0.2, dependency=np.array([np.inf, 3.0])
    )
    sol = optimise(dataclasses.replace(inst, dependency_instruments=("exercise",)))
    t = pair_totals(sol)
    assert (esc * t).sum() <= 0.2 + 1e-6
    assert t[1, 1] <= 3.0 + 1e-6
    names = {b.constraint for b in sol.binding}
    assert "escalation expected disputes" in names and "dependency 101" in names


def test_an_opposition_penalty_moves_money_away_from_the_opposed_partner():
    resp = response(np.full((2, 1), 0.02), np.full((2, 1), 10.0))
    base = instance(resp, budget_total=40.0)
    opposed = dataclasses.replace(base, opposition=np.array([0.0, 1e-3]), opposition_penalty=1.0)
    a, b = pair_totals(optimise(opposed))[:, 0]
    assert a > b


@settings(max_examples=12, deadline=None)
@given(
    total=st.floats(5, 200),
    per_year=st.floats(2, 100),
    floor=st.floats(0, 2),
    cap=st.floats(1, 50),
)
def test_every_allocation_keeps_every_limit(total, per_year, floor, cap):
    resp = response(np.array([[0.02, 0.01], [0.01, 0.03]]), np.array([[3.0, 8.0], [5.0, 2.0]]))
    commit = np.zeros((2, 2, 2))
    commit[0, 1, :] = floor
    inst = instance(
        resp,
        years=(2025, 2026),
        budget_total=total,
        budget_year=np.full(2, per_year),
        commitments=commit,
        partner_max=np.array([np.inf, cap]),
    )
    try:
        sol = optimise(inst)
    except InfeasiblePlan as e:
        assert 2 * floor > min(total, 2 * per_year) or floor > per_year, e
        return
    s = sol.spend
    assert s.sum() <= total + 1e-6
    assert (s.sum(axis=(0, 1)) <= per_year + 1e-6).all()
    assert (s[0, 1, :] >= floor - 1e-6).all()
    assert s[1].sum() <= cap + 1e-6
    assert (s >= 0).all()


def test_the_frontier_trades_expected_gain_for_lower_risk():
    resp = response(np.array([[0.03], [0.02], [0.015]]), np.full((3, 1), 8.0), sigma_partner=[1.2, 0.5, 0.1])
    front = frontier(instance(resp, budget_total=60.0, draws=1000), points=20)
    assert front.height == 20
    gain, risk = front["expected_gain"].to_numpy(), front["cvar_loss"].to_numpy()
    assert (np.diff(gain) >= -1e-6).all()  # a looser limit never buys less
    assert risk[0] < risk[-1] and gain[0] < gain[-1]
    assert (risk <= front["cvar_limit"].to_numpy() + 0.02 * np.abs(risk)).all()


def test_the_optimised_allocation_beats_the_proportional_rule_out_of_sample():
    resp = response(
        np.array([[0.02, 0.01], [0.015, 0.02], [0.01, 0.004]]),
        np.array([[2.0, 20.0], [5.0, 3.0], [1.0, 9.0]]),
        sigma_partner=[0.3, 0.6, 0.9],
        sigma_instrument=[0.2, 0.4],
    )
    sol = optimise(instance(resp, budget_total=90.0, draws=1000))
    table = compare(sol, status_quo=np.array([[1.0, 0.0], [0.0, 0.0], [3.0, 1.0]]), fresh=3000)
    rows = {r["allocation"]: r for r in table.to_dicts()}
    assert set(rows) == {"optimised", "status quo", "proportional"}
    assert rows["optimised"]["expected_gain"] > rows["proportional"]["expected_gain"]
    assert rows["optimised"]["expected_gain"] > rows["status quo"]["expected_gain"]
    assert all(r["spend_musd"] == pytest.approx(90.0) for r in rows.values())


def test_cvar_is_the_mean_of_the_worst_tail():
    loss = np.arange(100, dtype=float)
    assert cvar(loss, 0.95) == pytest.approx(np.mean(loss[-5:]))
    assert cvar(loss, 0.96) == pytest.approx(np.mean(loss[-4:]))
    # a fractional tail counts its boundary draw in part: 4.5 of 100 draws
    assert cvar(loss, 0.955) == pytest.approx((99 + 98 + 97 + 96 + 0.5 * 95) / 4.5)
