"""Importers that map published datasets into the ledger, one module per source family.

Each module of this package (other than `base`) defines ``IMPORTERS``, a list of `Importer`
instances; `importers()` collects them all, and `import_dir` runs every one whose files are in a
directory laid out like the producers' releases (``atop/atop5_1a.csv``, ``unvotes/…``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from pathlib import Path

from legation.errors import UnknownNameError
from legation.ledger.importers.base import Download, Importer, Progress, SourceReport, run
from legation.ledger.store import Ledger

__all__ = ["Download", "Importer", "SourceReport", "find", "import_dir", "importers", "run"]


def importers() -> list[Importer]:
    """Every importer legation has, in import order (state systems first)."""
    found: list[Importer] = []
    for mod in pkgutil.iter_modules(__path__):
        if mod.name == "base":
            continue
        found += getattr(importlib.import_module(f"{__name__}.{mod.name}"), "IMPORTERS", [])
    return sorted(found, key=lambda imp: (imp.order, imp.source.id))


def find(source_id: str) -> Importer:
    """The importer of one source id."""
    for imp in importers():
        if imp.source.id == source_id:
            return imp
    known = ", ".join(imp.source.id for imp in importers())
    raise UnknownNameError(f"no importer for source {source_id!r}; use one of: {known}")


def import_dir(
    ledger: Ledger,
    root: str | Path,
    *,
    only: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[SourceReport]:
    """Import every source whose files are in ``root`` (or only the sources named in ``only``)."""
    root = Path(root)
    reports = []
    for imp in importers():
        if only and imp.source.id not in only:
            continue
        files = imp.find(root)
        if files is not None:
            reports.append(run(ledger, imp, files, progress, as_release=True))
    return reports
