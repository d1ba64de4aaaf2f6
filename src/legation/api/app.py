"""The FastAPI application: REST routes under /api, the dashboard at /, everything offline."""

from __future__ import annotations

import threading
from collections.abc import Collection
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from legation import __version__
from legation.api import problems
from legation.api.access import LedgerAccess
from legation.api.cache import ResponseCache
from legation.api.geometry import world_geometry
from legation.api.routes import catalog, extract, measures, optimise, panels, records, reports, simulations
from legation.errors import LedgerError, LegationError
from legation.ledger import reads
from legation.ledger.store import no_ledger
from legation.measures import profiles

MAX_UPLOAD = 20 * 1024 * 1024
"""Default upload limit (bytes): larger files go through `legation import`."""
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""The dashboard may load nothing from anywhere but this server, and evaluates no generated code."""


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Host names the server answers to by default, with the one it is bound to (`legation serve`)."""


def host_name(header: bytes) -> str:
    """The name in a ``Host`` header, lower case, without the port or an IPv6 address's brackets."""
    text = header.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rpartition(":")[0] if text.count(":") == 1 else text


class Guard:
    """Pure ASGI middleware in front of everything:

    - refuses a ``Host`` header not in ``hosts`` (DNS rebinding: a page on another site that makes
      its name resolve to this address must not read the ledger), 400; ``hosts=None`` lets any in;
    - refuses request bodies announced over ``max_body`` (413, before reading them);
    - serves ``/api/x/`` as ``/api/x`` (no redirect, which would name the request's Host);
    - adds the security headers to every response.
    """

    def __init__(self, app: ASGIApp, max_body: int, hosts: Collection[str] | None = None):
        self.app, self.max_body = app, max_body
        self.hosts = None if hosts is None else frozenset(h.strip("[]").lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal: tuple[int, str, str] | None = None
        if self.hosts is not None and "*" not in self.hosts:
            name = host_name(headers.get(b"host", b""))
            if name not in self.hosts:
                refusal = (
                    400,
                    f"this server answers to {', '.join(sorted(self.hosts))}, not to the host "
                    f"{name[:100]!r}; start it with --allow-host to add a name",
                    "unknown-host",
                )
        length = headers.get(b"content-length", b"")
        if refusal is None and length.isdigit() and int(length) > self.max_body:
            refusal = (413, f"request body of {int(length):,} bytes is over the upload limit", "too-large")
        if refusal is not None:
            status, detail, slug = refusal
            response = problems.problem(Request(scope), status, detail, slug=slug)
            await response(scope, receive, self._secured(scope, send))
            return
        path: str = scope.get("path", "")
        if path.startswith("/api/") and path.endswith("/") and path.rstrip("/") != "/api":
            scope = {**scope, "path": path.rstrip("/"), "raw_path": None}
        await self.app(scope, receive, self._secured(scope, send))

    @staticmethod
    def _secured(scope: Scope, send: Send) -> Send:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        return with_headers


class Health(BaseModel):
    status: Literal["ok", "busy", "damaged"]
    version: str
    ledger: str = Field(description="the ledger's file name")
    open: bool = Field(description="whether the server holds the file open now")
    detail: str | None = Field(None, description="why the ledger is busy or damaged")


def web_root() -> Path:
    return Path(str(resources.files("legation") / "web"))


def plotly_js() -> Path:
    """plotly.js as bundled in the installed ``plotly`` package: no CDN."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
"""Swagger UI's assets as the ``fastapi-offline`` package ships them: the API docs need no CDN."""


def swagger_file(name: str) -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static" / name


def _warm(access: LedgerAccess) -> None:
    """Compute what the overview needs before the first visitor asks (errors surface on request)."""
    try:
        access.cached("state_names", reads.state_names)
        access.cached("influence", profiles.influence)
        world_geometry()
    except LegationError:  # the same error is answered as a problem on request
        return


def create_app(
    db: str | Path,
    *,
    token: str,
    max_upload: int = MAX_UPLOAD,
    idle_release: float = 2.0,
    warm: bool = True,
    allowed_hosts: Collection[str] | None = None,
) -> FastAPI:
    """The server over the ledger file ``db`` (opened read-only per request; see `access`); ``warm``
    computes the overview's measures in the background at start. ``allowed_hosts``: the names the
    ``Host`` header may give (`legation serve` passes `LOCAL_HOSTS`, the bound host and any
    ``--allow-host``; ``"*"`` for any); None checks nothing (tests, embedding behind a proxy)."""
    path = Path(db)
    if not path.is_file():
        raise LedgerError(no_ledger(path))
    access = LedgerAccess(path, idle_release=idle_release)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if warm:
            threading.Thread(target=_warm, args=(access,), daemon=True, name="ledger-warm").start()
        yield
        access.close()

    app = FastAPI(
        title="legation",
        version=__version__,
        summary="Military diplomacy and soft power: engagements, panels, influence, alignment, networks.",
        lifespan=lifespan,
        redirect_slashes=False,
        docs_url=None,  # FastAPI's pages load Swagger UI from a CDN: ours serve it from this server
        redoc_url=None,
    )
    app.state.access = access
    app.state.token = token
    app.state.max_upload = max_upload
    problems.install(app)

    app.add_middleware(ResponseCache, ledger=path)
    app.add_middleware(Guard, max_body=max_upload + records.MULTIPART_OVERHEAD, hosts=allowed_hosts)

    for module in (catalog, records, measures, panels, extract, reports, simulations, optimise):
        app.include_router(module.router)

    @app.get(
        "/api/health",
        tags=["catalog"],
        response_model=Health,
        responses={503: {"model": Health, "description": "the ledger is damaged or unreadable"}},
    )
    def health(response: Response) -> Health:
        """Liveness and the ledger's state: ``ok``; ``busy`` while it is being written (requests
        wait, or get a 503 with Retry-After); ``damaged`` (a 503) when it cannot be read as a ledger,
        with ``detail`` saying why. ``open``: whether the server holds the file open right now."""
        state, why = access.state()
        if state == "damaged":
            response.status_code = 503
        return Health(
            status=state,
            version=__version__,
            ledger=path.name,
            open=access.is_open,
            detail=problems.redact(why, path) if why else None,
        )

    _pages(app)
    return app


def _pages(app: FastAPI) -> None:
    """The dashboard, the API reference and their vendored scripts, all served from this server."""
    root = web_root()

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> FileResponse:
        return FileResponse(
            plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/vendor/topojson/{name}.json", include_in_schema=False)
    def topojson(name: str) -> JSONResponse:
        """An empty base map: the dashboard draws countries from `/api/geo/world` itself, and this
        keeps plotly.js from fetching its base layers from a CDN."""
        return JSONResponse({"type": "Topology", "objects": {}, "arcs": []})

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """The interactive API reference (Swagger UI), served and initialised from this server."""
        return FileResponse(root / "docs.html", media_type="text/html")

    @app.get("/vendor/swagger/{name}", include_in_schema=False)
    def swagger(name: str) -> FileResponse:
        if name not in SWAGGER_FILES:
            raise problems.Problem(404, f"no vendor file {name!r}", slug="not-found")
        return FileResponse(
            swagger_file(name), media_type=SWAGGER_FILES[name], headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(root / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=root), name="static")
