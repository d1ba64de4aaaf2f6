"""Throughput and peak memory of `legation extract`: sentences per second on news-like documents.

The corpus is ``--input`` (JSON Lines with a ``text`` per record; default the labelled development
set ``examples/text/gold_dev.jsonl``) joined ``--per-doc`` sentences to a document and repeated to
about ``--sentences`` sentences, so that the sentencizer does real work. Baseline measured in the same
run: spaCy's blank English tokenizer and sentencizer alone over the same documents (what any spaCy
pipeline pays before reading anything); the ratio says what parties, lexicon, roles, dates and
magnitudes cost on top. Each measurement runs in a fresh single-process child
(``benchmarks/children/text.py``) that reports its own peak memory; the pipeline is loaded before
the clock starts. Goal (issue 16): at least 200 sentences/s and under 1.5 GB.

    python benchmarks/text_bench.py
    python benchmarks/text_bench.py --sentences 20000 --repeat 5
    python benchmarks/text_bench.py --baseline /tmp/base-src --repeat 4
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import harness
from harness import Job, Result, Side

JOBS = [
    Job("extract", "legation extract (default pipeline)"),
    Job("spacy", "spaCy blank tokenizer + sentencizer only", ab=False),
]


def corpus(source: Path, out: Path, sentences: int, per_doc: int) -> int:
    """Write the benchmark's documents; the number of source sentences used."""
    texts = [json.loads(line)["text"] for line in source.read_text("utf-8").splitlines() if line.strip()]
    if not texts:
        raise SystemExit(f"{source}: no records with text")
    n = 0
    with out.open("w", encoding="utf-8") as f:
        while n < sentences:
            doc = [texts[(n + k) % len(texts)] for k in range(per_doc)]
            f.write(json.dumps({"text": " ".join(doc)}) + "\n")
            n += per_doc
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=harness.ROOT / "examples" / "text" / "gold_dev.jsonl")
    ap.add_argument("--sentences", type=int, default=10000)
    ap.add_argument("--per-doc", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    harness.add_ab_arguments(ap)
    args = ap.parse_args()
    sides = harness.sides(args)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "corpus.jsonl"
        corpus(args.input, docs, args.sentences, args.per_doc)

        def run(job: Job, side: Side) -> Result:
            return harness.run_child("text", job.kind, [docs], side)

        runs = harness.interleaved(JOBS, sides, args.repeat, run)

    def rate(secs: float, r: Result) -> str:
        return f" ({r['sentences'] / secs:8,.0f} sentences/s)"

    lines = harness.report(
        JOBS,
        sides,
        runs,
        args.repeat,
        counts=lambda r: f"{r['sentences']:,} sentences, {r['candidates']:,} candidates",
        unit=rate,
        width=44,
    )
    print("\n".join(lines))
    ext, base = harness.median(runs[("extract", "current")]), harness.median(runs[("spacy", "current")])
    print(f"  extract / spaCy-only time: {harness.ratio(ext, base):.1f}x (one process, one core)")


if __name__ == "__main__":
    main()
