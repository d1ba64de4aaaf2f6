"""The benchmarks' shared harness: fresh child processes, results through a file, interleaved A/B runs.

Every measurement runs in a fresh child process, a real module under ``benchmarks/children/``
started as ``python -m children.NAME RESULT.json KIND ARG...`` with ``benchmarks/`` as its working
directory. The child times the measured part itself, reads its *own* peak memory (VmHWM from
``/proc/self/status``; ``ru_maxrss`` would count the parent it was forked from) and writes both,
with whatever else it counted, as JSON to the result file. Its stdout is never parsed: a library
may print there (DuckDB's progress bar does, for any statement over 2 s).

A/B: ``--baseline SRC_DIR`` names a second source tree (e.g. a git worktree of an older commit).
Each side's child runs with ``PYTHONPATH=SRC_DIR/src`` (ahead of the venv's editable install), and
records ``legation.__file__`` so the report shows which tree ran; ``--current SRC_DIR`` (default: this
checkout) names the other side. Repetitions are interleaved ABBA (A B, B A, A B, …) so that a load
on the machine does not favour one side; the report gives medians per side and the ratios
current / baseline for time and peak memory.

Child side: :class:`Clock`, :func:`child_main`. Parent side: :func:`add_ab_arguments`,
:func:`sides`, :func:`run_child`, :func:`interleaved`, :func:`report`. Standard library only, so a
child pays nothing for it in time or memory.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEFAULT_DATA = Path(os.environ.get("LEGATION_SHARED_DATA", ROOT.parent / "shared" / "data"))

Result = dict[str, Any]


# --------------------------------------------------------------------------------------- child side


def peak_mb() -> float:
    """This process's own peak resident memory in MB (VmHWM)."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """The measured part's wall time: from construction or :meth:`start` to :meth:`stop` (or the
    measure's return)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.t1: float | None = None

    def start(self) -> None:
        self.t0, self.t1 = time.perf_counter(), None

    def stop(self) -> None:
        self.t1 = time.perf_counter()

    @property
    def seconds(self) -> float:
        return (self.t1 if self.t1 is not None else time.perf_counter()) - self.t0


Measure = Callable[[Clock, Sequence[str]], Mapping[str, Any]]
"""One kind of measurement in a child: gets the clock and its arguments, calls ``clock.start()``
right before the measured part, returns what it counted (rows, columns, …)."""


def _legation_file() -> str | None:
    mod = sys.modules.get("legation")
    if mod is not None:
        return getattr(mod, "__file__", None)
    spec = importlib.util.find_spec("legation")  # not imported by this kind: where it would come from
    return spec.origin if spec else None


def child_main(measures: Mapping[str, Measure], argv: Sequence[str] | None = None) -> None:
    """Entry point of a child module: ``RESULT.json KIND ARG...``; runs ``measures[KIND]`` and writes
    ``seconds``, ``peak_mb``, ``legation`` (the ``__file__`` that ran) and the measure's counts."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[1] not in measures:
        sys.exit(f"usage: RESULT.json {{{'|'.join(measures)}}} ARG...")
    result, kind, rest = Path(args[0]), args[1], args[2:]
    clock = Clock()
    counts = dict(measures[kind](clock, rest))
    if clock.t1 is None:
        clock.stop()
    out: Result = {"kind": kind, "seconds": clock.seconds, "peak_mb": peak_mb(), **counts}
    out["legation"] = _legation_file()
    part = result.with_name(result.name + ".part")
    part.write_text(json.dumps(out))
    part.replace(result)


# -------------------------------------------------------------------------------------- parent side


class ChildFailed(RuntimeError):
    """A child exited non-zero, wrote no result, or ran a legation from the wrong tree."""


@dataclass(frozen=True)
class Side:
    """One side of an A/B comparison: a name and a source tree holding ``src/legation``."""

    name: str
    tree: Path

    @property
    def src(self) -> Path:
        return self.tree / "src"

    def env(self) -> dict[str, str]:
        """The environment of a child on this side: this tree's ``src`` first on the path."""
        path = [str(self.src), str(BENCH)]
        if os.environ.get("PYTHONPATH"):
            path.append(os.environ["PYTHONPATH"])
        return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def add_ab_arguments(ap: argparse.ArgumentParser) -> None:
    """``--baseline SRC_DIR`` and ``--current SRC_DIR``."""
    ap.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC_DIR",
        help="A/B: a second source tree (holding src/legation) to compare against, runs interleaved",
    )
    ap.add_argument(
        "--current",
        type=Path,
        metavar="SRC_DIR",
        default=ROOT,
        help=f"the source tree measured as 'current' (default: {ROOT})",
    )


def sides(args: argparse.Namespace) -> list[Side]:
    """``[current]``, or ``[baseline, current]`` with ``--baseline``; each tree checked."""
    out = [Side("baseline", args.baseline)] if args.baseline is not None else []
    out.append(Side("current", args.current))
    for side in out:
        if not (side.src / "legation" / "__init__.py").is_file():
            sys.exit(f"--{side.name} {side.tree}: no src/legation/__init__.py there")
    return [Side(s.name, s.tree.resolve()) for s in out]


def current(all_sides: Sequence[Side]) -> Side:
    return next(s for s in all_sides if s.name == "current")


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_child(
    module: str, kind: str, args: Sequence[str | Path], side: Side, timeout: float | None = None
) -> Result:
    """Run ``children.MODULE KIND ARGS`` on ``side`` in a fresh process and return its result."""
    with tempfile.TemporaryDirectory(prefix="legation-bench-") as tmp:
        result = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", f"children.{module}", str(result), kind, *map(str, args)]
        try:
            proc = subprocess.run(
                cmd, cwd=BENCH, env=side.env(), capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as e:
            raise ChildFailed(f"{module} {kind} on {side.name}: over {timeout} s") from e
        if proc.returncode != 0 or not result.is_file():
            raise ChildFailed(
                f"{module} {kind} on {side.name} ({side.tree}) exited {proc.returncode}:\n"
                f"{_tail(proc.stderr) or _tail(proc.stdout)}"
            )
        out: Result = json.loads(result.read_text())
    ran = out.get("legation")
    if ran is not None and not Path(ran).resolve().is_relative_to(side.src.resolve()):
        raise ChildFailed(f"{module} {kind} on {side.name} ran {ran}, not a legation under {side.src}")
    out["side"] = side.name
    return out


def fresh_ledger(tmp: Path, job: Job, side: Side) -> Path:
    """A ledger path of ``job`` on ``side`` in ``tmp`` with nothing there yet (a repetition writes anew)."""
    db = tmp / f"{job.kind}-{side.name}.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    return db


def ledgers(db: Path | None, data: Path, all_sides: Sequence[Side], tmp: Path) -> dict[str, Path]:
    """The ledger each side reads: ``db`` for all, or one per side imported from ``data`` into ``tmp``
    by that side's own code (``legation data import-dir``), so a schema change cannot trip either."""
    if db is not None:
        return {s.name: db.resolve() for s in all_sides}
    out = {}
    for side in all_sides:
        out[side.name] = tmp / f"{side.name}.duckdb"
        run_child("ledger", "import-dir", [out[side.name], data.resolve()], side)
    return out


@dataclass(frozen=True)
class Job:
    """A kind of measurement. ``ab=False``: it does not run legation (an in-run baseline such as
    plain pandas or DuckDB), so it runs once per repetition, on the current side only."""

    kind: str
    label: str
    ab: bool = True


Runs = dict[tuple[str, str], list[Result]]
"""Results by (kind, side name), in the order they ran."""


def interleaved(
    jobs: Sequence[Job],
    all_sides: Sequence[Side],
    repeat: int,
    run: Callable[[Job, Side], Result],
) -> Runs:
    """``repeat`` rounds; in each, every job on every side, the sides' order alternating (ABBA).
    One progress line per child on stderr."""
    runs: Runs = {}
    total = sum((len(all_sides) if job.ab else 1) for job in jobs) * repeat
    done = 0
    for r in range(repeat):
        order = list(all_sides) if r % 2 == 0 else list(reversed(all_sides))
        for job in jobs:
            for side in order if job.ab else [current(all_sides)]:
                res = run(job, side)
                runs.setdefault((job.kind, side.name), []).append(res)
                done += 1
                print(
                    f"[{done}/{total}] {job.kind} on {side.name}: {res['seconds']:.2f} s, "
                    f"peak {res['peak_mb']:,.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
    return runs


def median(results: Sequence[Result], key: str = "seconds") -> float:
    return float(statistics.median(r[key] for r in results))


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def report(
    jobs: Sequence[Job],
    all_sides: Sequence[Side],
    runs: Runs,
    repeat: int,
    counts: Callable[[Result], str] = lambda r: "",
    width: int = 58,
    unit: Callable[[float, Result], str] | None = None,
) -> list[str]:
    """The table: one row per job (and per side with a baseline) with median seconds and median peak
    memory, then the trees that ran and the current / baseline ratios. ``counts`` formats a row's
    tail (rows, columns); ``unit`` may add to the seconds (e.g. rows/s)."""
    ab = len(all_sides) > 1
    how = "ABBA-interleaved, " if ab else ""
    lines = [f"median of {repeat} runs{' per side' if ab else ''}, {how}each in a fresh process"]
    for job in jobs:
        for side in all_sides if job.ab else [current(all_sides)]:
            rs = runs[(job.kind, side.name)]
            secs, peak = median(rs), median(rs, "peak_mb")
            tag = f" {side.name if job.ab else '':8s}" if ab else ""
            extra = unit(secs, rs[0]) if unit else ""
            row = f"  {job.label:{width}s}{tag} {secs:6.2f} s{extra}  peak {peak:5,.0f} MB  {counts(rs[0])}"
            lines.append(row.rstrip())
    if ab:
        lines.append("legation that ran, per side:")
        for side in all_sides:
            ran = {r["legation"] for (_, name), rs in runs.items() if name == side.name for r in rs}
            files = sorted(ran - {None})
            lines.append(f"  {side.name:8s} {', '.join(files)}")
        head = "current / baseline (medians)"
        w = max(width, len(head))
        lines.append(f"  {head:{w}s}     time     peak")
        for job in jobs:
            if not job.ab:
                continue
            b, c = runs[(job.kind, "baseline")], runs[(job.kind, "current")]
            t = ratio(median(c), median(b))
            m = ratio(median(c, "peak_mb"), median(b, "peak_mb"))
            lines.append(f"  {job.label:{w}s}    {t:5.2f}x   {m:5.2f}x")
    return lines
