"""The risk processes: hand-made cases whose answer is known (a logit's coefficients recovered, rates
from counts, zero rates giving no events, overrides replacing estimates, engagement with a rival
raising escalation), and a calibration on the real data."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legation.errors import InvalidValueError
from legation.model import kernel, scenario, simulation
from legation.model.params import Estimate, ParameterSet
from legation.model.risks import (
    RISKS,
    Escalation,
    Opposition,
    Prior,
    dependency,
    escalation,
    logit,
    opposition,
)
from legation.model.risks.common import cluster_weights
from legation.model.risks.tables import probabilities
from legation.model.start import Start
from test_model import make_params, make_start


def test_the_logit_recovers_known_coefficients():
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.integers(0, 2, 40_000), rng.normal(0, 1, 40_000)])
    y = (rng.random(40_000) < logit.expit(-2.0 + 1.5 * x[:, 0] - 0.7 * x[:, 1])).astype(float)
    beta = logit.fit(x, y, penalty=0.0)
    np.testing.assert_allclose(beta, [-2.0, 1.5, -0.7], atol=0.08)


def test_a_heavy_penalty_shrinks_the_slopes_but_not_the_intercept():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, (5000, 1))
    y = (rng.random(5000) < logit.expit(-1.0 + 2.0 * x[:, 0])).astype(float)
    beta = logit.fit(x, y, penalty=1e7)
    assert abs(beta[1]) < 1e-3
    assert beta[0] == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-3)


def test_weights_are_row_counts():
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, (300, 1))
    y = (rng.random(300) < 0.4).astype(float)
    w = rng.integers(0, 3, 300).astype(float)
    rows = np.repeat(np.arange(300), w.astype(int))
    np.testing.assert_allclose(logit.fit(x, y, weights=w), logit.fit(x[rows], y[rows]), atol=1e-8)


def test_auc_of_known_orderings():
    y = np.array([0, 0, 1, 1])
    assert logit.auc(y, np.array([0.1, 0.2, 0.3, 0.4])) == 1.0
    assert logit.auc(y, np.array([0.4, 0.3, 0.2, 0.1])) == 0.0
    assert logit.auc(y, np.zeros(4)) == 0.5
    assert logit.auc(y, np.array([0.1, 0.3, 0.2, 0.4])) == 0.75
    assert np.isnan(logit.auc(np.zeros(3), np.arange(3.0)))


@settings(max_examples=50)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 5)), min_size=2, max_size=40))
def test_auc_of_a_score_and_its_reverse_sum_to_one(rows):
    y = np.array([r[0] for r in rows])
    s = np.array([r[1] for r in rows], dtype=float)
    a, b = logit.auc(y, s), logit.auc(y, -s)
    if y.all() or not y.any():
        assert np.isnan(a) and np.isnan(b)
    else:
        assert a + b == pytest.approx(1.0)
        assert 0.0 <= a <= 1.0


def test_bootstrap_weights_resample_whole_clusters():
    clusters = pl.DataFrame({"patron": [2, 2, 2, 365, 365, 710], "target": [1, 1, 1, 1, 1, 1]})
    w = cluster_weights(clusters, 50, seed=3)
    assert w.shape == (50, 6)
    assert np.all(w[:, 0] == w[:, 1]) and np.all(w[:, 1] == w[:, 2]) and np.all(w[:, 3] == w[:, 4])
    # each resample draws three clusters
    assert np.all(w[:, [0, 3, 5]].sum(axis=1) == 3)


def test_kernel_draws_a_risk_s_estimates_as_joint_rows():
    a = tuple(float(i) for i in range(200))
    est = {
        "a": Estimate(0.0, 1.0, a),
        "b": Estimate(0.0, 1.0, tuple(2 * x for x in a)),
        "c": Estimate(7.0, 0.0),
    }
    drawn = kernel._risk_params(est, np.random.default_rng(0), 500)
    np.testing.assert_array_equal(drawn["b"], 2 * drawn["a"])
    assert np.all(drawn["c"] == 7.0) and len(np.unique(drawn["a"])) > 100


def _ctx(
    n_pairs: int, h: int, draws: int, scores: np.ndarray, channels=("alliance", "arms")
) -> kernel.RiskContext:
    start = make_start(n=n_pairs)
    return kernel.RiskContext(
        start, np.arange(2001, 2001 + h), channels, scores, np.zeros((draws, n_pairs, h))
    )


def _params(draws: int, **values: float) -> dict[str, np.ndarray]:
    return {k: np.full(draws, v) for k, v in values.items()}


def test_escalation_rises_with_the_patron_s_engagement_with_the_target_s_rival():
    # pair 0: patron 2 → target 100; pair 1: patron 2 → 101, a rival of 100; pair 2 unrelated
    links = np.zeros((3, 3))
    links[0, 1] = 1.0
    risk = Escalation(
        fixed=np.array([[1.0, 0, 0], [0, 0, 0], [0, 0, 0]]), outside=np.array([0.5, 0, 0]), links=links
    )
    scores = np.zeros((2, 3, 4))
    scores[1, 1] = [0.0, 0.5, 1.0, 2.0]  # arms to the rival grow
    coefs = dict.fromkeys(escalation.COVARIATES, 0.0) | {"intercept": -3.0, "rivalry": 1.0, "eng_rivals": 0.8}
    p = risk.probabilities(_ctx(3, 4, 5, scores), _params(5, **coefs))
    expect = logit.expit(-3.0 + 1.0 + 0.8 * (0.5 + scores[1, 1]))
    np.testing.assert_allclose(p[:, 0], np.broadcast_to(expect, (5, 4)))
    np.testing.assert_allclose(p[:, 2], logit.expit(-3.0))
    assert np.all(np.diff(p[0, 0]) > 0)


def test_an_unbound_escalation_says_so():
    coefs = dict.fromkeys(escalation.COVARIATES, 0.0) | {"intercept": -3.0}
    with pytest.raises(InvalidValueError, match="plan's pairs"):
        Escalation().probabilities(_ctx(2, 3, 4, np.zeros((2, 2, 3))), _params(4, **coefs))


def test_opposition_rates_are_ended_over_at_risk_per_band():
    t = pl.DataFrame(
        {
            "year": [2000, 2000, 2001, 2001, 2001],
            "band": [0, 2, 0, 1, 2],
            "at_risk": [100, 400, 100, 50, 600],
            "ended": [3, 0, 1, 0, 2],
        }
    )
    est = opposition.estimate(t, boot=50)
    assert est["rate_autocracy"].value == pytest.approx(4 / 200)
    assert est["rate_hybrid"].value == 0.0
    assert est["rate_democracy"].value == pytest.approx(2 / 1000)
    assert len(est["rate_autocracy"].draws) == 50


def test_opposition_only_where_a_tie_exists_and_zero_rates_give_no_events():
    risk = Opposition(band=np.array([0, 2, -1]))
    scores = np.zeros((2, 3, 5))
    scores[0, :2, 2:] = 1.0  # pairs 0 and 1 hold an alliance from the third year
    p = risk.probabilities(
        _ctx(3, 5, 4, scores), _params(4, rate_autocracy=0.3, rate_hybrid=0.1, rate_democracy=0.2)
    )
    np.testing.assert_allclose(p[0, 0], [0, 0, 0.3, 0.3, 0.3])
    np.testing.assert_allclose(p[0, 1], [0, 0, 0.2, 0.2, 0.2])
    assert np.all(p[:, 2] == 0)
    zero = {f"rate_{b}": Estimate(0.0, 0.0) for b in opposition.BANDS}
    ps = make_params()
    ps = ParameterSet(
        ps.train, ps.patrons, ps.channels, ps.estimates, ps.residuals, risks={"opposition": zero}
    )
    start = make_start(n=3)
    block = kernel.simulate_block(
        start, np.zeros((2, 3, 5)), ps, 0, 200, 1, risks=[risk], scores=np.ones((2, 3, 5))
    )
    assert not block.events["opposition"].any()


def test_dependency_switch_probability_follows_concentration():
    rng = np.random.default_rng(4)
    hhi = rng.uniform(0.1, 1.0, 6000)
    switch = (rng.random(6000) < logit.expit(-1.0 - 3.0 * hhi)).astype(float)
    s = pl.DataFrame(
        {"ccode": np.arange(6000) % 150, "year": np.arange(6000) // 150, "hhi_before": hhi, "switch": switch}
    ).with_columns(pl.lit(-0.05).alias("share_change"))
    est = dependency.estimate(s, boot=30)
    assert est["intercept"].value == pytest.approx(-1.0, abs=0.25)
    assert est["hhi"].value == pytest.approx(-3.0, abs=0.5)
    assert est["share_change"].value == pytest.approx(-0.05)
    risk = dependency.Dependency(hhi=np.array([0.2, 0.9, np.nan]))
    p = risk.probabilities(
        _ctx(3, 2, 3, np.zeros((2, 3, 2))), _params(3, intercept=-1.0, hhi=-3.0, share_change=0)
    )
    np.testing.assert_allclose(p[0, :, 0], [logit.expit(-1.6), logit.expit(-3.7), 0.0])


def test_a_prior_is_marked_and_an_override_replaces_it():
    covert = next(r for r in RISKS if r.name == "covert")
    assert isinstance(covert, Prior)
    est = covert.calibrate(None, (1990, 2010))  # type: ignore[arg-type]
    assert est["rate"].source == "prior" and len(est["rate"].draws) > 0
    lo, hi = est["rate"].interval()
    assert 0.03 <= lo < est["rate"].value < hi <= 0.3
    ps = make_params()
    ps = ParameterSet(ps.train, ps.patrons, ps.channels, ps.estimates, ps.residuals, risks={"covert": est})
    over = ps.override({"covert.rate": 0.0, "rho": 0.5})
    assert over.risks["covert"]["rate"] == Estimate(
        0.0, 0.0, (), "override", "set by the scenario or the user"
    )
    assert over["rho"].value == 0.5 and ps.risks["covert"]["rate"].source == "prior"
    block = kernel.simulate_block(make_start(), np.zeros((2, 4, 6)), over, 0, 100, 5, risks=[covert])
    assert not block.events["covert"].any()
    with pytest.raises(InvalidValueError, match=r"covert\.rate"):
        ps.override({"covert.size": 0.1})
    with pytest.raises(InvalidValueError, match="no risk estimate"):
        ps.override({"nothing.rate": 0.1})


def test_every_risk_follows_the_protocol():
    names = [r.name for r in RISKS]
    assert names == ["escalation", "dependency", "opposition", "covert", "misinformation"]
    assert all(isinstance(r, kernel.RiskProcess) and hasattr(r, "bind") for r in RISKS)


def test_risk_tables_pivot_the_arms():
    summary = pl.DataFrame(
        {
            "arm": ["baseline", "scenario", "difference", "baseline"],
            "patron": [2, 2, 2, 2],
            "target": [630, 630, 630, 630],
            "year": [2025, 2025, 2025, 2025],
            "metric": ["risk:escalation"] * 3 + ["alignment"],
            "mean": [0.1, 0.15, 0.05, 0.3],
        }
    )
    out = probabilities(summary)
    assert out.to_dicts() == [
        {"risk": "escalation", "patron": 2, "target": 630, "year": 2025}
        | {"baseline": 0.1, "scenario": 0.15, "difference": 0.05}
    ]
    assert probabilities(summary.filter(pl.col("metric") == "alignment")).height == 0


# --- real data ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_risks_calibrate_on_the_real_data_quickly_and_sensibly(full_ledger):
    train = (1991, 2010)
    t0 = time.perf_counter()
    est = {r.name: r.calibrate(full_ledger, train) for r in RISKS}
    assert time.perf_counter() - t0 < 30  # < 10 s on an idle machine; this one is shared
    esc = est["escalation"]
    assert esc["rivalry"].interval()[0] > 0 and esc["contiguity"].interval()[0] > 0
    assert "specification" in esc["intercept"].note
    assert len(esc["intercept"].draws) == escalation.BOOT
    assert est["dependency"]["hhi"].interval()[1] < 0  # concentrated clients switch less often
    for b in opposition.BANDS:
        assert 0 <= est["opposition"][f"rate_{b}"].value < 0.05
    scores = escalation.out_of_sample(full_ledger, (1986, 2005), (2006, 2014))
    assert scores["auc"] > 0.7 and scores["onsets"] > 20


@pytest.mark.slow
def test_a_shipped_scenario_reports_risk_probabilities(full_ledger):
    sc = scenario.load(Path(scenario.SHIPPED) / "russia_iran.yaml").model_copy(
        update={"draws": 250, "horizon": 3}
    )
    plan = simulation.plan(full_ledger, sc)
    assert {r.name for r in plan.risks} == {r.name for r in RISKS}
    assert all(isinstance(r, kernel.RiskProcess) for r in plan.risks)
    tidy = simulation.run_blocks(plan)
    metrics = set(tidy["metric"].unique())
    assert {f"risk:{r.name}" for r in RISKS} <= metrics
    from legation.model import results

    table = probabilities(results.summarise(tidy))
    assert table.height == 5 * plan.start.pairs.shape[0]
    assert table["baseline"].is_between(0, 1).all()
    # Russia arming Iran raises the modelled risk of a Russia–Israel dispute (Israel's rival is Iran)
    rus_isr = table.filter(
        (pl.col("risk") == "escalation") & (pl.col("patron") == 365) & (pl.col("target") == 666)
    )
    assert rus_isr["difference"][0] >= 0


def test_start_is_unused_by_bound_priors():
    prior = Prior("misinformation", Estimate(0.2, 0.0))
    assert prior.bind(None, None, np.zeros((0, 2)), 2015) is prior  # type: ignore[arg-type]
    s: Start = make_start(n=2)
    p = prior.probabilities(
        kernel.RiskContext(s, np.arange(3), (), np.zeros((0, 2, 3)), np.zeros((4, 2, 3))),
        _params(4, rate=0.2),
    )
    assert p.shape == (4, 2, 3) and np.all(p == 0.2)
