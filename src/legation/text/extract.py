"""The pipeline: documents → sentences → candidate engagements with their evidence.

spaCy's blank English tokenizer and rule-based sentencizer (no statistical model, nothing
downloaded), the gazetteer's phrase matcher for parties (`actors.py`), the instrument lexicon
(`lexicon.py`), the roles of actor and partner (`roles.py`), dates (`dates.py`) and magnitudes
(`magnitude.py`). A sentence with no instrument, or naming fewer than two parties, gives nothing;
several partners give one candidate each (the ledger records dyads; a group stays one party).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from legation.errors import NeedsDataError

try:
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span
except ModuleNotFoundError:  # the optional extra: say which package to install
    raise NeedsDataError("reading text needs spaCy: pip install 'legation[text]'") from None

from legation.instruments import INSTRUMENTS
from legation.text import dates, magnitude
from legation.text.actors import Gazetteer, Mention, Party, party
from legation.text.lexicon import (
    CIVILIAN,
    HEDGES,
    NEGATIVE,
    PRIORITY,
    RULES,
    SECONDARY,
    Rule,
    military_context,
)
from legation.text.read import Document
from legation.text.roles import Seen, clause_break, pairs, seen

THRESHOLD = 1.0
"""The least lexicon weight a sentence needs to propose an instrument."""
NEEDS_MILITARY = frozenset({"dialogue", "hadr", "training", "basing"})
"""Instruments whose words are also civilian ones: they need a military word in the sentence."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed engagement and the sentence that gives it."""

    doc: str
    line: int
    sentence: int
    instrument: str
    actor: Party
    partner: Party
    start: str | None
    year: int | None
    year_stated: bool
    magnitude: float | None
    unit: str | None
    polarity: int
    confidence: float
    evidence: str
    trigger: str
    url: str | None = None
    title: str | None = None
    id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The machine-readable form `legation extract --format jsonl` prints."""
        return {
            "doc": self.doc,
            "id": self.id,
            "line": self.line,
            "sentence": self.sentence,
            "instrument": self.instrument,
            "actor": self.actor.name,
            "actor_iso3": self.actor.iso3,
            "actor_ccode": self.actor.ccode,
            "actor_group": self.actor.group,
            "partner": self.partner.name,
            "partner_iso3": self.partner.iso3,
            "partner_ccode": self.partner.ccode,
            "partner_group": self.partner.group,
            "start": self.start,
            "year": self.year,
            "magnitude": self.magnitude,
            "unit": self.unit,
            "polarity": self.polarity,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "trigger": self.trigger,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class _Reading:
    instrument: str
    score: float
    reversed: bool
    polarity: int
    trigger: str
    at: int  # where the trigger starts in the sentence's text


@Language.component("legation_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence (a dateline or headline has no full stop); the sentencizer keeps
    the boundaries set here."""
    for tok in doc[1:]:
        if doc[tok.i - 1].is_space and doc[tok.i - 1].text.count("\n") >= 2:
            tok.is_sent_start = True
    return doc


class Extractor:
    """The loaded pipeline; build one and reuse it (loading takes a fraction of a second)."""

    @cached_property
    def nlp(self) -> spacy.language.Language:
        nlp = spacy.blank("en")
        nlp.add_pipe("legation_paragraphs")
        nlp.add_pipe("sentencizer")
        return nlp

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer(self.nlp)

    def load(self) -> Extractor:
        """Load everything now (the pipeline, the gazetteer, the state code lists) rather than on
        the first sentence: what a throughput measurement leaves out."""
        party("iso3:USA", None)
        self.gazetteer  # noqa: B018
        return self

    def documents(self, docs: Iterable[Document], *, one_sentence: bool = False) -> Iterator[Candidate]:
        """Candidates from every document, in order; ``one_sentence`` reads each record whole (as
        one sentence, the unit of a labelled set)."""
        items = list(docs) if not isinstance(docs, list) else docs
        texts = (d.text for d in items)
        if one_sentence:
            pipe = cast(Any, self.nlp.tokenizer).pipe(texts)
        else:
            pipe = self.nlp.pipe(texts, batch_size=256)
        for d, parsed in zip(items, pipe, strict=True):
            yield from self.document(d, parsed, one_sentence=one_sentence)

    def document(self, d: Document, parsed: Doc, *, one_sentence: bool = False) -> Iterator[Candidate]:
        mentions = self.gazetteer.mentions(parsed)
        sents = [parsed[:]] if one_sentence else list(parsed.sents)
        for k, sent in enumerate(sents):
            here = [m for m in mentions if sent.start <= m.start < sent.end]
            line = (
                d.line
                if d.doc.lower().endswith((".jsonl", ".ndjson")) or one_sentence
                else _line_of(parsed, sent)
            )
            yield from self.sentence(d, sent, here, k, line)

    def sentence(
        self, d: Document, sent: Span, mentions: list[Mention], index: int, line: int
    ) -> Iterator[Candidate]:
        text = sent.text
        when = dates.find(text, d.date)
        for reading in read_instrument(text):
            yield from self._candidates(d, sent, mentions, index, line, reading, when)

    def _candidates(
        self,
        d: Document,
        sent: Span,
        mentions: list[Mention],
        index: int,
        line: int,
        reading: _Reading,
        when: dates.When | None,
    ) -> Iterator[Candidate]:
        text = sent.text
        trigger = _token_at(sent, reading.at)
        cut = clause_break(sent, trigger)
        parties: list[Party] = []
        views: list[Seen] = []
        last: tuple[Seen | None, int] = (None, sent.start)
        for m in mentions:
            p = party(m.query, when.day if when else None)
            if p is None:
                continue
            v = seen(sent, m.start, m.end, trigger, cut, *last)
            last = (v, m.end)
            if p in parties:
                continue
            parties.append(p)
            views.append(v)
        if reading.instrument == "peacekeeping" and sum(p.kind == "state" for p in parties) >= 2:
            keep = [i for i, p in enumerate(parties) if p.kind == "state"]
            parties, views = [parties[i] for i in keep], [views[i] for i in keep]
        dyads = pairs(
            views,
            [p.kind == "group" for p in parties],
            directed=INSTRUMENTS[reading.instrument].directed,
            reversed=reading.reversed,
            trainees=reading.instrument == "training",
            attache=reading.instrument == "attache",
            owners=reading.instrument != "dialogue",
        )
        if not dyads:
            return
        mag = magnitude.find(text, reading.instrument)
        confidence = _confidence(reading, text, when, len(dyads))
        for a, b in dyads:
            yield Candidate(
                doc=d.doc,
                line=line,
                sentence=index,
                instrument=reading.instrument,
                actor=parties[a],
                partner=parties[b],
                start=when.iso() if when else None,
                year=when.year if when else None,
                year_stated=bool(when and when.stated),
                magnitude=mag.value if mag else None,
                unit=mag.unit.value if mag else None,
                polarity=reading.polarity,
                confidence=confidence,
                evidence=text.strip(),
                trigger=reading.trigger,
                url=d.url,
                title=d.title,
                id=d.id,
            )


def read_instrument(text: str) -> list[_Reading]:
    """The instrument a sentence speaks of, by the lexicon's weights (none below `THRESHOLD`), and a
    second one where the lexicon says one sentence often records both (`SECONDARY`)."""
    scores: dict[str, float] = {}
    hits: dict[str, list[tuple[Rule, re.Match[str]]]] = {}
    for rule in RULES:
        m = rule.pattern.search(text)
        if m is None:
            continue
        scores[rule.instrument] = scores.get(rule.instrument, 0.0) + rule.weight
        hits.setdefault(rule.instrument, []).append((rule, m))
    if not scores:
        return []
    military = military_context(text)
    if not military:
        for name in NEEDS_MILITARY & scores.keys():
            scores[name] -= 1.0
    if CIVILIAN.search(text) and not military:
        scores = {k: v - 1.0 for k, v in scores.items()}
    ranked = sorted(scores, key=lambda k: (-scores[k], PRIORITY.index(k)))
    best = ranked[0]
    if scores[best] < THRESHOLD:
        return []
    out = [_reading(best, scores[best], hits[best], text)]
    out += [
        _reading(k, scores[k], hits[k], text)
        for k in ranked[1:]
        if (best, k) in SECONDARY and scores[k] >= THRESHOLD + 0.4
    ]
    return out


def _reading(name: str, score: float, rules: list[tuple[Rule, re.Match[str]]], text: str) -> _Reading:
    negative = any(r.polarity < 0 for r, _ in rules) or NEGATIVE.search(text) is not None
    strongest = max(rules, key=lambda h: h[0].weight)
    return _Reading(
        name,
        score,
        any(r.reversed for r, _ in rules),
        -1 if negative else 1,
        strongest[1].group(0),
        strongest[1].start(),
    )


def _confidence(reading: _Reading, text: str, when: dates.When | None, partners: int) -> float:
    c = 0.45 + min(reading.score, 3.0) * 0.15
    if HEDGES.search(text):
        c -= 0.2
    if when is None or not when.stated:
        c -= 0.05
    if partners > 2:
        c -= 0.1
    return round(min(max(c, 0.05), 0.95), 2)


def _token_at(sent: Span, offset: int) -> int:
    """The token of ``sent`` at character ``offset`` of its text."""
    at = sent.start_char + offset
    for tok in sent:
        if tok.idx + len(tok) > at:
            return tok.i
    return sent.end


def _line_of(doc: Doc, sent: Span) -> int:
    """The 0-based line of the text a sentence starts on."""
    return doc.text.count("\n", 0, sent.start_char)


_default: Extractor | None = None


def extract(docs: Iterable[Document], *, one_sentence: bool = False) -> Iterator[Candidate]:
    """Candidates from ``docs`` with the default pipeline (see `Extractor.documents`)."""
    global _default
    if _default is None:
        _default = Extractor()
    return _default.documents(docs, one_sentence=one_sentence)
