"""The model on hand-made cases whose answer is known: zero responses give the baseline exactly, a
known shock gives the analytical mean, seeds give identical draws however they are split, and
calibration recovers the parameters a synthetic panel was drawn from."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legation.errors import InputError, InvalidValueError
from legation.model import kernel, params
from legation.model.calibrate import calibrate_history
from legation.model.inputs import History
from legation.model.params import Estimate, ParameterSet
from legation.model.start import Start, kalman, scales, start

CHANNELS = ("arms", "exercise")


def make_params(rho=0.9, q=0.001, r=0.002, betas=(0.0, 0.0), draws=0, residuals=None) -> ParameterSet:
    values = {"rho": rho, "q": q, "r": r, **{f"beta_{c}": b for c, b in zip(CHANNELS, betas, strict=True)}}
    rng = np.random.default_rng(0)
    est = {
        k: Estimate(v, 0.0, tuple(v + 0 * rng.standard_normal(draws)) if draws else ())
        for k, v in values.items()
    }
    res = (
        residuals
        if residuals is not None
        else params.quantiles(np.random.default_rng(1).standard_normal(5000))
    )
    return ParameterSet((1980, 2000), (2,), CHANNELS, est, res)


def make_start(n=4, level=0.1, sd=0.0, mean=0.0) -> Start:
    pairs = np.column_stack([np.full(n, 2), np.arange(100, 100 + n)])
    return Start(
        pairs,
        2000,
        np.full(n, level),
        np.full(n, sd),
        np.full(n, mean),
        np.ones(n),
        np.full(n, level),
        np.arange(n),
    )


def test_zero_response_gives_the_baseline_exactly():
    p = make_params(betas=(0.5, 0.3)).zero_response()
    s = make_start()
    deltas = np.random.default_rng(3).normal(0, 0.1, (2, 4, 10))
    with_inputs = kernel.run(s, deltas, p, 600, seed=11)
    without = kernel.run(s, np.zeros_like(deltas), p, 600, seed=11)
    np.testing.assert_array_equal(with_inputs, without)


def test_a_response_moves_the_mean_by_beta_times_the_change():
    p = make_params(rho=1.0, q=0.0, r=0.0, betas=(0.2, 0.0))
    s = make_start(level=0.1)
    deltas = np.zeros((2, 4, 5))
    deltas[0, :, 1] = 0.5  # the arms score rises by 0.5 in the second year
    sims = kernel.run(s, deltas, p, 10, seed=1)
    np.testing.assert_allclose(sims[:, :, 0], 0.1, atol=1e-7)
    np.testing.assert_allclose(sims[:, :, 1:], 0.1 + 0.2 * 0.5, atol=1e-6)


def test_a_known_shock_decays_at_rho_exactly_without_noise():
    p = make_params(rho=0.8, q=0.0, r=0.0)
    s = make_start(level=0.0, mean=0.0)
    shift = np.zeros((4, 6))
    shift[:, 1] = 0.3
    out = kernel.simulate_block(s, np.zeros((2, 4, 6)), p, 0, 5, 3, shift=shift).alignment
    expect = np.array([0.0, 0.3, 0.3 * 0.8, 0.3 * 0.8**2, 0.3 * 0.8**3, 0.3 * 0.8**4])
    np.testing.assert_allclose(out[0, 0], expect, atol=1e-6)


def test_a_known_shock_gives_the_analytical_mean_and_variance_with_noise():
    rho, q, r, size, start_level, mean = 0.7, 0.004, 0.002, 0.25, 0.1, -0.05
    p = make_params(rho=rho, q=q, r=r)
    s = make_start(n=2, level=start_level, mean=mean)
    h = 5
    shift = np.zeros((2, h))
    shift[:, 0] = size
    draws = 20_000
    out = np.concatenate(
        [
            b.alignment
            for b in (
                kernel.simulate_block(s, np.zeros((2, 2, h)), p, k, n, 5, shift=shift)
                for k, n in kernel.blocks(draws)
            )
        ]
    ).astype(np.float64)
    t = np.arange(1, h + 1)
    mean_t = mean + rho**t * (start_level - mean) + size * rho ** (t - 1)
    var_t = q * (1 - rho ** (2 * t)) / (1 - rho**2) + r
    got_mean = out.mean(axis=0)[0]
    se = np.sqrt(var_t / draws)
    assert np.all(np.abs(got_mean - mean_t) < 5 * se), (got_mean, mean_t)
    np.testing.assert_allclose(out.var(axis=0)[0], var_t, rtol=0.06)


def test_the_same_seed_gives_the_same_draws_however_the_blocks_are_split():
    p = make_params(betas=(0.1, 0.2), draws=30)
    s = make_start(n=3, sd=0.02)
    d = np.random.default_rng(0).normal(0, 0.05, (2, 3, 7))
    whole = kernel.run(s, d, p, 700, seed=42)
    parts = [kernel.simulate_block(s, d, p, b, n, 42).alignment for b, n in reversed(kernel.blocks(700))]
    np.testing.assert_array_equal(whole, np.concatenate(parts[::-1]))
    assert not np.array_equal(whole, kernel.run(s, d, p, 700, seed=43))
    assert whole.shape == (700, 3, 7) and whole.dtype == np.float32


def test_parameter_draws_widen_the_spread():
    rng = np.random.default_rng(5)
    fixed = make_params(rho=1.0, q=0.0, r=0.0, betas=(0.2, 0.0))
    est = dict(fixed.estimates)
    est["beta_arms"] = Estimate(0.2, 0.05, tuple(0.2 + 0.05 * rng.standard_normal(200)))
    uncertain = ParameterSet(fixed.train, fixed.patrons, fixed.channels, est, fixed.residuals)
    d = np.zeros((2, 4, 3))
    d[0, :, 0] = 1.0
    assert np.ptp(kernel.run(make_start(), d, fixed, 300, 1)) < 1e-6
    spread = kernel.run(make_start(), d, uncertain, 300, 1)[:, 0, -1].std()
    assert 0.035 < spread < 0.065


def test_blocks_cover_every_draw_once():
    assert kernel.blocks(1) == [(0, 1)]
    assert kernel.blocks(kernel.BLOCK * 2 + 3) == [(0, kernel.BLOCK), (1, kernel.BLOCK), (2, 3)]
    with pytest.raises(InvalidValueError):
        kernel.blocks(0)


def test_mismatched_inputs_are_refused():
    with pytest.raises(InvalidValueError, match="channels"):
        kernel.run(make_start(), np.zeros((3, 4, 2)), make_params(), 10, 0)


# calibration on a synthetic panel ----------------------------------------------------------------


def synthetic(rho=0.9, q=0.002, r=0.0015, beta=0.3, pairs=600, years=40, seed=0) -> History:
    """A panel drawn from the model itself, with one channel whose score jumps at random."""
    rng = np.random.default_rng(seed)
    mean = rng.normal(0, 0.1, pairs)
    score = np.cumsum(rng.binomial(1, 0.1, (pairs, years)) * rng.uniform(0, 0.3, (pairs, years)), axis=1)
    ds = np.diff(score, axis=1, prepend=score[:, :1])
    level = mean + rng.normal(0, np.sqrt(q / (1 - rho**2)), pairs)
    x = np.empty((pairs, years))
    for t in range(years):
        if t:
            level = mean + rho * (level - mean) + beta * ds[:, t] + rng.normal(0, np.sqrt(q), pairs)
        x[:, t] = level + rng.normal(0, np.sqrt(r), pairs)
    x[rng.random(x.shape) < 0.05] = np.nan
    pp = np.column_stack([np.repeat([2, 365], pairs // 2), np.tile(np.arange(pairs // 2), 2)])
    return History(pp, np.arange(1960, 1960 + years), x, score[None], ("arms",))


def test_calibration_recovers_the_parameters_of_a_synthetic_panel():
    h = synthetic()
    p = calibrate_history(h, (1960, 1999), boot=40, window=40, shrink=1e6)
    assert p["rho"].value == pytest.approx(0.9, abs=0.04)
    assert p["q"].value == pytest.approx(0.002, rel=0.2)
    assert p["r"].value == pytest.approx(0.0015, rel=0.2)
    lo, hi = p["beta_arms"].interval(0.99)
    assert lo < 0.3 < hi and hi - lo < 0.2
    assert p.train == (1960, 1999) and p.patrons == (2, 365) and len(p["rho"].draws) == 40
    assert len(p.residuals) == 201 and abs(np.mean(np.square(p.residuals)) - 1) < 1e-9


def test_calibration_reads_nothing_after_the_training_window():
    h = synthetic(years=40)
    poisoned = History(h.pairs, h.years, h.excess.copy(), h.scores.copy(), h.channels)
    poisoned.excess[:, 30:] = 99.0
    poisoned.scores[:, :, 30:] = -5.0
    a = calibrate_history(h, (1960, 1989), boot=5)
    b = calibrate_history(poisoned, (1960, 1989), boot=5)
    assert a.estimates == b.estimates


def test_the_filter_finds_a_level_hidden_in_noise():
    rng = np.random.default_rng(2)
    truth = 0.2
    x = truth + rng.normal(0, 0.05, (500, 15))
    x[:, 3] = np.nan
    m, v, err = kalman(x, np.zeros(500), np.ones(500), 1.0, 1e-6, 0.0025, np.zeros((500, 15)))
    assert abs(m.mean() - truth) < 0.005 and np.all(v < 0.0025 / 10)
    assert np.isnan(err[:, 3]).all() and abs(np.nanstd(err[:, 5:]) - 1) < 0.1


def test_volatile_pairs_get_larger_scales():
    x = np.vstack([np.linspace(0, 1, 20), np.zeros(20) + np.tile([0, 0.01], 10)])
    k = scales(x, shrink=0.0)
    assert k[0] > 1 > k[1]
    assert scales(x, shrink=1e9) == pytest.approx([1, 1])


def test_start_uses_only_the_window_up_to_the_origin():
    h = synthetic(years=30)
    s = start(h, 1980, 0.9, 0.002, 0.0015, np.array([0.3]), window=10)
    h2 = History(h.pairs, h.years, h.excess.copy(), h.scores, h.channels)
    h2.excess[:, 21:] = 5.0
    h2.excess[:, :11] = -5.0
    s2 = start(h2, 1980, 0.9, 0.002, 0.0015, np.array([0.3]), window=10)
    np.testing.assert_array_equal(s.level, s2.level)
    np.testing.assert_array_equal(s.mean, s2.mean)


# the parameter file -------------------------------------------------------------------------------


def test_a_parameter_set_round_trips_through_its_file(tmp_path):
    h = synthetic(pairs=100, years=25)
    h = History(h.pairs, h.years, h.excess, h.scores, h.channels, "v2")
    p = calibrate_history(h, (1960, 1984), boot=10, data_versions={"un": "v1"})
    assert p.index == "v2"  # the responses are per unit of that index's scores
    path = p.save(tmp_path / "p.json")
    back = params.load(path)
    assert back == p
    assert back.data_versions == {"un": "v1"} and back.table().shape == (10, 4)


def test_overrides_are_checked_and_recorded():
    p = make_params(draws=5)
    o = p.override({"rho": 0.5})
    assert o["rho"].value == 0.5 and o["rho"].source == "override" and o.overrides == {"rho": 0.5}
    with pytest.raises(InvalidValueError, match="no parameter 'nope'"):
        p.override({"nope": 1.0})
    with pytest.raises(InvalidValueError, match="variance"):
        p.override({"q": -1.0})


def test_a_damaged_parameter_file_names_the_problem(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON") as e:
        params.load(bad)
    assert "p.json" in str(e.value) and "line 1" in str(e.value)
    d = json.loads(make_params().to_json())
    del d["estimates"]
    bad.write_text(json.dumps(d))
    with pytest.raises(InputError, match="estimates"):
        params.load(bad)
    d["version"] = 99
    bad.write_text(json.dumps(d))
    with pytest.raises(InputError, match="version"):
        params.load(bad)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=10, max_size=300))
def test_residual_tables_have_unit_variance_and_are_sorted(values):
    try:
        q = np.array(params.quantiles(values))
    except InvalidValueError:
        assert np.ptp(np.quantile(values, np.linspace(0, 1, 201))) == 0
        return
    assert np.all(np.diff(q) >= -1e-12)
    assert abs(np.mean(q**2) - 1) < 1e-9 and abs(q.mean()) < 1e-9


# risk processes -----------------------------------------------------------------------------------


class ConstantRisk:
    """A hand-made risk: each pair's event happens with the drawn probability ``p`` every year."""

    name = "test-risk"

    def calibrate(self, led, train):
        draws = tuple(np.clip(0.3 + 0.05 * np.random.default_rng(0).standard_normal(100), 0, 1))
        return {"p": Estimate(0.3, 0.05, draws, "prior", "a test prior")}

    def probabilities(self, ctx, params):
        return np.broadcast_to(params["p"][:, None, None], ctx.alignment.shape)


def test_a_risk_process_draws_events_at_its_probability_without_touching_alignment():
    risk = ConstantRisk()
    assert isinstance(risk, kernel.RiskProcess)
    p = make_params(betas=(0.1, 0.0), draws=20)
    p = ParameterSet(
        p.train,
        p.patrons,
        p.channels,
        p.estimates,
        p.residuals,
        risks={risk.name: risk.calibrate(None, p.train)},
    )
    s = make_start(n=5)
    d = np.random.default_rng(1).normal(0, 0.05, (2, 5, 8))
    with_risk = kernel.simulate_block(s, d, p, 3, 200, 9, risks=[risk])
    without = kernel.simulate_block(s, d, p, 3, 200, 9)
    np.testing.assert_array_equal(with_risk.alignment, without.alignment)
    events = with_risk.events[risk.name]
    assert events.shape == (200, 5, 8) and events.dtype == bool
    assert abs(events.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / events.size) + 0.02
    again = kernel.simulate_block(s, d, p, 3, 200, 9, risks=[risk]).events[risk.name]
    np.testing.assert_array_equal(events, again)


def test_a_risk_that_returns_the_wrong_shape_is_refused():
    class Bad(ConstantRisk):
        def probabilities(self, ctx, params):
            return np.zeros(3)

    with pytest.raises(InvalidValueError, match="shape"):
        kernel.simulate_block(make_start(), np.zeros((2, 4, 3)), make_params(), 0, 10, 1, risks=[Bad()])
