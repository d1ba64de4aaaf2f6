"""Alliances and organisations (NATO, ASEAN, ARF, PfP, CSTO, SCO, Five Eyes, Quad…) with spells.

Groups are actors of their own kind: an engagement with NATO is recorded with NATO, not coerced
into its members; panels expand it to members through these spells when asked.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from legation._parse import integer
from legation.errors import InvalidValueError, UnknownNameError


def _partial(value: object, *, end: bool) -> object:
    """'1995' or '1995-06' (a date known only to the year or month) as its first or last day."""
    if isinstance(value, int) or (isinstance(value, str) and integer(value) is not None):
        y = int(value)
        return date(y, 12, 31) if end else date(y, 1, 1)
    if isinstance(value, str) and len(value) == 7 and value[4] == "-":
        y, m = int(value[:4]), int(value[5:])
        return date(y, m, calendar.monthrange(y, m)[1] if end else 1)
    return value


class Membership(BaseModel):
    """One spell of one state in a group (``end`` None while it continues)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: int = Field(description="COW state code")
    start: date
    end: date | None = None
    note: str | None = None

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: object) -> object:
        return _partial(v, end=False)

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, v: object) -> object:
        return _partial(v, end=True)

    @model_validator(mode="after")
    def _ordered(self) -> Membership:
        if self.end is not None and self.end < self.start:
            raise InvalidValueError(
                f"membership of {self.state} ends {self.end} before it starts {self.start}: fix the spell"
            )
        return self


class Group(BaseModel):
    """An alliance, organisation, partnership, forum or intelligence arrangement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    kind: str
    founded: date | None = None
    url: str
    note: str | None = None
    members: tuple[Membership, ...] = ()

    @field_validator("founded", mode="before")
    @classmethod
    def _founded(cls, v: object) -> object:
        return _partial(v, end=False)

    def members_on(self, when: date) -> list[int]:
        """COW codes of the members on ``when``."""
        return sorted({m.state for m in self.members if m.start <= when and (m.end is None or when <= m.end)})


@dataclass(frozen=True)
class Groups:
    """A lookup of groups by id and by name, case-insensitive."""

    items: tuple[Group, ...]

    def __iter__(self) -> Iterator[Group]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> Group | None:
        key = text.strip().casefold().replace(" ", "")
        for g in self.items:
            if key in (g.id.casefold(), g.name.casefold().replace(" ", "")):
                return g
        return None

    def get(self, group_id: str) -> Group:
        g = self.find(group_id)
        if g is None:
            raise UnknownNameError(
                f"unknown group {group_id!r}; known: {', '.join(x.id for x in self.items)}"
            )
        return g


def parse(text: str) -> Groups:
    """Groups from a YAML document with a top-level ``groups:`` list."""
    doc = yaml.safe_load(text) or {}
    return Groups(tuple(Group.model_validate(g) for g in doc.get("groups", [])))


@cache
def bundled() -> Groups:
    """The groups shipped with the package (`data/groups.yaml`, each with its source URL)."""
    return parse((resources.files("legation") / "data" / "groups.yaml").read_text("utf-8"))


MAJORS = "P5"
"""The group whose members are legation's major powers."""


def majors() -> tuple[int, ...]:
    """COW codes of today's major powers, the five permanent members of the UN Security Council, in
    display order (US, China, Russia, UK, France): the default patrons of contests, alignment with the
    majors and validation. Their history is the ``P5`` group's (`bundled`)."""
    group = bundled().get(MAJORS)
    return tuple(dict.fromkeys(m.state for m in group.members if m.end is None))
