"""The curated sample shipped with legation: engagements 2000–2024, every row sourced."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from legation.ledger.importing import ImportReport, Progress, import_file
from legation.ledger.store import Ledger


def sample_path() -> Path:
    """Path of the bundled sample CSV (inside the installed package)."""
    return Path(str(resources.files("legation") / "data" / "sample" / "engagements.csv"))


def load_sample(ledger: Ledger, progress: Progress | None = None) -> ImportReport:
    """Import the curated sample into ``ledger`` (idempotent: ids are fixed)."""
    return import_file(ledger, sample_path(), progress=progress)
