"""A dyad's engagements as the dyad explorer reads them: the dates' precision, the source's own
fields, and whether a row belongs to a joint or multilateral event (`reads.dyad_engagements`)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from legation.ledger import reads
from legation.ledger.importing import import_file
from legation.ledger.store import Ledger

PHL, USA = 840, 2


def _events(led: Ledger, a: int, b: int) -> pl.DataFrame:
    rows, total = reads.dyad_engagements(led, a, b, 5000, 0)
    assert rows.height == total
    return rows


def test_a_joint_exercise_with_a_third_state_is_multilateral(ledger, write):
    path = write(
        "ex.csv",
        "id,instrument,actor,partner,start,source,source_ref\n"
        "e1,exercise,United States,Philippines,2023-04,legation-sample,balikatan-23\n"
        "e2,exercise,Australia,Philippines,2023-04,legation-sample,balikatan-23\n"
        "e3,training,United States,Philippines,2002,legation-sample,jsotf-p\n",
    )
    import_file(ledger, path)
    rows = _events(ledger, USA, PHL).sort("id")
    assert rows["parties"].to_list() == [3, None]  # two actors, three states; one state acting alone
    assert rows["start_precision"].to_list() == ["month", "year"]


@pytest.mark.slow
def test_on_the_real_data_events_are_told_apart(full_ledger):
    rows = _events(full_ledger, USA, PHL)
    # MME records a humanitarian exercise of two states both ways: a joint event, never one-way
    hadr = rows.filter(pl.col("source_id") == "mme", pl.col("instrument") == "hadr")
    assert hadr.height and (hadr["parties"] >= 2).all()
    # SEATO (ATOP 3260) binds eight states; the bilateral treaty of 1951 two
    seato = rows.filter(pl.col("source_ref").str.starts_with("ATOP 5.1 3260"))
    assert seato.height and (seato["parties"] > 2).all()
    # McManus–Nieman's signals run from one patron to many protégés: one-way, not multilateral
    assert rows.filter(pl.col("source_id") == "mcmanus-nieman")["parties"].is_null().all()
    # SIPRI's register dates a deal by year, with the weapon in its own fields
    deal = rows.filter(pl.col("source_id") == "sipri-trade-register").row(0, named=True)
    assert deal["start_precision"] == "year" and json.loads(deal["details"])["weapon_designation"]
