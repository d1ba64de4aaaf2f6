"""Child of ``report_bench.py``: ``python -m children.report RESULT.json KIND DB [N]``.

Kinds: ``pdf`` (one country brief, India, from opening the ledger to the PDF bytes, as `legation
report country` does: imports included), ``html`` (the same brief to HTML only: the in-run baseline,
what the PDF step adds), ``batch`` (N states' country briefs to PDF through `report.batch`, as
`legation report country --all-of --workers CORES` writes them: a worker process per core),
``batch1`` (the same in this one process, the command's default: its peak memory is a whole
batch's) and ``dyad`` (the USA–Philippines brief to PDF). Each also reports the CPU seconds of the
process (``cpu_s``), which a loaded machine inflates less than the wall time; ``batch`` adds its
worker processes'.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Mapping, Sequence
from typing import Any

from harness import Clock, child_main

STATE = 750


def _one(clock: Clock, args: Sequence[str], fmt: str) -> Mapping[str, Any]:
    from legation.ledger import Ledger
    from legation.report import country_brief, render

    with Ledger(args[0], read_only=True) as led:
        brief = country_brief(led, STATE)
        out = render.pdf(brief) if fmt == "pdf" else render.html(brief).encode()
    return {"bytes": len(out), "briefs": 1, "cpu_s": time.process_time()}


def pdf(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    return _one(clock, args, "pdf")


def html(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    return _one(clock, args, "html")


def batch(clock: Clock, args: Sequence[str], processes: int = 0) -> Mapping[str, Any]:
    import tempfile
    from pathlib import Path

    import polars as pl

    from legation.ledger import Ledger, reads
    from legation.report.batch import cores, country_briefs

    n = int(args[1]) if len(args) > 1 else 30
    with Ledger(args[0], read_only=True) as led:
        alive = reads.state_names(led).filter(pl.col("last_year") >= 2010)["ccode"].to_list()
    codes = alive[:: max(1, len(alive) // n)][:n]
    with tempfile.TemporaryDirectory() as tmp:
        files = country_briefs(Path(args[0]), codes, Path(tmp), processes=processes or cores())
        total = sum(f.stat().st_size for f in files)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, ended with the pool
    cpu = time.process_time() + kids.ru_utime + kids.ru_stime
    return {"bytes": total, "briefs": len(codes), "workers": processes or cores(), "cpu_s": cpu}


def batch1(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    return batch(clock, args, processes=1)


def dyad(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.ledger import Ledger
    from legation.report import dyad_brief, render

    with Ledger(args[0], read_only=True) as led:
        out = render.pdf(dyad_brief(led, 2, 840))
    return {"bytes": len(out), "briefs": 1, "cpu_s": time.process_time()}


if __name__ == "__main__":
    child_main({"pdf": pdf, "html": html, "batch": batch, "batch1": batch1, "dyad": dyad})
