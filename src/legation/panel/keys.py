"""Keys of panel rows, and the one conversion between the panel's and the measures' dyad names.

Panels name a directed dyad ``ccode1 → ccode2``; measures name it ``patron → target`` (who engages,
who is engaged). `to_patron_target` and `to_dyad` are the only places the two meet.
"""

from __future__ import annotations

import polars as pl

_DYAD = {"ccode1": "patron", "ccode2": "target"}


def dyad_key(c1: str = "ccode1", c2: str = "ccode2", year: str = "year") -> pl.Expr:
    """One Int64 per dyad-year, ordered as (c1, c2, year): a single-column sort and join key."""
    return (
        pl.col(c1).cast(pl.Int64) * (1 << 32)
        + pl.col(c2).cast(pl.Int64) * (1 << 16)
        + pl.col(year).cast(pl.Int64)
    )


def state_key(ccode: str = "ccode", year: str = "year") -> pl.Expr:
    """One Int64 per state-year, ordered as (ccode, year)."""
    return pl.col(ccode).cast(pl.Int64) * (1 << 16) + pl.col(year).cast(pl.Int64)


def to_patron_target(frame: pl.DataFrame) -> pl.DataFrame:
    """``ccode1, ccode2`` renamed ``patron, target``."""
    return frame.rename(_DYAD)


def to_dyad(frame: pl.DataFrame) -> pl.DataFrame:
    """``patron, target`` renamed ``ccode1, ccode2``."""
    return frame.rename({v: k for k, v in _DYAD.items()})


def year_range(frame: pl.DataFrame) -> tuple[int, int]:
    """The first and last ``year`` of a non-empty frame."""
    lo, hi = frame.select(pl.col("year").min().alias("lo"), pl.col("year").max().alias("hi")).row(0)
    return int(lo), int(hi)
