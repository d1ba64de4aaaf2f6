"""The tutorial notebooks in docs/tutorials run from top to bottom on the real datasets (nbclient, the
venv's ``python3`` kernel), and are stored without outputs so the repository holds only what was
written."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "docs" / "tutorials").glob("*.ipynb"))


def test_there_are_tutorials():
    assert {nb.stem for nb in NOTEBOOKS} >= {"dyad-years-to-regression", "who-courts-the-philippines"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a tutorial runs code"
    assert all(not c.outputs and c.execution_count is None for c in code), "clear the outputs before saving"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_the_real_data(path, full_ledger_path, tmp_path, monkeypatch):
    ledger = tmp_path / "ledger.duckdb"
    shutil.copy(full_ledger_path, ledger)
    monkeypatch.setenv("LEGATION_DB", str(ledger))  # the kernel inherits the environment
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    last = next(c for c in reversed(nb.cells) if c.cell_type == "code")
    assert any(o.output_type in {"execute_result", "stream", "display_data"} for o in last.outputs)
