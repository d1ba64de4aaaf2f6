"""`legation data`: fetching official files (against a local HTTP server), listing, importing a directory."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legation.cli import app
from legation.ledger import Ledger
from legation.ledger.fetch import FetchError, fetch
from legation.ledger.importers import Download, find, importers
from legation.ledger.importers.base import SCHEMAS

runner = CliRunner()
SYSTEM = "cow_raw/system2016.csv"


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files with HTTP range requests (what resumable downloads use), quietly."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        rng = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not rng or not path.is_file():
            return super().send_head()
        start = int(rng.removeprefix("bytes=").split("-")[0])
        size = path.stat().st_size
        if start >= size:
            self.send_error(416)
            return None
        f = path.open("rb")
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.send_header("Content-Length", str(size - start))
        self.end_headers()
        return f


@pytest.fixture
def mirror(shared_data: Path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving ../shared/data, standing in for the producers' sites."""
    handler = functools.partial(_RangeHandler, directory=str(shared_data))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_fetch_verifies_and_caches(mirror, shared_data, tmp_path):
    dl = Download("https://example.invalid/system2016.csv", SYSTEM)
    (got,) = fetch([dl], tmp_path, mirror=mirror)
    assert got.status == "downloaded" and got.url == f"{mirror}/{SYSTEM}"
    assert (tmp_path / SYSTEM).read_bytes() == (shared_data / SYSTEM).read_bytes()
    assert (tmp_path / "checksums.json").is_file()
    (again,) = fetch([dl], tmp_path, mirror=mirror)
    assert again.status == "cached" and again.sha256 == got.sha256

    (tmp_path / SYSTEM).write_text("tampered")
    (fixed,) = fetch([dl], tmp_path, mirror=mirror)
    assert fixed.status == "downloaded" and fixed.sha256 == got.sha256


def test_fetch_resumes_a_partial_download(mirror, shared_data, tmp_path):
    whole = (shared_data / SYSTEM).read_bytes()
    part = tmp_path / (SYSTEM + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(whole[:1000])
    seen = []
    (got,) = fetch([Download("x", SYSTEM)], tmp_path, mirror=mirror, progress=lambda *a: seen.append(a))
    assert got.status == "resumed"
    assert (tmp_path / SYSTEM).read_bytes() == whole and not part.exists()
    assert seen[-1] == (SYSTEM, len(whole), len(whole))


def test_checksum_mismatch_discards_the_file(mirror, tmp_path):
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch([Download("x", SYSTEM, sha256="0" * 64)], tmp_path, mirror=mirror)
    assert not (tmp_path / SYSTEM).exists()
    assert not (tmp_path / (SYSTEM + ".part")).exists()


def test_missing_file_and_no_network(mirror, tmp_path):
    with pytest.raises(FetchError, match="404"):
        fetch([Download("x", "nope/missing.csv")], tmp_path, mirror=mirror)
    with pytest.raises(FetchError, match="Without network access"):
        fetch([Download("http://127.0.0.1:9/system2016.csv", SYSTEM)], tmp_path, timeout=2)


def test_cli_fetch_import_dir_and_list(mirror, shared_data, tmp_path):
    db = tmp_path / "ledger.duckdb"
    data = tmp_path / "data"
    res = runner.invoke(app, ["data", "fetch", "atop", "--mirror", mirror, "--dest", str(data)])
    assert res.exit_code == 0, res.output
    assert (data / "atop" / "atop5_1a.csv").is_file()
    (data / "cow_raw").mkdir()
    (data / SYSTEM).write_bytes((shared_data / SYSTEM).read_bytes())
    res = runner.invoke(
        app, ["data", "import-dir", str(data), "--db", str(db), "--unresolved", str(tmp_path / "u.csv")]
    )
    assert res.exit_code == 0, res.output
    assert "cow-system" in res.output and "states 243" in res.output and "atop" in res.output
    assert (tmp_path / "u.csv").read_text().startswith("source,name,reason,year,rows")
    with Ledger(db, read_only=True) as led:
        assert led.states().exists(626, date(2012, 1, 1))  # South Sudan, after the bundled list
    res = runner.invoke(app, ["data", "list", "--db", str(db)], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "states 243" in res.output and "engagements" in res.output


def test_cli_fetch_unknown_source():
    res = runner.invoke(app, ["data", "fetch", "no-such-source"])
    assert res.exit_code != 0 and "unknown sources" in res.output


def test_every_importer_declares_source_files_and_coverage():
    assert find("cow-system").downloads[0].path == "cow_raw/states2016.csv"
    ids = [imp.source.id for imp in importers()]
    assert len(ids) == len(set(ids))
    for imp in importers():
        src = imp.source
        assert src.citation and src.licence and src.url, src.id
        assert src.coverage_start is not None, src.id
        assert src.coverage_end is not None or src.coverage_note, f"{src.id}: say why coverage is open"
        assert imp.patterns and set(imp.tables) <= set(SCHEMAS), src.id


@pytest.mark.slow
def test_import_dir_reads_every_source_in_the_shared_data(shared_data, tmp_path):
    db = tmp_path / "all.duckdb"
    res = runner.invoke(
        app, ["data", "import-dir", str(shared_data), "--db", str(db)], env={"COLUMNS": "200"}
    )
    assert res.exit_code == 0, res.output
    expected = {imp.source.id for imp in importers()} - {"gdelt-1", "gdelt-2"}  # no GDELT files there
    with Ledger(db, read_only=True) as led:
        imported = set(led.query("SELECT unnest(sources) AS s FROM imports")["s"].to_list())
        assert imported == expected
        assert {s for s in led.sources()["id"].to_list()} >= expected
        per_source = dict(
            led.con.execute("SELECT source_id, count(*) FROM engagements GROUP BY 1").fetchall()
        )
        assert per_source["sipri-trade-register"] > 29_000 and per_source["mme"] > 40_000
        assert led.count("votes") == 870_109 + 1_066_613
    for sid in expected:
        assert sid in res.output
    assert "no files found for: gdelt-1, gdelt-2" in res.output


def test_downloads_land_where_the_importer_looks(tmp_path):
    """A fetched directory imports: each download's path is one its importer's patterns find."""
    for imp in importers():
        for d in imp.downloads:
            assert d.url.startswith(("https://", "http://")), imp.source.id
            path = tmp_path / imp.source.id / d.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x")
        if imp.downloads:
            root = tmp_path / imp.source.id
            found = imp.find(root)
            assert found is not None and set(found) == {root / d.path for d in imp.downloads}, imp.source.id
