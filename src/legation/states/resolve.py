"""Turn what users and sources write ("USSR", "Korea, South", 260, "iso3:DEU") into actors.

Order of rules: explicit non-state actors; groups (NATO, ASEAN…); numeric COW codes and prefixed
codes (``cow:``, ``gw:``, ``iso3:``); year-aware names (`history.NAME_RULES`); bare upper-case
codes (ISO3 first, then COW abbreviations — so "AUS" is Australia; write "cow:AUS" for Austria);
then countrycode's English-name regexes. Anything else raises `UnknownStateError` with the
closest known names: names are never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from rapidfuzz import process

from legation._parse import integer
from legation.errors import UnknownStateError
from legation.groups import Groups
from legation.groups import bundled as bundled_groups
from legation.states import codes, history
from legation.states.history import Spell
from legation.states.system import StateSystem
from legation.states.system import bundled as bundled_system


class ActorKind(StrEnum):
    STATE = "state"
    GROUP = "group"
    NONSTATE = "nonstate"


@dataclass(frozen=True, slots=True)
class Actor:
    """A party to an engagement: a state (with its COW code), a group, or a non-state actor."""

    kind: ActorKind
    name: str
    ccode: int | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.ccode})" if self.ccode is not None else self.name


_CODE = re.compile(r"^\s*(cow|gw|iso3)\s*:\s*(\S+)\s*$", re.IGNORECASE)
_UPPER = re.compile(r"^[A-Z]{2,3}$")


class Resolver:
    """Resolves names and codes against a state system and a set of groups, with a cache."""

    def __init__(self, system: StateSystem | None = None, groups: Groups | None = None):
        self.system = system if system is not None else bundled_system()
        self.groups = groups if groups is not None else bundled_groups()
        self._cache: dict[str, tuple[Spell, ...] | Actor] = {}

    def lookup(self, text: object) -> tuple[Spell, ...] | Actor:
        """Dated COW spells for a state name or code, or the group it names (cached)."""
        key = str(text).strip()
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._lookup(key)
        return hit

    def resolve(self, text: object, when: date | None = None, kind: str | None = None) -> Actor:
        """The actor ``text`` names on ``when``; ``kind="nonstate"`` keeps the name verbatim."""
        if kind == ActorKind.NONSTATE:
            name = str(text).strip()
            if not name:
                raise UnknownStateError(text)
            return Actor(ActorKind.NONSTATE, name)
        hit = self.lookup(text)
        if isinstance(hit, Actor):
            if kind == ActorKind.STATE:
                raise UnknownStateError(text, when=when, reason=f"{hit.name} is a group, not a state")
            return hit
        if kind == ActorKind.GROUP:
            raise UnknownStateError(text, [g.id for g in self.groups], when)
        return self.state(text, hit, when)

    def state(self, text: object, spells: tuple[Spell, ...], when: date | None) -> Actor:
        spell = history.pick(spells, when)
        if spell.code is None:
            raise UnknownStateError(text, when=when, reason=spell.reason or None)
        if when is not None and spell.code in self.system and not self.system.exists(spell.code, when):
            raise UnknownStateError(
                text, when=when, reason=f"COW {spell.code} was not a member of the state system then"
            )
        return Actor(ActorKind.STATE, self.label(spell.code), spell.code)

    def label(self, ccode: int) -> str:
        """The state's COW name (countrycode's English name for states outside the system)."""
        name = self.system.name(ccode)
        if name is None:
            row = codes.by_cown().get(ccode)
            name = row.name if row else str(ccode)
        return name

    def _lookup(self, text: str) -> tuple[Spell, ...] | Actor:
        if not text:
            raise UnknownStateError(text)
        group = self.groups.find(text)
        if group is not None:
            return Actor(ActorKind.GROUP, group.id)
        if (code := integer(text)) is not None:
            return self._known(code, text)
        m = _CODE.match(text)
        if m:
            return self._prefixed(m.group(1).lower(), m.group(2), text)
        for pattern, spells in history.NAME_RULES:
            if pattern.search(text):
                return spells
        if _UPPER.match(text) and (code := self._abbreviation(text)) is not None:
            return (Spell(None, None, code),)
        return self._named(text)

    def _abbreviation(self, text: str) -> int | None:
        """The COW code of an ISO3 or COW abbreviation, or of the state system's own ``stateabb``."""
        row = codes.by_iso3().get(text) or codes.by_cowc().get(text)
        if row is not None and row.cown is not None:
            return row.cown
        return self.system.by_abb(text)

    def _named(self, text: str) -> tuple[Spell, ...]:
        """The state a country name (or one of its variants) names, by the code list's regexes."""
        found = {r.cown for r in codes.match_name(text)}
        if len(found) == 1 and None not in found:
            return (Spell(None, None, found.pop()),)
        if None in found and len(found) == 1:
            raise UnknownStateError(text, reason="not a state in the COW system; declare it nonstate")
        if len(found) > 1:
            names = sorted(r.name for r in codes.match_name(text))
            raise UnknownStateError(text, reason=f"ambiguous: {', '.join(names)}")
        raise UnknownStateError(text, self.suggest(text))

    def _known(self, code: int, text: str) -> tuple[Spell, ...]:
        if code in self.system or code in codes.by_cown():
            return (Spell(None, None, code),)
        raise UnknownStateError(text, reason="no COW state has this code")

    def _prefixed(self, scheme: str, value: str, text: str) -> tuple[Spell, ...]:
        if scheme == "cow":
            if (code := integer(value)) is not None:
                return self._known(code, text)
            if (code := self.system.by_abb(value.upper())) is not None:
                return (Spell(None, None, code),)
            row = codes.by_cowc().get(value.upper())
        elif scheme == "iso3":
            row = codes.by_iso3().get(value.upper())
        else:
            gw = integer(value)
            if gw is None:
                raise UnknownStateError(text, reason="GW codes are numbers, e.g. gw:260")
            if gw in history.GW_TO_COW:
                return history.GW_TO_COW[gw]
            row = codes.by_gwn().get(gw)
        if row is None or row.cown is None:
            raise UnknownStateError(text, reason=f"no COW state has this {scheme} code")
        return (Spell(None, None, row.cown),)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Closest known state and group names."""
        names = [r.name for r in codes.rows() if r.cown is not None]
        names += [g.id for g in self.groups] + [g.name for g in self.groups]
        return [m[0] for m in process.extract(text, names, limit=limit)]


_default: Resolver | None = None


def default() -> Resolver:
    """A resolver over the bundled states and groups."""
    global _default
    if _default is None:
        _default = Resolver()
    return _default


def resolve(text: object, when: date | None = None, kind: str | None = None) -> Actor:
    """Resolve ``text`` to an actor with the bundled states and groups (see `Resolver`)."""
    return default().resolve(text, when, kind)


def to_gw(ccode: int, when: date | None = None) -> int | None:
    """The Gleditsch–Ward code of COW state ``ccode`` on ``when`` (same number where no rule differs)."""
    if ccode in history.COW_TO_GW:
        return history.pick(history.COW_TO_GW[ccode], when).code
    row = codes.by_cown().get(ccode)
    return row.gwn if row is not None and row.gwn is not None else ccode


def from_gw(gwcode: int, when: date | None = None) -> int | None:
    """The COW code of Gleditsch–Ward state ``gwcode`` on ``when``."""
    if gwcode in history.GW_TO_COW:
        return history.pick(history.GW_TO_COW[gwcode], when).code
    row = codes.by_gwn().get(gwcode)
    return row.cown if row is not None and row.cown is not None else gwcode


def to_iso3(ccode: int) -> str | None:
    """The ISO 3166 alpha-3 code of COW state ``ccode`` (None for states gone before ISO)."""
    return codes.iso3_by_cown().get(ccode)
