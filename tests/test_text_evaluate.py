"""The evaluation: metrics on a hand-made labelled set, and the development set against the goals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legation.cli import app
from legation.errors import InputError
from legation.text.evaluate import evaluate

DEV = Path(__file__).resolve().parents[1] / "examples" / "text" / "gold_dev.jsonl"


def eng(instrument, actor, partner=None, group=None, year=None, polarity=1):
    return {
        "instrument": instrument,
        "actor_iso3": actor,
        "partner_iso3": partner,
        "partner_group": group,
        "year": year,
        "polarity": polarity,
    }


GOLD = [
    {
        "text": "Egypt bought 24 Rafale jets from France in 2015.",
        "date": "2016-01-01",
        "engagements": [eng("arms_transfer", "FRA", "EGY", year=2015)],
        "tags": [],
    },
    {
        "text": "Nepal deployed 800 peacekeepers to South Sudan.",
        "date": "2016-01-01",
        "engagements": [eng("peacekeeping", "NPL", "SSD", year=2016)],
        "tags": ["magnitude"],
    },
    {
        "text": "The foreign ministers of Brazil and Argentina signed a trade agreement.",
        "date": "2016-01-01",
        "engagements": [],
        "tags": ["near_miss"],
    },
    # labelled as an exercise, read as one with the wrong partner
    {
        "text": "India and Japan held naval drills off Sri Lanka.",
        "date": "2016-01-01",
        "engagements": [eng("exercise", "IND", "LKA")],
        "tags": [],
    },
    # labelled as training, missed: no instrument word the lexicon knows
    {
        "text": "Kenyan officers spent a year in New Delhi.",
        "date": "2016-01-01",
        "engagements": [eng("training", "IND", "KEN")],
        "tags": ["demonym"],
    },
]


def test_metrics_on_a_hand_made_set(write):
    path = write("gold.jsonl", "".join(json.dumps(g) + "\n" for g in GOLD))
    s = evaluate(path)
    assert s.sentences == 5
    assert s.detection == pytest.approx((1.0, 0.75, 6 / 7))
    assert s.pairs == (2, 3)  # India–Sri Lanka is not India–Japan
    assert s.years == (2, 2) and s.polarity == (3, 3)
    assert s.per_class["arms_transfer"][:3] == (1.0, 1.0, 1.0)
    assert s.per_class["training"] == (0.0, 0.0, 0.0, 1)
    assert s.by_tag["near_miss"] == (1, 1) and s.by_tag["demonym"] == (0, 1)
    assert [e["line"] for e in s.errors] == [3, 4]


def test_a_bad_gold_file_names_the_line(write):
    path = write(
        "gold.jsonl",
        json.dumps(GOLD[0])
        + "\n"
        + json.dumps({**GOLD[1], "engagements": [eng("parade", "NPL", "SSD")]})
        + "\n",
    )
    with pytest.raises(InputError, match="line 2"):
        evaluate(path)


def test_the_cli_prints_the_table(write):
    path = write("gold.jsonl", "".join(json.dumps(g) + "\n" for g in GOLD))
    r = CliRunner().invoke(app, ["extract", "--evaluate", str(path), "--misses", "1"])
    assert r.exit_code == 0, r.output
    assert "macro" in r.stdout and "detection P / R / F1" in r.stdout and "India and Japan" in r.stdout


@pytest.mark.skipif(not DEV.is_file(), reason="no development set")
def test_the_development_set_meets_the_goals():
    s = evaluate(DEV)
    assert s.sentences >= 200
    assert s.macro_f1 >= 0.80 and s.detection[2] >= 0.90
    assert s.pairs[0] / s.pairs[1] >= 0.80
    assert s.years[0] / s.years[1] >= 0.90 and s.polarity[0] / s.polarity[1] >= 0.90
