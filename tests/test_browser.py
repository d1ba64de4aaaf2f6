"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a `legation serve`
subprocess on 127.0.0.1. Each page is opened, a control changed, and the rendered charts and tables
checked; no request may leave the machine, and every page must be ready within a second."""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api_helpers import sample_ledger
from browser_helpers import browsing, require_chromium, serving

require_chromium()

from playwright.sync_api import Page, expect  # noqa: E402

TOKEN = "browser-test-token-0123"
WARM = "/api/influence/outward?top=8"
"""The route whose answer fills the caches the overview reads, before any page is timed."""
SHOTS = Path(os.environ["LEGATION_SCREENSHOTS"]) if os.environ.get("LEGATION_SCREENSHOTS") else None

CSP_VIOLATIONS: list[str] = []
"""What the browser refused under the server's Content-Security-Policy (no 'unsafe-eval')."""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    db = sample_ledger(tmp_path_factory.mktemp("browser") / "sample.duckdb")
    with serving(db, TOKEN, warm=WARM) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(server) -> Iterator[tuple[Page, list[str]]]:
    with browsing() as (page, requested):
        page.on(
            "console",
            lambda m: CSP_VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{server}/#/overview")  # loads plotly.js once, so the timings below are per page
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        yield page, requested


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


def _ticks(page: Page, chart: str, axis: str) -> list[str]:
    """The tick labels plotly drew on one axis (``x`` or ``y``) of a chart."""
    return page.eval_on_selector_all(f"#{chart} .{axis}tick text", "ts => ts.map(t => t.textContent)")


def _overlap(a: dict | None, b: dict | None) -> bool:
    if not a or not b:
        return False
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _titles_clear_of_toolbar(page: Page) -> int:
    """Every drawn chart: its title and plotly's toolbar do not overlap, or the toolbar only shows on
    hover. Returns how many charts were checked."""
    charts = page.locator(".js-plotly-plot")
    for i in range(charts.count()):
        chart = charts.nth(i)
        bar = chart.locator(".modebar")
        hover_only = chart.locator(".modebar--hover").count() == 1
        title = chart.locator(".gtitle")
        if title.count() and bar.count():
            assert hover_only or not _overlap(title.bounding_box(), bar.bounding_box())
    return charts.count()


def _lab(hex_colour: str, matrix: tuple[tuple[float, ...], ...] | None = None) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour, optionally as seen through a colour-vision deficiency ``matrix``
    (Machado et al. 2009, severity 1, on linear RGB)."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if matrix is not None:
        lin = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix]
    xyz = [
        sum(m * c for m, c in zip(row, lin, strict=True))
        for row in ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
    ]
    f = [
        v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116
        for v in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)
    ]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


DEUTAN = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.01182, 0.04294, 0.968881))
PROTAN = ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998))


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
    assert _titles_clear_of_toolbar(page) == 3
    assert all(re.fullmatch(r"\d{4}", t) for t in _ticks(page, "chart-outward", "x"))  # whole years
    _shot(page, "overview")


def test_palette_tells_instruments_apart(browser_page, server):
    """One colour per instrument, 14 different ones, far apart (CIELAB ΔE) for normal sight and as
    deuteranopes and protanopes see them."""
    page, _ = browser_page
    _open(page, server, "overview")
    colours = page.evaluate("() => state.instruments.map(colorOf)")
    assert len(colours) == 14 and len(set(colours)) == 14
    for matrix in (None, DEUTAN, PROTAN):
        labs = [_lab(c, matrix) for c in colours]
        closest = min(
            sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5
            for i, a in enumerate(labs)
            for b in labs[i + 1 :]
        )
        assert closest > 15, (matrix, closest)


def test_country_profile(browser_page, server):
    page, _ = browser_page
    _open(page, server, "country/750")
    expect(page.locator("h1")).to_have_text("Country profile: India")
    _change(page, "#country-state", "740")
    expect(page.locator("h1")).to_have_text("Country profile: Japan")
    assert {t["name"] for t in _traces(page, "chart-out")} >= {"exercise"}
    assert "United States of America" in page.locator("#partners").inner_text()
    assert "No UN roll calls" in page.locator("#chart-align").inner_text()
    for chart in ("chart-in", "chart-out"):  # counts and years: whole numbers only, no 0.5 or 2010.5
        counts, years = _ticks(page, chart, "y"), _ticks(page, chart, "x")
        assert counts and all(re.fullmatch(r"[\d,]+", t) for t in counts), counts
        assert years and all(re.fullmatch(r"\d{4}", t) for t in years), years
    assert _titles_clear_of_toolbar(page) >= 2
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
    _change(page, "#dyad-b", "840")
    text = page.locator("#dyad-table").inner_text()
    # sample-0131 (training from 2002, year precision, to 24 Feb 2015) and sample-0205 (November 2013)
    assert "2002 – 2015-02-24" in text and "2013-11" in text
    assert "2002-01-01" not in text and "2013-11-01" not in text
    # Balikatan 2023 (sample-0159) also lists Australia's participation: one event, three states
    assert "multilateral: 3 states" in text
    assert "|" not in text
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


def test_network_default_and_ranking(browser_page, server):
    page, _ = browser_page
    _open(page, server, "network")
    options = page.locator("#network-channel option").all_inner_texts()
    values = page.eval_on_selector_all("#network-channel option", "os => os.map(o => o.value)")
    assert len(values) == len(set(values)) >= 10 and all("(" in o for o in options)
    nodes = sum(t["n"] for t in _traces(page, "chart-network") if t["name"].startswith("bloc"))
    assert nodes >= 10
    labels = page.evaluate(
        "() => document.getElementById('chart-network').data.find(t => t.name === 'names').text"
    )
    assert 0 < len(labels) <= min(20, nodes)
    head = page.locator("#network-table th").all_inner_texts()
    assert "strength" in head
    rows = page.locator("#network-table tbody tr")
    ranked = [
        (
            float(rows.nth(i).locator("td").nth(3).inner_text().replace(",", "")),
            rows.nth(i).locator("td").nth(1).inner_text(),
        )
        for i in range(rows.count())
    ]
    assert ranked == sorted(ranked, key=lambda r: (-r[0], r[1]))


def test_influence_contest(browser_page, server):
    page, _ = browser_page
    _open(page, server, "contest?target=750&patrons=2,710,365")
    expect(page.locator("h1")).to_have_text("Influence contest over India")
    assert {t["name"] for t in _traces(page, "chart-share")} == {
        "United States of America",
        "China",
        "Russia",
    }
    _unready(page)
    page.locator("#contest-patrons input[value='710']").uncheck()
    _ready(page)
    assert {t["name"] for t in _traces(page, "chart-share")} == {"United States of America", "Russia"}
    _shot(page, "contest")


def test_contest_stays_inside_the_usable_window(browser_page, server):
    """Nothing is drawn outside the years the index covers, and a share that is 100 % by
    construction (one patron alone) is not drawn as a contest."""
    page, _ = browser_page
    with urllib.request.urlopen(f"{server}/api/influence/contest?target=840&patrons=2,710,365") as r:
        meta = json.load(r)["meta"]
    first, last = meta["window"]["first"], meta["window"]["last"]
    _open(page, server, "contest?target=840&patrons=2,710,365")
    share = page.locator("#chart-share")
    expect(share).to_contain_text("Only United States of America")
    expect(share).to_contain_text("100 % by construction")
    xs = page.evaluate("() => document.getElementById('chart-level').data.flatMap(t => t.x)")
    assert xs and first <= min(xs) and max(xs) <= last
    assert f"{first}–{last}" in page.locator("#chart-level + .source").inner_text()
    _change(page, "#contest-target", "750")
    xs = page.evaluate("() => document.getElementById('chart-share').data.flatMap(t => t.x)")
    assert xs and first <= min(xs) and max(xs) <= last


def test_data_and_sources(browser_page, server):
    page, requested = browser_page
    _open(page, server, "sources")
    table = page.locator("table")
    assert "legation-sample" in table.inner_text() and "2000–2024" in table.inner_text()
    assert table.locator("tbody tr").count() >= 3
    # every dataset laid out in the page, not in a scroll box; no "…–…" for a source without years
    box = page.locator(".full-table")
    assert box.evaluate("b => b.scrollHeight <= b.clientHeight + 1")
    groups = table.locator("tbody tr.source-head", has_text="legation-groups")
    assert groups.locator("td").nth(2).inner_text() == "—"
    assert "…" not in table.inner_text()
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


@pytest.fixture(scope="module")
def full_server(full_ledger_path, tmp_path_factory) -> Iterator[str]:
    """`legation serve` on a copy of the ledger with every real dataset (the session's is read-only)."""
    db = tmp_path_factory.mktemp("browser-full") / "full.duckdb"
    shutil.copy(full_ledger_path, db)
    with serving(db, TOKEN, warm=WARM) as base:
        yield base


def _load(page: Page, base: str, route: str) -> None:
    """Open a page of the full data: ready and without a problem (no one-second limit here)."""
    page.goto(f"{base}/#/{route}")
    _unready(page)
    page.reload()
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    expect(page.locator("#problem")).to_be_hidden()


@pytest.mark.slow
def test_full_data_pages_read_as_an_analyst_would(browser_page, full_server):
    page, _ = browser_page
    with urllib.request.urlopen(f"{full_server}/api/influence/contest?target=840", timeout=60) as r:
        window = json.load(r)["meta"]["window"]
    _load(page, full_server, "contest?target=840&patrons=2,710,365")
    for chart in ("chart-share", "chart-level"):  # drawn only inside the usable window
        xs = page.evaluate("(id) => document.getElementById(id).data.flatMap(t => t.x)", chart)
        assert xs and window["first"] <= min(xs) and max(xs) <= window["last"]
    assert "data end in" in page.locator("#chart-level + .source").inner_text()
    _shot(page, "full-contest")
    _load(page, full_server, "network")
    nodes = sum(t["n"] for t in _traces(page, "chart-network") if t["name"].startswith("bloc"))
    names = page.evaluate(
        "() => document.getElementById('chart-network').data.find(t => t.name === 'names').text"
    )
    assert nodes >= 10 and 0 < len(names) <= 20
    _shot(page, "full-network")
    _load(page, full_server, "dyad/2/840")
    text = page.locator("#dyad-table").inner_text()
    assert "multilateral:" in text and "|" not in text
    assert re.search(r"^1950 – 1951\t", text, flags=re.M)  # a SIPRI deal: ordered 1950, delivered 1951
    _shot(page, "full-dyad")
    _load(page, full_server, "sources")
    with urllib.request.urlopen(f"{full_server}/api/sources?limit=1000", timeout=60) as r:
        total = json.load(r)["total"]
    assert page.locator("table.sources tr.source-head").count() == total
    assert "…" not in page.locator("table.sources").inner_text()
    _shot(page, "full-sources")


def test_no_content_security_policy_violations(browser_page):
    """Runs last: no page of the dashboard needed anything the CSP forbids (eval included)."""
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS
