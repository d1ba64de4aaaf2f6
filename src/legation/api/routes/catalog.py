"""Vocabulary and provenance: instruments, states, groups, sources and citations, the world map."""

from __future__ import annotations

from typing import Annotated, Literal

import polars as pl
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from legation.api.common import Access, Limit, Offset, OptYear, Page, page, records
from legation.api.geometry import world_geometry
from legation.api.problems import Problem
from legation.instruments import INSTRUMENTS
from legation.ledger import citations as cite
from legation.ledger import reads
from legation.ledger.sources import Source
from legation.ledger.store import Ledger

router = APIRouter(prefix="/api", tags=["catalog"])


@router.get("/instruments", response_model=Page)
def instruments(limit: Limit = 100, offset: Offset = 0) -> Page:
    """The instruments of military diplomacy: definition, units, direction and decay half-life."""
    rows = pl.DataFrame(
        [
            {
                "name": i.name,
                "definition": i.definition,
                "units": [u.value for u in i.units],
                "directed": i.directed,
                "half_life": i.half_life,
                "cameo": [c.code for c in i.cameo],
            }
            for i in INSTRUMENTS.values()
        ]
    )
    return page(rows, limit, offset)


@router.get("/states", response_model=Page)
def states(
    ledger: Access,
    q: Annotated[str | None, Query(max_length=100, description="part of a name or abbreviation")] = None,
    year: Annotated[OptYear, Query(description="only states in the system that year")] = None,
    limit: Limit = 300,
    offset: Offset = 0,
) -> Page:
    """COW states with their most recent name and the years they were in the system."""
    rows = ledger.cached("state_names", reads.state_names)
    if q:
        needle = q.casefold()
        rows = rows.filter(
            pl.col("name").str.to_lowercase().str.contains(needle, literal=True)
            | (pl.col("abb").str.to_lowercase() == needle)
        )
    if year is not None:
        rows = rows.filter((pl.col("first_year") <= year) & (pl.col("last_year") >= year))
    return page(rows, limit, offset)


@router.get("/groups", response_model=Page)
def groups(ledger: Access, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Alliances and organisations with their membership spells (COW codes)."""
    with ledger.read() as led:
        rows = pl.DataFrame(
            [
                {
                    "id": g.id,
                    "name": g.name,
                    "kind": g.kind,
                    "founded": g.founded,
                    "url": g.url,
                    "members": [
                        {"ccode": m.state, "start": m.start.isoformat(), "end": m.end and m.end.isoformat()}
                        for m in g.members
                    ],
                }
                for g in led.groups()
            ]
        )
    return page(rows, limit, offset)


def _sources(led: Ledger) -> pl.DataFrame:
    counts = reads.source_rows(led)
    return led.sources().with_columns(
        pl.col("id").replace_strict(counts, default=0, return_dtype=pl.Int64).alias("rows")
    )


@router.get("/sources", response_model=Page)
def sources(ledger: Access, limit: Limit = 100, offset: Offset = 0) -> Page:
    """Every dataset in the ledger: version, licence, coverage window, citation and rows held."""
    return page(ledger.cached("sources", _sources), limit, offset)


@router.get("/citations", response_class=PlainTextResponse)
def citations(
    ledger: Access,
    format: Annotated[
        Literal["text", "bibtex", "csl-json"], Query(description="plain text, BibTeX or CSL-JSON")
    ] = "text",
) -> Response:
    """The citation of every dataset in the ledger, as `legation cite` prints them: BibTeX and
    CSL-JSON give each work once (ATOP's article, cited by two of its sources, appears once)."""
    rows = records(ledger.cached("sources", _sources))
    sources = [Source.model_validate({k: v for k, v in row.items() if k != "rows"}) for row in rows]
    if format == "bibtex":
        return PlainTextResponse(cite.bibtex(sources), media_type="application/x-bibtex")
    if format == "csl-json":
        return JSONResponse(cite.csl_json(sources), media_type="application/vnd.citationstyles.csl+json")
    return PlainTextResponse("\n".join(src.citation_line() for src in sources) + "\n")


@router.get("/geo/world", response_class=Response)
def world() -> Response:
    """Country outlines (GeoJSON, feature id = COW code), served from an installed package."""
    try:
        text = world_geometry()
    except ModuleNotFoundError as e:  # the package is a dependency; say so if someone removed it
        raise Problem(503, "map geometry needs the `countryinfo` package", slug="no-geometry") from e
    return Response(text, media_type="application/geo+json", headers={"Cache-Control": "max-age=86400"})
