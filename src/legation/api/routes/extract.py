"""Reading text into candidate engagements, and importing those a reviewer accepted.

Both routes need the bearer token: extraction costs CPU (so it is bounded: `MAX_DOCUMENTS`,
`MAX_CHARS`), and import writes the ledger. Import goes through the same path as
`legation import --accepted-only` (a candidates CSV written to a temporary folder), so it is all or
nothing and records the batch under its own source, with each article's URL as ``source_ref``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import tempfile
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from legation.api.common import Access
from legation.api.problems import Problem
from legation.api.routes.records import ImportResult
from legation.api.security import require_token
from legation.ledger.importing import import_file

router = APIRouter(prefix="/api/extract", tags=["extract"])
MAX_DOCUMENTS = 200
MAX_CHARS = 200_000
"""Bounds of one extraction request (documents, and characters in all): larger batches go through
`legation extract`."""
MAX_CANDIDATES = 5_000


class TextIn(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=MAX_CHARS)]
    date: dt.date | None = None
    url: Annotated[str | None, Field(max_length=2000)] = None
    title: Annotated[str | None, Field(max_length=500)] = None


class ExtractIn(BaseModel):
    documents: Annotated[list[TextIn], Field(min_length=1, max_length=MAX_DOCUMENTS)]


class ExtractOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    documents: int


@router.post("", response_model=ExtractOut, dependencies=[Depends(require_token)])
async def extract(body: ExtractIn) -> ExtractOut:
    """Candidate engagements in the posted texts, as rows of the candidates file (the import format
    plus ``evidence``, ``doc``, ``line``, ``accept``) with the parties' ISO3 codes; nothing is written."""
    if sum(len(d.text) for d in body.documents) > MAX_CHARS:
        raise Problem(413, f"over {MAX_CHARS:,} characters of text in one request", slug="too-large")

    def run() -> list[dict[str, Any]]:
        from legation.text.extract import extract as read
        from legation.text.read import Document
        from legation.text.review import row

        docs = [
            Document(d.url or f"document {i + 1}", d.text, d.date, d.url, d.title, i)
            for i, d in enumerate(body.documents)
        ]
        out = []
        for c in read(docs):
            r = row(c)
            r |= {
                "actor_iso3": c.actor.iso3,
                "partner_iso3": c.partner.iso3,
                "partner_group": c.partner.group,
            }
            out.append(r)
        return out

    items = await run_in_threadpool(run)
    return ExtractOut(items=items, total=len(items), documents=len(body.documents))


class ImportIn(BaseModel):
    candidates: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_CANDIDATES)]


@router.post("/import", response_model=ImportResult, status_code=201, dependencies=[Depends(require_token)])
async def import_accepted(body: ImportIn, ledger: Access) -> ImportResult:
    """Import the candidates whose ``accept`` is yes, all or nothing (as `legation import
    --accepted-only`); ``line`` in a problem is the candidate's line in that file (2 = the first)."""
    from legation.text.review import HEADER

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=HEADER, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for c in body.candidates:
        w.writerow({k: "" if c.get(k) is None else c.get(k) for k in HEADER})
    name = f"review-{dt.date.today().isoformat()}.csv"

    def run() -> Any:
        with tempfile.TemporaryDirectory(prefix="legation-review-") as tmp:
            target = pathlib.Path(tmp) / "candidates.csv"
            target.write_text(buf.getvalue(), "utf-8")
            with ledger.write() as led:
                return import_file(led, target, name=name, accepted_only=True)

    report = await run_in_threadpool(run)
    return ImportResult(
        import_id=report.import_id,
        file=name,
        format=report.format,
        rows_written=report.rows_written,
        sources=report.sources,
        seconds=round(report.seconds, 3),
    )
