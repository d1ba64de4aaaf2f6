"""Briefs to download: a country's or a dyad's, as PDF or HTML (read only; see docs/reports.md).

A brief's measures come from one `legation.report.Context` per generation of the ledger file, so
the first brief computes the influence index and the national scores and the next ones reuse them;
each rendered brief is cached like any other answer until the ledger changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from legation.api.common import Access, OptYear, state_code
from legation.api.problems import Problem
from legation.ledger.store import Ledger
from legation.report import Brief, Context, country_brief, dyad_brief, render

router = APIRouter(prefix="/api/reports", tags=["reports"])

Format = Annotated[Literal["pdf", "html"], Query(description="pdf (default) or a self-contained html page")]
Paper = Annotated[Literal["a4", "letter"], Query(description="page size of the PDF")]
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
BRIEF: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "the brief"}
}


def _context(ledger: Access) -> Context:
    return ledger.cached("report_context", lambda _led: Context())


def _render(
    ledger: Access, key: tuple[object, ...], make: Callable[[Ledger], Brief], fmt: str, paper: str, name: str
) -> Response:
    def compute(led: Ledger) -> bytes:
        brief = make(led)
        return render.pdf(brief, paper) if fmt == "pdf" else render.html(brief, paper).encode("utf-8")

    body = ledger.cached(("report", *key, fmt, paper), compute)
    disposition = (
        f'attachment; filename="{name}.{fmt}"' if fmt == "pdf" else f'inline; filename="{name}.{fmt}"'
    )
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


@router.get("/country/{state}", response_class=Response, responses=BRIEF)
def country(
    ledger: Access,
    state: Annotated[str, Path(max_length=200, description="COW code or name")],
    year: OptYear = None,
    format: Format = "pdf",
    paper: Paper = "a4",
) -> Response:
    """A country brief: bottom line, influence with rank and change, partners, national scores, arms,
    UN alignment, alliance-network position, notable engagements, risks, coverage and citations."""
    with ledger.read() as led:
        code = state_code(led, state, "state")
    ctx = _context(ledger)
    return _render(
        ledger,
        ("country", code, year),
        lambda led: country_brief(led, code, year, context=ctx),
        format,
        paper,
        f"brief-{code}-{year or 'latest'}",
    )


@router.get("/dyad/{a}/{b}", response_class=Response, responses=BRIEF)
def dyad(
    ledger: Access,
    a: Annotated[str, Path(max_length=200, description="the patron: COW code or name")],
    b: Annotated[str, Path(max_length=200, description="the target: COW code or name")],
    year: OptYear = None,
    format: Format = "pdf",
    paper: Paper = "a4",
) -> Response:
    """A dyad brief: influence by channel (bandwidth × dependence), engagements by instrument, UN
    alignment, the target's competing patrons, notable engagements and citations."""
    with ledger.read() as led:
        ca, cb = state_code(led, a, "a"), state_code(led, b, "b")
    if ca == cb:
        raise Problem(422, "a dyad brief needs two different states", slug="invalid-request")
    ctx = _context(ledger)
    return _render(
        ledger,
        ("dyad", ca, cb, year),
        lambda led: dyad_brief(led, ca, cb, year, context=ctx),
        format,
        paper,
        f"brief-{ca}-{cb}-{year or 'latest'}",
    )
