"""legation: military diplomacy and soft power — a sourced engagement ledger and its measures.

The one-liners (`troops`, `arms`, `alliances`, from `legation.quick`) and the plotting helpers
(`legation.plots`) load on first use, so ``import legation`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from legation import plots
    from legation.quick import alliances, arms, troops

_LAZY = {"troops": "legation.quick", "arms": "legation.quick", "alliances": "legation.quick"}
_MODULES = ("plots", "quick")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _MODULES:
        return importlib.import_module(f"legation.{name}")
    raise AttributeError(f"module 'legation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, *_MODULES])


__all__ = ["__version__", "alliances", "arms", "plots", "troops"]
