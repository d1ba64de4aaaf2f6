"""POST /api/simulations and the shipped scenarios over HTTP: token-guarded, bounded, and answering
the effect with its interval on the real data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from legation.api import create_app

TOKEN = "model-api-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(full_ledger_path):
    with TestClient(create_app(full_ledger_path, token=TOKEN, warm=False)) as c:
        yield c


def test_the_shipped_scenarios_are_listed_with_what_they_ask(client):
    got = client.get("/api/simulations/scenarios").json()
    assert len(got) == 6
    assert all(s["asks"].startswith("What it asks:") and s["yaml"] for s in got)
    one = client.get(f"/api/simulations/scenarios/{got[0]['file']}").json()
    assert one["name"] == got[0]["name"]
    assert client.get("/api/simulations/scenarios/nope").status_code == 404


def test_simulating_needs_the_token(client):
    r = client.post("/api/simulations", json={"scenario": "egypt-military-aid-cut"})
    assert r.status_code == 401


def test_a_shipped_scenario_answers_its_effect_with_an_interval(client):
    r = client.post(
        "/api/simulations", json={"scenario": "russia-india-arms-halve", "draws": 200}, headers=AUTH
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["draws"] == 200 and out["years"][0] == out["base_year"] + 1
    assert {p["patron_iso3"] for p in out["pairs"]} == {"RUS", "FRA", "USA", "ISR"}
    russia = next(h for h in out["headline"] if h["patron"] == 365)
    assert russia["difference"] < 0 and russia["lo90"] <= russia["difference"] <= russia["hi90"]
    assert {b["arm"] for b in out["bands"]} == {"baseline", "scenario", "difference"}
    assert {p["name"] for p in out["parameters"]} >= {"rho", "q", "r", "beta_arms"}
    assert not any("no risk process" in n for n in out["notes"])
    risks = {r["risk"] for r in out["risks"]}
    assert risks == {"escalation", "dependency", "opposition", "covert", "misinformation"}
    assert all(0 <= r["probability"] <= 1 for r in out["risks"] if r["arm"] != "difference")


def test_an_uploaded_scenario_is_checked_with_lines_and_bounded(client):
    bad = client.post("/api/simulations", json={"yaml": "name: x\nhorizon: 99\n"}, headers=AUTH)
    assert bad.status_code == 422
    err = bad.json()["errors"][0]
    assert (err["row"], err["field"]) == (2, "horizon")
    many = client.post(
        "/api/simulations", json={"scenario": "russia-iran-exercises-arms", "draws": 10**6}, headers=AUTH
    )
    assert many.status_code == 422
    both = client.post("/api/simulations", json={"scenario": "a", "yaml": "name: a"}, headers=AUTH)
    assert both.status_code == 422
    text = (
        "name: mine\nhorizon: 3\ntargets: [EGY]\npatrons: [USA]\nshocks:\n"
        "  - {kind: alignment, actor: USA, partner: EGY, year: 2016, size: 0.1}\n"
    )
    ok = client.post("/api/simulations", json={"yaml": text, "draws": 50}, headers=AUTH).json()
    assert ok["headline"][0]["difference"] == pytest.approx(0.1 * 0.9, abs=0.1 * 0.2)
