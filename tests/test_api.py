"""The REST API on the curated sample and on real data: routes, filters, pages, problems."""

from __future__ import annotations

import shutil

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api_helpers import sample_ledger
from legation.api import create_app
from legation.ledger import Ledger
from legation.ledger.sample import load_sample

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    db = sample_ledger(tmp_path_factory.mktemp("api") / "sample.duckdb")
    with TestClient(create_app(db, token="t0ken", warm=False)) as c:
        yield c


def test_openapi_lists_every_route(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for route in (
        "/api/states",
        "/api/groups",
        "/api/sources",
        "/api/citations",
        "/api/engagements",
        "/api/dyads/{a}/{b}",
        "/api/panel",
        "/api/alignment",
        "/api/influence",
        "/api/influence/contest",
        "/api/scores",
        "/api/network",
        "/api/validation",
        "/api/imports",
    ):
        assert route in paths, route


def test_states_filter_and_page(client):
    r = client.get("/api/states", params={"q": "ind"}).json()
    assert {s["name"] for s in r["items"]} == {"India", "Indonesia"}
    one = client.get("/api/states", params={"limit": 1, "offset": 1}).json()
    assert one["limit"] == 1 and len(one["items"]) == 1 and one["total"] > 1


def test_engagements_filters_pages_and_names(client):
    all_us = client.get("/api/engagements", params={"actor": "United States", "limit": 1000}).json()
    assert all_us["total"] == len(all_us["items"]) > 50
    assert {e["actor_ccode"] for e in all_us["items"]} == {2}
    # a code and a name select the same rows; pages partition them in order
    by_code = client.get("/api/engagements", params={"actor": "2", "limit": 1000}).json()
    assert by_code["total"] == all_us["total"]
    pages = [
        client.get("/api/engagements", params={"actor": 2, "limit": 10, "offset": o}).json()["items"]
        for o in range(0, all_us["total"], 10)
    ]
    assert [e["id"] for p in pages for e in p] == [e["id"] for e in all_us["items"]]
    nato = client.get("/api/engagements", params={"actor": "NATO", "instrument": "alliance"}).json()
    assert nato["total"] >= 10 and {e["actor"] for e in nato["items"]} == {"NATO"}
    years = client.get("/api/engagements", params={"since": 2020, "until": 2021, "limit": 1000}).json()
    assert years["total"] > 0 and all(e["start_date"][:4] in ("2020", "2021") for e in years["items"])


def test_unknown_names_are_problems_not_empty_pages(client):
    r = client.get("/api/engagements", params={"actor": "Narnia"})
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    body = r.json()
    assert body["status"] == 404 and "Narnia" in body["detail"] and body["instance"] == "/api/engagements"
    bad = client.get("/api/engagements", params={"instrument": "diplomacy-by-cake"})
    assert bad.status_code == 422 and "instrument" in bad.json()["detail"]
    assert client.get("/api/engagements", params={"limit": 5000}).status_code == 422
    assert client.get("/api/engagements", params={"source": "wikileaks"}).status_code == 404
    assert client.get("/api/engagements", params={"since": 2010, "until": 2000}).status_code == 422
    for odd in ("²", "--5", "١٢"):
        for path, params in [
            ("/api/alignment", {"a": odd, "b": "USA"}),
            ("/api/engagements", {"actor": odd}),
        ]:
            r = client.get(path, params=params)
            assert r.status_code == 404 and r.headers["content-type"] == PROBLEM, (path, odd)


def test_dyad_timeline_has_both_directions_with_sources(client):
    d = client.get("/api/dyads/2/750").json()
    assert d["meta"]["a"]["name"].startswith("United States") and d["meta"]["b"]["name"] == "India"
    assert d["total"] == len(d["items"]) >= 5
    assert {(e["actor_ccode"], e["partner_ccode"]) for e in d["items"]} <= {(2, 750), (750, 2)}
    assert all(e["source_name"] and e["source_id"] == "legation-sample" for e in d["items"])
    assert d["meta"]["alignment"] == []  # no UN votes in the sample
    assert client.get("/api/dyads/2/2").status_code == 422


def test_influence_outward_and_contest_on_the_sample(client):
    out = client.get("/api/influence/outward", params={"year": 2020}).json()
    assert out["meta"]["basis"] == "ledger"
    assert out["items"][0]["patron_name"].startswith("United States")
    assert out["items"][0]["outward"] >= out["items"][1]["outward"]
    c = client.get("/api/influence/contest", params={"target": "Philippines"}).json()
    shares = pl.DataFrame(c["items"]).filter(pl.col("share").is_not_null())
    assert shares.height > 0
    assert shares.group_by("year").agg(pl.col("share").sum())["share"].to_list() == pytest.approx(
        [1.0] * shares["year"].n_unique()
    )
    rows = client.get("/api/influence", params={"patron": 2, "target": 840, "limit": 1000}).json()
    assert rows["total"] > 0 and all(r["patron"] == 2 and r["target"] == 840 for r in rows["items"])
    assert client.get("/api/influence", params={"channel": "telepathy"}).status_code == 422


def test_network_profile_geo_and_sources(client):
    n = client.get("/api/network", params={"channel": "exercise", "year": 2018}).json()
    codes = {v["ccode"] for v in n["nodes"]}
    assert {2, 750, 740, 365, 710} <= codes and len(n["edges"]) > 0
    assert all(v["bloc"] is not None and v["x"] is not None for v in n["nodes"])
    # US, Japan and India exercise together (Malabar): one bloc; Russia and China in another
    bloc = {v["ccode"]: v["bloc"] for v in n["nodes"]}
    assert bloc[2] == bloc[740] == bloc[750] and bloc[365] == bloc[710] != bloc[2]
    assert client.get("/api/network", params={"channel": "nope", "year": 2018}).status_code == 404
    p = client.get("/api/states/India/profile").json()
    assert p["ccode"] == 750 and p["patrons"][0]["name"].startswith("United States")
    assert {r["instrument"] for r in p["by_year"]} >= {"arms_transfer", "exercise"}
    geo = client.get("/api/geo/world")
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    ids = {f["id"] for f in features}
    assert {2, 750, 710, 365, 740} <= ids and len(ids) > 150
    # every outer ring clockwise (d3's winding): one the other way fills the whole globe
    for f in features:
        g = f["geometry"]
        for polygon in g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]:
            ring = polygon[0]
            pairs = zip(ring, ring[1:] + ring[:1], strict=True)
            area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)
            assert area < 0, f["properties"]["name"]
    src = client.get("/api/sources").json()["items"]
    sample = next(s for s in src if s["id"] == "legation-sample")
    assert sample["rows"] == 274 and sample["coverage_start"] == 2000
    text = client.get("/api/citations").text
    assert "[legation-sample]" in text
    bib = client.get("/api/citations", params={"format": "bibtex"}).text
    assert "@dataset{" in bib and "@misc" not in bib
    csl = client.get("/api/citations", params={"format": "csl-json"}).json()
    assert csl and all(item["type"] and item["title"] for item in csl)


def test_measures_that_need_research_data_say_so(client):
    for route in ("/api/scores", "/api/validation"):
        r = client.get(route)
        assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
        assert "import" in r.json()["detail"]
    a = client.get("/api/alignment", params={"a": 2, "b": 750}).json()
    assert a["total"] == 0 and "unvotes" in a["meta"]["note"]


def test_panel_slice(client):
    with pytest.warns(UserWarning, match="bundled subset"):
        r = client.get("/api/panel", params={"since": 2010, "until": 2012, "state": "India"})
    body = r.json()
    assert [row["year"] for row in body["items"]] == [2010, 2011, 2012]
    assert body["meta"]["citations"]
    assert client.get("/api/panel", params={"since": 1900, "until": 2000}).status_code == 422
    assert client.get("/api/panel", params={"add": "astrology"}).status_code == 422


def test_dashboard_and_vendor_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "/vendor/plotly.min.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    js = client.get("/vendor/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200


# real data -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(full_ledger_path, tmp_path_factory) -> TestClient:
    """The session's full-data ledger, copied, with the curated sample on top."""
    db = tmp_path_factory.mktemp("api-real") / "real.duckdb"
    shutil.copyfile(full_ledger_path, db)
    if (wal := full_ledger_path.with_name(full_ledger_path.name + ".wal")).exists():
        shutil.copyfile(wal, db.with_name(db.name + ".wal"))
    with Ledger(db) as led:
        load_sample(led)
    with TestClient(create_app(db, token="t0ken", warm=False)) as c:
        yield c


@pytest.mark.slow
def test_real_data_influence_alignment_and_arms(real):
    out = real.get("/api/influence/outward", params={"year": 2010}).json()
    assert out["meta"]["basis"] == "research"
    assert out["items"][0]["patron"] == 2  # the United States projects the most
    # the US and Israel vote together far more than the US and Iran
    close = real.get("/api/alignment", params={"a": 2, "b": 666, "since": 2000, "until": 2010}).json()
    far = real.get("/api/alignment", params={"a": 2, "b": 630, "since": 2000, "until": 2010}).json()
    mean = lambda rows: sum(r["agree3"] for r in rows) / len(rows)  # noqa: E731
    assert len(close["items"]) == 11 and mean(close["items"]) > 0.7
    assert mean(far["items"]) < mean(close["items"]) - 0.4
    p = real.get("/api/states/750/profile").json()
    arms = {r["year"]: r for r in p["arms"]}
    assert arms[2012]["top_supplier"] == 365 and arms[2012]["top_supplier_name"] == "Russia"
    majors = {r["major"] for r in p["alignment"]}
    assert majors == {2, 710, 365, 200, 220}
    net = real.get("/api/network", params={"channel": "alliance", "year": 2010}).json()
    bloc = {v["ccode"]: v["bloc"] for v in net["nodes"]}
    assert bloc[200] == bloc[220] == bloc[255]  # the UK, France and Germany: one European NATO bloc
