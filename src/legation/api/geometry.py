"""The world map the dashboard draws: country outlines keyed on COW codes, from a PyPI package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from legation.states.codes import by_iso3


def _ring_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _clockwise(geometry: dict[str, Any]) -> dict[str, Any]:
    """Outer rings clockwise and holes counter-clockwise, the winding d3-geo (plotly.js) reads as
    "this area", not "everything but it" (one stray ring would otherwise fill the whole globe)."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    fixed = [
        [ring if (_ring_area(ring) < 0) == (k == 0) else ring[::-1] for k, ring in enumerate(polygon)]
        for polygon in polygons
    ]
    multi = geometry["type"] == "MultiPolygon"
    return {"type": geometry["type"], "coordinates": fixed if multi else fixed[0]}


@cache
def world_geometry() -> str:
    """Country outlines as GeoJSON text, each feature's ``id`` its COW code (from the ``countryinfo``
    package's Natural Earth shapes: no request leaves the machine)."""
    folder = Path(str(resources.files("countryinfo") / "data"))
    codes = by_iso3()
    features = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feat in (doc.get("geoJSON") or {}).get("features", []):
            row = codes.get(str(feat.get("id")))
            if row is None or row.cown is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "id": row.cown,
                    "properties": {"name": row.name, "iso3": feat["id"]},
                    "geometry": _clockwise(feat["geometry"]),
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
