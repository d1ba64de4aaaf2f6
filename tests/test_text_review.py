"""Text → review → ledger: `legation extract` writes candidates, an analyst accepts some, and
`legation import --accepted-only` writes those and nothing else, all or nothing."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from legation.cli import app
from legation.ledger import Ledger

runner = CliRunner()
NEWS = [
    {
        "text": "The United States delivered 12 F-16 fighter jets to Pakistan in 2016.",
        "date": "2017-03-15",
        "url": "https://news.example/f16",
    },
    {
        "text": "Egypt bought 24 Rafale jets from France last year. The deal was signed in Cairo.",
        "date": "2017-03-15",
        "url": "https://news.example/rafale",
    },
    {"text": "The foreign ministers of Brazil and Argentina signed a trade agreement.", "date": "2017-03-15"},
    {
        "text": "Nepal deployed 800 peacekeepers to South Sudan.",
        "date": "2017-03-15",
        "url": "https://news.example/nepal",
    },
]


@pytest.fixture
def news(write):
    return write("news.jsonl", "".join(json.dumps(r) + "\n" for r in NEWS))


def candidates(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def review(path, rows, answers) -> None:
    for r, a in zip(rows, answers, strict=True):
        r["accept"] = a
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")


def test_extract_writes_candidates_with_evidence(news, tmp_path):
    out = tmp_path / "c.csv"
    r = runner.invoke(app, ["extract", str(news), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = candidates(out)
    assert [(x["instrument"], x["line"]) for x in rows] == [
        ("arms_transfer", "0"),
        ("arms_transfer", "1"),
        ("peacekeeping", "3"),
    ]
    assert rows[1]["evidence"] == "Egypt bought 24 Rafale jets from France last year."
    assert rows[1]["actor"] == "France" and rows[1]["start"] == "2016"
    assert all(x["accept"] == "" and x["source"] == "" for x in rows)


def test_jsonl_format_gives_one_object_per_candidate(news):
    r = runner.invoke(app, ["extract", str(news), "--format", "jsonl"])
    objs = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(o["line"], o["actor_iso3"], o["partner_iso3"], o["year"]) for o in objs] == [
        (0, "USA", "PAK", 2016),
        (1, "FRA", "EGY", 2016),
        (3, "NPL", "SSD", 2017),
    ]


def test_only_accepted_candidates_reach_the_ledger(news, tmp_path):
    out, db = tmp_path / "c.csv", tmp_path / "l.duckdb"
    runner.invoke(app, ["extract", str(news), "--out", str(out)])
    refused = runner.invoke(app, ["import", str(out), "--db", str(db)])
    assert refused.exit_code == 1 and "--accepted-only" in refused.output  # unreviewed: not an import file
    review(out, candidates(out), ["yes", "no", "1"])
    r = runner.invoke(app, ["import", str(out), "--accepted-only", "--db", str(db)])
    assert r.exit_code == 0, r.output
    with Ledger(db, read_only=True) as led:
        rows = led.engagements().sort("source_ref")
        src = led.source(rows["source_id"][0])
    assert rows["source_ref"].to_list() == ["https://news.example/f16", "https://news.example/nepal"]
    assert rows["instrument"].to_list() == ["arms_transfer", "peacekeeping"]
    assert rows["source_id"].n_unique() == 1 and src.id.startswith("extract-")
    assert rows.filter(pl.col("instrument") == "peacekeeping")["magnitude"].to_list() == [800.0]


def test_a_bad_answer_refuses_the_whole_file(news, tmp_path):
    out, db = tmp_path / "c.csv", tmp_path / "l.duckdb"
    runner.invoke(app, ["extract", str(news), "--out", str(out)])
    review(out, candidates(out), ["yes", "maybe", "yes"])
    r = runner.invoke(app, ["import", str(out), "--accepted-only", "--db", str(db)])
    assert r.exit_code == 1 and "line 3" in r.output and "maybe" in r.output
    with Ledger(db, read_only=True) as led:
        assert led.engagements().height == 0
        assert not any(s.startswith("extract-") for s in led.sources()["id"].to_list())


def test_an_accepted_row_that_fails_validation_refuses_the_file(news, tmp_path):
    out, db = tmp_path / "c.csv", tmp_path / "l.duckdb"
    runner.invoke(app, ["extract", str(news), "--out", str(out)])
    rows = candidates(out)
    rows[2]["start"] = "2017-13"
    review(out, rows, ["yes", "yes", "yes"])
    r = runner.invoke(app, ["import", str(out), "--accepted-only", "--db", str(db)])
    assert r.exit_code == 1 and "start" in r.output
    with Ledger(db, read_only=True) as led:
        assert led.engagements().height == 0


def test_nothing_accepted_is_an_error(news, tmp_path):
    out, db = tmp_path / "c.csv", tmp_path / "l.duckdb"
    runner.invoke(app, ["extract", str(news), "--out", str(out)])
    r = runner.invoke(app, ["import", str(out), "--accepted-only", "--db", str(db)])
    assert r.exit_code == 1 and "no candidate is accepted" in r.output
