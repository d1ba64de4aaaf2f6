"""The works a dataset asks to be cited, as structured records, and their BibTeX and CSL-JSON forms.

A `Reference` is one publication or dataset release: its kind, authors, year, title and where it
appeared. Names are written ``"Family, Given"``; a name without a comma is an organisation
(``"Correlates of War Project"``), kept whole in both outputs. Fields nobody is sure of are left
out rather than guessed: a reference without a DOI has none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal[
    "article", "book", "incollection", "inproceedings", "techreport", "dataset", "software", "misc"
]

_CSL_TYPES: dict[str, str] = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "techreport": "report",
    "dataset": "dataset",
    "software": "software",
    "misc": "document",
}
_STOP = {"a", "an", "the", "of", "on", "and", "for", "in", "to"}
_SPECIAL = str.maketrans({c: "\\" + c for c in "&%$#_"})


class Reference(BaseModel):
    """One work to cite: a journal article, a book or chapter, a report, a dataset release."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    authors: tuple[str, ...] = Field(description='"Family, Given" per person; an organisation has no comma')
    title: str
    year: int | None = None
    journal: str | None = None
    booktitle: str | None = Field(None, description="the book a chapter or paper appeared in")
    editors: tuple[str, ...] = ()
    volume: str | None = None
    number: str | None = None
    pages: str | None = Field(None, description="first-last, with a plain hyphen")
    publisher: str | None = None
    address: str | None = None
    institution: str | None = None
    version: str | None = None
    doi: str | None = None
    url: str | None = None
    note: str | None = None
    key: str | None = Field(None, description="citation key (default: author, year and first title word)")

    def cite_key(self) -> str:
        """The BibTeX key and CSL id: ``leeds2002alliance`` unless ``key`` says otherwise."""
        if self.key:
            return self.key
        first = self.authors[0] if self.authors else "anon"
        words = [w for w in first.split() if w.lower() not in _STOP] or ["anon"]
        name = first.split(",")[0] if "," in first else words[0]
        word = next((w for w in re.findall(r"[A-Za-z]+", self.title) if w.lower() not in _STOP), "")
        return f"{_ascii(name)}{self.year or ''}{_ascii(word)}"

    def bibtex(self, key: str | None = None) -> str:
        """The reference as one BibTeX entry (UTF-8; pages with an en dash ``--``)."""
        fields: dict[str, str | None] = {
            "author": " and ".join(_bib_name(a) for a in self.authors),
            "editor": " and ".join(_bib_name(e) for e in self.editors) or None,
            "title": _bib_text(self.title),
            "journal": _bib_text(self.journal),
            "booktitle": _bib_text(self.booktitle),
            "year": str(self.year) if self.year is not None else None,
            "volume": self.volume,
            "number": self.number,
            "pages": self.pages.replace("-", "--") if self.pages else None,
            "publisher": _bib_text(self.publisher),
            "address": _bib_text(self.address),
            "institution": _bib_text(self.institution),
            "version": self.version,
            "doi": self.doi,
            "url": self.url,
            "note": _bib_text(self.note),
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        return f"@{self.kind}{{{key or self.cite_key()},\n{body}\n}}"

    def csl(self, key: str | None = None) -> dict[str, Any]:
        """The reference as one CSL-JSON item (the format of Zotero, Pandoc and citeproc)."""
        item: dict[str, Any] = {"id": key or self.cite_key(), "type": _CSL_TYPES[self.kind]}
        if self.authors:
            item["author"] = [_csl_name(a) for a in self.authors]
        if self.editors:
            item["editor"] = [_csl_name(e) for e in self.editors]
        item["title"] = self.title
        if self.year is not None:
            item["issued"] = {"date-parts": [[self.year]]}
        container = self.journal or self.booktitle
        pairs = {
            "container-title": container,
            "volume": self.volume,
            "issue": self.number,
            "page": self.pages,
            "publisher": self.publisher or self.institution,
            "publisher-place": self.address,
            "version": self.version,
            "DOI": self.doi,
            "URL": self.url,
            "note": self.note,
        }
        item.update({k: v for k, v in pairs.items() if v})
        return item


def keyed(refs: Iterable[Reference]) -> list[tuple[str, Reference]]:
    """Each distinct reference once, in order, with a key unique among them (``…a``, ``…b`` when two
    different works would share one)."""
    out: list[tuple[str, Reference]] = []
    seen: set[Reference] = set()
    used: dict[str, int] = {}
    for ref in refs:
        if ref in seen:
            continue
        seen.add(ref)
        key = ref.cite_key()
        n = used.get(key, 0)
        used[key] = n + 1
        out.append((key if n == 0 else f"{key}{chr(ord('a') + n)}", ref))
    return out


def bibtex(refs: Iterable[Reference]) -> str:
    """Every distinct reference as a BibTeX file's text."""
    return "".join(ref.bibtex(key) + "\n\n" for key, ref in keyed(refs))


def csl_json(refs: Iterable[Reference]) -> list[dict[str, Any]]:
    """Every distinct reference as a CSL-JSON list."""
    return [ref.csl(key) for key, ref in keyed(refs)]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _bib_text(text: str | None) -> str | None:
    return text.translate(_SPECIAL) if text else None


def _bib_name(name: str) -> str:
    text = name.translate(_SPECIAL)
    return text if "," in name else "{" + text + "}"


def _csl_name(name: str) -> dict[str, str]:
    if "," not in name:
        return {"literal": name}
    family, given = (part.strip() for part in name.split(",", 1))
    return {"family": family, "given": given}
