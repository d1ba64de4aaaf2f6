"""Environment faults on opening a ledger say what happened: another process holding it, a truncated or
corrupt file, a file that is not a ledger, a schema version that is not a number or is newer, a dropped
table, a read-only file system. Each is a `LedgerError` subclass, never a traceback, and the CLI prints
one line; the server's /api/health reports the ledger's state."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from legation.api import create_app
from legation.cli import app
from legation.errors import LedgerDamaged, LedgerError, LedgerLocked, LedgerReadOnly, SchemaVersionError
from legation.ledger import Ledger, store

runner = CliRunner()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "pristine.duckdb"
    Ledger(path).close()
    return path


def _copy(pristine: Path, tmp_path: Path, name: str = "l.duckdb") -> Path:
    return Path(shutil.copy(pristine, tmp_path / name))


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as f:
        f.truncate(size)


def _overwrite(path: Path, offset: int) -> None:
    with path.open("r+b") as f:
        f.seek(offset)
        f.write(b"\xab" * 4096)


def _sql(path: Path, statement: str) -> None:
    con = duckdb.connect(str(path))
    con.execute(statement)
    con.close()


DAMAGE = {
    "truncated to 100 bytes": (lambda p: _truncate(p, 100), "damaged"),
    "truncated by half": (lambda p: _truncate(p, p.stat().st_size // 2), "damaged"),
    "corrupt block header": (lambda p: _overwrite(p, 4096), "damaged"),
    "not a DuckDB file": (lambda p: p.write_bytes(b"not a ledger\n" * 400), "not a legation ledger"),
    "schema version 'two'": (
        lambda p: _sql(p, "UPDATE meta SET value = 'two' WHERE key = 'schema_version'"),
        "not a whole number",
    ),
    "a dropped table": (lambda p: _sql(p, "DROP TABLE votes"), "lacks the table votes"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
@pytest.mark.parametrize("read_only", [True, False], ids=["read", "write"])
def test_a_damaged_ledger_is_reported_as_damaged_not_as_locked(pristine, tmp_path, case, read_only):
    path = _copy(pristine, tmp_path)
    damage, says = DAMAGE[case]
    damage(path)
    with pytest.raises(LedgerDamaged, match=says) as e:
        Ledger(path, read_only=read_only)
    assert "Another process holds it" not in str(e.value) and str(path) in str(e.value)


def test_the_cli_says_damaged_in_one_line(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    _truncate(path, 100)
    result = runner.invoke(app, ["init", "--db", str(path)])
    assert result.exit_code == 1 and "damaged" in result.output and "Traceback" not in result.output


def test_lock_contention_is_still_reported_as_another_process(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    code = f"import duckdb; c = duckdb.connect({str(path)!r}); print('ok', flush=True); input()"
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(LedgerLocked, match="Another process holds it"):
            Ledger(path)
    finally:
        holder.communicate("\n", timeout=20)


def test_a_newer_schema_says_upgrade_not_init(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    _sql(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    for read_only in (True, False):
        with pytest.raises(SchemaVersionError, match="upgrade legation") as e:
            Ledger(path, read_only=read_only)
        assert "legation init" not in str(e.value)


def test_an_older_schema_read_only_says_how_to_migrate(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    _sql(path, "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with pytest.raises(LedgerError, match="legation init"):
        Ledger(path, read_only=True)


def _read_only_fs(monkeypatch) -> None:
    """DuckDB's own error for a file on a read-only file system (a real read-only mount needs root)."""

    def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Read-only file system')

    monkeypatch.setattr(store.duckdb, "connect", connect)


def test_init_on_a_read_only_file_system_is_one_clear_line(tmp_path, monkeypatch):
    _read_only_fs(monkeypatch)
    with pytest.raises(LedgerReadOnly, match="read-only"):
        Ledger(tmp_path / "l.duckdb")
    result = runner.invoke(app, ["init", "--db", str(tmp_path / "l.duckdb")])
    assert result.exit_code == 1 and "read-only" in result.output
    assert "Another process" not in result.output and "Traceback" not in result.output


def test_init_where_the_folder_cannot_be_made_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["init", "--db", str(blocker / "sub" / "l.duckdb")])
    assert result.exit_code == 1 and "cannot create the folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_export_to_an_unwritable_place_is_one_clear_line(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["export", str(blocker / "out.csv"), "--db", str(path)])
    assert result.exit_code == 1 and "error:" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("case", "status", "state"),
    [("truncated to 100 bytes", 503, "damaged"), ("a dropped table", 503, "damaged"), (None, 200, "ok")],
)
def test_health_reports_the_ledger_state(pristine, tmp_path, case, status, state):
    path = _copy(pristine, tmp_path)
    if case is not None:
        DAMAGE[case][0](path)
    with TestClient(create_app(path, token="t" * 16, warm=False)) as c:
        r = c.get("/api/health")
        assert (r.status_code, r.json()["status"]) == (status, state)
        if case is not None:
            assert str(tmp_path) not in r.text and r.json()["detail"]
            other = c.get("/api/states")
            assert other.status_code == 503 and other.json()["type"] == "/problems/ledger-damaged"
            assert "retry-after" not in other.headers and str(tmp_path) not in other.text


def test_health_says_busy_while_another_process_writes(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    with TestClient(create_app(path, token="t" * 16, warm=False)) as c:
        holder = Ledger(path)  # this process holds it for writing, as a running import would
        try:
            r = c.get("/api/health")
        finally:
            holder.close()
        assert (r.status_code, r.json()["status"]) == (200, "busy")
        assert c.get("/api/health").json()["status"] == "ok"


def test_the_newer_schema_problem_names_no_server_folder(pristine, tmp_path):
    path = _copy(pristine, tmp_path)
    _sql(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with TestClient(create_app(path, token="t" * 16, warm=False)) as c:
        r = c.get("/api/states")
        assert r.status_code == 400 and "l.duckdb" in r.json()["detail"]
        assert str(tmp_path) not in r.text and "legation init" not in r.text
        assert c.get("/api/health").json()["status"] == "damaged"


@pytest.fixture(scope="module")
def corrupt_block(tmp_path_factory) -> Path:
    """A ledger that opens cleanly but whose distance table holds a corrupt block."""
    from legation.ledger.importers import import_dir

    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("real datasets not found")
    path = tmp_path_factory.mktemp("corrupt") / "l.duckdb"
    with Ledger(path) as led:
        import_dir(led, shared, only=["cow-system", "cow-mindist"])
    size = path.stat().st_size
    with path.open("r+b") as f:  # data blocks between a third and two thirds in, past the header
        for block in range(size // 3 // 262_144, 2 * size // 3 // 262_144):
            f.seek(block * 262_144 + 8192)
            f.write(b"\xa5" * 4096)
    return path


def test_a_corrupt_block_a_query_meets_is_damage_in_the_api(corrupt_block):
    client = TestClient(create_app(corrupt_block, token=None), raise_server_exceptions=False)
    assert client.get("/api/health").status_code == 200  # the file opens: only the block is bad
    r = client.get("/api/panel", params={"kind": "dyad", "since": 2000, "until": 2001, "add": "distance"})
    assert r.status_code == 503, r.text
    assert r.json()["type"] == "/problems/ledger-damaged"
    assert "restore it from a backup" in r.json()["detail"]


def test_a_corrupt_block_a_query_meets_is_one_line_in_the_cli(corrupt_block, tmp_path):
    out = tmp_path / "p.parquet"
    args = ["panel", "build", "--years", "2000-2001", "--add", "distance", "--out", str(out)]
    r = runner.invoke(app, [*args, "--db", str(corrupt_block)])
    assert r.exit_code == 1, r.output
    assert "damaged (a corrupt block" in r.output
    assert not out.exists()


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 4 MiB file system (tmpfs; needs root, as CI has): room for a new ledger, not for more."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_during_an_import_changes_nothing(small_disk, tmp_path):
    path = small_disk / "l.duckdb"
    assert runner.invoke(app, ["init", "--db", str(path)]).exit_code == 0
    n = 200_000
    rows = "".join(
        f"x{i},legation-sample,arms_transfer,USA,JPN,2000,{i},tiv_musd,{'n' * 60}\n" for i in range(n)
    )
    big = tmp_path / "big.csv"
    big.write_text("id,source,instrument,actor,partner,start,magnitude,unit,note\n" + rows)
    with Ledger(path, read_only=True) as led:
        before = {t: led.count(t) for t in ("engagements", "imports", "sources", "states")}
    r = runner.invoke(app, ["import", str(big), "--db", str(path)])
    assert r.exit_code == 1
    assert "is full: nothing of this change was written" in r.output
    assert "Traceback" not in r.output
    with Ledger(path, read_only=True) as led:
        assert {t: led.count(t) for t in before} == before
