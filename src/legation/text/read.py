"""Inputs: plain text files, JSON Lines (one ``{"text", "date", "url", "title"}`` record a line) and
folders of either, as documents with a date — the record's, or a dateline in the text.

A record that is not a JSON object, lacks ``text`` or gives a date that is not ``YYYY-MM-DD`` is
refused with an `InputError` naming the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from legation.errors import InputError, Problem
from legation.text.dates import document_date

TEXT_SUFFIXES = (".txt", ".text", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class Document:
    """One text to read: ``line`` is its 0-based line in a JSON Lines file (0 for a text file)."""

    doc: str
    text: str
    date: date | None = None
    url: str | None = None
    title: str | None = None
    line: int = 0
    id: str | None = None


def read(paths: Iterable[str | Path]) -> Iterator[Document]:
    """Every document in ``paths`` (files, or folders read in name order, not recursively)."""
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES)
            if not found:
                raise InputError(
                    [Problem("", str(p), "no .txt, .md or .jsonl files in this folder")], file=str(p)
                )
            for f in found:
                yield from read_file(f)
        else:
            yield from read_file(p)


def read_file(path: Path) -> Iterator[Document]:
    """The documents of one file, by its suffix (``.jsonl`` is JSON Lines, anything else text)."""
    if not path.is_file():
        raise InputError([Problem("", str(path), "no such file")], file=str(path))
    try:
        text = path.read_text("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise InputError([Problem("", "", "bytes that are not UTF-8", row=line)], file=str(path)) from None
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from jsonl(text, str(path))
    elif text.strip():
        yield Document(str(path), text, document_date(text))


def jsonl(text: str, name: str) -> Iterator[Document]:
    """Documents from JSON Lines ``text``; ``name`` names the file in errors. Blank lines are skipped
    but counted, so ``line`` stays the record's 0-based line in the file."""
    problems: list[Problem] = []
    docs = []
    for i, raw in enumerate(text.splitlines()):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except ValueError as e:
            problems.append(Problem("", raw[:60], f"not JSON: {e}", row=i + 1, file=name))
            continue
        if not isinstance(rec, dict):
            problems.append(Problem("", raw[:60], "expected a JSON object", row=i + 1, file=name))
            continue
        body = rec.get("text")
        if not isinstance(body, str) or not body.strip():
            problems.append(Problem("text", str(body)[:60], "missing or empty text", row=i + 1, file=name))
            continue
        when = None
        if rec.get("date") not in (None, ""):
            try:
                when = date.fromisoformat(str(rec["date"]))
            except ValueError:
                problems.append(
                    Problem("date", str(rec["date"]), "not a date: use YYYY-MM-DD", row=i + 1, file=name)
                )
                continue
        docs.append(
            Document(
                name,
                body,
                when or document_date(body),
                _text(rec.get("url")),
                _text(rec.get("title")),
                i,
                _text(rec.get("id")),
            )
        )
    if problems:
        raise InputError(problems[:50], total=len(problems), file=name)
    yield from docs


def _text(v: object) -> str | None:
    return None if v is None or str(v).strip() == "" else str(v)
