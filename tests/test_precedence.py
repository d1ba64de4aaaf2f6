"""One count per fact: where several datasets record the same kind of engagement, counts take the
first source of the precedence order that covers the actor and year (panel.channels.PRECEDENCE)."""

from __future__ import annotations

import polars as pl
import pytest
from fastapi.testclient import TestClient

from legation.api import create_app
from legation.ledger import Ledger, import_frame
from legation.ledger.importers import importers
from legation.measures import profiles
from legation.panel.channels import PRECEDENCE, one_per_fact


def _sources(led: Ledger, *ids: str) -> None:
    known = {imp.source.id: imp.source for imp in importers()}
    for sid in ids:
        led.register_source(known[sid])


def _exercise(year: str = "2010") -> dict[str, str]:
    return {"instrument": "exercise", "actor": "United States", "partner": "Philippines", "start": year}


def test_the_same_exercise_in_mme_and_jme_counts_once(ledger):
    _sources(ledger, "mme", "jme")
    rows = [_exercise(), _exercise(), _exercise("2018")]  # MME covers 1980–2010: in 2018 a JME row counts
    frame = pl.DataFrame(rows).with_columns(pl.Series("source", ["mme", "jme", "jme"]))
    import_frame(ledger, frame)
    one = profiles.profile(ledger, 840)
    every = profiles.profile(ledger, 840, all_sources=True)
    assert one["patrons"].filter(pl.col("ccode") == 2)["incoming"].item() == 2  # 2010 once, 2018 from JME
    assert every["patrons"].filter(pl.col("ccode") == 2)["incoming"].item() == 3
    by = one["by_year"].filter(pl.col("instrument") == "exercise").sort("year")
    assert by.select("year", "incoming").rows() == [(2010, 1), (2018, 1)]
    assert one["counted_sources"].row(0, named=True) == {"instrument": "exercise", "sources": ["jme", "mme"]}


def test_sources_outside_the_policy_always_count(ledger):
    rows = pl.DataFrame([_exercise(), _exercise("2011")]).with_columns(
        pl.lit("legation-sample").alias("source")
    )
    import_frame(ledger, rows)
    counted = profiles.counted(ledger, 840)
    assert counted.height == 2 and one_per_fact(ledger, counted).height == 2


def test_every_source_in_the_policy_is_a_dataset_legation_imports():
    known = {imp.source.id for imp in importers()}
    assert {s for order in PRECEDENCE.values() for s in order} <= known


@pytest.mark.slow
def test_real_data_counts_one_source_per_fact(full_ledger_path):
    with Ledger(full_ledger_path, read_only=True) as led:
        one = profiles.counted(led, 750)
        every = profiles.counted(led, 750, all_sources=True)
        troops = profiles.counted(led, 840)

    def arms_2010(f: pl.DataFrame) -> set[str]:
        return set(
            f.filter((pl.col("instrument") == "arms_transfer") & (pl.col("year") == 2010))["source_id"]
        )

    assert arms_2010(one) == {"sipri-tiv-360info"}
    assert {"sipri-trade-register", "mcmanus-nieman"} <= arms_2010(every)
    us_ph_1950 = troops.filter(
        (pl.col("instrument") == "basing") & (pl.col("year") == 1950) & (pl.col("actor_ccode") == 2)
    )
    assert set(us_ph_1950["source_id"]) == {"us-troops"}  # not us-troops-v015 next to it
    with TestClient(create_app(full_ledger_path, token="t", warm=False)) as c:
        p = c.get("/api/states/IND/profile").json()
        q = c.get("/api/states/IND/profile", params={"all_sources": True}).json()

    def from_russia(prof: dict) -> int:
        return next(r["incoming"] for r in prof["patrons"] if r["ccode"] == 365)

    assert from_russia(p) < from_russia(q)
    arms = next(c["sources"] for c in p["counted_sources"] if c["instrument"] == "arms_transfer")
    assert "sipri-tiv-360info" in arms and "mcmanus-nieman" not in arms
