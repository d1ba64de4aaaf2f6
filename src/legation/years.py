"""Years: the bounds of any year legation accepts, the default windows, and the one parser of spans.

Default windows, one per family of commands:

- **panels** (`legation.panel`, `legation panel build`): 1816, the start of the COW state system, to
  the last complete year (`panel_years`);
- **measures** (the library functions of `legation.measures`: influence, alignment, scores,
  validation frames): `MEASURE_YEARS`, 1946–2015, the years every research dataset shares;
- **views** (the REST API, the dashboard and the profiles they draw, `legation.measures.profiles`):
  `VIEW_YEARS`, 1946–2024, the post-war years the datasets legation imports reach; each source is
  still NA outside its own coverage, and the influence index is cut further to the years all its
  channels cover.

A command-line option shows its own default in ``--help`` (``legation influence --years 1995-2015``).
"""

from __future__ import annotations

import re
from datetime import date

from legation.errors import InvalidValueError

FIRST_YEAR, LAST_YEAR = 1816, 2100
"""Every year legation accepts from a user lies in these bounds."""

MEASURE_YEARS = (1946, 2015)
VIEW_YEARS = (1946, 2024)

_SPAN = re.compile(r"\s*([0-9]{4})\s*(?:[-–—]\s*([0-9]{4})\s*)?")


def panel_years() -> tuple[int, int]:
    """The default years of a panel: 1816 to the last complete year."""
    return FIRST_YEAR, date.today().year - 1


def check(lo: int, hi: int) -> tuple[int, int]:
    """``(lo, hi)`` when it is a span inside the bounds, first year not after the last."""
    for y in (lo, hi):
        if not FIRST_YEAR <= y <= LAST_YEAR:
            raise InvalidValueError(f"year {y} is outside {FIRST_YEAR}–{LAST_YEAR}")
    if lo > hi:
        raise InvalidValueError(f"years {lo}–{hi}: the first year is after the last")
    return lo, hi


def span(text: str) -> tuple[int, int]:
    """A span of years from text: ``1990-2015``, ``1990–2015`` (as legation prints them) or one year
    ``2010``; four ASCII digits each, inside the bounds, the first not after the last."""
    m = _SPAN.fullmatch(text)
    if m is None:
        raise InvalidValueError(
            f"{text!r} is not a span of years: give them as 1990-2015 (or one year, 2010), "
            f"between {FIRST_YEAR} and {LAST_YEAR}"
        )
    lo = int(m.group(1))
    return check(lo, int(m.group(2)) if m.group(2) else lo)
