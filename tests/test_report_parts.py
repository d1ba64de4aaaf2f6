"""The parts of a brief on hand-made data and the curated sample: numbers and how they are said, charts
that say why they are empty, bottom lines built from numbers only, rendering, the command line and the
API. Fast: no real datasets."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from api_helpers import sample_ledger
from legation.api import create_app
from legation.cli import app
from legation.errors import InputError, InvalidValueError
from legation.ledger import Ledger
from legation.report import bottom_line, country_brief, coverage, dyad_brief, figures, render
from legation.report.bottom_line import CountryFacts, DyadFacts
from legation.report.brief import Table
from legation.report.numbers import Standing, ordinal, signed, standing
from legation.report.scenario import scenario_brief

runner = CliRunner()


# numbers -------------------------------------------------------------------------------------------


@given(st.integers(1, 100_000))
def test_ordinals_follow_english(n):
    text = ordinal(n)
    assert text.startswith(str(n))
    last2, last = n % 100, n % 10
    expected = "th" if 10 <= last2 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(last, "th")
    assert text.endswith(expected)


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_signed_changes_read_back_as_the_number(x):
    text = signed(x)
    back = float(text.replace("−", "-").replace("+", ""))
    assert back == pytest.approx(round(x, 2), abs=0.006)
    assert not text.startswith(("+", "−")) or abs(x) >= 0.005


def test_standing_ranks_ties_and_changes():
    frame = pl.DataFrame(
        {
            "c": [1, 2, 3, 1, 2, 3],
            "year": [2005, 2005, 2005, 2010, 2010, 2010],
            "v": [1.0, 2.0, None, 3.0, 3.0, 1.0],
        }
    )
    assert standing(frame, "c", 2, "v", 2010) == Standing(3.0, 1, 3, 1.0, 2010)
    assert standing(frame, "c", 1, "v", 2010) == Standing(3.0, 1, 3, 2.0, 2010)  # a tie shares the rank
    assert standing(frame, "c", 3, "v", 2010) == Standing(1.0, 3, 3, None, 2010)  # no value five years before
    assert standing(frame, "c", 3, "v", 2005) is None
    assert standing(frame, "c", 9, "v", 2010) is None


def test_table_cells_round_for_reading():
    frame = pl.DataFrame(
        {"a": [None, 0.0, 0.00193, 0.256, 3.14159, 12345.6, -0.00002], "b": [1, 2, 3, 4, 5, 20000, 0]}
    )
    rows = Table("t", "T", frame, {"a": "A", "b": "B"}, "s").rows()
    assert [r[0] for r in rows] == ["—", "0", "0.002", "0.256", "3.14", "12,346", "-2.0e-05"]
    assert rows[-2][1] == "20,000"


# figures -------------------------------------------------------------------------------------------


def _text(svg: str) -> str:
    return " ".join(re.findall(r">([^<>]+)</text>", svg))


def test_a_chart_has_its_title_unit_and_source_and_a_gap_is_not_a_zero():
    frame = pl.DataFrame(
        {"year": [2000, 2001, 2002, 2003], "a": [0.5, None, 0.7, 0.6], "b": [0.2, 0.3, 0.1, None]}
    )
    fig = figures.lines(
        "k",
        "Alpha and beta",
        "Index (0–1)",
        "My source",
        frame,
        x="year",
        series={"a": "Alpha", "b": "Beta"},
        empty="nothing",
    )
    assert fig.svg is not None and fig.statement is None
    text = _text(fig.svg)
    for word in ("Alpha and beta", "Index (0–1)", "Source: My source", "Alpha", "Beta"):
        assert word in text
    again = figures.lines(
        "k",
        "Alpha and beta",
        "Index (0–1)",
        "My source",
        frame,
        x="year",
        series={"a": "Alpha", "b": "Beta"},
        empty="nothing",
    )
    assert again.svg == fig.svg  # the same chart gives the same SVG
    lowest = min(float(t) for t in re.findall(r">(-?\d+\.\d+)</text>", fig.svg))
    assert lowest == 0  # a level's axis starts at zero, and no gap is drawn down to it


@pytest.mark.parametrize(
    "frame", [pl.DataFrame({"year": [], "a": []}), pl.DataFrame({"year": [1, 2], "a": [None, None]})]
)
def test_an_empty_chart_is_a_statement_not_a_blank(frame):
    fig = figures.lines(
        "k",
        "T",
        "u",
        "s",
        frame.cast({"a": pl.Float64}),
        x="year",
        series={"a": "A"},
        empty="No arms data before 1950.",
    )
    assert fig.svg is None and fig.statement == "No arms data before 1950."
    bars = figures.bars(
        "b",
        "T",
        "u",
        "s",
        pl.DataFrame({"n": [], "a": []}, schema={"n": pl.String, "a": pl.Float64}),
        label="n",
        stack={"a": "A"},
        empty="none",
    )
    assert bars.svg is None and bars.statement == "none"


def test_bars_and_fans_draw():
    bars = figures.bars(
        "b",
        "By channel",
        "Score",
        "src",
        pl.DataFrame({"n": ["X", "Y"], "a": [1.0, 2.0], "c": [0.5, None]}),
        label="n",
        stack={"a": "alliance", "c": "arms"},
        highlight="X",
        empty="none",
    )
    assert bars.svg and "By channel" in _text(bars.svg)
    ticks = dict((t, style) for style, t in re.findall(r'<text style="([^"]*)"[^>]*>([XY])</text>', bars.svg))
    assert "font-weight: 700" in ticks["X"] and "font-weight" not in ticks["Y"]  # the state of the brief
    fan = pl.DataFrame(
        {
            "year": [1, 2, 3],
            "q05": [-1.0, -1, -1],
            "q25": [-0.5] * 3,
            "q50": [0.0, 0.1, 0.2],
            "q75": [0.5] * 3,
            "q95": [1.0] * 3,
        }
    )
    f = figures.fan(
        "f",
        "Effect",
        "Δ",
        "sim",
        fan,
        x="year",
        bands=[("q05", "q95"), ("q25", "q75")],
        median="q50",
        label="median",
        empty="none",
    )
    assert f.svg and "Source: sim" in _text(f.svg)


# bottom lines ----------------------------------------------------------------------------------------


def test_a_bottom_line_says_only_what_the_numbers_say():
    f = CountryFacts("Ruritania", 2010, 2010, outward=Standing(1.25, 3, 150, 0.5, 2010))
    lines = bottom_line.country(f)
    assert lines == [
        "In 2010, Ruritania ranked 3rd of 150 states in outward military-diplomatic influence "
        "(1.25 on the index, up 0.50 over 5 years)."
    ]
    f.arms = (0.62, "Freedonia", 0.75, 2009)
    f.aligned = ("France", 0.031, 2010)
    f.inward, f.top_patron = Standing(0.4, 12, 150, None, 2010), ("Freedonia", 0.5)
    lines = bottom_line.country(f)
    assert len(lines) == 4
    assert "highly concentrated in 2009: Freedonia supplied 75%" in lines[2]
    assert "+0.03" in lines[3]
    idle = CountryFacts("Tuvalu", 2010, 2010, outward=Standing(0.0, 150, 192, 0.0, 2010))
    assert bottom_line.country(idle) == [
        "In 2010, Tuvalu held no outward military-diplomatic influence on the index."
    ]
    assert bottom_line.country(CountryFacts("Nowhere", 1950)) == [
        "The influence index does not cover Nowhere in 1950."
    ]
    d = bottom_line.dyad(DyadFacts("A", "B", None, engagements=3))
    assert d == [
        "The influence index records no influence of A on B.",
        "The ledger records 3 engagements between them.",
    ]


def test_coverage_says_when_a_state_existed():
    assert coverage.existence("X", 1800, 9999, (1990, 2010)) == []
    said = coverage.existence("Republic of Vietnam", 1954, 1975, (1981, 2010))
    assert said and "1954–1975" in said[0] and "not zero" in said[0]
    assert "from 2000" in coverage.existence("Tuvalu", 2000, 9999, (1981, 2010))[0]


# on the curated sample: rendering, CLI, API ------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return sample_ledger(tmp_path_factory.mktemp("report") / "s.duckdb")


def test_briefs_on_the_sample_ledger_render_and_say_what_is_missing(sample):
    with Ledger(sample, read_only=True) as led:
        brief = country_brief(led, 840)
        dyad = dyad_brief(led, 2, 840)
    said = " ".join(s for sec in brief.sections for s in sec.statements)
    assert "National scores need the research datasets" in said
    assert "No arms-transfer data in this ledger" in said and "arms" not in brief.figures()
    page = render.html(brief, "a4")
    assert "size: A4" in page and "Bottom line" in page and not re.search(r"(src|href)=[\"']https?:", page)
    assert "Philippines" in render.html(dyad)
    with pytest.raises(InvalidValueError, match="paper"):
        render.html(brief, "a3")


def test_write_refuses_an_unknown_format(sample, tmp_path):
    with Ledger(sample, read_only=True) as led:
        brief = country_brief(led, 840)
    with pytest.raises(InvalidValueError, match=r"\.pdf or \.html"):
        render.write(brief, tmp_path / "brief.docx")


def test_cli_writes_country_dyad_and_batch_briefs(sample, tmp_path):
    out = tmp_path / "phl.html"
    r = runner.invoke(app, ["report", "country", "PHL", "--out", str(out), "--db", str(sample)])
    assert r.exit_code == 0, r.output
    assert "Bottom line" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "usa-phl.pdf"
    r = runner.invoke(
        app, ["report", "dyad", "USA", "PHL", "--out", str(pdf), "--paper", "letter", "--db", str(sample)]
    )
    assert r.exit_code == 0, r.output
    assert pdf.read_bytes()[:5] == b"%PDF-"
    folder = tmp_path / "asean"
    r = runner.invoke(
        app,
        [
            "report",
            "country",
            "--all-of",
            "ASEAN",
            "--workers",
            "2",
            "--year",
            "2010",
            "--html",
            "--out",
            str(folder),
            "--db",
            str(sample),
        ],
    )
    assert r.exit_code == 0, r.output
    assert len(list(folder.glob("*.html"))) == 10  # the ten members of 2010
    for args in (["report", "country"], ["report", "country", "PHL", "--all-of", "ASEAN"]):
        r = runner.invoke(app, [*args, "--db", str(sample)])
        assert r.exit_code == 2 and "STATE or --all-of" in r.output


def _draws(path: Path) -> Path:
    rows = [
        {
            "arm": arm,
            "draw": d,
            "year": y,
            "patron": 2,
            "target": 840,
            "metric": "alignment",
            "value": (0.1 if arm == "scenario" else 0.0) + 0.01 * d + 0.001 * y,
        }
        for arm in ("baseline", "scenario")
        for d in range(20)
        for y in (2016, 2017, 2018)
    ]
    frame = pl.DataFrame(rows)
    diff = frame.pivot("arm", index=["draw", "year", "patron", "target", "metric"], values="value").select(
        pl.lit("difference").alias("arm"),
        "draw",
        "year",
        "patron",
        "target",
        "metric",
        (pl.col("scenario") - pl.col("baseline")).alias("value"),
    )
    pl.concat([frame, diff]).write_parquet(path)
    return path


def test_a_scenario_brief_from_tidy_draws(sample, tmp_path):
    path = _draws(tmp_path / "sim.parquet")
    with Ledger(sample, read_only=True) as led:
        brief = scenario_brief(path, led=led)
    assert [s.key for s in brief.sections] == [
        "question",
        "difference",
        "risks",
        "parameters",
        "sensitivity",
        "trust",
    ]
    assert "+0.100" in brief.bottom_line[0] and "excludes zero" in brief.bottom_line[1]
    fan = brief.figures()["fan_2_840"]
    assert fan.svg and "Source:" in _text(fan.svg)
    assert brief.frames()["probabilities"]["p_lower"].to_list() == [0.0]
    out = tmp_path / "sim.html"
    r = runner.invoke(app, ["report", "scenario", str(path), "--out", str(out), "--db", str(sample)])
    assert r.exit_code == 0, r.output
    assert "No backtest given" in out.read_text(encoding="utf-8")


def test_a_scenario_file_without_the_draws_columns_is_refused_by_name(tmp_path):
    bad = tmp_path / "bad.parquet"
    pl.DataFrame({"year": [2016], "value": [0.1]}).write_parquet(bad)
    with pytest.raises(InputError, match=r"bad\.parquet") as e:
        scenario_brief(bad)
    assert "arm" in str(e.value) and "patron" in str(e.value)


def test_api_serves_briefs_as_pdf_and_html(sample):
    with TestClient(create_app(sample, token="t", warm=False)) as c:
        r = c.get("/api/reports/country/PHL", params={"format": "html", "paper": "letter"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "size: letter" in r.text
        r = c.get("/api/reports/dyad/2/840")
        assert r.status_code == 200 and r.content[:5] == b"%PDF-"
        assert r.headers["content-disposition"].startswith("attachment")
        assert c.get("/api/reports/country/Atlantis").status_code == 404
        assert c.get("/api/reports/dyad/2/2").status_code == 422
        assert c.get("/api/reports/country/840", params={"format": "docx"}).status_code == 422
