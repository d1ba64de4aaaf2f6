"""The numbers a brief quotes: a value with its rank among states and its change over five years, and
how to say them (ordinals, signed changes)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

CHANGE_YEARS = 5


@dataclass(frozen=True)
class Standing:
    """A state's value of one measure in one year, its rank (1 = largest) of ``of`` states with a
    value, and the change since ``CHANGE_YEARS`` earlier (None where either year has no value)."""

    value: float
    rank: int
    of: int
    change: float | None
    year: int


def standing(frame: pl.DataFrame, key: str, code: int, value: str, year: int) -> Standing | None:
    """The `Standing` of ``code`` (in column ``key``) on ``value`` in ``year``; None without a value."""
    now = frame.filter((pl.col("year") == year) & pl.col(value).is_not_null() & pl.col(value).is_not_nan())
    mine = now.filter(pl.col(key) == code)
    if mine.height == 0:
        return None
    v = float(mine[value][0])
    rank = int((now[value] > v).sum()) + 1
    before = frame.filter((pl.col("year") == year - CHANGE_YEARS) & (pl.col(key) == code))[value]
    old = before[0] if before.len() else None
    change = v - float(old) if old is not None and old == old else None
    return Standing(v, rank, now.height, change, year)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def signed(x: float, digits: int = 2) -> str:
    """A change with its sign: +0.12, −0.05 (a true minus sign), 0.00."""
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return text
    return f"+{text}" if x > 0 else f"−{text}"


def share(x: float) -> str:
    """A share as a whole percentage: 0.437 → 44%."""
    return f"{100 * x:.0f}%"


def trend(change: float | None, scale: float, digits: int = 2) -> str:
    """ "up 0.12 over five years", "down…", "about unchanged…" (``scale``: what counts as no change)."""
    if change is None:
        return "with no value five years earlier to compare"
    if abs(change) < scale:
        return f"about unchanged over {CHANGE_YEARS} years"
    word = "up" if change > 0 else "down"
    return f"{word} {abs(change):.{digits}f} over {CHANGE_YEARS} years"


def value(x: float, digits: int = 2) -> str:
    """A value with ``digits`` decimals, or three where that would show a small non-zero value as 0."""
    return f"{x:.3f}" if 0 < abs(x) < 0.5 * 10**-digits else f"{x:.{digits}f}"
