"""The review page in a real browser: paste text, read the candidates with their evidence, accept
one, reject another, import — and only the accepted one reaches the ledger."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from api_helpers import sample_ledger
from browser_helpers import browsing, require_chromium, serving

TOKEN = "browser-review-token-0123"
require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402

from legation.ledger import Ledger  # noqa: E402

TEXT = (
    "Nepal deployed 800 peacekeepers to South Sudan. The foreign ministers of Brazil and Argentina signed a "
    "trade agreement. Egypt bought 24 Rafale jets from France last year."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, object]]:
    db = sample_ledger(tmp_path_factory.mktemp("review") / "sample.duckdb")
    with serving(db, TOKEN) as base:
        yield base, db


@pytest.fixture(scope="module")
def page(server) -> Iterator[tuple[Page, list[str]]]:
    with browsing() as opened:
        yield opened


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
