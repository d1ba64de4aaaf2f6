"""`legation serve`: the REST API and the dashboard on a ledger file."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path
from typing import Annotated, Any

import typer
from uvicorn.protocols.http.h11_impl import H11Protocol

from legation.cli.app import DbOption, command, console, err_console
from legation.errors import LegationError
from legation.ledger.store import default_path

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


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise LegationError(f"cannot listen on {host}:{port} ({e.strerror}); use another --port") from e


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The names the ``Host`` header may give: loopback, the bound address (unless it is a wildcard),
    and those given with ``--allow-host`` (``*``: any)."""
    from legation.api.app import LOCAL_HOSTS

    bound = [] if host in ("0.0.0.0", "::", "") else [host]
    return list(dict.fromkeys([*LOCAL_HOSTS, *bound, *(h.strip().lower() for h in extra if h.strip())]))


def run_server(
    db: Path, host: str, port: int, max_upload_mb: int, allow_hosts: list[str] | None = None
) -> None:
    """Start uvicorn on ``db``, printing the dashboard's address and the write token."""
    import uvicorn

    from legation.api import create_app
    from legation.api.security import TOKEN_ENV, server_token

    token, generated = server_token()
    _check_free(host, port)
    hosts = allowed_hosts(host, allow_hosts or [])
    app = create_app(db, token=token, max_upload=max_upload_mb * 1024 * 1024, allowed_hosts=hosts)
    if not _loopback(host):
        err_console.print(
            f"[bold yellow]warning:[/] serving on {host}: the read routes are open to anyone who can reach "
            "this address. Bind to 127.0.0.1 unless you mean it."
        )
        if host in ("0.0.0.0", "::") and "*" not in hosts:
            err_console.print(
                "requests must name this machine as one of "
                f"{', '.join(hosts)}; add the names clients use with --allow-host"
            )
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    console.print(f"legation dashboard on [bold]{url}[/]  (ledger {db}; API docs {url}docs)")
    if generated:
        console.print(f"write token (imports, deletes): [bold]{token}[/]  (set {TOKEN_ENV} to choose one)")
    console.print("press Ctrl+C to stop")
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=HeaderTimeoutProtocol,
        timeout_keep_alive=KEEP_ALIVE,
    )
    uvicorn.Server(config).run()


@command("serve")
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to bind; loopback by default.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8765,
    max_upload_mb: Annotated[int, typer.Option(min=1, max=1024, help="Upload limit, MB.")] = 20,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Another name the Host header may give (repeatable; '*' for any). Loopback names and "
            "--host are always allowed."
        ),
    ] = None,
) -> None:
    """Serve the REST API (/api, /docs) and the dashboard (/) on a ledger."""
    run_server(db or default_path(), host, port, max_upload_mb, allow_host)
