"""The FastAPI application: REST routes under /api, the dashboard at /, everything offline."""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from legation import __version__
from legation.api import problems
from legation.api.access import LedgerAccess
from legation.api.cache import ResponseCache
from legation.api.geometry import world_geometry
from legation.api.routes import catalog, measures, panels, records
from legation.errors import LedgerError, LegationError
from legation.ledger import reads
from legation.measures import profiles

MAX_UPLOAD = 20 * 1024 * 1024
"""Default upload limit (bytes): larger files go through `legation import`."""
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""The dashboard may load nothing from anywhere but this server (plotly.js evaluates generated code)."""


class Guard:
    """Pure ASGI middleware: refuses request bodies announced over ``max_body`` (413, before reading
    them) and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body:
            request = Request(scope)
            response = problems.problem(
                request,
                413,
                f"request body of {int(length):,} bytes is over the upload limit",
                slug="too-large",
            )
            await response(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
            await send(message)

        await self.app(scope, receive, with_headers)


def web_root() -> Path:
    return Path(str(resources.files("legation") / "web"))


def plotly_js() -> Path:
    """plotly.js as bundled in the installed ``plotly`` package: no CDN."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


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
) -> FastAPI:
    """The server over the ledger file ``db`` (opened read-only per request; see `access`); ``warm``
    computes the overview's measures in the background at start."""
    path = Path(db)
    if not path.is_file():
        raise LedgerError(
            f"no ledger at {path}: build one with `legation demo --no-serve` or `legation init`"
        )
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
    )
    app.state.access = access
    app.state.token = token
    app.state.max_upload = max_upload
    problems.install(app)

    app.add_middleware(ResponseCache, ledger=path)
    app.add_middleware(Guard, max_body=max_upload + 65536)

    for module in (catalog, records, measures, panels):
        app.include_router(module.router)

    @app.get("/api/health", tags=["catalog"])
    def health() -> dict[str, object]:
        """Liveness, the ledger's name, and whether the server holds it open right now."""
        return {"status": "ok", "version": __version__, "ledger": path.name, "open": access.is_open}

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

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(root / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=root), name="static")
    return app
