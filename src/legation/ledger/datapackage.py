"""The citations beside a written file: ``<name>.bib`` and the folder's Frictionless
``datapackage.json`` (Data Package 2.0), which gains one resource per file written there: its path,
format, size and SHA-256, its schema (fields with types and descriptions), its sources with versions
and coverage, and their licences."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from legation.errors import InvalidValueError
from legation.ledger import citations
from legation.ledger.digest import sha256_files
from legation.ledger.outputs import field_type, format_for, stata_names
from legation.ledger.sources import Source

_NAME = "legation-export"


def write(
    path: str | os.PathLike[str],
    frame: pl.DataFrame,
    sources: Sequence[Source],
    *,
    descriptions: Mapping[str, str] | None = None,
    title: str | None = None,
) -> list[Path]:
    """Write ``<name>.bib`` and add the file to ``datapackage.json`` in its folder; returns both paths.

    Call after the file itself is written (the descriptor records its size and checksum)."""
    path = Path(path)
    bib = path.with_suffix(".bib")
    bib.write_text(citations.bibtex(sources), encoding="utf-8")
    package = path.parent / "datapackage.json"
    descriptor = _existing(package)
    resource = _resource(path, frame, sources, descriptions or {}, title)
    descriptor["resources"] = [r for r in descriptor.get("resources", []) if r.get("path") != path.name]
    descriptor["resources"].append(resource)
    # legation's own descriptor lists what its resources cite; another's keeps its entries too
    ours = descriptor.get("name") == _NAME
    for key in ("sources", "licenses"):
        kept = [] if ours else descriptor.get(key, [])
        descriptor[key] = _union(kept, *(r.get(key, []) for r in descriptor["resources"]))
    descriptor["created"] = datetime.now(UTC).isoformat(timespec="seconds")
    package.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [bib, package]


def _existing(package: Path) -> dict[str, Any]:
    """The folder's descriptor to add to, or a new one; a file there that is not one is refused."""
    if not package.exists():
        return {
            "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
            "name": _NAME,
            "title": "Data written by legation",
        }
    try:
        found = json.loads(package.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidValueError(f"{package} exists and is not a data package descriptor: {e}") from None
    if not isinstance(found, dict) or not isinstance(found.get("resources", []), list):
        raise InvalidValueError(f"{package} exists and is not a data package descriptor")
    return found


def _resource(
    path: Path, frame: pl.DataFrame, sources: Sequence[Source], labels: Mapping[str, str], title: str | None
) -> dict[str, Any]:
    fmt = format_for(path)
    resource: dict[str, Any] = {
        "name": re.sub(r"[^a-z0-9._-]", "-", path.name.lower()),
        "path": path.name,
        "type": "table",
        "format": path.suffix.lower().lstrip("."),
        "mediatype": fmt.mediatype,
    }
    if fmt.name == "csv":
        resource["encoding"] = "utf-8"
    renamed = stata_names(frame.columns) if fmt.name == "stata" else {}
    if title:
        resource["title"] = title
    resource |= {
        "bytes": path.stat().st_size,
        "hash": "sha256:" + sha256_files([path]),
        "schema": {
            "fields": [
                _field(renamed.get(name, name), dtype, labels.get(name))
                for name, dtype in frame.schema.items()
            ],
            "missingValues": [""],
        },
        "sources": [_source(s) for s in sources],
        "licenses": [
            {"title": f"{s.id}: {s.licence}", **({"path": s.url} if s.url else {})} for s in sources
        ],
        "citation": path.with_suffix(".bib").name,
    }
    return resource


def _field(name: str, dtype: pl.DataType, description: str | None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": field_type(dtype)}
    if description:
        field["description"] = description
    return field


def _source(src: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"title": src.name, "version": src.version, "id": src.id, "citation": src.citation}
    if src.url:
        out["path"] = src.url
    if src.coverage_start is not None or src.coverage_end is not None:
        out["coverage"] = f"{src.coverage_start or '…'}–{src.coverage_end or '…'}"
    return out


def _union(*lists: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for items in lists:
        for item in items:
            seen.setdefault(json.dumps(item, sort_keys=True), item)
    return list(seen.values())
