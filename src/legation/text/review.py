"""Candidates as a file to review: the import format plus the review columns, so that the analyst's
``accept`` column is all `legation import --accepted-only` needs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from legation.ledger.candidates import REVIEW_COLUMNS
from legation.ledger.records import COLUMNS
from legation.text.extract import Candidate

HEADER: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("id", "details", "end")) + REVIEW_COLUMNS
"""The columns of a candidates CSV, in order."""


def row(c: Candidate) -> dict[str, Any]:
    """One candidate as a row of the candidates file (``source`` left for the import to fill)."""
    return {
        "instrument": c.instrument,
        "actor": c.actor.name,
        "partner": c.partner.name,
        "start": c.start,
        "source": "",
        "actor_kind": c.actor.kind,
        "partner_kind": c.partner.kind,
        "actor_ccode": c.actor.ccode,
        "partner_ccode": c.partner.ccode,
        "magnitude": c.magnitude,
        "unit": c.unit,
        "polarity": c.polarity,
        "confidence": c.confidence,
        "source_ref": c.url or c.doc,
        "note": f"extracted: {c.trigger}" + ("" if c.year_stated else "; year from the document date"),
        "evidence": c.evidence,
        "doc": c.doc,
        "line": c.line,
        "accept": "",
    }


def to_csv(cands: Iterable[Candidate]) -> str:
    """The candidates file's text."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    w.writeheader()
    for c in cands:
        w.writerow({k: "" if v is None else v for k, v in row(c).items()})
    return buf.getvalue()
