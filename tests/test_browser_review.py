"""The review page in a real browser: paste text, read the candidates with their evidence, accept
one, reject another, import — and only the accepted one reaches the ledger."""

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
REQUIRED = os.environ.get("LEGATION_REQUIRE_BROWSER") == "1"
TOKEN = "browser-review-token-0123"

if CHROMIUM is None:
    if REQUIRED:
        raise RuntimeError("LEGATION_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("no chromium on PATH (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from legation.ledger import Ledger  # noqa: E402

TEXT = (
    "Nepal deployed 800 peacekeepers to South Sudan. The foreign ministers of Brazil and Argentina signed a "
    "trade agreement. Egypt bought 24 Rafale jets from France last year."
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, object]]:
    db = sample_ledger(tmp_path_factory.mktemp("review") / "sample.duckdb")
    port = _free_port()
    env = {**os.environ, "LEGATION_TOKEN": TOKEN}
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
    yield base, db
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def page(server) -> Iterator[tuple[Page, list[str]]]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        p = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        p.on("request", lambda r: requested.append(r.url))
        yield p, requested
        browser.close()


def test_review_accept_reject_import(page, server):
    p, requested = page
    base, db = server
    with Ledger(db, read_only=True) as led:
        before = led.engagements().height
    p.goto(f"{base}/#/review")
    p.wait_for_selector("body[data-ready=true]", timeout=30_000)
    expect(p.locator("h1")).to_have_text("Review text")
    p.fill("#review-text", TEXT)
    p.fill("#review-date", "2017-03-15")
    p.fill("#review-url", "https://news.example/story")
    p.fill("#review-token", "wrong-token")
    p.click("#run-extract")
    expect(p.locator("#review-status")).to_contain_text("token")  # the route is guarded
    p.fill("#review-token", TOKEN)
    p.click("#run-extract")
    expect(p.locator("#review-status")).to_have_text("2 candidates.")
    rows = p.locator("#candidates tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Nepal deployed 800 peacekeepers to South Sudan.")
    expect(rows.nth(1)).to_contain_text("France (FRA)")
    expect(p.locator("#import-accepted")).to_be_disabled()
    p.click("[data-accept='0']")
    p.click("[data-reject='1']")
    expect(p.locator("#accepted-count")).to_have_text("1 of 2 accepted")
    p.click("#import-accepted")
    expect(p.locator("#review-status")).to_contain_text("Imported 1 engagements under source extract-")
    expect(p.locator("#candidates tbody tr")).to_have_count(1)  # the imported one leaves the list
    time.sleep(0.5)
    with Ledger(db, read_only=True) as led:
        rows_now = led.engagements()
    assert rows_now.height == before + 1
    assert "https://news.example/story" in rows_now["source_ref"].to_list()
    assert all(u.startswith(base) or u.startswith("data:") for u in requested)
