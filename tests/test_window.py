"""The usable window of the influence index (`legation.measures.window`): computed from the channel
registry's coverage, and the same in the CLI, the API and the dashboard's data."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api_helpers import sample_ledger
from legation.api.app import create_app
from legation.cli import app
from legation.errors import InvalidValueError
from legation.ledger.store import Ledger
from legation.measures import profiles, window
from legation.panel.channels import CHANNELS, INFLUENCE, registered
from legation.years import VIEW_YEARS

runner = CliRunner()


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> str:
    return str(sample_ledger(tmp_path_factory.mktemp("window") / "sample.duckdb"))


def test_on_the_sample_the_window_is_the_span_of_its_sources(sample):
    with Ledger(sample, read_only=True) as led:
        w = window.index_window(led)
        src = led.source("legation-sample")
        infl, basis = profiles.influence(led)
    assert w.basis == basis == "ledger"
    assert w.years == w.covers == (src.coverage_start, src.coverage_end)
    assert (infl["year"].min(), infl["year"].max()) == w.years  # the index is computed on it
    assert "2000–2024" in w.note()


def test_a_request_is_cut_to_the_window_and_the_note_names_what_is_left_out(sample):
    with Ledger(sample, read_only=True) as led:
        whole = window.index_window(led)
        cut = window.usable(led, (whole.first - 5, whole.last + 1))
        inside = window.usable(led, (whole.first + 1, whole.last - 1))
        with pytest.raises(InvalidValueError, match=f"{whole.first}–{whole.last}"):
            window.usable(led, (whole.last + 1, whole.last + 9))
    assert cut.years == whole.years
    note = cut.note((whole.first - 5, whole.last + 1))
    assert note.startswith(f"{whole.first - 5}–{whole.first - 1}, {whole.last + 1} not shown")
    assert inside.years == (whole.first + 1, whole.last - 1) and inside.covers == whole.covers


def test_cli_contest_prints_no_year_outside_the_window(sample):
    result = runner.invoke(app, ["influence", "--target", "PHL", "--years", "1995-2030", "--db", sample])
    assert result.exit_code == 0, result.output
    years = {int(y) for y in re.findall(r"^│ (\d{4}) ", result.output, flags=re.M)}
    with Ledger(sample, read_only=True) as led:
        lo, hi = window.index_window(led).years
    assert years and min(years) >= lo and max(years) <= hi
    assert f"{hi + 1}–2030 not shown" in " ".join(result.output.split())
    assert "by construction" not in result.output  # the P5: two of them engage the Philippines
    alone = runner.invoke(app, ["influence", "--target", "PHL", "--patrons", "USA,CHN", "--db", sample])
    assert "only one of these patrons has recorded influence" in " ".join(alone.output.split())


def test_api_contest_stays_inside_the_window_and_says_so(sample):
    with TestClient(create_app(sample, token="t", warm=False)) as c:
        body = c.get("/api/influence/contest", params={"target": "PHL", "until": 2030}).json()
        early = c.get("/api/influence/contest", params={"target": "PHL", "since": 1950, "until": 1960})
    shown = body["meta"]["window"]
    assert {r["year"] for r in body["items"]} <= set(range(shown["first"], shown["last"] + 1))
    assert shown["note"].startswith(f"the index covers {shown['first']}–{shown['last']}")
    assert early.status_code == 400 and "choose years inside it" in early.json()["detail"]


@pytest.mark.slow
def test_on_the_real_data_the_window_ends_where_a_channel_ends(full_ledger):
    w = window.index_window(full_ledger)
    assert w.basis == "research" and w.years == profiles.research_years(full_ledger)
    # every channel of the index holds data on every year of the window …
    for name in INFLUENCE:
        spans = [
            (s.coverage_start or VIEW_YEARS[0], s.coverage_end or VIEW_YEARS[1])
            for s in registered(full_ledger, CHANNELS[name])
        ]
        assert min(a for a, _ in spans) <= w.first and w.last <= max(b for _, b in spans), name
    # … and the channels named as its end stop there
    assert w.ends and all(
        max(s.coverage_end or 0 for s in registered(full_ledger, CHANNELS[n])) == w.last for n in w.ends
    )
    assert all(n in w.note() for n in w.ends)
