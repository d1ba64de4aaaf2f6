"""What every browser test shares: Debian's Chromium (the test module is skipped without it, unless
LEGATION_REQUIRE_BROWSER=1), a `legation serve` subprocess on a free loopback port, and a headless
page that records every request it makes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("LEGATION_REQUIRE_BROWSER") == "1"


def require_chromium() -> str:
    """The Chromium to drive; skips the calling test module where there is none (unless required)."""
    if CHROMIUM is None:
        if REQUIRED:
            raise RuntimeError(
                "LEGATION_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)"
            )
        pytest.skip("no chromium on PATH (apt-get install chromium)", allow_module_level=True)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, token: str, *, timeout: float = 30, warm: str | None = None) -> Iterator[str]:
    """`legation serve` on ``db`` with write token ``token``; yields its base URL once healthy (and,
    with ``warm``, once that route has answered, so its caches are filled)."""
    port = _free_port()
    log_path = db.with_name(f"{db.stem}-serve-{port}.log")
    with log_path.open("w") as log:  # a file, not a pipe nobody reads, which could fill and block
        proc = subprocess.Popen(
            [sys.executable, "-m", "legation", "serve", "--db", str(db), "--port", str(port)],
            env={**os.environ, "LEGATION_TOKEN": token},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError(f"legation serve did not start:\n{log_path.read_text()}") from None
                time.sleep(0.2)
        try:
            if warm is not None:
                urllib.request.urlopen(f"{base}{warm}", timeout=60).read()
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@contextmanager
def browsing(**context: Any) -> Iterator[tuple[Any, list[str]]]:
    """A headless page (1400 × 1000; ``context`` adds browser-context options such as
    ``accept_downloads``) and the list of every URL it requests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=require_chromium(),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, **context).new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        try:
            yield page, requested
        finally:
            browser.close()
