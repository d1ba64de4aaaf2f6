"""The Optimise page in a real browser: choose a shipped plan, optimise it with the token and the
frontier, read the allocation map, the binding limits and the baselines; an edited plan with an error
names its line. Served from the ledger with the real data."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from browser_helpers import browsing, require_chromium, serving

TOKEN = "browser-optimise-token-0123"
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


def test_optimise_a_shipped_plan_and_read_the_frontier_and_the_map(page, server):
    p, requested = page
    p.goto(f"{server}/#/optimise")
    p.wait_for_selector("body[data-ready=true]", timeout=30_000)
    expect(p.locator("h1")).to_have_text("Optimise")
    expect(p.locator("#plan-choice option")).to_have_count(3)
    p.select_option("#plan-choice", "us_southeast_asia")
    expect(p.locator("#plan-asks")).to_contain_text("US$1.1 billion over three years")
    assert "group: ASEAN" in p.input_value("#plan-yaml")
    p.check("#optimise-frontier-box")
    p.fill("#optimise-token", "wrong-token-but-long-enough")
    p.click("#run-plan")
    expect(p.locator("#optimise-status")).to_contain_text("token")  # the route is guarded
    p.fill("#optimise-token", TOKEN)
    p.click("#run-plan")
    expect(p.locator("#optimise-status")).to_have_text("Optimised: 9 partners funded.", timeout=180_000)
    expect(p.locator("#optimise-headline")).to_contain_text("US$ 1100.0 m")
    expect(p.locator("#optimise-basis")).to_contain_text("prior")
    # the map colours the nine funded partners, each with its spending
    spend = p.evaluate("() => document.getElementById('optimise-map').data[1].z")
    assert len(spend) == 9 and abs(sum(spend) - 1100) < 1e-3
    frontier = p.evaluate("() => document.getElementById('optimise-frontier').data[0]")
    assert frontier["name"] == "efficient frontier" and len(frontier["x"]) == 20
    gains = frontier["y"]
    assert all(b >= a - 1e-6 for a, b in itertools.pairwise(gains))
    names = p.evaluate("() => document.getElementById('optimise-frontier').data.slice(1).map(t => t.name)")
    assert names[:3] == ["optimised", "status quo", "proportional"]
    expect(p.locator("#optimise-result")).to_contain_text("budget total")
    bars = p.evaluate("() => document.getElementById('optimise-bars').data.map(t => t.name)")
    assert set(bars) <= {"training", "exercise", "military_aid", "hadr"} and "training" in bars
    assert all(u.startswith(server) or u.startswith("data:") for u in requested)


def test_an_edited_plan_with_an_error_names_its_line(page, server):
    p, _ = page
    p.goto(f"{server}/#/optimise")
    p.wait_for_selector("body[data-ready=true]", timeout=30_000)
    p.fill("#optimise-token", TOKEN)
    p.fill(
        "#plan-yaml", "name: mine\npatron: USA\nbase_year: 2020\nbudget: {total: -1}\npartners: {all: true}\n"
    )
    p.click("#run-plan")
    expect(p.locator("#optimise-status")).to_contain_text("line 4, budget.total")
