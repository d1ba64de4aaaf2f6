"""The Scenarios page in a real browser: choose a shipped scenario, run it with the token, read the
effect table, switch pairs in the fan charts, see the parameter set; an edited file with an error
names its line. Served from the ledger with the real data (UN votes are what the model needs)."""

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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("LEGATION_REQUIRE_BROWSER") == "1"
TOKEN = "browser-scenarios-token-0123"

if CHROMIUM is None:
    if REQUIRED:
        raise RuntimeError("LEGATION_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
    pytest.skip("no chromium on PATH (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(full_ledger_path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "LEGATION_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [sys.executable, "-m", "legation", "serve", "--db", str(full_ledger_path), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
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
        p = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        p.on("request", lambda r: requested.append(r.url))
        yield p, requested
        browser.close()


def _traces(p: Page, chart: str) -> list[dict]:
    return p.evaluate(
        "(id) => document.getElementById(id).data.map(t => ({name: t.name, n: (t.x || []).length}))", chart
    )


def test_run_a_shipped_scenario_and_read_its_effect(page, server):
    p, requested = page
    p.goto(f"{server}/#/scenarios")
    p.wait_for_selector("body[data-ready=true]", timeout=30_000)
    expect(p.locator("h1")).to_have_text("Scenarios")
    expect(p.locator("#scenario-choice option")).to_have_count(6)
    p.select_option("#scenario-choice", "russia_india_arms")
    expect(p.locator("#scenario-asks")).to_contain_text("Russia's arms deliveries to India halve")
    assert "russia-india-arms-halve" in p.input_value("#scenario-yaml")
    p.fill("#scenario-draws", "200")
    p.fill("#scenario-token", "wrong-token-but-long-enough")
    p.click("#run-scenario")
    expect(p.locator("#scenario-status")).to_contain_text("token")  # the route is guarded
    p.fill("#scenario-token", TOKEN)
    p.click("#run-scenario")
    expect(p.locator("#scenario-status")).to_have_text("200 draws of 4 pairs.", timeout=120_000)
    rows = p.locator("#scenario-result table").first.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="RUS → IND")).to_have_count(1)
    fan = _traces(p, "scenario-fan")
    assert [t["name"] for t in fan if t["name"]] == [
        "baseline 80 %",
        "scenario 80 %",
        "baseline mean",
        "scenario mean",
    ]
    assert all(t["n"] == 10 for t in fan)
    p.select_option("#scenario-pair", "365-750")
    title = p.evaluate("() => document.getElementById('scenario-fan').layout.title.text")
    assert title.endswith("RUS → IND")
    arms = [t["name"] for t in _traces(p, "scenario-influence")]
    assert "arms (baseline)" in arms and "arms (scenario)" in arms
    effect = p.evaluate("() => document.getElementById('scenario-effect').data[2].y")
    assert effect[-1] < 0  # Russia's arms halve: India's alignment with Russia falls in the model
    risks = p.locator("#scenario-risks tbody tr")
    expect(risks).to_have_count(5 * 4)  # five risks × four pairs
    expect(p.locator("#scenario-risks")).to_contain_text("escalation")
    expect(p.locator("#scenario-result")).to_contain_text("beta_arms")
    assert all(u.startswith(server) or u.startswith("data:") for u in requested)


def test_an_edited_scenario_with_an_error_names_its_line(page, server):
    p, _ = page
    p.goto(f"{server}/#/scenarios")
    p.wait_for_selector("body[data-ready=true]", timeout=30_000)
    p.fill("#scenario-token", TOKEN)
    p.fill("#scenario-yaml", "name: mine\nhorizon: 99\n")
    p.click("#run-scenario")
    expect(p.locator("#scenario-status")).to_contain_text("line 2, horizon")
