"""Country and dyad briefs on the real data: a great power, a small state with little data and states
that existed for part of the window, rendered to HTML and PDF (A4 and US Letter), their structure
checked (sections, every chart titled and sourced, citations), the PDF drawn to PNG with pdftoppm,
and no uncovered year shown as zero."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from legation.report import Brief, Context, country_brief, dyad_brief, render

pytestmark = pytest.mark.slow

COUNTRY_SECTIONS = [
    "glance",
    "influence",
    "partners",
    "national",
    "arms",
    "alignment",
    "network",
    "timeline",
    "risks",
    "coverage",
]
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)|url\(\s*["']?(?:https?:|//)|<link\b|<script\b""", re.I
)


@pytest.fixture(scope="module")
def ctx() -> Context:
    return Context()


def _check_structure(brief: Brief, page: str) -> None:
    text = html.unescape(page)
    for s in brief.sections:
        assert f'id="{s.key}"' in page
        assert s.title in text
    for f in brief.figures().values():
        assert f.title and f.source, f.key
        if f.svg is None:
            assert f.statement, f"{f.key}: an empty chart must say why"
        else:
            drawn = html.unescape(" ".join(re.findall(r">([^<>]+)</text>", f.svg)))
            words = f.title.split()[:3]
            assert all(w in drawn for w in words), (f.key, drawn[:200])
            assert "Source:" in drawn
    assert brief.citations
    for c in brief.citations:
        assert f"[{c.id}]" in text and c.citation.split(".")[0][:30] in text
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert brief.version in page and brief.vintage in page and brief.created.isoformat() in page


def _pdf_pages(pdf: bytes, tmp_path: Path) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils)")
    src = tmp_path / "brief.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(src), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def test_a_great_power(full_ledger, ctx, tmp_path):
    brief = country_brief(full_ledger, 2, context=ctx)
    assert [s.key for s in brief.sections] == COUNTRY_SECTIONS
    assert 3 <= len(brief.bottom_line) <= 5
    assert all(re.search(r"\d", s) for s in brief.bottom_line)  # every sentence quotes a number
    assert "1st" in brief.bottom_line[0]  # the US leads outward influence in every index year
    figs = brief.figures()
    assert {"influence_trend", "channels", "defence_networks", "power_gap", "arms", "alignment"} <= set(figs)
    assert all(f.svg for f in figs.values())
    frames = brief.frames()
    assert frames["patrons"].height > 0 and frames["clients"].height > 0
    assert frames["clients"]["dependence"].is_between(0, 1).all()
    assert frames["timeline"].height > 0 and (frames["timeline"]["source"] != "").all()
    page = render.html(brief, "a4")
    _check_structure(brief, page)
    pages = _pdf_pages(render.pdf(brief, "a4"), tmp_path)
    assert len(pages) >= 4
    assert all(p.stat().st_size > 2_000 for p in pages)  # drawn, not blank


def test_a_small_state_with_little_data_says_what_is_missing(full_ledger, ctx, tmp_path):
    brief = country_brief(full_ledger, 947, context=ctx)  # Tuvalu: in the system from 2000
    assert brief.year == 2010
    arms = brief.figures()["arms"]
    assert arms.svg is None and "no major arms" in (arms.statement or "")
    glance = brief.frames()["glance"]
    assert glance.height == 4
    page = render.html(brief, "letter")
    _check_structure(brief, page)
    assert "size: letter" in page
    assert "from 2000" in page  # it joined the state system inside the window
    pdf = render.pdf(brief, "letter")
    out = tmp_path / "tuv.pdf"
    out.write_bytes(pdf)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        assert "612 x 792 pts" in info  # US Letter
    assert _pdf_pages(pdf, tmp_path)


@pytest.mark.parametrize(("ccode", "last"), [(817, 1975), (260, 1990)])
def test_a_state_that_existed_for_part_of_the_window(full_ledger, ctx, tmp_path, ccode, last):
    brief = country_brief(full_ledger, ccode, context=ctx)
    assert brief.year == last  # the brief stops when the state leaves the system
    trend = brief.frames()["influence_trend"]
    assert trend["year"].max() == last
    lo, _ = ctx.index_years(full_ledger) or (0, 0)
    before = trend.filter(pl.col("year") < lo)
    assert before["outward"].null_count() == before.height  # not covered: blank, never 0
    statements = " ".join(st for s in brief.sections for st in s.statements)
    assert "member of the state system" in statements
    page = render.html(brief)
    _check_structure(brief, page)
    assert _pdf_pages(render.pdf(brief), tmp_path)


def test_an_early_year_says_there_are_no_arms_data_before_1950(full_ledger, ctx):
    brief = country_brief(full_ledger, 2, 1960, context=ctx)
    notes = " ".join(brief.figures()["arms"].notes)
    assert "No arms-transfer data before 1950." in notes
    arms = brief.frames()["arms"]
    assert arms.filter(pl.col("year") < 1950)["hhi"].null_count() == arms.filter(pl.col("year") < 1950).height
    assert any("influence index" in s for s in brief.section("influence").statements)


def test_a_dyad(full_ledger, ctx, tmp_path):
    brief = dyad_brief(full_ledger, 2, 840, context=ctx)
    assert [s.key for s in brief.sections] == [
        "glance",
        "influence",
        "engagements",
        "alignment",
        "competitors",
        "timeline",
    ]
    assert 3 <= len(brief.bottom_line) <= 5 and "Philippines" in brief.bottom_line[0]
    channels = brief.frames()["channels"]
    assert channels.height > 0 and channels["dependence"].is_between(0, 1).all()
    assert set(brief.frames()["competitors"].columns) >= {"year", "2"}
    page = render.html(brief)
    _check_structure(brief, page)
    assert _pdf_pages(render.pdf(brief), tmp_path)


def test_the_same_context_gives_the_same_brief(full_ledger, ctx):
    a = country_brief(full_ledger, 840, 2005, context=ctx)
    b = country_brief(full_ledger, 840, 2005)
    assert a.bottom_line == b.bottom_line
    assert a.frames()["patrons"].equals(b.frames()["patrons"])
