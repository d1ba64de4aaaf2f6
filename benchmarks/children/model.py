"""Child of ``model_kernel.py``, ``model_mesa.py`` and ``model_dask.py``:
``python -m children.model RESULT.json KIND [ARGS]``.

Kinds:

- ``kernel DRAWS PAIRS YEARS``: the simulation kernel (`legation.model.kernel`), every channel active;
- ``bandwidth MB``: one streaming pass (read + write) over a float32 array of that size: the machine's
  memory bandwidth in the same process, for the roofline;
- ``mesa DRAWS PAIRS YEARS`` / ``numpy DRAWS PAIRS YEARS``: the same dynamics as a Mesa model (agents =
  target states, each stepping its pairs' levels in Python) and as the kernel, on one ensemble;
- ``sweep-local SCENARIOS DRAWS`` / ``sweep-dask SCENARIOS DRAWS``: a sweep of scenarios through the
  executor in this process and on a 2-worker dask LocalCluster (cluster start-up not timed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from harness import Clock, child_main

CHANNELS = ("alliance", "arms", "exercise", "basing", "visits")
ONE_THREAD = {"POLARS_MAX_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
"""Each single-thread dask worker keeps its libraries to one thread too (no oversubscription)."""
SWEEP_PAIRS = 2
"""Pairs per scenario of a sweep (a patron and a rival over one target): 200 × 1,000 draws × 10 years
× 3 arms is then 12 million tidy rows."""


def setup(pairs: int, years: int, seed: int = 0) -> tuple[Any, Any, Any]:
    """A start state, input paths and a parameter set with 200 bootstrap rows (synthetic, realistic scale)."""
    from legation.model import params as P
    from legation.model.start import Start

    rng = np.random.default_rng(seed)
    values = {"rho": 0.97, "q": 0.0007, "r": 0.0015, **{f"beta_{c}": 0.02 for c in CHANNELS}}
    est = {k: P.Estimate(v, 0.005, tuple(v + 0.005 * rng.standard_normal(200))) for k, v in values.items()}
    est["rho"] = P.Estimate(0.97, 0.01, tuple(np.clip(0.97 + 0.01 * rng.standard_normal(200), 0, 1)))
    est["q"] = P.Estimate(0.0007, 0.0001, tuple(np.abs(0.0007 + 0.0001 * rng.standard_normal(200))))
    est["r"] = P.Estimate(0.0015, 0.0001, tuple(np.abs(0.0015 + 0.0001 * rng.standard_normal(200))))
    ps = P.ParameterSet((1991, 2015), (2,), CHANNELS, est, P.quantiles(rng.standard_t(5, 20_000)))
    codes = np.column_stack([np.repeat(np.arange(pairs // 195 + 1), 195)[:pairs], np.arange(pairs) % 195])
    start = Start(
        codes,
        2015,
        rng.normal(0, 0.1, pairs),
        np.full(pairs, 0.02),
        rng.normal(0, 0.1, pairs),
        rng.uniform(0.5, 2.0, pairs),
        np.zeros(pairs),
        np.arange(pairs),
    )
    deltas = rng.normal(0, 0.01, (len(CHANNELS), pairs, years))
    return start, deltas, ps


def kernel(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.model import kernel as k

    draws, pairs, years = (int(a) for a in args)
    start, deltas, ps = setup(pairs, years)
    k.simulate_block(start, deltas, ps, 0, 10, 1)  # warm: first-call costs are not the kernel's
    clock.start()
    n = 0
    for b, m in k.blocks(draws):
        n += k.simulate_block(start, deltas, ps, b, m, 1).alignment.size
    clock.stop()
    return {"values": n, "output_bytes": 4 * n}


def bandwidth(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    size = int(float(args[0]) * 1e6 / 4)
    src = np.ones(size, dtype=np.float32)
    dst = np.empty_like(src)
    np.copyto(dst, src)  # fault the pages in
    clock.start()
    for _ in range(5):
        np.copyto(dst, src)
    clock.stop()
    return {"bytes": 5 * 2 * src.nbytes}


def mesa_twin(draws: int, pairs: int, years: int, seed: int = 1) -> np.ndarray:
    """The kernel's dynamics as a Mesa model: one agent per target state holding its pairs' levels;
    each year every agent draws its shocks and steps each pair in Python. One model per draw.
    Returns ``[draws, pairs, years]`` alignment."""
    import mesa

    from legation.model.kernel import residual_table

    start, deltas, ps = setup(pairs, years)
    table = ps.table()
    tab = residual_table(ps).astype(np.float64)

    class Target(mesa.Agent):
        def __init__(self, model: mesa.Model, rows: np.ndarray) -> None:
            super().__init__(model)
            self.rows = rows
            self.level = {int(i): 0.0 for i in rows}

        def step(self) -> None:
            m: Twin = self.model  # type: ignore[assignment]
            t = m.year
            for i in self.rows:
                i = int(i)
                drive = sum(m.beta[c] * deltas[c, i, t] for c in range(len(CHANNELS)))
                lev = start.mean[i] + m.rho * (self.level[i] - start.mean[i]) + drive
                lev += start.scale[i] * m.sq * tab[m.random.randrange(256)]
                self.level[i] = lev
                m.out[i, t] = lev + start.scale[i] * m.sr * tab[m.random.randrange(256)]

    class Twin(mesa.Model):
        def __init__(self, row: np.ndarray, seed: int) -> None:
            super().__init__(seed=seed)
            self.rho, q, r = row[0], row[1], row[2]
            self.sq, self.sr = np.sqrt(q), np.sqrt(r)
            self.beta = row[3:]
            self.year = 0
            self.out = np.empty((pairs, years))
            targets = start.pairs[:, 1]
            for tgt in np.unique(targets):
                a = Target(self, np.flatnonzero(targets == tgt))
                for i in a.rows:
                    a.level[int(i)] = start.level[i] + start.level_sd[i] * tab[self.random.randrange(256)]

        def step(self) -> None:
            self.agents.do("step")
            self.year += 1

    rng = np.random.default_rng(seed)
    out = np.empty((draws, pairs, years))
    for d in range(draws):
        model = Twin(table[rng.integers(0, table.shape[0])], seed + d)
        for _ in range(years):
            model.step()
        out[d] = model.out
    return out


def mesa(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import mesa as _  # noqa: F401  (imported outside the clock, like numpy for the kernel)

    draws, pairs, years = (int(a) for a in args)
    clock.start()
    out = mesa_twin(draws, pairs, years)
    clock.stop()
    return {"values": out.size, "mean": float(out.mean()), "sd": float(out.std())}


def numpy_(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.model import kernel as k

    draws, pairs, years = (int(a) for a in args)
    start, deltas, ps = setup(pairs, years)
    clock.start()
    out = k.run(start, deltas, ps, draws, 1)
    clock.stop()
    return {"values": out.size, "mean": float(out.mean()), "sd": float(out.std())}


def _plans(scenarios: int, draws: int) -> list[Any]:
    from legation.model.simulation import Plan

    start, deltas, ps = setup(SWEEP_PAIRS, 10)
    plans = []
    for s in range(scenarios):
        d = deltas * (1 + s / scenarios)
        plans.append(
            Plan(
                f"s{s}",
                start,
                np.arange(2016, 2026),
                ps,
                {"baseline": np.zeros_like(d), "scenario": d},
                {"baseline": np.zeros((SWEEP_PAIRS, 10)), "scenario": np.zeros((SWEEP_PAIRS, 10))},
                {"baseline": np.zeros((5, SWEEP_PAIRS, 11)), "scenario": np.zeros((5, SWEEP_PAIRS, 11))},
                draws,
                s,
            )
        )
    return plans


def sweep_local(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import tempfile
    from pathlib import Path

    from legation.model import executor

    plans = _plans(int(args[0]), int(args[1]))
    with tempfile.TemporaryDirectory() as tmp:
        clock.start()
        out = executor.run_plans(plans, out=Path(tmp))
        clock.stop()
    return {
        "rows": out.height,
        "batches": len(executor.batches(plans)),
        "checksum": float(out["value"].sum()),
    }


def sweep_dask(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import tempfile
    from pathlib import Path

    import distributed

    from legation.model import executor

    plans = _plans(int(args[0]), int(args[1]))
    with (
        tempfile.TemporaryDirectory() as tmp,
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, env=ONE_THREAD
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: __import__("legation.model.simulation"))  # workers import legation first
        clock.start()
        out = executor.run_plans(plans, scheduler=client, out=Path(tmp))
        clock.stop()
    return {
        "rows": out.height,
        "batches": len(executor.batches(plans)),
        "checksum": float(out["value"].sum()),
    }


if __name__ == "__main__":
    child_main(
        {
            "kernel": kernel,
            "bandwidth": bandwidth,
            "mesa": mesa,
            "numpy": numpy_,
            "sweep-local": sweep_local,
            "sweep-dask": sweep_dask,
        }
    )
