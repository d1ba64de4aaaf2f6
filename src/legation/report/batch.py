"""Many country briefs at once (`legation report country --all-of ASEAN`): one `Context` shared by all,
so the influence index, national scores and alignment are computed once. With ``processes`` > 1 the
states split over worker processes, each computing the shared frames once and holding about as much
memory as a single brief (some 0.4 GB on the full data): faster on idle cores, heavier in memory."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from legation.ledger.store import Ledger
from legation.report import render
from legation.report.context import Context
from legation.report.country import country_brief

_worker: dict[str, object] = {}


def _start(db: str) -> None:
    _worker["led"] = Ledger(db, read_only=True)
    _worker["ctx"] = Context()


def _one(code: int, year: int | None, dest: str, paper: str) -> tuple[int, str]:
    """One brief in a worker: ``dest`` holds ``{abb}`` and ``{year}`` to fill in."""
    led, ctx = _worker["led"], _worker["ctx"]
    assert isinstance(led, Ledger) and isinstance(ctx, Context)
    brief = country_brief(led, code, year, context=ctx)
    abb = ctx.names(led).filter(ctx.names(led)["ccode"] == code)["abb"]
    path = render.write(
        brief, dest.format(abb=(abb[0] if abb.len() else str(code)).lower(), year=brief.year), paper
    )
    return code, str(path)


def cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def country_briefs(
    db: Path,
    codes: Sequence[int],
    folder: Path,
    *,
    year: int | None = None,
    paper: str = "a4",
    fmt: str = "pdf",
    processes: int = 1,
    done: Callable[[int, str], None] | None = None,
) -> list[Path]:
    """Write the country brief of every state in ``codes`` to ``folder/{abb}-{year}.{fmt}``; ``done``
    is called with each state's code and file as it is written; ``processes`` worker processes (1: this
    one). Returns the files in ``codes``' order."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = str(folder / f"{{abb}}-{{year}}.{fmt}")
    n = max(1, min(processes, len(codes)))
    written: dict[int, str] = {}
    for code, path in _run(str(db), codes, year, dest, paper, n):
        written[code] = path
        if done is not None:
            done(code, path)
    return [Path(written[c]) for c in codes]


def _run(
    db: str, codes: Sequence[int], year: int | None, dest: str, paper: str, n: int
) -> Iterator[tuple[int, str]]:
    if n <= 1:
        _start(db)
        try:
            for code in codes:
                yield _one(code, year, dest, paper)
        finally:
            led = _worker.pop("led")
            assert isinstance(led, Ledger)
            led.close()
        return
    spawn = multiprocessing.get_context("spawn")  # forking a process that runs polars' threads can hang
    with ProcessPoolExecutor(max_workers=n, mp_context=spawn, initializer=_start, initargs=(db,)) as pool:
        futures = [pool.submit(_one, code, year, dest, paper) for code in codes]
        for f in as_completed(futures):
            yield f.result()
