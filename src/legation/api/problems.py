"""Errors as RFC 9457 problem details (``application/problem+json``), with a message a user can act on."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from legation.api.access import LedgerBusy
from legation.errors import (
    InputError,
    LedgerDamaged,
    LedgerFull,
    LedgerReadOnly,
    LegationError,
    MeasureError,
    NeedsDataError,
    NotFoundError,
    PanelError,
    UnknownStateError,
)
from legation.ledger.opening import damage

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    500: "Internal server error",
    503: "Service unavailable",
    507: "Insufficient storage",
}


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, slug: str | None = None, **extra: Any):
        super().__init__(detail)
        self.status, self.detail, self.slug, self.extra = status, detail, slug, extra


_FOLDERS = re.compile(r"(?<![\w.~])(?:/[^/\s'\"`()]+)+/(?=[^/\s'\"`()])")
"""An absolute POSIX path's folders (what comes before the file name)."""
_ROUTES = ("/api/", "/static/", "/vendor/", "/problems/")


def redact(text: str, ledger: Path | None = None) -> str:
    """``text`` with the server's folders taken out of every path in it (file names stay): the
    ledger's own path (even relative), an upload's temporary folder, any absolute path. Routes stay."""
    if ledger is not None:
        for path in (ledger.resolve(), ledger):
            text = text.replace(str(path), path.name)
    return _FOLDERS.sub(lambda m: m.group(0) if m.group(0).startswith(_ROUTES) else "", text)


def _ledger_path(request: Request) -> Path | None:
    access = getattr(request.app.state, "access", None)
    return getattr(access, "path", None)


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"/problems/{slug}" if slug else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": redact(detail, _ledger_path(request)),
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


STATUS: dict[type[LegationError], tuple[int, str]] = {
    LedgerDamaged: (503, "ledger-damaged"),  # no retry helps until someone restores the file
    LedgerReadOnly: (503, "ledger-read-only"),
    LedgerFull: (507, "ledger-disk-full"),
    NeedsDataError: (409, "needs-data"),
    UnknownStateError: (404, "unknown-state"),
    PanelError: (422, "invalid-request"),
    MeasureError: (422, "invalid-request"),
}
"""The status and problem type of each of legation's errors answered by its message alone."""


def _plain(status: int, slug: str) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return problem(request, status, str(exc), slug=slug)

    return handle


async def _missing(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFoundError)
    return problem(request, 404, str(exc), slug=f"no-such-{exc.what}")


def install(app: FastAPI) -> None:
    """Answer every error raised in ``app`` as a problem document."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem(request, exc.status, exc.detail, slug=exc.slug, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors) or "invalid request"
        return problem(request, 422, detail, slug="invalid-request", errors=errors)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        errors = [
            {
                "file": p.file,
                "row": p.row,
                "field": p.field,
                "value": str(p.value),
                "message": redact(p.message, _ledger_path(request)),
            }
            for p in exc.problems
        ]
        return problem(
            request,
            422,
            f"{exc.total} problem(s) in {exc.file or 'the upload'}; nothing was imported",
            slug="invalid-import",
            errors=errors,
        )

    @app.exception_handler(LedgerBusy)
    async def _busy(request: Request, exc: LedgerBusy) -> JSONResponse:
        return problem(request, 503, str(exc), slug="ledger-busy", headers={"Retry-After": "2"})

    for cls, (status, slug) in STATUS.items():
        app.add_exception_handler(cls, _plain(status, slug))
    app.add_exception_handler(NotFoundError, _missing)

    @app.exception_handler(LegationError)
    async def _legation(request: Request, exc: LegationError) -> JSONResponse:
        """Any other error of legation's own is the request's fault, never a 500."""
        return problem(request, 400, str(exc), slug="bad-request")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        damaged = damage(exc, _ledger_path(request))
        if damaged is not None:  # a corrupt block in a file that opened cleanly
            return problem(request, 503, str(damaged), slug="ledger-damaged")
        return problem(request, 500, f"unexpected error: {type(exc).__name__}", slug="server-error")
