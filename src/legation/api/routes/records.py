"""The ledger's records: engagements (filtered, paginated), a dyad's timeline, imports and deletes."""

from __future__ import annotations

import pathlib
import re
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Any, BinaryIO

import polars as pl
from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.formparsers import MultiPartException, MultiPartParser

from legation._parse import integer
from legation.api.common import (
    MAX_YEAR,
    MIN_YEAR,
    Access,
    Limit,
    Offset,
    OptYear,
    Page,
    records,
    state_code,
    years_param,
)
from legation.api.problems import Problem
from legation.api.security import require_token
from legation.errors import UnknownStateError
from legation.instruments import INSTRUMENTS
from legation.ledger import imports_log, reads
from legation.ledger.importing import FORMATS, ImportReport, import_file
from legation.ledger.store import Ledger
from legation.measures import profiles
from legation.panel.channels import CHANNELS
from legation.years import VIEW_YEARS

router = APIRouter(prefix="/api", tags=["records"])
CHUNK = 1 << 20


@router.get("/engagements", response_model=Page)
def engagements(
    ledger: Access,
    actor: Annotated[
        str | None, Query(max_length=200, description="state, group or actor: name or COW code")
    ] = None,
    partner: Annotated[str | None, Query(max_length=200)] = None,
    instrument: Annotated[str | None, Query(max_length=40)] = None,
    source: Annotated[str | None, Query(max_length=100, description="source id")] = None,
    since: Annotated[OptYear, Query(description="first year of the start date")] = None,
    until: Annotated[OptYear, Query(description="last year of the start date")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """Engagements matching every filter, oldest first."""
    if instrument is not None and instrument not in INSTRUMENTS:
        raise Problem(
            422, f"instrument {instrument!r} is not one of {sorted(INSTRUMENTS)}", slug="invalid-request"
        )
    years_param(since, until, (MIN_YEAR, MAX_YEAR))
    with ledger.read() as led:
        who = {
            col: _party(led, col, v) for col, v in (("actor", actor), ("partner", partner)) if v is not None
        }
        if source is not None and not reads.source_exists(led, source):
            raise Problem(404, f"no source {source!r} in the ledger; see /api/sources", slug="unknown-source")
        rows, total = reads.engagement_page(
            led,
            actor=who.get("actor"),
            partner=who.get("partner"),
            instrument=instrument,
            source=source,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
    return Page(items=records(rows), total=total, limit=limit, offset=offset)


def _party(led: Ledger, col: str, who: str) -> tuple[int | None, str, str]:
    """``(ccode, name, kind)`` of an actor or partner filter: a state by COW code or name, or a group
    or other actor."""
    if integer(who.strip()) is not None:
        return state_code(led, who, col), "", "state"
    try:
        found = led.resolver().resolve(who.strip()[:200])
    except UnknownStateError as e:
        raise Problem(404, f"{col}: {e}", slug="unknown-state") from e
    return found.ccode, found.name, found.kind.value


@router.get("/dyads/{a}/{b}", response_model=Page)
def dyad(
    ledger: Access,
    a: Annotated[str, Path(max_length=200, description="COW code or name")],
    b: Annotated[str, Path(max_length=200, description="COW code or name")],
    since: OptYear = None,
    until: OptYear = None,
    limit: Limit = 500,
    offset: Offset = 0,
) -> Page:
    """Every engagement between two states (either direction) with its source, and their UN voting
    alignment by year in ``meta.alignment``."""
    with ledger.read() as led:
        ca, cb = state_code(led, a, "a"), state_code(led, b, "b")
        if ca == cb:
            raise Problem(422, "a dyad needs two different states", slug="invalid-request")
        rows, total = reads.dyad_engagements(led, ca, cb, limit, offset)
    names = dict(ledger.cached("state_names", reads.state_names).select("ccode", "name").iter_rows())
    years = years_param(since, until, VIEW_YEARS)
    align = ledger.cached(
        ("alignment", min(ca, cb), max(ca, cb), years), lambda led: profiles.alignment(led, ca, cb, years)
    )
    return Page(
        items=records(rows),
        total=total,
        limit=limit,
        offset=offset,
        meta={
            "a": {"ccode": ca, "name": names.get(ca)},
            "b": {"ccode": cb, "name": names.get(cb)},
            "alignment": records(align),
            "alignment_source": CHANNELS["unga"].source if align.height else None,
        },
    )


class ImportResult(BaseModel):
    import_id: int | None
    file: str
    format: str
    rows_written: int
    sources: list[str]
    seconds: float


def _safe_name(name: str | None) -> tuple[str, str]:
    """The upload's display name and its format suffix; the name is never used as a path."""
    raw = pathlib.PurePath(name or "upload").name
    suffix = pathlib.PurePath(raw).suffix.lower()
    if suffix not in FORMATS:
        raise Problem(
            415,
            f"unsupported file type {suffix or '(none)'!r}; upload one of {sorted(FORMATS)}",
            slug="unsupported-type",
        )
    return re.sub(r"[^\w.\- ]", "_", raw)[:120], suffix


UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "a CSV, Parquet or YAML engagement file",
                        }
                    },
                }
            }
        },
    }
}
"""The body `upload` reads itself (so the token is checked before a byte of it is read)."""
MULTIPART_OVERHEAD = 65536
"""Room for the multipart framing around the file: the body may be this much over the limit."""


async def _capped(stream: AsyncIterator[bytes], cap: int) -> AsyncGenerator[bytes, None]:
    """``stream``, refused with a 413 as soon as it passes ``cap`` bytes (a chunked body announces no
    length: it is counted as it comes)."""
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > cap:
            raise Problem(413, f"request body is over the {cap:,}-byte upload limit", slug="too-large")
        yield chunk


async def _received(request: Request, limit: int) -> StarletteUpload:
    """The uploaded file of a ``multipart/form-data`` body, read in chunks under the size limit."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise Problem(
            422, "send the file as multipart/form-data in a field named `file`", slug="invalid-request"
        )
    parser = MultiPartParser(
        request.headers,
        _capped(request.stream(), limit + MULTIPART_OVERHEAD),
        max_files=1,
        max_fields=16,
        max_part_size=65536,
    )
    try:
        form = await parser.parse()
    except MultiPartException as e:
        raise Problem(422, f"malformed multipart body: {e.message}", slug="invalid-request") from e
    file = form.get("file")
    if not isinstance(file, StarletteUpload):
        raise Problem(
            422, "send the file as multipart/form-data in a field named `file`", slug="invalid-request"
        )
    return file


def _store(file: BinaryIO, target: pathlib.Path, display: str, limit: int) -> None:
    """Copy the received file into ``target``, refusing it past ``limit`` bytes."""
    size = 0
    with target.open("wb") as out:
        while chunk := file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise Problem(
                    413, f"{display} is larger than the {limit:,}-byte upload limit", slug="too-large"
                )
            out.write(chunk)


@router.post(
    "/imports",
    response_model=ImportResult,
    status_code=201,
    dependencies=[Depends(require_token)],
    openapi_extra=UPLOAD_BODY,
)
async def upload(
    request: Request,
    ledger: Access,
    source: Annotated[str | None, Query(max_length=100, description="source id for rows without one")] = None,
) -> ImportResult:
    """Import an engagement file (multipart field ``file``), checked exactly like `legation import`:
    all or nothing. The token is checked before the body is read, the size limit while it is read, and
    the import runs off the event loop, so other requests are answered meanwhile."""
    limit: int = request.app.state.max_upload
    file = await _received(request, limit)
    try:
        display, suffix = _safe_name(file.filename)

        def run() -> ImportReport:
            with tempfile.TemporaryDirectory(prefix="legation-upload-") as tmp:
                target = pathlib.Path(tmp) / f"upload{suffix}"
                _store(file.file, target, display, limit)
                with ledger.write() as led:
                    return import_file(led, target, source=source, name=display)

        report = await run_in_threadpool(run)
    finally:
        await file.close()
    return ImportResult(
        import_id=report.import_id,
        file=display,
        format=report.format,
        rows_written=report.rows_written,
        sources=report.sources,
        seconds=round(report.seconds, 3),
    )


@router.get("/imports", response_model=Page)
def imports(ledger: Access, limit: Limit = 100, offset: Offset = 0) -> Page:
    """The ledger's import log, newest first."""
    with ledger.read() as led:
        rows = imports_log.imports(led)
    # file names only: the server's folders are nobody's business
    rows = rows.with_columns(pl.col("path").str.strip_chars_end("/\\").str.replace(r"^.*[/\\]", ""))
    return Page(items=records(rows.slice(offset, limit)), total=rows.height, limit=limit, offset=offset)


@router.delete("/imports/{import_id}", dependencies=[Depends(require_token)])
def delete_import(ledger: Access, import_id: int) -> dict[str, Any]:
    """Remove everything one import wrote (and its log entry), in one transaction: its engagements,
    and for a dataset import that is its source's newest, the source's rows in every table."""
    if not 0 < import_id < 2**31:
        raise Problem(404, f"no import {import_id}", slug="unknown-import")
    with ledger.write() as led:
        if not imports_log.import_exists(led, import_id):
            raise Problem(404, f"no import {import_id} in {led.path.name}", slug="unknown-import")
        n = imports_log.delete_import(led, import_id)
    return {"import_id": import_id, "engagements_deleted": n}
