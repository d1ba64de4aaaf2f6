"""Write routes need a token; uploads are size-limited and checked like CLI imports; filters are
parameterised; the server and the CLI share one ledger file without crashes or corruption."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api_helpers import sample_ledger
from legation.api import create_app
from legation.api.access import LedgerAccess, LedgerBusy
from legation.ledger import Ledger

TOKEN = "s3cret-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GOOD = (
    "id,instrument,actor,partner,start,source\n"
    "t-1,exercise,France,India,2021-04-05,legation-sample\n"
    "t-2,dialogue,Japan,Philippines,2022-11-01,legation-sample\n"
)
INJECTIONS = [
    "' OR 1=1 --",
    "1; DROP TABLE engagements; --",
    '"; DELETE FROM votes; --',
    "Robert'); DROP TABLE states;--",
    "2 UNION SELECT * FROM imports",
    "%27%20OR%20%271%27%3D%271",
]


@pytest.fixture
def db(tmp_path):
    return sample_ledger(tmp_path / "ledger.duckdb")


@pytest.fixture
def client(db):
    with TestClient(create_app(db, token=TOKEN, max_upload=4096, warm=False, idle_release=0.2)) as c:
        yield c


def _count(client: TestClient) -> int:
    return client.get("/api/engagements", params={"limit": 1}).json()["total"]


def _digest(client: TestClient) -> str:
    rows = client.get("/api/engagements", params={"limit": 1000}).json()["items"]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_writes_without_a_valid_token_are_401(client):
    files = {"file": ("good.csv", GOOD, "text/csv")}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        r = client.post("/api/imports", files=files, headers=headers)
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
        assert "Bearer" in r.json()["detail"]
        assert client.delete("/api/imports/1", headers=headers).status_code == 401
    assert _count(client) == 274


def test_upload_with_token_imports_and_delete_removes_it(client):
    first = client.get("/api/engagements", params={"limit": 1})
    again = client.get("/api/engagements", params={"limit": 1})
    assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
    assert again.json() == first.json() and "default-src" in again.headers["content-security-policy"]
    r = client.post("/api/imports", files={"file": ("good.csv", GOOD, "text/csv")}, headers=AUTH)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["rows_written"] == 2 and body["file"] == "good.csv"
    after = client.get("/api/engagements", params={"limit": 1})  # the write changed the file: no stale page
    assert after.headers["x-cache"] == "miss" and after.json()["total"] == 276
    fr = client.get("/api/engagements", params={"actor": "France", "partner": "India"}).json()
    assert "t-1" in {e["id"] for e in fr["items"]}
    log = client.get("/api/imports").json()["items"][0]
    assert log["id"] == body["import_id"] and log["path"] == "good.csv"
    gone = client.delete(f"/api/imports/{body['import_id']}", headers=AUTH).json()
    assert gone["engagements_deleted"] == 2 and _count(client) == 274
    assert client.delete(f"/api/imports/{body['import_id']}", headers=AUTH).status_code == 404


def test_oversized_upload_is_413_and_writes_nothing(client):
    before = _digest(client)
    big = GOOD + "".join(f"t-{i},exercise,France,India,2021-04-05,legation-sample\n" for i in range(3, 200))
    assert len(big) > 4096
    r = client.post("/api/imports", files={"file": ("big.csv", big, "text/csv")}, headers=AUTH)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    huge = client.post("/api/imports", files={"file": ("huge.csv", "x" * 200_000, "text/csv")}, headers=AUTH)
    assert huge.status_code == 413
    assert _digest(client) == before


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("bad-date.csv", GOOD.replace("2022-11-01", "2022-13-45"), "start"),
        ("bad-state.csv", GOOD.replace("Philippines", "Atlantis"), "partner"),
        ("bad-instrument.csv", GOOD.replace("dialogue", "séance"), "instrument"),
        ("no-header.csv", "", ""),
        ("broken.yaml", "engagements:\n  - {id: x, instrument: [\n", ""),
        ("broken.parquet", "PAR1 not really parquet", ""),
    ],
)
def test_malformed_upload_is_422_and_leaves_the_ledger_unchanged(client, name, content, field):
    before = _digest(client)
    r = client.post("/api/imports", files={"file": (name, content, "text/plain")}, headers=AUTH)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["type"] == "/problems/invalid-import" and "nothing was imported" in body["detail"]
    assert body["errors"] and all(e["file"] in (name, None) for e in body["errors"])
    if field:
        assert any(e["field"] == field and e["row"] == 3 for e in body["errors"])
    assert _digest(client) == before
    assert client.get("/api/imports").json()["total"] == 1  # only the sample's own import


def test_upload_names_are_never_paths(client):
    r = client.post(
        "/api/imports", files={"file": ("../../etc/passwd.csv", "id\n", "text/csv")}, headers=AUTH
    )
    assert r.status_code == 422
    assert all("/" not in (e["file"] or "") for e in r.json()["errors"])
    assert "passwd.csv" in r.json()["detail"]
    other = client.post("/api/imports", files={"file": ("ledger.duckdb", b"x", "x")}, headers=AUTH)
    assert other.status_code == 415


def _is_text(schema: dict) -> bool:
    return schema.get("type") == "string" or any(s.get("type") == "string" for s in schema.get("anyOf", []))


def test_sql_injection_in_every_filter_is_harmless(client):
    before = _digest(client)
    spec = client.get("/openapi.json").json()
    path_defaults = {"a": "2", "b": "750", "state": "750"}
    required = {
        "/api/alignment": {"a": "2", "b": "750"},
        "/api/network": {"year": "2018"},
        "/api/influence/contest": {"target": "840"},
    }
    tried = 0
    for path, item in spec["paths"].items():
        op = item.get("get")
        for param in op.get("parameters", []) if op else []:
            if not _is_text(param["schema"]):
                continue
            for payload in INJECTIONS:
                args, query = dict(path_defaults), dict(required.get(path, {}))
                if param["in"] == "path":
                    args[param["name"]] = quote(payload, safe="")
                else:
                    query[param["name"]] = payload
                r = client.get(path.format(**args), params=query)
                tried += 1
                assert r.status_code < 500, (path, param["name"], payload, r.text)
                if r.status_code == 200 and path == "/api/engagements":
                    assert r.json()["total"] == 0
    assert tried > 60
    assert _digest(client) == before
    client.app.state.access.close()
    with Ledger(client.app.state.access.path, read_only=True) as led:
        assert led.count("states") > 0 and led.count("engagements") == 274


def test_server_lets_go_when_idle_so_the_cli_can_write(db):
    access = LedgerAccess(db, idle_release=0.2)
    with access.read() as led:
        assert led.count() == 274
    deadline = time.monotonic() + 5
    while access.is_open and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not access.is_open
    cli = [sys.executable, "-m", "legation", "init", "--db", str(db)]
    assert subprocess.run(cli, capture_output=True, text=True).returncode == 0
    access.close()


def test_cli_holding_the_file_gives_503_not_a_crash(db):
    with TestClient(create_app(db, token=TOKEN, warm=False)) as c:
        holder = Ledger(db)  # this process holds it for writing, as a running import would
        try:
            r = c.get("/api/engagements")
        finally:
            holder.close()
        assert r.status_code == 503
    code = (
        "import sys, time\nfrom legation.ledger import Ledger\n"
        f"led = Ledger({str(db)!r})\nprint('held', flush=True)\ntime.sleep(6)\nled.close()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        access = LedgerAccess(db)
        with pytest.raises(LedgerBusy, match="retry"), access.read():
            pass
        with TestClient(create_app(db, token=TOKEN, warm=False)) as c:
            r = c.get("/api/states")
            assert r.status_code == 503 and r.headers["retry-after"] == "2"
            assert r.json()["type"] == "/problems/ledger-busy"
        access.close()
    finally:
        proc.wait(timeout=20)
    with TestClient(create_app(db, token=TOKEN, warm=False)) as c:
        assert c.get("/api/states").status_code == 200


def test_a_cli_import_while_the_server_idles_is_seen_at_once(db, tmp_path):
    with TestClient(create_app(db, token=TOKEN, warm=False, idle_release=0.2)) as c:
        assert c.get("/api/engagements", params={"limit": 1}).json()["total"] == 274
        assert c.get("/api/engagements", params={"limit": 1}).headers["x-cache"] == "hit"
        access = c.app.state.access
        deadline = time.monotonic() + 5
        while access.is_open and time.monotonic() < deadline:
            time.sleep(0.05)
        (tmp_path / "new.csv").write_text(GOOD, encoding="utf-8")
        cli = [sys.executable, "-m", "legation", "import", str(tmp_path / "new.csv"), "--db", str(db)]
        done = subprocess.run(cli, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        fresh = c.get("/api/engagements", params={"limit": 1})
        assert fresh.headers["x-cache"] == "miss" and fresh.json()["total"] == 276
