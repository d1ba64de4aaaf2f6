"""The extraction routes: token-guarded, bounded, and import only what a reviewer accepted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from legation.api import create_app
from legation.ledger import Ledger

AUTH = {"Authorization": "Bearer t0ken"}
DOCS = {
    "documents": [
        {
            "text": "Nepal deployed 800 peacekeepers to South Sudan. "
            "The foreign ministers of Brazil and Argentina signed a trade agreement.",
            "date": "2017-03-15",
            "url": "https://news.example/nepal",
        },
        {
            "text": "Egypt bought 24 Rafale jets from France last year.",
            "date": "2017-03-15",
            "url": "https://news.example/rafale",
        },
    ]
}


@pytest.fixture
def client(tmp_path):
    db = tmp_path / "l.duckdb"
    Ledger(db).close()
    with TestClient(create_app(db, token="t0ken", warm=False)) as c:
        c.db = db  # type: ignore[attr-defined]
        yield c


def test_extraction_needs_the_token(client):
    assert client.post("/api/extract", json=DOCS).status_code == 401


def test_extraction_proposes_and_writes_nothing(client):
    r = client.post("/api/extract", json=DOCS, headers=AUTH)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["instrument"], i["actor_iso3"], i["partner_iso3"]) for i in items] == [
        ("peacekeeping", "NPL", "SSD"),
        ("arms_transfer", "FRA", "EGY"),
    ]
    assert items[0]["evidence"] == "Nepal deployed 800 peacekeepers to South Sudan."
    assert items[1]["start"] == "2016" and items[1]["source_ref"] == "https://news.example/rafale"
    with Ledger(client.db, read_only=True) as led:
        assert led.engagements().height == 0


def test_extraction_is_bounded(client):
    many = {"documents": [{"text": "x"}] * 201}
    assert client.post("/api/extract", json=many, headers=AUTH).status_code == 422
    big = {"documents": [{"text": "x" * 150_000}, {"text": "y" * 150_000}]}
    assert client.post("/api/extract", json=big, headers=AUTH).status_code == 413


def test_import_takes_the_accepted_only(client):
    items = client.post("/api/extract", json=DOCS, headers=AUTH).json()["items"]
    items[0]["accept"] = "yes"
    items[1]["accept"] = "no"
    assert client.post("/api/extract/import", json={"candidates": items}).status_code == 401
    r = client.post("/api/extract/import", json={"candidates": items}, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json()["rows_written"] == 1 and r.json()["sources"][0].startswith("extract-")
    with Ledger(client.db, read_only=True) as led:
        rows = led.engagements()
    assert rows["source_ref"].to_list() == ["https://news.example/nepal"]


def test_import_refuses_a_bad_answer_whole(client):
    items = client.post("/api/extract", json=DOCS, headers=AUTH).json()["items"]
    items[0]["accept"] = "yes"
    items[1]["accept"] = "perhaps"
    r = client.post("/api/extract/import", json={"candidates": items}, headers=AUTH)
    assert r.status_code == 422 and "perhaps" in r.text
    with Ledger(client.db, read_only=True) as led:
        assert led.engagements().height == 0
