"""Fixtures' helpers for the API tests: a sample ledger and a client on it."""

from __future__ import annotations

from pathlib import Path

from legation.ledger import Ledger
from legation.ledger.sample import load_sample


def sample_ledger(path: Path) -> Path:
    """A ledger file holding the curated sample, as `legation demo` builds it."""
    with Ledger(path) as led:
        load_sample(led)
    return path
