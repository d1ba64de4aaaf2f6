"""Reviewed candidates: the rows of `legation extract` an analyst accepted, and the source they
are recorded under.

A candidates file is a CSV in the import format plus the review columns (`REVIEW_COLUMNS`):
``evidence`` (the sentence), ``doc`` and ``line`` (where it was read) and ``accept``, which the
analyst fills. Only accepted rows are imported, all or nothing like every import; a row that names
no source is recorded under one source registered for the batch, and its ``source_ref`` is the
article's URL. A value of ``accept`` that is neither yes nor no refuses the whole file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from legation.errors import InputError, Problem
from legation.ledger.sources import Source

REVIEW_COLUMNS: tuple[str, ...] = ("evidence", "doc", "line", "accept")
"""The columns a candidates file adds to the import format (``confidence`` is an import column)."""
YES = frozenset({"1", "y", "yes", "true", "x", "accept", "accepted"})
NO = frozenset({"", "0", "n", "no", "false", "reject", "rejected"})


def is_candidates(data: bytes) -> bool:
    """Whether a CSV's header has every review column (a file `legation extract` wrote)."""
    head = data[:4096].split(b"\n", 1)[0].decode("utf-8", "replace").strip().lstrip("\ufeff")
    return set(REVIEW_COLUMNS) <= {c.strip().strip('"') for c in head.split(",")}


def batch_source(digest: str, file: str) -> Source:
    """The source a reviewed batch is recorded under, named by the file's SHA-256."""
    return Source(
        id=f"extract-{digest[:12]}",
        name=f"Engagements read from news and statements, accepted in review ({Path(file).name})",
        version=date.today().isoformat(),
        citation="Candidates proposed by legation extract from the articles each row's source_ref names, "
        "accepted by an analyst.",
        licence="facts stated in the articles named by source_ref",
        coverage_note="What an analyst accepted from the articles read: not a census.",
    )


def accepted(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    """The accepted rows of a candidates ``frame`` (with ``_line``), without the review columns;
    an `InputError` for an ``accept`` value that is neither yes nor no, or when none is accepted."""
    missing = [c for c in REVIEW_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            [
                Problem(c, None, "a candidates file needs this column (written by legation extract)")
                for c in missing
            ],
            file=file,
        )
    answer = frame["accept"].fill_null("").str.strip_chars().str.to_lowercase()
    bad = frame.filter(~answer.is_in(list(YES | NO)))
    if bad.height:
        problems = [
            Problem("accept", v, "write yes or no (1/0, y/n, true/false)", row=line, file=file)
            for line, v in bad.select("_line", "accept").head(50).iter_rows()
        ]
        raise InputError(problems, total=bad.height, file=file)
    keep = frame.filter(answer.is_in(list(YES)))
    if keep.height == 0:
        raise InputError([Problem("accept", None, "no candidate is accepted: nothing to import")], file=file)
    return keep.drop(*REVIEW_COLUMNS)
