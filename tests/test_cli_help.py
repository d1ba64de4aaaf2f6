"""The command line's own face: --version, shell completion, and help that names values plainly."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from legation import __version__
from legation.cli import app

runner = CliRunner()


def _commands(cmd=None, path=()) -> list[tuple[str, ...]]:
    """Every command path of the tool: ('init',), ('data', 'import-dir'), …"""
    cmd = cmd or typer.main.get_command(app)
    found = [path]
    for name, sub in getattr(cmd, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"legation {__version__}"


def test_shell_completion_is_offered():
    r = runner.invoke(app, ["--help"])
    assert "--install-completion" in r.output and "--show-completion" in r.output


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "legation")
def test_help_names_values_plainly(path):
    r = runner.invoke(app, [*path, "--help"], terminal_width=100)
    assert r.exit_code == 0, r.output
    for bad in ("<bool>", "list[", "<str>", "<int>", "<Path>", "``", "{paths}"):
        assert bad not in r.output, f"{' '.join(path)} --help shows {bad!r}"
    assert not re.search(r"<[a-z_\[\]|., ]+>", r.output), r.output


def test_a_usage_error_names_arguments_plainly():
    r = runner.invoke(app, ["data", "import-dir"])
    assert r.exit_code == 2
    assert "Usage: legation data import-dir [OPTIONS] DIRECTORY" in r.output and "{" not in r.output


def test_panel_add_lists_every_channel():
    from legation.cli.panel_cmds import CHANNEL_NAMES
    from legation.panel import VERBS

    assert sorted(CHANNEL_NAMES) == sorted(v.removeprefix("add_") for v in VERBS)
    r = runner.invoke(app, ["panel", "build", "--help"], terminal_width=200)
    assert "peacekeeping" in r.output and "democracy" in r.output


def test_the_command_line_loads_no_heavy_library():
    """`legation --help` must answer fast (benchmarks/cli_bench.py): the commands import their data,
    model and server libraries when they run, never when the tool starts."""
    heavy = ("polars", "duckdb", "pyarrow", "numpy", "pandas", "scipy", "fastapi", "spacy", "cvxpy")
    code = f"import sys, legation.cli; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
