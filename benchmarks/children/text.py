"""Child of ``text_bench.py``: ``python -m children.text RESULT.json KIND CORPUS.jsonl``.

Kinds: ``extract`` (legation's extractor over every record: sentence splitting, parties, lexicon,
roles, dates, magnitudes) and ``spacy`` (the in-run baseline: spaCy's blank English tokenizer and
sentencizer alone over the same texts). Both report the sentences read; ``extract`` the candidates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import Clock, child_main


def _texts(path: str) -> list[str]:
    return [json.loads(line)["text"] for line in Path(path).read_text("utf-8").splitlines() if line.strip()]


# the only calls into legation: adapt here if the public API changes
def extract(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.text.extract import Extractor
    from legation.text.read import Document

    texts = _texts(args[0])
    ex = Extractor().load()  # the pipeline and code lists load before the clock starts
    docs = [Document("bench.jsonl", t, None, line=i) for i, t in enumerate(texts)]
    clock.start()
    sentences = 0
    found = 0
    for d, parsed in zip(docs, ex.nlp.pipe(t for t in texts), strict=True):
        sentences += sum(1 for _ in parsed.sents)
        found += sum(1 for _ in ex.document(d, parsed))
    return {"sentences": sentences, "candidates": found}


def spacy_only(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    import spacy

    texts = _texts(args[0])
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    clock.start()
    sentences = sum(sum(1 for _ in d.sents) for d in nlp.pipe(texts))
    return {"sentences": sentences, "candidates": 0}


if __name__ == "__main__":
    child_main({"extract": extract, "spacy": spacy_only})
