"""The Scenarios page in a real browser: choose a shipped scenario, run it with the token, read the
effect table, switch pairs in the fan charts, see the parameter set; an edited file with an error
names its line. Served from the ledger with the real data (UN votes are what the model needs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_helpers import browsing, require_chromium, serving

TOKEN = "browser-scenarios-token-0123"
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402


@pytest.fixture(scope="module")
def server(full_ledger_path) -> Iterator[str]:
    with serving(full_ledger_path, TOKEN, timeout=60) as base:
        yield base


@pytest.fixture(scope="module")
def page(server) -> Iterator[tuple[Page, list[str]]]:
    with browsing() as opened:
        yield opened


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
