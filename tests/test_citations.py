"""Citations (issue 18): every source declares the works to cite, as structured records that give
BibTeX parsing in bibtexparser and CSL-JSON that citation managers read."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import bibtexparser
import pytest
import yaml
from typer.testing import CliRunner

from legation.cli import app
from legation.ledger import Ledger, Source, citations
from legation.ledger.citations import known_sources
from legation.ledger.references import Reference, keyed

runner = CliRunner()
CSL_TYPES = {
    "article-journal",
    "book",
    "chapter",
    "paper-conference",
    "report",
    "dataset",
    "software",
    "document",
}


def _library(text: str):
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    return lib


def test_every_source_legation_declares_cites_a_work():
    missing = [sid for sid, src in known_sources().items() if not src.references]
    assert missing == []


def test_bibtex_of_every_source_parses_with_proper_types():
    lib = _library(citations.bibtex(known_sources().values()))
    works = {r for s in known_sources().values() for r in s.references}
    assert len(lib.entries) == len(works)  # a work cited by two sources appears once
    assert len({e.key for e in lib.entries}) == len(lib.entries)
    assert {e.entry_type for e in lib.entries} <= {
        "article",
        "book",
        "incollection",
        "inproceedings",
        "techreport",
        "dataset",
        "software",
        "misc",
    }
    for entry in lib.entries:
        fields = entry.fields_dict
        assert "author" in fields and "title" in fields, entry.key
        if entry.entry_type == "article":
            assert {"journal", "year"} <= set(fields), entry.key
        if entry.entry_type == "incollection":
            assert {"booktitle", "year"} <= set(fields), entry.key
    assert not any(
        e.entry_type == "misc" and "note" in e.fields_dict and "Version" in e["note"] for e in lib.entries
    )


def test_known_entries_carry_the_publication_details():
    lib = _library(citations.bibtex(known_sources().values()))
    atop = lib.entries_dict["leeds2002alliance"]
    assert atop.entry_type == "article"
    assert atop["author"] == (
        "Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and Long, Andrew G."
    )
    assert (atop["year"], atop["journal"], atop["volume"], atop["number"], atop["pages"]) == (
        "2002",
        "International Interactions",
        "28",
        "3",
        "237--260",
    )
    assert atop["doi"] == "10.1080/03050620213653"
    gw = lib.entries_dict["gleditsch1999revised"]
    assert (gw["volume"], gw["number"], gw["pages"]) == ("25", "4", "393--413")
    chapter = lib.entries_dict["singer1972capability"]
    assert chapter.entry_type == "incollection" and chapter["editor"] == "Russett, Bruce"
    # an organisation is one name, braced, not a family "Project" with given names "Correlates of War"
    assert lib.entries_dict["correlates2017state"]["author"] == "{Correlates of War Project}"


def test_csl_json_items_have_type_author_and_issued():
    items = citations.csl_json(known_sources().values())
    json.dumps(items)
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert item["type"] in CSL_TYPES and item["title"]
        assert item["author"] and all(
            set(a) == {"family", "given"} or set(a) == {"literal"} for a in item["author"]
        )
    atop = next(i for i in items if i["id"] == "leeds2002alliance")
    assert atop["type"] == "article-journal" and atop["issued"] == {"date-parts": [[2002]]}
    assert atop["author"][0] == {"family": "Leeds", "given": "Brett Ashley"}
    assert (atop["container-title"], atop["volume"], atop["issue"], atop["page"]) == (
        "International Interactions",
        "28",
        "3",
        "237-260",
    )
    sipri = next(i for i in items if i["id"] == "sipriarmstransfers")
    assert sipri["type"] == "dataset" and sipri["author"] == [
        {"literal": "Stockholm International Peace Research Institute"}
    ]


def test_a_source_read_back_from_a_ledger_finds_its_works(ledger):
    # the ledger stores the citation text; the structured works come from legation's record of the id
    stored = ledger.source("legation-states")
    assert stored.references == () and stored.cited() == known_sources()["legation-states"].references
    assert stored.bibtex_entry().startswith("@dataset{correlates2017state,")


def test_a_user_source_falls_back_to_misc_or_its_own_entry():
    mine = Source(id="my-notes", name="My field notes", version="1", citation="Me. 2026. Notes.")
    lib = _library(citations.bibtex([mine]))
    (entry,) = lib.entries
    assert (entry.entry_type, entry.key, entry["note"]) == ("misc", "mynotes", "Me. 2026. Notes.")
    own = mine.model_copy(update={"bibtex": "@book{me2026, author = {Me}, title = {Notes}, year = {2026}}"})
    assert [e.key for e in _library(citations.bibtex([own, mine])).entries] == ["mynotes", "me2026"]


def test_bibtex_escapes_and_keys_stay_unique():
    a = Reference(kind="article", authors=("Smith, Jo",), year=2020, title="Guns & Butter: 50% of #1_x")
    b = Reference(kind="article", authors=("Smith, Al",), year=2020, title="Guns again")
    lib = _library("".join(r.bibtex(k) for k, r in keyed([a, b, a])))
    assert [e.key for e in lib.entries] == ["smith2020guns", "smith2020gunsb"]
    assert lib.entries[0]["title"] == r"Guns \& Butter: 50\% of \#1\_x"


def test_cli_cite_formats(tmp_path):
    db = tmp_path / "l.duckdb"
    Ledger(db).close()
    bib = runner.invoke(app, ["cite", "-f", "bibtex", "--db", str(db)])
    assert bib.exit_code == 0
    assert {e.entry_type for e in _library(bib.output).entries} == {"dataset"}
    csl = runner.invoke(app, ["cite", "legation-states", "-f", "csl-json", "--db", str(db)])
    assert csl.exit_code == 0
    assert [i["id"] for i in json.loads(csl.output)] == ["correlates2017state"]
    plain = runner.invoke(app, ["cite", "legation-states", "--db", str(db)])
    assert plain.output.startswith("[legation-states] Correlates of War Project")


@pytest.mark.slow
def test_cite_on_the_full_ledger_gives_every_work(full_ledger_path):
    result = runner.invoke(app, ["cite", "-f", "bibtex", "--db", str(full_ledger_path)])
    assert result.exit_code == 0
    keys = {e.key for e in _library(result.output).entries}
    assert {"leeds2002alliance", "pevehouse2020tracking", "voeten2009united", "schvitz2022mapping"} <= keys


# the repository's own files ---------------------------------------------------------------------------


def test_citation_cff_license_and_py_typed_agree_with_pyproject():
    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert {"message", "title", "authors"} <= set(cff)
    assert all(set(a) & {"name", "family-names"} for a in cff["authors"])
    assert (cff["version"], cff["license"]) == (project["version"], project["license"])
    license_text = (root / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License") and "2026 The legation developers" in license_text
    assert (root / "src" / "legation" / "py.typed").is_file()
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and f"## [{project['version']}] - " in changelog
