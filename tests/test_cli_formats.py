"""The command line as a new user meets it: the demo's suggestions work on the ledger it wrote, a
missing ledger's message names what helps, a CSV names its own source, and the measure commands give
a table that fits 80 columns with names beside codes, or every column as CSV or JSON."""

from __future__ import annotations

import io
import json
import shlex
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from legation.cli import app
from legation.cli.demo import NEXT_STEPS
from legation.ledger import Ledger

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "my_engagements.csv"
CITATION = "My reading notes on who courts the Philippines, 2022-2024 (each row's source_ref)."


def run(*args: str):
    return runner.invoke(app, list(args))


def _fits(text: str) -> None:
    """Every line fits an 80-column terminal and no cell was cut short."""
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text


# the demo and a missing ledger ---------------------------------------------------------------------


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """A user data directory of the test's own (platformdirs reads XDG_DATA_HOME)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data home"))
    monkeypatch.delenv("LEGATION_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data home" / "legation"


def test_every_command_the_demo_suggests_works_on_its_ledger(data_home):
    built = run("demo", "--no-serve")
    assert built.exit_code == 0, built.output
    demo = data_home / "demo.duckdb"
    assert demo.is_file()
    suggested = [line.strip() for line in built.stdout.splitlines() if line.strip().startswith("legation ")]
    assert len(suggested) == len(NEXT_STEPS)
    for line in suggested:
        args = shlex.split(line)[1:]
        assert args[-2:] == ["--db", str(demo)]  # the path with a space in it survives the shell
        if args[0] == "serve":
            continue  # starts a server; tests/test_api.py covers it
        result = run(*args)
        assert result.exit_code == 0, f"{line}\n{result.output}"
    assert f"export LEGATION_DB='{demo}'" in built.stdout


def test_without_a_ledger_the_message_names_the_demo_ledger(data_home):
    before = run("engagements")
    assert before.exit_code == 1
    assert "legation init" in before.output and "legation demo --no-serve" in before.output
    assert run("demo", "--no-serve").exit_code == 0
    after = run("engagements")
    assert after.exit_code == 1
    message = " ".join(after.output.split())
    assert f"add --db '{data_home / 'demo.duckdb'}'" in message
    assert not (data_home / "ledger.duckdb").exists()  # the demo never touches the default ledger


# a CSV that names its own source -------------------------------------------------------------------


def test_import_registers_the_source_a_csv_names(tmp_path):
    db = str(tmp_path / "l.duckdb")
    refused = run("import", str(EXAMPLE), "--db", db)
    assert refused.exit_code == 1
    assert "--source-name ID --citation TEXT" in refused.output
    done = run("import", str(EXAMPLE), "--source-name", "my-notes", "--citation", CITATION, "--db", db)
    assert done.exit_code == 0, done.output
    again = run("import", str(EXAMPLE), "--source-name", "my-notes", "--citation", CITATION, "--db", db)
    assert again.exit_code == 0, again.output
    plain = run("import", str(EXAMPLE), "--db", db)  # registered now: the file imports as it is
    assert plain.exit_code == 0, plain.output
    with Ledger(db, read_only=True) as led:
        src = led.source("my-notes")
        rows = led.engagements(source="my-notes")
        assert led.count("engagements") == 5
    assert src.citation == CITATION and src.coverage_start is None
    assert rows.height == 5 and rows["source_ref"].str.starts_with("https://").all()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source-name", "my-notes"], "a new source needs its citation"),
        (["--citation", "x"], "a citation needs --source-name"),
        (["--source-name", "My Notes", "--citation", "x"], "must be lower-case"),
        (["--source-name", "legation-sample", "--citation", "x"], "a source legation bundles"),
    ],
)
def test_import_refuses_a_source_it_cannot_register(tmp_path, args, message):
    db = str(tmp_path / "l.duckdb")
    result = run("import", str(EXAMPLE), *args, "--db", db)
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "my_engagements.csv" in result.output  # the file is named
    with Ledger(db, read_only=True) as led:
        assert led.count("engagements") == 0


def test_a_second_citation_for_a_source_needs_replace(tmp_path):
    db = str(tmp_path / "l.duckdb")
    assert (
        run("import", str(EXAMPLE), "--source-name", "my-notes", "--citation", CITATION, "--db", db).exit_code
        == 0
    )
    other = ["import", str(EXAMPLE), "--source-name", "my-notes", "--citation", "Other notes.", "--db", db]
    refused = run(*other)
    assert refused.exit_code == 1 and "another citation" in refused.output
    assert run(*other, "--replace-source").exit_code == 0
    with Ledger(db, read_only=True) as led:
        assert led.source("my-notes").citation == "Other notes."


def test_a_yaml_file_declares_its_sources_itself(tmp_path, write):
    path = write("e.yaml", "engagements: []\n")
    result = run(
        "import", str(path), "--source-name", "mine", "--citation", "x", "--db", str(tmp_path / "l.duckdb")
    )
    assert result.exit_code == 1 and "'sources:' list" in result.output


def test_readme_python_example_runs_as_written(tmp_path, monkeypatch):
    """The snippet proposed for README.md's "In Python" section, run from the repository root."""
    from datetime import date

    from legation.ledger import Ledger, import_file, load_sample
    from legation.states import resolve

    monkeypatch.chdir(ROOT)
    with Ledger(tmp_path / "my.duckdb") as led:
        load_sample(led)
        import_file(led, "examples/my_engagements.csv", source_name="my-notes", citation=CITATION)
        us_ph = led.engagements(actor="United States", partner="Philippines", as_="pandas")
        exercises = led.engagements(instrument="exercise", since=2015)
        mine = led.engagements(partner="Philippines").filter(pl.col("source_id") == "my-notes")
    assert (resolve("West Germany").ccode, resolve("Yemen", date(1985, 1, 1)).ccode) == (260, 678)
    assert len(us_ph) > 0 and exercises.height > 0
    assert sorted(mine["actor_ccode"].unique()) == [2, 220, 740, 750]  # the US, France, Japan, India


def test_every_example_row_names_a_public_source():
    rows = pl.read_csv(EXAMPLE)
    assert rows["source_ref"].str.starts_with("https://").all()
    assert rows["note"].str.len_chars().min() > 40


# measure commands: table, csv, json ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "table_columns", "more"),
    [
        (["scores", "--year", "2010"], ["rank", "name", "ccode", "score", "power_gap"], ["alliance_network"]),
        (
            ["network", "--year", "2010"],
            ["rank", "name", "ccode", "degree", "strength", "bloc"],
            ["eigenvector"],
        ),
    ],
)
def test_measure_commands_print_a_table_csv_or_json(full_ledger_path, args, table_columns, more):
    db = ["--db", str(full_ledger_path)]
    table = run(*args, *db)
    assert table.exit_code == 0, table.output
    _fits(table.stdout)
    header = next(line for line in table.stdout.splitlines() if "rank" in line)
    assert header.split() == table_columns
    assert "United States of America" in table.stdout  # names beside codes, never cut short
    csv = run(*args, "-f", "csv", *db)
    assert csv.exit_code == 0, csv.output
    frame = pl.read_csv(io.StringIO(csv.stdout))
    assert set(table_columns + more) <= set(frame.columns)
    assert frame.height > 100  # every state, not only the table's top
    usa = frame.filter(pl.col("ccode") == 2)
    assert usa["name"].to_list() == ["United States of America"]
    records = json.loads(run(*args, "-f", "json", *db).stdout)
    # the same rows; eigenvector centrality differs between runs in the last digits
    assert_frame_equal(pl.DataFrame(records).select(frame.columns), frame, check_dtypes=False, rel_tol=1e-9)


def test_panel_build_summary_as_json_keeps_stdout_for_the_data(full_ledger_path, tmp_path):
    out = tmp_path / "p.parquet"
    args = [
        "panel",
        "build",
        "--out",
        str(out),
        "--years",
        "2000-2001",
        "--add",
        "arms",
        "--db",
        str(full_ledger_path),
    ]
    result = run(*args, "-f", "json")
    assert result.exit_code == 0, result.output
    summary = pl.DataFrame(json.loads(result.stdout))
    panel = pl.read_parquet(out)
    assert summary["column"].to_list() == ["arms_tiv", "arms_stock", "arms_dependence"]
    assert summary["non_missing"].to_list() == [panel[c].drop_nulls().len() for c in summary["column"]]
    assert (summary["non_missing"] + summary["missing"] == panel.height).all()
    assert "cite:" in result.stderr and "cite:" not in result.stdout
    table = run(*args)
    assert table.exit_code == 0
    _fits(table.stdout.split("COW directed dyad-years")[0])  # the table; the paths after it are long
