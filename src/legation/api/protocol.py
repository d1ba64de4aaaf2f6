"""uvicorn's h11 protocol with a deadline for a request's head: the server's guard against
slow-header clients holding connections open."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
"""Seconds a client has to send a request's line and headers (slow-header attacks hold connections)."""
KEEP_ALIVE = 5
"""Seconds an idle keep-alive connection stays open."""


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for a request's line and headers: a new connection must
    send a complete request head within ``header_timeout`` seconds, and so must a kept-alive one from
    the first byte of its next request (while it sends nothing, uvicorn's keep-alive timeout applies).
    uvicorn alone stops its only clock at the first byte, so a client sending a header a minute could
    hold a connection for ever."""

    header_timeout = HEADER_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._awaiting_head = True
        self._previous: object = None  # the cycle of the last request whose head arrived

    def _start_head_timer(self) -> None:
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._awaiting_head and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_head and self._head_timer is None:
            self._start_head_timer()  # the first byte of the next request on a kept-alive connection
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self._awaiting_head and self.cycle is not None and self.cycle is not self._previous:
            self._awaiting_head, self._previous = False, self.cycle  # a request's head arrived
            self._stop_head_timer()

    def on_response_complete(self) -> None:
        self._awaiting_head = True  # until the next request's head (which may already be here)
        super().on_response_complete()
