"""Shared fixtures: a fresh ledger per test, the real datasets in ../shared/data, and one ledger with all
of them imported, built once per session.

Under CI (LEGATION_CI=1, set by .ci/run) every Hypothesis test is derandomized and untimed, so the same
code gets the same verdict; locally they draw new cases on every run, which is how new failures are found.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from legation.ledger import Ledger
from legation.ledger.importers import import_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LEGATION_SHARED_DATA", ROOT.parent / "shared" / "data"))

settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("LEGATION_CI") == "1":
    settings.load_profile("ci")


@pytest.fixture
def shared_data() -> Path:
    """The real public datasets (see ../shared/data/SOURCES.md)."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED} (set LEGATION_SHARED_DATA)")
    return SHARED


@pytest.fixture(scope="session")
def full_ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger file with everything in ../shared/data imported, built once per session (about 5 s).
    Shared by every test that asks: never write to it; copy it for a writable ledger."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED}")
    path = tmp_path_factory.mktemp("full") / "ledger.duckdb"
    with Ledger(path) as led:
        import_dir(led, SHARED)
    return path


@pytest.fixture(scope="session")
def full_ledger(full_ledger_path: Path) -> Iterator[Ledger]:
    """`full_ledger_path`, opened read-only for the whole session."""
    with Ledger(full_ledger_path, read_only=True) as led:
        yield led


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """A new, empty ledger (bundled sources, states and groups only)."""
    with Ledger(tmp_path / "ledger.duckdb") as led:
        yield led


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in the test's directory and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
