"""The "Download brief" buttons of the dashboard's country and dyad pages, in a real browser: Debian's
Chromium driven by Playwright against a `legation serve` subprocess on the curated sample. Clicking
downloads the brief of the state or pair on screen, as PDF or HTML, and nothing leaves the machine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from api_helpers import sample_ledger

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    if os.environ.get("LEGATION_REQUIRE_BROWSER") == "1":
        raise RuntimeError("LEGATION_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("no chromium on PATH (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = sample_ledger(tmp_path_factory.mktemp("download") / "sample.duckdb")
    port = _free_port()
    env = {**os.environ, "LEGATION_TOKEN": "browser-test-token-0123"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "legation", "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"legation serve did not start:\n{proc.stdout.read()}") from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server) -> Iterator[tuple[Page, list[str]]]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
        p = context.new_page()
        requested: list[str] = []
        p.on("request", lambda r: requested.append(r.url))
        yield p, requested
        browser.close()


def _open(page: Page, server: str, route: str) -> None:
    page.goto(f"{server}/#/{route}")
    page.evaluate("() => { document.body.dataset.ready = 'false'; }")
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)


def test_country_page_downloads_the_brief_of_the_state_shown(page, server, tmp_path):
    p, requested = page
    _open(p, server, "country/840")
    assert p.locator("#problem").is_hidden()
    button = p.locator("#download-brief")
    assert button.is_visible()
    with p.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert "/api/reports/country/840" in download.url and "format=pdf" in download.url
    path = tmp_path / "brief.pdf"
    download.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-" and path.stat().st_size > 10_000
    assert all(u.startswith(server) or u.startswith("data:") for u in requested)


def test_dyad_page_downloads_the_brief_of_the_pair_shown_as_html_on_letter(page, server, tmp_path):
    p, requested = page
    _open(p, server, "dyad/2/840")
    p.select_option("#brief-paper", "letter")
    with p.expect_download(timeout=60_000) as info:
        p.locator("#download-brief-html").click()
    download = info.value
    assert "/api/reports/dyad/2/840" in download.url and "paper=letter" in download.url
    path = tmp_path / "brief.html"
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "Bottom line" in text and "Philippines" in text and "size: letter" in text
    assert all(u.startswith(server) or u.startswith("data:") for u in requested)


def test_changing_the_state_moves_the_button_to_the_new_state(page, server):
    p, _ = page
    _open(p, server, "country/840")
    p.evaluate("() => { document.body.dataset.ready = 'false'; }")
    p.select_option("#country-state", "2")
    p.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert p.locator("#download-brief").count() == 1
    with p.expect_download(timeout=60_000) as info:
        p.locator("#download-brief").click()
    assert "/api/reports/country/2" in info.value.url
