"""What every read shares: the frame of a query, the span of years, state-to-state engagements."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from legation.ledger.store import Ledger

Years = tuple[int, int]
STATE_PAIR = "actor_kind = 'state' AND partner_kind = 'state'"
"""Engagements between two states (not groups or other actors)."""


def frame(led: Ledger, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
    """The result of a parameterised query as a polars frame."""
    out = led.query(sql, params)
    assert isinstance(out, pl.DataFrame)
    return out
