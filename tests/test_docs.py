"""The documentation stays true: the site builds with ``mkdocs build --strict`` offline, and every code
block in README.md and docs/ runs.

How blocks run:

- ```` ```python ```` blocks of one file run in order in one namespace, in a fresh directory holding a
  ledger (``ledger.duckdb``, also ``$LEGATION_DB``) and a link to ``examples/``;
- in ```` ```bash ```` and ```` ```console ```` blocks, each line calling ``legation`` (``$ legation …`` in a
  console block) runs through the CLI against that ledger; ``> FILE`` keeps its output. Other lines
  (installing, pytest) are not run. In a console block, output lines that start with ``error:`` say
  the command must fail with that message; otherwise it must succeed;
- a block right after a ``<!-- no-run -->`` comment is not run: ``serve``, downloads and commands that
  take minutes carry it, and a ``serve`` (or a ``demo`` that serves) without it fails the test.

The ledger is the bundled sample, except for the pages in `REAL_DATA`, which need real datasets
(skipped where ../shared/data is absent): a copy of the session's full ledger, or the sample with the
few sources a page needs when the full ledger would make its commands take minutes.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legation.cli import app
from legation.ledger import Ledger, load_sample
from legation.ledger.importers import import_dir

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(p for p in DOCS.rglob("*.md") if "hooks" not in p.parts)]
RUNNABLE = {"python", "bash", "console", "sh", "shell"}
NO_RUN = re.compile(r"^<!--\s*no-run\b.*-->\s*$")
SERVES = re.compile(r"^legation\s+(serve\b|demo\b(?!.*--no-serve))")

# pages that need real datasets: the sources imported beside the sample, or None for all of them
REAL_DATA: dict[str, tuple[str, ...] | None] = {
    "docs/alignment.md": None,  # UN General Assembly votes
    "docs/getting-started.md": None,  # ATOP, COW capabilities and SIPRI for the first panel
    "docs/influence.md": None,  # the research index: ATOP, SIPRI, exercises, troops, visits, UN votes
    "docs/networks.md": None,  # ATOP, SIPRI arms transfers and milex
    "docs/panels.md": None,  # ATOP, COW capabilities, SIPRI, the exercise datasets
    "docs/model.md": None,  # the model calibrates on UN votes and the influence channels
    "docs/optimise.md": None,  # the plan's response curves come from the calibrated model
    "docs/reports.md": None,  # a country brief reads every research channel
    # ATOP and SIPRI for `panel build --add alliances,arms` and `cite atop`; `export all.xlsx` of the
    # full ledger's 200,000 engagements would take a minute
    "docs/exports.md": ("atop", "atop-dyad-years", "sipri-tiv-360info"),
}


@dataclass(frozen=True)
class Block:
    """One fenced code block: its language, text, first line in the file, and whether it runs."""

    lang: str
    code: str
    line: int
    run: bool


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a markdown file (fences at the start of a line)."""
    found: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(```+|~~~+)\s*([\w+-]*)", lines[i])
        if not m:
            i += 1
            continue
        fence, lang, start = m[1], m[2].lower(), i
        before = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            i += 1
        found.append(Block(lang, "\n".join(lines[start + 1 : i]), start + 1, not NO_RUN.match(before)))
        i += 1
    return found


@dataclass(frozen=True)
class Call:
    """One ``legation`` command of a shell block: its arguments, where its output goes, and the error it
    must fail with (None: it must succeed)."""

    args: list[str]
    out: str | None
    error: str | None
    line: int


def calls(block: Block) -> list[Call]:
    """The ``legation`` commands of a bash or console block, in order."""
    console = block.lang == "console"
    rows = block.code.splitlines()
    found: list[Call] = []
    i = 0
    while i < len(rows):
        text, line = rows[i], block.line + 1 + i
        i += 1
        if console:
            if not text.startswith("$ "):
                continue
            text = text[2:]
        while text.endswith("\\") and i < len(rows):
            text, i = text[:-1] + rows[i], i + 1
        words = shlex.split(os.path.expandvars(text), comments=True)
        if not words or words[0] != "legation":
            continue
        if any(w in {"|", "&&", "||", ";", "<", ">>"} for w in words):
            raise AssertionError(f"line {line}: shell syntax the docs test cannot run: {text!r}")
        out = None
        if ">" in words:
            k = words.index(">")
            words, out = words[:k] + words[k + 2 :], words[k + 1]
        error = None
        if console:
            shown = []
            while i < len(rows) and not rows[i].startswith("$ "):
                shown.append(rows[i])
                i += 1
            error = next((s.partition("error:")[2].strip() for s in shown if s.startswith("error:")), None)
        found.append(Call(words[1:], out, error, line))
    return found


def _flat(text: str) -> str:
    return " ".join(text.split())


def _run_call(call: Call, where: str, workdir: Path) -> None:
    result = CliRunner().invoke(app, call.args, prog_name="legation", env={"COLUMNS": "100"})
    shown = f"{where}:{call.line}: legation {shlex.join(call.args)}"
    if call.error is None:
        assert result.exit_code == 0, f"{shown} exited {result.exit_code}:\n{result.output}"
        if call.out is not None:
            (workdir / call.out).write_text(result.stdout, encoding="utf-8")
    else:
        assert result.exit_code == 1, f"{shown} should fail, exited {result.exit_code}:\n{result.output}"
        expected = f"{shown}: expected error {call.error!r}, got:\n{result.stderr}"
        assert _flat(call.error) in _flat(result.stderr), expected


def _relative(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _runnable(page: Path) -> bool:
    """Whether a page has a block that runs: Python, or a shell block that calls legation."""
    return any(
        b.run
        and (b.lang == "python" or (b.lang in RUNNABLE and re.search(r"^(\$ )?legation\b", b.code, re.M)))
        for b in blocks(page)
    )


@pytest.fixture(scope="module")
def sample_ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger holding the bundled sample, built once for this module; pages run on copies."""
    path = tmp_path_factory.mktemp("docs-sample") / "ledger.duckdb"
    with Ledger(path) as led:
        load_sample(led)
    return path


def _params() -> list:
    """One case per page with blocks to run; those on real datasets are slow."""
    return [
        pytest.param(p, id=_relative(p), marks=[pytest.mark.slow] if _relative(p) in REAL_DATA else [])
        for p in PAGES
        if _runnable(p)
    ]


@pytest.mark.parametrize("page", _params())
def test_code_blocks_run(page, request, tmp_path, monkeypatch):
    where = _relative(page)
    sources = REAL_DATA.get(where, ())
    base = "full_ledger_path" if sources is None else "sample_ledger_path"
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(request.getfixturevalue(base), work / "ledger.duckdb")
    if sources:
        with Ledger(work / "ledger.duckdb") as led:
            import_dir(led, request.getfixturevalue("shared_data"), only=sources)
    (work / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(work)
    monkeypatch.setenv("LEGATION_DB", str(work / "ledger.duckdb"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))  # `legation demo` writes here
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page):
        if not block.run or block.lang not in RUNNABLE:
            continue
        if block.lang == "python":
            exec(compile(block.code, f"{where}:{block.line}", "exec"), namespace)
            continue
        for call in calls(block):
            assert not SERVES.match(shlex.join(["legation", *call.args])), (
                f"{where}:{call.line}: a command that serves must follow a <!-- no-run --> comment"
            )
            _run_call(call, where, work)


def test_block_parser_reads_markers_prompts_and_errors(write):
    page = write(
        "page.md",
        "# t\n\n<!-- no-run -->\n```bash\nlegation serve\n```\n\n```console\n$ legation export x.txt\n"
        "error: x.txt: cannot write\n$ legation cite -f bibtex > refs.bib  # comment\n@article{\n```\n"
        "```python\nx = 1\n```\n",
    )
    found = blocks(page)
    assert [(b.lang, b.line, b.run) for b in found] == [
        ("bash", 4, False),
        ("console", 8, True),
        ("python", 14, True),
    ]
    first, second = calls(found[1])
    assert (first.args, first.error, first.line) == (["export", "x.txt"], "x.txt: cannot write", 9)
    assert (second.args, second.out, second.error) == (["cite", "-f", "bibtex"], "refs.bib", None)
    with pytest.raises(AssertionError, match="shell syntax"):
        calls(Block("bash", "legation sources | head", 1, True))


# --- the site ---------------------------------------------------------------------------------------

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


def test_site_builds_strict_and_offline(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    pages = list(site.rglob("*.html"))
    for html in pages:
        text = html.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), f"{html.relative_to(site)} loads {EXTERNAL.search(text)[0]}"
    for css in site.rglob("*.css"):
        assert "@import url(http" not in css.read_text(encoding="utf-8"), css
    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    for name in ("legation panel build", "legation data import-dir", "legation influence", "legation cite"):
        assert name in cli, name
    panel = (site / "reference" / "api" / "panel" / "index.html").read_text(encoding="utf-8")
    assert "legation.panel.Panel" in panel and "add_atop" in panel
    for nb in (DOCS / "tutorials").glob("*.ipynb"):
        assert (site / "tutorials" / nb.stem / "index.html").is_file(), nb.stem
        assert (site / "tutorials" / nb.name).is_file(), f"{nb.name} is offered for download"


def test_hook_and_notebooks_are_ruff_clean():
    """The site's hook and the tutorials are code too; the suite's ruff run covers src, tests and
    benchmarks only."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    targets = [str(DOCS / "hooks"), *map(str, sorted((DOCS / "tutorials").glob("*.ipynb")))]
    for args in (["check", *targets], ["format", "--check", *targets]):
        run = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr


def _hook():
    spec = importlib.util.spec_from_file_location("legation_docs_hook", DOCS / "hooks" / "legation_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_keeps_the_nav_to_pages_that_exist():
    hook = _hook()
    nav = [
        {"Home": "index.md"},
        {"How-to guides": ["data.md", "gone.md"]},
        {"Data sources": ["sources/a.md"]},
        {"Empty": ["missing.md"]},
    ]
    pruned = hook._prune(nav, {"index.md", "data.md", "sources/a.md"})
    assert pruned == [
        {"Home": "index.md"},
        {"How-to guides": ["data.md"]},
        {"Data sources": ["sources/a.md"]},
    ]
    assert hook._section_for(pruned, "new.md") is pruned[1]["How-to guides"]
    assert hook._section_for(pruned, "sources/b.md") is pruned[2]["Data sources"]
    assert hook._section_for(pruned, "elsewhere/c.md") is None
    assert hook.FOLDER_LINK.sub("](<\\1>)", "see [the sources](sources/) and [x](x.md)") == (
        "see [the sources](<sources/>) and [x](x.md)"
    )
