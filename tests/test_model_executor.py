"""Executors: the same draws for the same seed in this process, on local processes and on a dask
LocalCluster; one Parquet file per batch; an interrupted sweep resumes."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from tests.test_model import make_params, make_start

from legation.model import executor, kernel
from legation.model.simulation import Plan


def plan(name: str, draws: int, seed: int, pairs: int = 6, h: int = 8) -> Plan:
    rng = np.random.default_rng(seed)
    d = rng.normal(0, 0.05, (2, pairs, h))
    s = make_start(n=pairs, sd=0.01)
    return Plan(
        name,
        s,
        np.arange(2001, 2001 + h),
        make_params(betas=(0.1, 0.2), draws=20),
        {"baseline": np.zeros_like(d), "scenario": d},
        {"baseline": np.zeros((pairs, h)), "scenario": np.zeros((pairs, h))},
        {"baseline": np.zeros((2, pairs, h + 1)), "scenario": np.zeros((2, pairs, h + 1))},
        draws,
        seed,
    )


PLANS = [plan("a", 1200, 1), plan("b", 700, 2), plan("a", 300, 3)]


@pytest.mark.parametrize("seconds", [0.0, 0.0005, 0.002, 100.0])
def test_batches_cover_every_block_once_in_order(seconds):
    bs = executor.batches(PLANS, seconds=seconds)
    parts = [(p.plan, p.first + k) for b in bs for p in b.parts for k in range(p.count)]
    assert parts == [(i, k) for i, p in enumerate(PLANS) for k in range(len(kernel.blocks(p.draws)))]
    per_block = [
        kernel.BLOCK * p.start.pairs.shape[0] * p.years.size * 3 * executor.SECONDS_PER_VALUE for p in PLANS
    ]
    work = [sum(per_block[p.plan] * p.count for p in b.parts) for b in bs]
    assert all(w >= seconds for w in work[:-1])  # every batch but the last holds enough work
    if seconds == 0.0:
        assert all(len(b.parts) == 1 and b.parts[0].count == 1 for b in bs)
    if seconds == 100.0:
        assert len(bs) == 1 and len(bs[0].parts) == len(PLANS)  # small plans share a batch


def test_local_processes_give_the_same_draws_as_this_process():
    one = executor.run_plans(PLANS)
    two = executor.run_plans(PLANS, workers=2, batch_seconds=0.002)
    assert one.equals(two)
    assert one.height == sum(3 * p.draws * 6 * 8 for p in PLANS)
    assert one["scenario"].unique(maintain_order=True).to_list() == ["a", "b"]


def test_a_dask_local_cluster_gives_the_same_draws():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = executor.run_plans(PLANS, scheduler=client, batch_seconds=0.002)
    assert on_dask.equals(executor.run_plans(PLANS))


def test_an_interrupted_sweep_resumes_from_its_batch_files(tmp_path):
    seen = []
    full = executor.run_plans(
        PLANS, out=tmp_path, progress=lambda d, t: seen.append((d, t)), batch_seconds=0.002
    )
    files = sorted(tmp_path.glob("*.parquet"))
    assert len(files) == len(executor.batches(PLANS, 0.002)) > 3 and seen[-1][0] == seen[-1][1]
    files[1].unlink()
    stamp = {f: f.stat().st_mtime_ns for f in files if f.exists()}
    seen.clear()
    again = executor.run_plans(
        PLANS, out=tmp_path, progress=lambda d, t: seen.append((d, t)), batch_seconds=0.002
    )
    assert again.equals(full)
    assert seen[0] == (len(files) - 1, len(files))  # only the missing batch ran
    assert all(f.stat().st_mtime_ns == m for f, m in stamp.items())
    assert not list(tmp_path.glob("*.tmp*"))


def test_the_difference_arm_is_scenario_minus_baseline():
    d = executor.run_plans([PLANS[1]])
    wide = d.pivot("arm", index=["draw", "patron", "target", "year"], values="value")
    np.testing.assert_allclose(wide["difference"], wide["scenario"] - wide["baseline"], atol=1e-6)
    assert d.schema["value"] == pl.Float32


def test_risk_events_are_tidy_metrics_with_their_probability():
    from dataclasses import replace

    from tests.test_model import ConstantRisk

    from legation.model import results

    risk = ConstantRisk()
    base = plan("r", 500, 5)
    p = replace(
        base, params=replace(base.params, risks={risk.name: risk.calibrate(None, (0, 0))}), risks=(risk,)
    )
    draws = executor.run_plans([p])
    assert set(draws["metric"]) == {"alignment", "risk:test-risk"}
    s = results.summarise(draws).filter(pl.col("metric") == "risk:test-risk")
    assert s.filter(pl.col("arm") != "difference")["mean"].is_between(0.22, 0.38).all()
    assert (s.filter(pl.col("arm") == "difference")["mean"] == 0).all()  # same stream in both arms
    plain = executor.run_plans([base])
    assert plain.filter(pl.col("metric") == "alignment").equals(draws.filter(pl.col("metric") == "alignment"))
