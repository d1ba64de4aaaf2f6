"""Child that prepares a ledger for a benchmark: ``python -m children.ledger RESULT.json KIND ARG...``.

Kinds: ``import-dir DB DATA`` (every published dataset in DATA, as ``legation data import-dir``),
``sample DB`` (the sample ledger ``legation demo`` builds), ``locate`` (nothing: reports which
``legation`` this side's path resolves to).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import Clock, child_main


def import_dir(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.ledger import Ledger
    from legation.ledger.importers import import_dir

    with Ledger(args[0]) as led:
        import_dir(led, Path(args[1]))
    return {}


def sample(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    from legation.ledger import Ledger
    from legation.ledger.sample import load_sample

    with Ledger(args[0]) as led:
        load_sample(led)
    return {}


def locate(clock: Clock, args: Sequence[str]) -> Mapping[str, Any]:
    return {}


if __name__ == "__main__":
    child_main({"import-dir": import_dir, "sample": sample, "locate": locate})
