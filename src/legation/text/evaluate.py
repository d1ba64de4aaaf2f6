"""How well the extractor reads a labelled set: instrument P/R/F1 per class and macro, detection of
"is there an engagement", actor–partner exact-set accuracy, year and polarity accuracy, throughput.

A labelled set is JSON Lines, one sentence a line: ``{"id", "text", "date", "engagements": [
{"instrument", "actor_iso3", "partner_iso3", "partner_group", "year", "polarity"}], "tags"}``.
Scoring is per sentence. Instruments compare as sets; an undirected instrument's pair compares
unordered. Actor–partner, year and polarity are scored on the sentences where both the set and the
extractor find an engagement (detection is scored on its own); each labelled engagement is matched
to the candidate of its sentence that agrees most (instrument, then pair).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legation.errors import InputError, Problem
from legation.instruments import INSTRUMENTS, NAMES
from legation.text.extract import Candidate, Extractor
from legation.text.read import jsonl

Pair = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gold:
    line: int
    text: str
    engagements: tuple[dict[str, Any], ...]
    tags: tuple[str, ...]


@dataclass
class Scores:
    """What `evaluate` measured; `rows` gives the table `legation extract --evaluate` prints."""

    sentences: int
    seconds: float
    per_class: dict[str, tuple[float, float, float, int]]
    macro_f1: float
    detection: tuple[float, float, float]
    pairs: tuple[int, int]
    years: tuple[int, int]
    polarity: tuple[int, int]
    by_tag: dict[str, tuple[int, int]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "instrument_macro_f1": self.macro_f1,
            "detection_precision": self.detection[0],
            "detection_recall": self.detection[1],
            "detection_f1": self.detection[2],
            "actor_partner_accuracy": _ratio(self.pairs),
            "year_accuracy": _ratio(self.years),
            "polarity_accuracy": _ratio(self.polarity),
            "sentences": float(self.sentences),
            "sentences_per_second": self.throughput,
        }


def _ratio(counts: tuple[int, int]) -> float:
    return counts[0] / counts[1] if counts[1] else float("nan")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def load(path: Path) -> list[Gold]:
    """The labelled sentences of a JSON Lines file, refusing unknown instruments by line."""
    text = path.read_text("utf-8")
    out, problems = [], []
    for i, raw in enumerate(text.splitlines()):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except ValueError as err:
            problems.append(Problem("", raw[:60], f"not JSON: {err}", row=i + 1, file=str(path)))
            continue
        engs = rec.get("engagements") if isinstance(rec, dict) else None
        if not isinstance(engs, list):
            problems.append(Problem("engagements", "", "expected a list", row=i + 1, file=str(path)))
            continue
        for eng in engs:
            if not isinstance(eng, dict) or eng.get("instrument") not in INSTRUMENTS:
                problems.append(
                    Problem("instrument", str(eng)[:60], "unknown instrument", row=i + 1, file=str(path))
                )
        out.append(Gold(i, str(rec.get("text", "")), tuple(engs), tuple(rec.get("tags") or ())))
    if problems:
        raise InputError(problems[:50], total=len(problems), file=str(path))
    return out


def pair(instrument: str, actor: str | None, partner: str | None) -> Pair:
    """A dyad as scored: ordered for directed instruments, sorted for undirected ones."""
    a, p = actor or "?", partner or "?"
    return (a, p) if INSTRUMENTS[instrument].directed else tuple(sorted((a, p)))


def gold_pair(e: dict[str, Any]) -> Pair:
    return pair(e["instrument"], e.get("actor_iso3"), e.get("partner_iso3") or e.get("partner_group"))


def cand_pair(c: Candidate) -> Pair:
    actor = c.actor.iso3 or c.actor.group
    partner = c.partner.iso3 or c.partner.group
    return pair(c.instrument, actor, partner)


def _match(e: dict[str, Any], cands: list[Candidate]) -> Candidate:
    gp = gold_pair(e)
    return max(cands, key=lambda c: (c.instrument == e["instrument"]) * 2 + (cand_pair(c) == gp))


class _Tally:
    """Counts over the labelled sentences, one `add` per sentence."""

    def __init__(self) -> None:
        self.tp, self.fp, self.fn = Counter[str](), Counter[str](), Counter[str]()
        self.det = [0, 0, 0]
        self.pairs, self.years, self.pol = [0, 0], [0, 0], [0, 0]
        self.tags: dict[str, list[int]] = {}
        self.errors: list[dict[str, Any]] = []

    def add(self, g: Gold, cands: list[Candidate]) -> None:
        gi = {e["instrument"] for e in g.engagements}
        pi = {c.instrument for c in cands}
        for name in gi | pi:
            counter = self.tp if name in gi and name in pi else self.fp if name in pi else self.fn
            counter[name] += 1
        has_g, has_p = bool(g.engagements), bool(cands)
        self.det[0] += has_g and has_p
        self.det[1] += has_p and not has_g
        self.det[2] += has_g and not has_p
        right = gi == pi
        if has_g and has_p:
            same = {gold_pair(e) for e in g.engagements} == {cand_pair(c) for c in cands}
            self.pairs[0] += same
            self.pairs[1] += 1
            right = right and same
            for e in g.engagements:
                c = _match(e, cands)
                if e.get("year") is not None:
                    self.years[0] += c.year == e["year"]
                    self.years[1] += 1
                self.pol[0] += c.polarity == int(e.get("polarity", 1))
                self.pol[1] += 1
        for t in g.tags or ("(none)",):
            self.tags.setdefault(t, [0, 0])
            self.tags[t][0] += right
            self.tags[t][1] += 1
        if not right:
            self.errors.append(
                {
                    "line": g.line,
                    "text": g.text,
                    "tags": list(g.tags),
                    "gold": [[e["instrument"], *gold_pair(e)] for e in g.engagements],
                    "found": [[c.instrument, *cand_pair(c)] for c in cands],
                }
            )

    def per_class(self) -> dict[str, tuple[float, float, float, int]]:
        out = {}
        for name in NAMES:
            tp, fp, fn = self.tp[name], self.fp[name], self.fn[name]
            if tp + fp + fn:
                out[name] = (*_prf(tp, fp, fn), tp + fn)
        return out


def evaluate(path: Path, extractor: Extractor | None = None) -> Scores:
    """Score the extractor on the labelled set at ``path``."""
    gold = load(path)
    docs = list(jsonl(path.read_text("utf-8"), str(path)))
    ex = (extractor or Extractor()).load()
    t0 = time.perf_counter()
    found = list(ex.documents(docs, one_sentence=True))
    seconds = time.perf_counter() - t0
    by_line: dict[int, list[Candidate]] = {}
    for c in found:
        by_line.setdefault(c.line, []).append(c)
    tally = _Tally()
    for g in gold:
        tally.add(g, by_line.get(g.line, []))
    per_class = tally.per_class()
    return Scores(
        sentences=len(docs),
        seconds=seconds,
        per_class=per_class,
        macro_f1=sum(v[2] for v in per_class.values()) / len(per_class) if per_class else 0.0,
        detection=_prf(*tally.det),
        pairs=(tally.pairs[0], tally.pairs[1]),
        years=(tally.years[0], tally.years[1]),
        polarity=(tally.pol[0], tally.pol[1]),
        by_tag={k: (v[0], v[1]) for k, v in sorted(tally.tags.items())},
        errors=tally.errors,
    )
