"""Who: the states and groups a sentence names, by name, demonym, capital or institution.

Mentions are found with spaCy's `PhraseMatcher` over the gazetteer (`names.py`), case-sensitive
so that "US" is a state and "us" is not, longest match first ("Papua New Guinea", not "Guinea").
Each is resolved through `legation.states` on the engagement's date, so "Germany" is the
Federal Republic (260) in 1975 and Germany (255) in 2015, and groups stay groups (NATO is a party,
not its members).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, cast

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from legation.errors import UnknownStateError
from legation.states.resolve import default, to_iso3
from legation.text.names import NOT_A_PARTY, table


@dataclass(frozen=True, slots=True)
class Party:
    """A resolved state (``ccode``) or group (``group``) as a party to a candidate engagement."""

    kind: str  # "state" or "group"
    name: str
    ccode: int | None = None
    group: str | None = None
    iso3: str | None = None

    @property
    def key(self) -> str:
        return f"cow:{self.ccode}" if self.ccode is not None else str(self.group)


@dataclass(frozen=True, slots=True)
class Mention:
    """Where a sentence names a party: its tokens (sentence-relative) and the query it stands for."""

    start: int
    end: int
    query: str
    text: str


class Gazetteer:
    """The phrase matcher over every surface form, built once per pipeline."""

    def __init__(self, nlp: Language):
        tokenizer = cast(Any, nlp.tokenizer)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.queries: dict[int, str] = {}
        for query, forms in table().items():
            key = nlp.vocab.strings.add(query)
            self.queries[key] = query
            self.matcher.add(query, list(tokenizer.pipe(forms)))
        self.blockers = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.blockers.add("nonstate", list(tokenizer.pipe([w.lower() for w in NOT_A_PARTY])))

    def mentions(self, doc: Doc) -> list[Mention]:
        """The parties named in ``doc``, in order, without those a non-state word follows (token
        indices are the document's)."""
        spans = [Span(doc, s, e, label=k) for k, s, e in self.matcher(doc)]
        blocked = {s for _, s, _ in self.blockers(doc)}
        out = []
        for span in filter_spans(spans):
            nxt = span.end
            if nxt < len(doc) and nxt in blocked:
                continue
            out.append(Mention(span.start, span.end, self.queries[span.label], span.text))
        return out


@cache
def _iso3(ccode: int) -> str | None:
    iso = to_iso3(ccode)
    if iso is not None:
        return iso
    return default().system.abb(ccode)


@cache
def party(query: str, when: date | None) -> Party | None:
    """The party ``query`` names on ``when`` (outside a state's life, the state it names at all
    times); None when it names none."""
    resolver = default()
    try:
        actor = resolver.resolve(query, when)
    except UnknownStateError:
        try:
            actor = resolver.resolve(query, None)
        except UnknownStateError:
            return None
    if actor.ccode is None:
        return Party("group", actor.name, group=actor.name)
    return Party("state", actor.name, ccode=actor.ccode, iso3=_iso3(actor.ccode))
