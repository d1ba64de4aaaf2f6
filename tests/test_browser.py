"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a `legation serve`
subprocess on 127.0.0.1. Each page is opened, a control changed, and the rendered charts and tables
checked; no request may leave the machine, and every page must be ready within a second."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api_helpers import sample_ledger

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("LEGATION_REQUIRE_BROWSER") == "1"
SHOTS = Path(os.environ.get("LEGATION_SCREENSHOTS", "")) if os.environ.get("LEGATION_SCREENSHOTS") else None

if CHROMIUM is None:
    if REQUIRED:
        raise RuntimeError("LEGATION_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("no chromium on PATH (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CSP_VIOLATIONS: list[str] = []
"""What the browser refused under the server's Content-Security-Policy (no 'unsafe-eval')."""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = sample_ledger(tmp_path_factory.mktemp("browser") / "sample.duckdb")
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
    urllib.request.urlopen(f"{base}/api/influence/outward?top=8", timeout=30).read()  # warm the caches
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser_page(server) -> Iterator[tuple[Page, list[str]]]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.on(
            "console",
            lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{server}/#/overview")  # loads plotly.js once, so the timings below are per page
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        yield page, requested
        browser.close()


def _open(page: Page, server: str, route: str) -> None:
    page.goto(f"{server}/#/{route}")
    _unready(page)
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    _ready(page)


def _unready(page: Page) -> None:
    """Mark the page not ready, so `_ready` waits for the render the next action starts."""
    page.evaluate("() => { document.body.dataset.ready = 'false'; }")


def _ready(page: Page) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    expect(page.locator("#problem")).to_be_hidden()
    assert int(page.evaluate("document.body.dataset.loadMs")) < 1000, "page took over a second"


def _change(page: Page, selector: str, value: str) -> None:
    _unready(page)
    page.select_option(selector, value)
    _ready(page)


def _traces(page: Page, chart: str) -> list[dict]:
    return page.evaluate(
        "(id) => document.getElementById(id).data.map("
        "t => ({name: t.name, type: t.type, n: (t.x || t.locations || []).filter(v => v !== null).length}))",
        chart,
    )


def _title(page: Page, chart: str) -> str:
    return page.evaluate("(id) => document.getElementById(id).layout.title.text", chart)


def _shot(page: Page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_overview(browser_page, server):
    page, _ = browser_page
    _open(page, server, "overview")
    names = {t["name"] for t in _traces(page, "chart-outward")}
    assert {"United States of America", "Russia", "China"} <= names
    assert page.locator("#kpi-engagements").inner_text() == "274"
    _change(page, "#overview-year", "2010")
    assert _title(page, "chart-map") == "Outward influence by state, 2010"
    countries = _traces(page, "chart-map")
    assert countries[0]["type"] == "choropleth" and countries[0]["n"] > 150  # the base map
    assert countries[1]["n"] >= 5  # states with outward influence in 2010
    assert page.locator("#chart-map path.choroplethlocation").count() > 150  # drawn, not just data
    bars = page.evaluate("() => document.getElementById('chart-channels').data[0].y")
    assert bars[0] == "United States of America"
    _shot(page, "overview")


def test_country_profile(browser_page, server):
    page, _ = browser_page
    _open(page, server, "country/750")
    expect(page.locator("h1")).to_have_text("Country profile: India")
    _change(page, "#country-state", "740")
    expect(page.locator("h1")).to_have_text("Country profile: Japan")
    assert {t["name"] for t in _traces(page, "chart-out")} >= {"exercise"}
    assert "United States of America" in page.locator("#partners").inner_text()
    assert "No UN roll calls" in page.locator("#chart-align").inner_text()
    _shot(page, "country")


def test_dyad_explorer(browser_page, server):
    page, _ = browser_page
    _open(page, server, "dyad/2/750")
    _change(page, "#dyad-b", "740")
    expect(page.locator("h1")).to_have_text("Dyad explorer: United States of America and Japan")
    rows = page.locator("#dyad-table tbody tr")
    total = int(page.get_by_role("heading", name=re.compile(r"^\d+ engagements$")).inner_text().split()[0])
    assert rows.count() == total >= 3
    points = sum(t["n"] for t in _traces(page, "chart-timeline"))
    assert points == total
    assert "legation curated sample" in page.locator("#dyad-table").inner_text()
    _shot(page, "dyad")


def test_network(browser_page, server):
    page, _ = browser_page
    _open(page, server, "network?channel=alliance&year=2018")
    _change(page, "#network-channel", "exercise")
    assert _title(page, "chart-network").startswith("exercise network, 2018: 9 states")
    blocs = [t for t in _traces(page, "chart-network") if t["name"].startswith("bloc")]
    assert len(blocs) == 2 and sum(t["n"] for t in blocs) == 9
    assert "Russia" in page.locator("#network-table").inner_text()
    _change(page, "#network-year", "2010")
    assert _title(page, "chart-network").startswith("exercise network, 2010")
    _shot(page, "network")


def test_influence_contest(browser_page, server):
    page, _ = browser_page
    _open(page, server, "contest?target=840&patrons=2,710,365")
    assert {t["name"] for t in _traces(page, "chart-share")} == {
        "United States of America",
        "China",
        "Russia",
    }
    _unready(page)
    page.locator("#contest-patrons input[value='710']").uncheck()
    _ready(page)
    assert {t["name"] for t in _traces(page, "chart-share")} == {"United States of America", "Russia"}
    _change(page, "#contest-target", "750")
    expect(page.locator("h1")).to_have_text("Influence contest over India")
    _shot(page, "contest")


def test_data_and_sources(browser_page, server):
    page, requested = browser_page
    _open(page, server, "sources")
    table = page.locator("table")
    assert "legation-sample" in table.inner_text() and "2000–2024" in table.inner_text()
    assert table.locator("tbody tr").count() >= 3
    page.locator("#run-validation").click()
    expect(page.locator("#validation")).to_contain_text("validation needs UN votes")  # the sample has none
    _shot(page, "sources")
    # nothing the dashboard asked for left this machine
    outside = [u for u in requested if not u.startswith(server) and not u.startswith("data:")]
    assert outside == []


def test_api_reference_renders_offline(browser_page, server):
    """/docs is Swagger UI served by legation itself: it renders every route, fetching nothing else."""
    page, requested = browser_page
    requested.clear()
    page.goto(f"{server}/docs")
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 20
    assert page.locator(".opblock-summary-path", has_text="/api/engagements").count() >= 1
    assert requested and all(url.startswith((server, "data:")) for url in requested), requested


def test_no_content_security_policy_violations(browser_page):
    """Runs last: no page of the dashboard needed anything the CSP forbids (eval included)."""
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS
