"""Running many draws and many scenarios: in this process, on local processes, or on dask.

Work is cut into **batches**: consecutive kernel blocks of one plan, enough of them for about
`BATCH_SECONDS` of work (dask costs about a millisecond per task; tiny tasks leave workers idle).
A block's numbers depend only on the plan, the seed and the block's index (`legation.model.kernel`),
so every executor returns the same draws for the same seed. With ``out`` each batch is written to
its own Parquet file (``<plan>-<first block>.parquet``, written to a temporary name and renamed) and a
batch whose file exists is not run again: an interrupted sweep resumes where it stopped.

- ``scheduler=None, workers=1``: in this process;
- ``scheduler=None, workers=N``: N local processes (`concurrent.futures`);
- ``scheduler="tcp://host:port"`` or a `distributed.Client`: a dask cluster (``pip install
  legation[dask]``; on SLURM or PBS start one with ``dask-jobqueue``, see docs/model.md).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from legation.errors import InvalidValueError
from legation.model import kernel
from legation.model.simulation import ARMS, Plan, run_blocks

BATCH_SECONDS = 0.1
"""The least work one batch should hold."""

SECONDS_PER_VALUE = 2e-7
"""Rough cost of one simulated value (draw × pair × year × arm) with its tidy row, for sizing batches."""


@dataclass(frozen=True)
class Part:
    """Blocks ``first … first + count − 1`` of plan ``plan``."""

    plan: int
    first: int
    count: int


@dataclass(frozen=True)
class Batch:
    """Consecutive parts of one or more plans: at least a batch's worth of work, or what is left."""

    parts: tuple[Part, ...]

    def name(self, plans: Sequence[Plan]) -> str:
        p = self.parts[0]
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", plans[p.plan].name)[:60]
        return f"{p.plan:05d}-{safe}-{p.first:07d}.parquet"


def batches(plans: Sequence[Plan], seconds: float = BATCH_SECONDS) -> list[Batch]:
    """Every plan's blocks, in order, grouped into batches of at least ``seconds`` of estimated work
    (a batch spans several plans when they are small)."""
    out: list[Batch] = []
    parts: list[Part] = []
    work = 0.0
    for i, p in enumerate(plans):
        per_block = kernel.BLOCK * p.start.pairs.shape[0] * p.years.size * (len(ARMS) + 1) * SECONDS_PER_VALUE
        n_blocks = len(kernel.blocks(p.draws))
        f = 0
        while f < n_blocks:
            need = max(1, math.ceil((seconds - work) / max(per_block, 1e-12)))
            take = min(need, n_blocks - f)
            parts.append(Part(i, f, take))
            work += take * per_block
            f += take
            if work >= seconds:
                out.append(Batch(tuple(parts)))
                parts, work = [], 0.0
    if parts:
        out.append(Batch(tuple(parts)))
    return out


@dataclass(frozen=True)
class _Plans:
    """All plans as one object (dask scatters a list or a dict key by key)."""

    plans: tuple[Plan, ...]

    def __getitem__(self, i: int) -> Plan:
        return self.plans[i]


def run_batch(
    plans: Mapping[int, Plan] | _Plans, b: Batch, out: Path | None = None, name: str = ""
) -> pl.DataFrame | Path:
    """One batch's tidy draws (``plan`` and ``scenario`` columns added), or the Parquet file they were
    written to; ``plans`` holds (at least) the batch's plans by index."""
    frame = pl.concat(
        [
            run_blocks(plans[p.plan], range(p.first, p.first + p.count)).with_columns(
                pl.lit(p.plan, pl.Int32).alias("plan"), pl.lit(plans[p.plan].name).alias("scenario")
            )
            for p in b.parts
        ]
    )
    if out is None:
        return frame
    path = out / name
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    frame.write_parquet(tmp)
    tmp.replace(path)
    return path


def _of(plans: Sequence[Any], b: Batch) -> dict[int, Any]:
    """The plans (or their dask futures) a batch needs, by index: only those travel."""
    return {p.plan: plans[p.plan] for p in b.parts}


def _local(
    plans: Sequence[Plan], todo: Sequence[Batch], out: Path | None, workers: int
) -> Iterator[pl.DataFrame | Path]:
    if workers <= 1:
        for b in todo:
            yield run_batch(_of(plans, b), b, out, b.name(plans))
        return
    # spawned, not forked: a fork copies polars' and numpy's thread pools in whatever state they are in
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(run_batch, _of(plans, b), b, out, b.name(plans)) for b in todo]
        for f in as_completed(futures):
            yield f.result()


def _dask(
    plans: Sequence[Plan], todo: Sequence[Batch], out: Path | None, scheduler: Any
) -> Iterator[pl.DataFrame | Path]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InvalidValueError(
            "a dask scheduler needs dask.distributed: pip install 'legation[dask]'"
        ) from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    try:
        # one object, not one key per plan: scattering hundreds of small keys costs seconds
        shipped = client.scatter(_Plans(tuple(plans)), broadcast=True)
        futures = [client.submit(run_batch, shipped, b, out, b.name(plans), pure=False) for b in todo]
        for f in dask_completed(futures):
            yield f.result()
    finally:
        if client is not scheduler:
            client.close()


def run_plans(
    plans: Sequence[Plan],
    *,
    out: Path | None = None,
    scheduler: Any = None,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    batch_seconds: float = BATCH_SECONDS,
) -> pl.DataFrame:
    """Every plan's tidy draws (``plan`` its index, ``scenario`` its name) in the order of plans and
    blocks (within a block: arm, draw, pair, year): the same for any executor. With ``out`` (a
    folder) batches already written there are read, not run again."""
    if not plans:
        raise InvalidValueError("no scenarios to run")
    all_batches = batches(plans, batch_seconds)
    todo = list(all_batches)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        todo = [b for b in all_batches if not (out / b.name(plans)).exists()]
    done = len(all_batches) - len(todo)
    if progress:
        progress(done, len(all_batches))
    frames: dict[tuple[int, int], pl.DataFrame] = {}
    runner = _local(plans, todo, out, workers) if scheduler is None else _dask(plans, todo, out, scheduler)
    for result in runner:
        if isinstance(result, pl.DataFrame):
            first = result.row(0, named=True)
            frames[(first["plan"], first["draw"])] = result
        done += 1
        if progress:
            progress(done, len(all_batches))
    if out is not None:
        return pl.concat([pl.read_parquet(out / b.name(plans)) for b in all_batches])
    return pl.concat([frames[k] for k in sorted(frames)])
