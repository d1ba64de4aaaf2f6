"""Year-aware naming and coding rules that no code-list package provides.

A name like "Germany" means COW 255 in 1939, 260 in 1970 (the Federal Republic carried the name in
common usage) and 255 again after 3 October 1990; "Yemen" means the Yemen Arab Republic (678)
before unification on 22 May 1990 and Yemen (679) after. The Gleditsch–Ward list codes some
continuing states differently from COW (GW keeps 260 for unified Germany and 678 for Yemen, and
gives Serbia 340 after 2006).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Spell:
    """A code valid from ``start`` to ``end`` inclusive (None: unbounded); code None = no state."""

    start: date | None
    end: date | None
    code: int | None
    reason: str = ""

    def covers(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


GERMAN_UNIFICATION = date(1990, 10, 3)
"""The GDR (COW 265) joined the Federal Republic (260); Germany is COW 255 again from this day."""
YEMENI_UNIFICATION = date(1990, 5, 22)
"""The Yemen Arab Republic (678) and South Yemen (680) united as Yemen (679) on this day."""
_EVE = timedelta(days=1)

UNIFICATIONS: dict[int, tuple[date, int]] = {
    260: (GERMAN_UNIFICATION, 255),
    678: (YEMENI_UNIFICATION, 679),
}
"""Codes that datasets carry on after a unification (GW, troopdata, ISO 3166's DE and YE): each code,
the day of the unification, and the COW code of the unified state from that day on."""


def carried_on(code: int) -> tuple[Spell, Spell]:
    """The COW codes a code of `UNIFICATIONS` stands for: itself until the eve of the unification,
    the unified state's code from the day."""
    since, to = UNIFICATIONS[code]
    return (Spell(None, since - _EVE, code), Spell(since, None, to))


_OCCUPIED = "no German state was a member of the state system between 1945-05-09 and 1955-05-04"

NAME_RULES: tuple[tuple[re.Pattern[str], tuple[Spell, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), spells)
    for pattern, spells in (
        (
            r"^\s*(germany|deutschland)\s*$",
            (
                Spell(None, date(1945, 5, 8), 255),
                Spell(date(1945, 5, 9), date(1955, 5, 4), None, _OCCUPIED),
                Spell(date(1955, 5, 5), GERMAN_UNIFICATION - _EVE, 260),
                Spell(GERMAN_UNIFICATION, None, 255),
            ),
        ),
        (
            r"^\s*(west\s+germany|german\s+federal\s+republic|frg|brd|germany,?\s+west)\s*$",
            (Spell(None, None, 260),),
        ),
        (
            r"^\s*federal\s+republic\s+of\s+germany\s*$",
            carried_on(260),
        ),
        (
            r"^\s*(republic\s+of\s+)?yemen(,?\s+rep(ublic|\.)?(\s+of)?)?\s*$",
            carried_on(678),
        ),
        (
            r"^\s*(serbia(\s+and\s+montenegro)?|serbia\s*&\s*montenegro|"
            r"federal\s+republic\s+of\s+yugoslavia)\s*$",
            (Spell(None, None, 345),),
        ),
    )
)
"""Names whose COW code depends on the date, checked before the code-list regexes."""


COW_TO_GW: dict[int, tuple[Spell, ...]] = {
    260: (Spell(None, None, 260),),
    255: (Spell(None, date(1945, 5, 8), 255), Spell(GERMAN_UNIFICATION, None, 260)),
    345: (
        Spell(None, date(1918, 11, 30), 340),
        Spell(date(1918, 12, 1), date(2006, 6, 4), 345),
        Spell(date(2006, 6, 5), None, 340),
    ),
    679: (Spell(None, None, 678),),
    678: (Spell(None, None, 678),),
    816: (Spell(None, None, 816),),
    817: (Spell(None, None, 817),),
}
"""COW codes whose GW code differs from countrycode's static list or changes with the date.

Codes in neither table nor countrycode (the German states of the 19th century, Korea before 1905)
are the same number in both systems.
"""

GW_TO_COW: dict[int, tuple[Spell, ...]] = {
    255: (Spell(None, None, 255),),
    260: carried_on(260),
    340: (Spell(None, None, 345),),
    678: carried_on(678),
    816: (Spell(None, None, 816),),
    817: (Spell(None, None, 817),),
}
"""GW codes whose COW code changes with the date."""


def pick(spells: tuple[Spell, ...], when: date | None) -> Spell:
    """The spell covering ``when`` (the latest spell when no date is given)."""
    if when is None:
        return spells[-1]
    for s in spells:
        if s.covers(when):
            return s
    return Spell(when, when, None, "no code on that date")
