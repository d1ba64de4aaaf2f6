"""`legation serve`: the REST API and the dashboard on a ledger file."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Annotated

import typer

from legation.cli.app import DbOption, command, console, err_console
from legation.errors import LegationError


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
    from legation.api.protocol import KEEP_ALIVE, HeaderTimeoutProtocol
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
    from legation.ledger.store import default_path

    run_server(db or default_path(), host, port, max_upload_mb, allow_host)
