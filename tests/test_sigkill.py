"""A process killed with SIGKILL in the middle of an import leaves the ledger exactly as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from legation.ledger import Ledger, import_file

ROWS = 300_000

CHILD = r"""
import sys
from legation.ledger import Ledger, import_file
db, data = sys.argv[1:3]
with Ledger(db) as led:
    import_file(led, data, progress=lambda stage: print(stage, flush=True))
print("done", flush=True)
"""


def _engagements(rows: int, prefix: str) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    names = np.array(["United States", "France", "India", "Japan", "Brazil", "Kenya", "Poland"])
    actor = rng.integers(0, len(names), rows)
    partner = (actor + rng.integers(1, len(names), rows)) % len(names)
    return pl.DataFrame(
        {
            "id": [f"{prefix}{k}" for k in range(rows)],
            "instrument": "exercise",
            "actor": names[actor],
            "partner": names[partner],
            "start": "2015",
            "magnitude": rng.integers(1, 9, rows).astype(float),
            "unit": "count",
            "source": "legation-sample",
        }
    )


def _state(db: Path) -> tuple:
    with Ledger(db, read_only=True) as led:
        return (
            led.count(),
            led.con.execute("SELECT sum(hash(id)), max(import_id) FROM engagements").fetchall(),
            led.con.execute("SELECT * FROM imports ORDER BY id").fetchall(),
            led.sources()["id"].sort().to_list(),
        )


def _kill_during(db: Path, data: Path, stage: str, delay: float) -> bool:
    """Run an import in a child process and SIGKILL it ``delay`` seconds into ``stage``; whether the
    kill came before the child ended by itself."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == stage:
            break
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    return child.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_ledger_as_before(tmp_path):
    """Killed at any moment, the ledger holds the whole import or none of it; killed before the
    commit (the first two kills, checked to have happened), it is exactly as before."""
    db = tmp_path / "ledger.duckdb"
    first = tmp_path / "first.parquet"
    _engagements(1_000, "old").write_parquet(first)
    with Ledger(db) as led:
        import_file(led, first)
    before = _state(db)
    big = tmp_path / "big.parquet"
    _engagements(ROWS, "new").write_parquet(big)

    outcomes = []
    for stage, delay in [
        ("validating", 0.1),
        ("writing", 0.0),
        ("writing", 0.05),
        ("writing", 0.15),
        ("writing", 0.3),
        ("writing", 0.6),
    ]:
        with Ledger(db) as led:  # undo a kill that came after the commit
            led.con.execute("DELETE FROM engagements WHERE id LIKE 'new%'")
            led.con.execute("DELETE FROM imports WHERE id > ?", [before[1][0][1]])
        assert _state(db)[0] == before[0]
        killed = _kill_during(db, big, stage, delay)
        assert killed or len(outcomes) >= 2, f"the import ended before the kill {stage} +{delay} s"
        after = _state(db)
        if after == before:
            outcomes.append("none")
        else:
            assert after[0] == 1_000 + ROWS and len(after[2]) == len(before[2]) + 1, (stage, delay)
            outcomes.append("all")
    assert outcomes[:2] == ["none", "none"], outcomes

    with Ledger(db) as led:
        led.con.execute("DELETE FROM engagements WHERE id LIKE 'new%'")
        report = import_file(led, big)
        assert report.rows_written == ROWS and led.count() == 1_000 + ROWS
