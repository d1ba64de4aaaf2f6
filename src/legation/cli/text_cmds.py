"""`legation extract`: candidate engagements from news and statements, and their evaluation."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from legation.cli.app import command, console, err_console


class ExtractFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


@command("extract")
def extract(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Text files (.txt, .md), JSON Lines files (.jsonl) or folders of them."),
    ] = None,
    format: Annotated[
        ExtractFormat,
        typer.Option(
            "--format", "-f", help="csv: the review file for import; jsonl: one object per candidate."
        ),
    ] = ExtractFormat.CSV,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (default: standard output).")
    ] = None,
    evaluate: Annotated[
        Path | None,
        typer.Option("--evaluate", help="Score the extractor on a labelled JSON Lines set instead."),
    ] = None,
    misses: Annotated[int, typer.Option(help="With --evaluate: show this many sentences read wrong.")] = 0,
) -> None:
    """Propose engagements found in text, with their evidence, for review and import.

    Review the CSV (fill the accept column with yes or no), then run
    legation import FILE --accepted-only. Nothing reaches the ledger without acceptance.
    """
    if evaluate is not None:
        _evaluate(evaluate, misses)
        return
    if not inputs:
        raise typer.BadParameter("give input files or folders, or --evaluate GOLD.jsonl")
    from legation.text.extract import extract as run
    from legation.text.read import read
    from legation.text.review import to_csv

    docs = list(read(inputs))
    cands = list(run(docs))
    if format is ExtractFormat.CSV:
        text = to_csv(cands)
    else:
        text = "".join(json.dumps(c.as_json(), ensure_ascii=False) + "\n" for c in cands)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, "utf-8")
        err_console.print(f"wrote {len(cands):,} candidates from {len(docs):,} documents to {out}")


def _evaluate(path: Path, misses: int) -> None:
    from legation.text.evaluate import evaluate

    s = evaluate(path)
    table = Table(
        "instrument", "precision", "recall", "F1", "support", title=f"{path.name}: {s.sentences} sentences"
    )
    for name, (p, r, f, n) in s.per_class.items():
        table.add_row(name, f"{p:.2f}", f"{r:.2f}", f"{f:.2f}", str(n))
    table.add_row("macro", "", "", f"{s.macro_f1:.2f}", "")
    console.print(table)
    summary = Table("metric", "value", "count")
    dp, dr, df = s.detection
    summary.add_row("detection P / R / F1", f"{dp:.2f} / {dr:.2f} / {df:.2f}", "")
    for label, (k, n) in (("actor–partner exact set", s.pairs), ("year", s.years), ("polarity", s.polarity)):
        summary.add_row(label, f"{k / n:.2f}" if n else "—", f"{k}/{n}")
    summary.add_row("throughput (sentences/s)", f"{s.throughput:,.0f}", "")
    console.print(summary)
    tags = Table("tag", "sentences read right", title="by tag")
    for tag, (k, n) in s.by_tag.items():
        tags.add_row(tag, f"{k}/{n}")
    console.print(tags)
    for e in s.errors[:misses]:
        console.print(
            f"[dim]{e['line']}[/] {e['text']}\n  gold {e['gold']}\n  read {e['found']}", highlight=False
        )
