"""A response cache for the read routes: the ledger only changes when its file does.

Pure ASGI middleware in front of the app. A ``GET /api/...`` answered 200 is kept (status, headers,
body) under its path and query string together with the ledger file's generation (`access.signature`:
size and modification time of the file and its WAL, two ``stat`` calls); the same request for the
same generation is answered from memory without touching the ledger. Any write (an upload through the
server, or the CLI) changes the generation, so nothing stale is served. The most recently used
``size`` responses are kept, none larger than ``max_body`` bytes. Responses say ``X-Cache: hit`` or
``miss``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from legation.api.access import signature

UNCACHED = frozenset({"/api/health"})
"""Routes whose answer is not a function of the ledger file alone."""


@dataclass
class _Capture:
    """What the app sent for one request, while it still may be kept."""

    start: Message | None = None
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    keep: bool = True


class ResponseCache:
    def __init__(self, app: ASGIApp, ledger: Path, *, size: int = 512, max_body: int = 4 << 20):
        self.app, self.ledger, self.size, self.max_body = app, ledger, size, max_body
        self.entries: OrderedDict[tuple[str, bytes], tuple[tuple[int, ...], Message, bytes]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith("/api/")
            or path in UNCACHED
        ):
            await self.app(scope, receive, send)
            return
        key = (path, scope.get("query_string", b""))
        generation = signature(self.ledger)
        hit = self.entries.get(key)
        if hit is not None and hit[0] == generation:
            self.entries.move_to_end(key)
            start, body = hit[1], hit[2]
            await send({**start, "headers": [*start["headers"], (b"x-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        got = _Capture()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                got.start, got.keep = message, message["status"] == 200
                message = {**message, "headers": [*message["headers"], (b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body" and got.keep:
                body = message.get("body", b"")
                got.size += len(body)
                got.keep = got.size <= self.max_body
                got.chunks.append(body)
                if got.keep and not message.get("more_body", False):
                    self._store(key, generation, got)
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key: tuple[str, bytes], generation: tuple[int, ...], got: _Capture) -> None:
        assert got.start is not None
        self.entries[key] = (generation, got.start, b"".join(got.chunks))
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
