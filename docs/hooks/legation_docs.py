"""mkdocs hook: pages generated at build time, so they never go stale and nothing generated is committed.

- ``reference/cli.md``: ``legation … --help`` for every command, rendered from the typer app itself;
- ``tutorials/NAME.md``: each notebook in ``docs/tutorials/`` as markdown (its cells, stored without
  outputs; the test suite executes the notebooks themselves);
- ``sources/index.md``, where the folder has none: a list of the source families' pages;
- ``<!-- instruments -->`` in a page: the table of the 14 instruments, from `legation.instruments`;
- links to a folder (``](sources/)``, a listing on GitHub) go to its index page;
- the nav: entries whose page does not exist are dropped, and a page missing from it is listed beside
  its folder's pages (a top-level page under the how-to guides), so a guide added to ``docs/`` shows up
  without editing ``mkdocs.yml``.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from typer.testing import CliRunner

CLI_PAGE = "reference/cli.md"
SOURCES_INDEX = "sources/index.md"
INSTRUMENTS_MARK = "<!-- instruments -->"
FOLDER_LINK = re.compile(r"\]\(((?:\.\./|[\w-]+/)+)\)")  # ](sources/), ](../reference/)
HOW_TO = "How-to guides"
WIDTH = "80"  # columns of the rendered help: fits the page's code block without scrolling


def _commands(group: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Every visible command under `group` (a typer group), depth first, in the order `--help` lists
    them."""
    for name, sub in group.commands.items():
        if sub.hidden:
            continue
        yield (*path, name)
        if hasattr(sub, "commands"):
            yield from _commands(sub, (*path, name))


def _help(app: typer.Typer, path: tuple[str, ...]) -> str:
    """The text `legation PATH --help` prints, without rich's trailing padding."""
    result = CliRunner().invoke(
        app, [*path, "--help"], prog_name="legation", env={"COLUMNS": WIDTH, "TERMINAL_WIDTH": WIDTH}
    )
    if result.exit_code != 0:
        raise RuntimeError(f"legation {' '.join(path)} --help exited {result.exit_code}: {result.output}")
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")


def cli_reference() -> str:
    """The CLI reference page: the top-level help, then one section per command."""
    from legation.cli import app

    paths = list(_commands(typer.main.get_command(app), ()))
    parts = [
        "# CLI reference",
        "",
        "Generated at build time from the command line itself (`legation COMMAND --help`), so it "
        "matches the installed version. Every command that reads a ledger takes `--db PATH` or the "
        "`LEGATION_DB` environment variable.",
        "",
        "```text",
        _help(app, ()),
        "```",
    ]
    for path in paths:
        name = " ".join(path)
        parts += [
            "",
            f"{'#' * min(len(path) + 1, 4)} legation {name}",
            "",
            "```text",
            _help(app, path),
            "```",
        ]
    return "\n".join(parts) + "\n"


def notebook_markdown(path: Path) -> str:
    """A notebook as a page: markdown cells as they are, code cells as Python blocks."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        text = "".join(cell["source"]).rstrip()
        if not text:
            continue
        parts.append(text if cell["cell_type"] == "markdown" else f"```python\n{text}\n```")
    parts.append(
        f"*This page is the notebook [`{path.name}`]({path.name}), shown without its outputs; the test "
        "suite runs it on the full public datasets. Download it and run it with Jupyter on your own "
        "ledger (`LEGATION_DB`).*"
    )
    return "\n\n".join(parts) + "\n"


def _notebooks(config: MkDocsConfig) -> list[Path]:
    return sorted((Path(config.docs_dir) / "tutorials").glob("*.ipynb"))


def _generated(config: MkDocsConfig) -> set[str]:
    """The pages this hook writes; the sources' index only where the folder has none of its own."""
    pages = {CLI_PAGE} | {f"tutorials/{nb.stem}.md" for nb in _notebooks(config)}
    if not (Path(config.docs_dir) / SOURCES_INDEX).exists():
        pages.add(SOURCES_INDEX)
    return pages


def _prune(nav: list[Any], exists: set[str]) -> list[Any]:
    """`nav` without the pages that do not exist (and without sections left empty)."""
    kept: list[Any] = []
    for item in nav:
        title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(value, list):
            value = _prune(value, exists)
            if not value:
                continue
        elif isinstance(value, str) and "://" not in value and value not in exists:
            continue
        kept.append({title: value} if title is not None else value)
    return kept


def _listed(nav: list[Any]) -> set[str]:
    found: set[str] = set()
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        found |= _listed(value) if isinstance(value, list) else {value}
    return found


def _section_for(nav: list[Any], page: str) -> list[Any] | None:
    """The nav section that lists a page of `page`'s folder (the how-to guides for a top-level page)."""
    folder = page.rpartition("/")[0]
    for item in nav:
        if not isinstance(item, dict):
            continue
        title, value = next(iter(item.items()))
        if not isinstance(value, list):
            continue
        pages = [v for v in value if isinstance(v, str)]
        if folder and any(v.rpartition("/")[0] == folder for v in pages):
            return value
        if not folder and title == HOW_TO:
            return value
        inner = _section_for(value, page)
        if inner is not None:
            return inner
    return None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    docs = Path(config.docs_dir)
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md") if "hooks" not in p.parts}
    nav = _prune(config.nav or [], pages | _generated(config))
    for page in sorted(pages - _listed(nav)):
        section = _section_for(nav, page)
        if section is not None:
            section.append(page)
    config.nav = nav
    return config


def sources_index(docs: Path) -> str:
    """The data sources' index page: each source family's page with its first paragraph."""
    lines = ["# Data sources", "", "One page per family of published datasets that legation imports.", ""]
    for page in sorted((docs / "sources").glob("*.md")):
        if page.name == "index.md":
            continue
        text = page.read_text(encoding="utf-8").splitlines()
        title = next((t.lstrip("# ").strip() for t in text if t.startswith("# ")), page.stem)
        lines.append(f"- [{title}]({page.name})")
    return "\n".join(lines) + "\n"


def instruments_table() -> str:
    """The 14 instruments as a markdown table, from `legation.instruments`."""
    from legation.instruments import INSTRUMENTS

    rows = [
        "| instrument | definition | units | direction | half-life (years) | CAMEO codes |",
        "|---|---|---|---|---|---|",
    ]
    for ins in INSTRUMENTS.values():
        units = ", ".join(u.value for u in ins.units)
        cameo = ", ".join(f"{c.code} {c.label}" for c in ins.cameo) or "—"
        way = "directed" if ins.directed else "undirected"
        rows.append(f"| `{ins.name}` | {ins.definition} | {units} | {way} | {ins.half_life:g} | {cameo} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill generated parts of a page (`<!-- instruments -->`), and send links to a folder
    (`[sources](sources/)`, which GitHub shows as a listing) to its index page."""
    if INSTRUMENTS_MARK in markdown:
        markdown = markdown.replace(INSTRUMENTS_MARK, instruments_table())

    def index(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), m[1], "index.md"))
        return f"]({m[1]}index.md)" if files.get_file_from_path(target) is not None else m[0]

    return FOLDER_LINK.sub(index, markdown)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, CLI_PAGE, content=cli_reference()))
    for nb in _notebooks(config):
        files.append(File.generated(config, f"tutorials/{nb.stem}.md", content=notebook_markdown(nb)))
    if SOURCES_INDEX in _generated(config):
        files.append(File.generated(config, SOURCES_INDEX, content=sources_index(Path(config.docs_dir))))
    return files
