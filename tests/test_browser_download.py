"""The "Download brief" buttons of the dashboard's country and dyad pages, in a real browser: Debian's
Chromium driven by Playwright against a `legation serve` subprocess on the curated sample. Clicking
downloads the brief of the state or pair on screen, as PDF or HTML, and nothing leaves the machine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api_helpers import sample_ledger
from browser_helpers import browsing, require_chromium, serving

require_chromium()

from playwright.sync_api import Page  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = sample_ledger(tmp_path_factory.mktemp("download") / "sample.duckdb")
    with serving(db, "browser-test-token-0123") as base:
        yield base


@pytest.fixture(scope="module")
def page(server) -> Iterator[tuple[Page, list[str]]]:
    with browsing(accept_downloads=True) as opened:
        yield opened


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
