"""State-system membership: which states exist on which dates (COW or Gleditsch–Ward).

The package ships the spells of the states its sample needs (`data/states.csv`, written from the
COW definitions); the full COW and GW lists are imported into the ledger as sources, and the
ledger hands their spells back as a `StateSystem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

import polars as pl

from legation.errors import InvalidValueError

SPELL_SCHEMA = pl.Schema(
    {
        "system": pl.String,
        "code": pl.Int32,
        "stateabb": pl.String,
        "statename": pl.String,
        "start_date": pl.Date,
        "end_date": pl.Date,
    }
)


@dataclass(frozen=True)
class StateSystem:
    """Membership spells of one state system, one row per spell (``end_date`` null: ongoing)."""

    spells: pl.DataFrame
    system: str = "cow"
    _by_code: dict[int, list[tuple[date, date | None]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _names: dict[int, tuple[str, str]] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        missing = set(SPELL_SCHEMA) - set(self.spells.columns)
        if missing:
            raise InvalidValueError(f"state spells need columns {sorted(missing)}; add them to the frame")
        cols = ("code", "start_date", "end_date", "statename", "stateabb")
        for code, start, end, name, abb in self.spells.sort("start_date").select(cols).iter_rows():
            self._by_code.setdefault(code, []).append((start, end))
            self._names[code] = (name, abb)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def codes(self) -> list[int]:
        return sorted(self._by_code)

    def exists(self, code: int, when: date) -> bool:
        """True when ``code`` is a member of the system on ``when``."""
        return any(
            start <= when and (end is None or when <= end) for start, end in self._by_code.get(code, ())
        )

    def members(self, when: date) -> list[int]:
        """Codes of every member on ``when``."""
        return sorted(c for c in self._by_code if self.exists(c, when))

    def name(self, code: int) -> str | None:
        """The state's name in its latest spell."""
        return self._names[code][0] if code in self._names else None

    def abb(self, code: int) -> str | None:
        return self._names[code][1] if code in self._names else None

    def by_abb(self, abb: str) -> int | None:
        """The code whose abbreviation is ``abb`` (COW abbreviations are unique per code)."""
        return next((c for c, (_n, a) in self._names.items() if a == abb), None)


@cache
def bundled() -> StateSystem:
    """The COW spells shipped with the package (the states the curated sample needs)."""
    path = resources.files("legation") / "data" / "states.csv"
    with resources.as_file(path) as p:
        raw = pl.read_csv(p, schema_overrides={"start": pl.String, "end": pl.String})
    spells = raw.select(
        pl.lit("cow").alias("system"),
        pl.col("ccode").cast(pl.Int32).alias("code"),
        "stateabb",
        "statename",
        pl.col("start").str.to_date().alias("start_date"),
        pl.col("end").str.to_date().alias("end_date"),
    )
    return StateSystem(spells, "cow")
