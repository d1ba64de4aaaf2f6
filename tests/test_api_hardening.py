"""The server under hostile requests: the token is checked before an upload's body is read, the size
limit while it is read, the import runs off the event loop; tokens are bytes-compared and refused at
start when weak; the Host header is checked; no redirect names a foreign host; no absolute server path
is shown; request heads have a deadline; the CSP allows no eval."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api_helpers import sample_ledger
from legation.api import create_app
from legation.api.app import LOCAL_HOSTS
from legation.api.protocol import HeaderTimeoutProtocol
from legation.api.routes import records
from legation.api.security import check_token, server_token
from legation.cli import app as cli_app
from legation.cli.serve import allowed_hosts
from legation.errors import InvalidValueError

TOKEN = "hardening-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GOOD = "id,instrument,actor,partner,start,source\nh-1,exercise,France,India,2021-04-05,legation-sample\n"
BOUNDARY = "legation-test-boundary"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return sample_ledger(tmp_path_factory.mktemp("hardening") / "sample.duckdb")


@pytest.fixture
def db(sample, tmp_path) -> Path:
    """A writable copy of the sample ledger."""
    path = tmp_path / "l.duckdb"
    path.write_bytes(sample.read_bytes())
    return path


def _app(db: Path, **kw: Any):
    return create_app(db, token=TOKEN, warm=False, **{"max_upload": 4096, **kw})


# uploads ------------------------------------------------------------------------------------------


def _drive(app, headers: list[tuple[bytes, bytes]], chunks: int, chunk: bytes) -> tuple[int, int]:
    """POST a chunked multipart body of ``chunks`` pieces straight to the ASGI app; returns the status
    and how many bytes of the body the app pulled."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    pieces = [head, *([chunk] * chunks)]
    pulled = 0
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pieces:
            body = pieces.pop(0)
            pulled += len(body)
            return {"type": "http.request", "body": body, "more_body": bool(pieces)}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/imports",
        "raw_path": b"/api/imports",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8765),
        "headers": [
            (b"host", b"127.0.0.1:8765"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"transfer-encoding", b"chunked"),
            *headers,
        ],
    }
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 30))
    return status[0], pulled


def test_a_chunked_upload_without_a_token_is_refused_before_its_body_is_read(db):
    app = _app(db)
    try:
        status, pulled = _drive(app, [], chunks=200, chunk=b"x" * (1 << 20))  # 200 MB offered
        assert status == 401 and pulled == 0
    finally:
        app.state.access.close()


def test_a_chunked_upload_over_the_limit_is_refused_while_it_is_read(db):
    app = _app(db)
    try:
        status, pulled = _drive(app, [(b"authorization", AUTH["Authorization"].encode())], 100, b"x" * 65536)
        assert status == 413 and pulled < 4096 + records.MULTIPART_OVERHEAD + 2 * 65536
    finally:
        app.state.access.close()


def test_health_answers_at_once_while_an_upload_is_imported(db, monkeypatch):
    slow_started = threading.Event()
    real = records.import_file

    def slow(*a: Any, **kw: Any):
        slow_started.set()
        time.sleep(1.5)
        return real(*a, **kw)

    monkeypatch.setattr(records, "import_file", slow)
    app = _app(db)

    async def scenario() -> tuple[float, str, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            files = {"file": ("good.csv", GOOD, "text/csv")}
            upload = asyncio.create_task(client.post("/api/imports", files=files, headers=AUTH))
            while not slow_started.is_set():
                await asyncio.sleep(0.01)
            t0 = time.monotonic()
            health = await client.get("/api/health")
            took = time.monotonic() - t0
            return took, health.json()["status"], (await upload).status_code

    try:
        took, state, uploaded = asyncio.run(scenario())
    finally:
        app.state.access.close()
    assert took < 0.5 and state == "busy" and uploaded == 201


def test_upload_without_multipart_is_422_not_500(db):
    with TestClient(_app(db)) as c:
        r = c.post("/api/imports", content=GOOD, headers={**AUTH, "Content-Type": "text/csv"})
        assert r.status_code == 422 and "multipart" in r.json()["detail"]
        r = c.post("/api/imports", files={"other": ("good.csv", GOOD, "text/csv")}, headers=AUTH)
        assert r.status_code == 422
        assert c.post("/api/imports", files={"file": ("g.csv", GOOD)}, headers=AUTH).status_code == 201


def test_the_upload_body_is_documented_in_openapi(db):
    with TestClient(_app(db)) as c:
        body = c.get("/openapi.json").json()["paths"]["/api/imports"]["post"]["requestBody"]
        assert "file" in body["content"]["multipart/form-data"]["schema"]["properties"]


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(["a.csv", "b.yaml", "c.parquet", "d.txt", "", "../e.csv"]),
    content=st.binary(max_size=3000)
    | st.text(max_size=2000).map(lambda t: (GOOD + t).encode())
    | st.text(alphabet=",\n\r\"'=-:[]{}#&* 0123456789abcdefgh", max_size=2000).map(str.encode),
    token=st.sampled_from([TOKEN, "", "wrong", "tökén"]),
)
def test_fuzzed_uploads_never_cause_a_server_error(fuzz_client, name, content, token):
    headers = {"Authorization": b"Bearer " + token.encode()} if token else {}
    r = fuzz_client.post("/api/imports", files={"file": (name, content, "text/plain")}, headers=headers)
    assert r.status_code < 500, r.text
    if token != TOKEN:
        assert r.status_code == 401


@pytest.fixture(scope="module")
def fuzz_client(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "l.duckdb"
    path.write_bytes(sample.read_bytes())
    with TestClient(_app(path)) as c:
        yield c


# tokens -------------------------------------------------------------------------------------------


def test_a_non_ascii_bearer_token_is_401_not_500(db):
    with TestClient(_app(db)) as c:
        for given in ("Bearer tökén".encode(), "Bearer ☃".encode(), b"Bearer \xff\xfe"):
            r = c.post("/api/imports", files={"file": ("g.csv", GOOD)}, headers={"Authorization": given})
            assert r.status_code == 401, r.text
            assert c.delete("/api/imports/1", headers={"Authorization": given}).status_code == 401


@pytest.mark.parametrize(
    ("token", "says"), [("tökén-0123456789-abcdef", "ASCII"), ("short", "at least 16"), ("x" * 15, "15")]
)
def test_weak_or_non_ascii_tokens_are_refused_at_start(monkeypatch, token, says):
    monkeypatch.setenv("LEGATION_TOKEN", token)
    with pytest.raises(InvalidValueError, match=says):
        server_token()
    result = CliRunner().invoke(cli_app, ["serve", "--db", "/nonexistent/l.duckdb", "--port", "1"])
    assert result.exit_code == 1 and says in result.output and "Traceback" not in result.output


def test_good_tokens_are_accepted(monkeypatch):
    monkeypatch.setenv("LEGATION_TOKEN", "  " + "k" * 16 + "  ")
    assert server_token() == ("k" * 16, False)
    monkeypatch.delenv("LEGATION_TOKEN")
    token, generated = server_token()
    assert generated and check_token(token) == token


# HTTP ---------------------------------------------------------------------------------------------


def test_only_the_bound_host_names_are_answered(db):
    hosts = allowed_hosts("127.0.0.1", [])
    assert set(LOCAL_HOSTS) <= set(hosts)
    with TestClient(_app(db, allowed_hosts=hosts), base_url="http://127.0.0.1:8765") as c:
        assert c.get("/api/health").status_code == 200
        for good in ("localhost:8765", "[::1]:8765", "127.0.0.1", "LOCALHOST"):
            assert c.get("/api/instruments", headers={"host": good}).status_code == 200, good
        for bad in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""):
            r = c.get("/api/engagements", headers={"host": bad})
            assert r.status_code == 400 and r.json()["type"] == "/problems/unknown-host", bad
            assert "default-src" in r.headers["content-security-policy"]


def test_allow_host_adds_names(db):
    hosts = allowed_hosts("0.0.0.0", ["ledger.lan"])
    assert "0.0.0.0" not in hosts and "ledger.lan" in hosts
    with TestClient(_app(db, allowed_hosts=hosts), base_url="http://ledger.lan") as c:
        assert c.get("/api/health").status_code == 200
        assert c.get("/api/health", headers={"host": "evil.example"}).status_code == 400
    with TestClient(_app(db, allowed_hosts=allowed_hosts("127.0.0.1", ["*"])), base_url="http://any") as c:
        assert c.get("/api/health").status_code == 200


def test_a_trailing_slash_is_served_not_redirected_to_the_host_header(db):
    with TestClient(_app(db), base_url="http://evil.example", follow_redirects=False) as c:
        r = c.get("/api/engagements/", params={"limit": 1})
        assert r.status_code == 200 and "location" not in r.headers
        assert r.json() == c.get("/api/engagements", params={"limit": 1}).json()
        assert c.get("/api/states/2/profile/").status_code == 200


def test_the_import_log_shows_file_names_only(db, tmp_path):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    csv = tmp_path / "deep" / "er" / "mine.csv"
    csv.write_text(GOOD, encoding="utf-8")
    from legation.ledger import Ledger
    from legation.ledger.importing import import_file

    with Ledger(db) as led:
        import_file(led, csv)
    with TestClient(_app(db)) as c:
        r = c.get("/api/imports")
        assert r.status_code == 200 and str(tmp_path) not in r.text
        assert "mine.csv" in {row["path"] for row in r.json()["items"]}


def test_no_unsafe_eval_in_the_csp(db):
    with TestClient(_app(db)) as c:
        csp = c.get("/").headers["content-security-policy"]
        assert "unsafe-eval" not in csp and "script-src 'self'" in csp


def _serve(app, header_timeout: float) -> tuple[Any, threading.Thread, int]:
    import uvicorn

    class Quick(HeaderTimeoutProtocol):
        pass

    Quick.header_timeout = header_timeout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", http=Quick))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return server, thread, port


def _response(sock: socket.socket) -> bytes:
    """One whole HTTP/1.1 response (head and a Content-Length body) from ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        got = sock.recv(4096)
        assert got, f"connection closed after {data!r}"
        data += got
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        got = sock.recv(4096)
        assert got, "connection closed mid-body"
        body += got
    return head


def test_a_request_head_sent_too_slowly_is_cut_off(db):
    app = _app(db)
    server, thread, port = _serve(app, header_timeout=0.5)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            slow.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            t0 = time.monotonic()
            assert slow.recv(100) == b"" and time.monotonic() - t0 < 3
        with socket.create_connection(("127.0.0.1", port), timeout=5) as ok:
            for _ in range(2):  # an idle keep-alive between requests is not a slow head
                ok.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                assert _response(ok).startswith(b"HTTP/1.1 200")
                time.sleep(0.8)
            ok.sendall(b"GET /api/health HTTP/1.1\r\n")  # the next head, too slowly
            assert ok.recv(100) == b""
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.access.close()
