"""Errors as RFC 9457 problem details (``application/problem+json``), with a message a user can act on."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from legation.api.access import LedgerBusy
from legation.errors import (
    InputError,
    LegationError,
    MeasureError,
    NeedsDataError,
    NotFoundError,
    PanelError,
    UnknownStateError,
)

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
}


class Problem(Exception):
    """Raise from a route to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, slug: str | None = None, **extra: Any):
        super().__init__(detail)
        self.status, self.detail, self.slug, self.extra = status, detail, slug, extra


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
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


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
            {"file": p.file, "row": p.row, "field": p.field, "value": str(p.value), "message": p.message}
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

    @app.exception_handler(NeedsDataError)
    async def _needs(request: Request, exc: NeedsDataError) -> JSONResponse:
        return problem(request, 409, str(exc), slug="needs-data")

    @app.exception_handler(NotFoundError)
    async def _missing(request: Request, exc: NotFoundError) -> JSONResponse:
        return problem(request, 404, str(exc), slug=f"no-such-{exc.what}")

    @app.exception_handler(UnknownStateError)
    async def _unknown(request: Request, exc: UnknownStateError) -> JSONResponse:
        return problem(request, 404, str(exc), slug="unknown-state")

    async def _invalid_input(request: Request, exc: Exception) -> JSONResponse:
        return problem(request, 422, str(exc), slug="invalid-request")

    app.add_exception_handler(PanelError, _invalid_input)
    app.add_exception_handler(MeasureError, _invalid_input)

    @app.exception_handler(LegationError)
    async def _legation(request: Request, exc: LegationError) -> JSONResponse:
        """Any other error of legation's own is the request's fault, never a 500."""
        return problem(request, 400, str(exc), slug="bad-request")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return problem(request, 500, f"unexpected error: {type(exc).__name__}", slug="server-error")
