"""What every ``add_*`` verb shares: the channel's source, the ledger to read, attaching the values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from legation.errors import LedgerError, PanelError
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.attach import Values, as_panel, attach
from legation.panel.frame import Panel

Build = Callable[[Ledger, Source, Panel], pl.DataFrame]


def source_of(led: Ledger, source_id: str, verb: str) -> Source:
    """The registered source a verb reads; an error that says how to import it otherwise."""
    try:
        return led.source(source_id)
    except LedgerError:
        raise PanelError(
            f"{verb} reads source {source_id!r}, which is not in {led.path}; import it with "
            f"`legation data import-dir DIR --only {source_id}`"
        ) from None


def add(
    panel_like: Panel,
    verb: str,
    source_id: str,
    build: Build,
    *,
    kinds: Sequence[str] = ("dyad", "state"),
    **values: Any,
) -> Panel:
    """Check the panel, read the source's values with ``build`` and attach them with coverage."""
    panel = as_panel(panel_like, verb, kinds=kinds)
    with panel.ledger() as led:
        src = source_of(led, source_id, verb)
        frame = build(led, src, panel)
    return attach(panel, Values(frame, src, **values), verb)
