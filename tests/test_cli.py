"""The command line, driven as a user would (typer's CliRunner and a real subprocess)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import polars as pl
import pytest
from typer.testing import CliRunner

from legation.cli import app
from legation.ledger import Ledger

runner = CliRunner()
CSV = """instrument,actor,partner,start,source,note
exercise,United States,India,2015-10,legation-sample,"Malabar, 2015"
alliance,United States,NATO,1949-08-24,legation-sample,
dialogue,China,Cambodia,2023,legation-sample,
"""


@pytest.fixture
def db(tmp_path):
    return tmp_path / "l.duckdb"


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_init_then_import_then_list(db, write):
    assert run("init", "--db", str(db)).exit_code == 0
    r = run("import", str(write("e.csv", CSV)), "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "e.csv" in r.output and "3" in r.output
    r = run("engagements", "--db", str(db), "--actor", "United States")
    assert r.exit_code == 0
    assert "India" in r.output and "NATO" in r.output and "Cambodia" not in r.output
    r = run("engagements", "--db", str(db), "--instrument", "dialogue", "--since", "2020", "-f", "json")
    assert pl.read_json(r.stdout_bytes)["partner"].to_list() == ["Cambodia"]


def test_csv_output_imports_back_unchanged(db, tmp_path, write):
    run("import", str(write("e.csv", CSV)), "--db", str(db))
    out = run("engagements", "--db", str(db), "--format", "csv")
    assert out.exit_code == 0
    again = tmp_path / "again.duckdb"
    assert run("import", str(write("back.csv", out.stdout)), "--db", str(again)).exit_code == 0
    with Ledger(db, read_only=True) as a, Ledger(again, read_only=True) as b:
        assert a.engagements().drop("import_id").equals(b.engagements().drop("import_id"))


def test_bad_file_gives_one_message_and_exit_1(db, write):
    bad = write("bad.csv", CSV.replace("Cambodia", "Kambodia"))
    r = run("import", str(bad), "--db", str(db))
    assert r.exit_code == 1
    assert "bad.csv, line 4, field 'partner'" in r.output and "Cambodia" in r.output
    assert "Traceback" not in r.output


def test_sources_and_cite(db):
    run("init", "--db", str(db))
    assert run("sources", "--db", str(db)).exit_code == 0
    table = pl.read_csv(run("sources", "--db", str(db), "-f", "csv").stdout_bytes)
    sample = table.filter(pl.col("id") == "legation-sample").row(0, named=True)
    assert (sample["coverage_start"], sample["coverage_end"], sample["engagements"]) == (2000, 2024, 0)
    r = run("cite", "--db", str(db))
    assert "[legation-states] Correlates of War Project" in r.output
    r = run("cite", "legation-sample", "--format", "bibtex", "--db", str(db))
    assert r.output.startswith("@dataset{") and "Curated Sample" in r.output
    r = run("cite", "nope", "--db", str(db))
    assert r.exit_code == 1 and "no source 'nope'" in r.output


def test_export_parquet_by_suffix(db, tmp_path, write):
    run("import", str(write("e.csv", CSV)), "--db", str(db))
    out = tmp_path / "out.parquet"
    assert run("export", str(out), "--db", str(db), "--actor", "USA").exit_code == 0
    assert pl.read_parquet(out).height == 2


def test_reading_a_missing_ledger(tmp_path):
    r = run("engagements", "--db", str(tmp_path / "none.duckdb"))
    assert r.exit_code == 1 and "legation init" in r.output


def test_db_from_environment(db, write, monkeypatch):
    monkeypatch.setenv("LEGATION_DB", str(db))
    assert run("import", str(write("e.csv", CSV))).exit_code == 0
    assert db.exists()


def test_demo_is_non_interactive(tmp_path):
    """The main job, as the README runs it, in a real process with no stdin."""
    db = tmp_path / "demo.duckdb"
    p = subprocess.run(
        [sys.executable, "-m", "legation", "demo", "--no-serve", "--db", str(db)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    for heading in ("by instrument", "By year of start", "Top partners of the major powers"):
        assert heading in p.stdout
    for instrument in ("alliance", "peacekeeping", "cyber"):
        assert instrument in p.stdout
    with Ledger(db, read_only=True) as led:
        assert led.count() >= 150


def test_demo_serves_the_dashboard_and_prints_its_address(tmp_path):
    """`legation demo` as the README runs it: builds the sample, then serves the URL it prints."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "legation", "demo", "--db", str(tmp_path / "d.duckdb"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "LEGATION_TOKEN"}, "COLUMNS": "200"},
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "legation dashboard on" in line:
                break
        url = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines)).group(0)
        assert url == f"http://127.0.0.1:{port}/"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "api/health", timeout=1) as r:
                    assert json.load(r)["status"] == "ok"
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the dashboard never answered")
        with urllib.request.urlopen(url, timeout=5) as r:
            assert b"legation" in r.read()
        assert "write token" in proc.stdout.readline()  # generated, since LEGATION_TOKEN is unset
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_on_a_busy_port_says_so(tmp_path):
    db = tmp_path / "d.duckdb"
    Ledger(db).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = run("serve", "--db", str(db), "--port", str(port))
    assert r.exit_code == 1 and f"127.0.0.1:{port}" in r.output and "--port" in r.output
