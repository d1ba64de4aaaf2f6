"""Citations of a set of sources: the works to cite, deduplicated, as plain text, BibTeX or CSL-JSON.

`legation cite`, the panel and export writers (a ``.bib`` beside every file) and the data-package
descriptor all read them from here, so a work cited by two sources (ATOP's article, by the alliance
list and the dyad-years) appears once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from legation.ledger import references
from legation.ledger.references import Reference
from legation.ledger.sources import BUNDLED, Source


@cache
def known_sources() -> dict[str, Source]:
    """Every source legation declares (bundled and importers'), by id: where a source read back from
    a ledger finds its references."""
    from legation.ledger.importers import importers

    return {s.id: s for s in (*BUNDLED, *(imp.source for imp in importers()))}


def works(sources: Iterable[Source]) -> list[Reference]:
    """The works to cite for ``sources``, in order; a source declaring none gives its @misc fallback."""
    out: list[Reference] = []
    for src in sources:
        out += src.cited() or (src.fallback(),)
    return out


def bibtex(sources: Iterable[Source]) -> str:
    """A BibTeX file's text citing ``sources``, each work once; a source that declares no works but
    carries its own ``bibtex`` entry gives that entry."""
    sources = list(sources)
    own = [s.bibtex.strip() + "\n\n" for s in sources if s.bibtex and not s.cited()]
    return references.bibtex(works(s for s in sources if s.cited() or not s.bibtex)) + "".join(own)


def csl_json(sources: Iterable[Source]) -> list[dict[str, Any]]:
    """A CSL-JSON list citing ``sources``, each work once."""
    return references.csl_json(works(sources))
