"""Shared fixtures: a fresh ledger per test, and the real datasets in ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from legation.ledger import Ledger

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LEGATION_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """The real public datasets (see ../shared/data/SOURCES.md)."""
    if not SHARED.is_dir():
        pytest.skip(f"real datasets not found at {SHARED} (set LEGATION_SHARED_DATA)")
    return SHARED


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
