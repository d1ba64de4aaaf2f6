"""Sources: every dataset in the ledger, with version, citation, licence note and coverage.

Coverage is what lets later layers tell "no engagement" (0) from "not covered" (NA): a source
covers the years ``coverage_start``–``coverage_end`` and, when ``coverage_actors`` is set, only
engagements whose actor is one of those COW codes (e.g. US troop data covers the US alone).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from legation.errors import InvalidValueError

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Source(BaseModel):
    """A registered dataset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="short stable key, lower-case: atop-5.1, legation-sample")
    name: str
    version: str
    citation: str
    bibtex: str | None = None
    licence: str = "not stated"
    url: str | None = None
    coverage_start: int | None = Field(None, description="first year covered")
    coverage_end: int | None = Field(None, description="last year covered")
    coverage_actors: tuple[int, ...] | None = Field(
        None, description="COW codes of the only actors covered (None: all)"
    )
    coverage_note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Source:
        if not _ID.match(self.id):
            raise InvalidValueError(f"source id {self.id!r} must be lower-case letters, digits, . _ -")
        if (
            self.coverage_start is not None
            and self.coverage_end is not None
            and self.coverage_end < self.coverage_start
        ):
            raise InvalidValueError("coverage_end is before coverage_start")
        return self

    def covers(self, year: int, actor: int | None = None) -> bool:
        """Whether the source would have recorded an engagement of ``actor`` in ``year``."""
        if self.coverage_start is not None and year < self.coverage_start:
            return False
        if self.coverage_end is not None and year > self.coverage_end:
            return False
        return self.coverage_actors is None or actor in self.coverage_actors

    def citation_line(self) -> str:
        """One line, as `legation cite` prints it: ``[id] citation Version v. url``."""
        url = f" {self.url}" if self.url else ""
        return f"[{self.id}] {self.citation} Version {self.version}.{url}"

    def bibtex_entry(self) -> str:
        """A BibTeX entry: the source's own, or a @misc built from its fields."""
        if self.bibtex:
            return self.bibtex
        key = re.sub(r"[^a-z0-9]", "", self.id)
        fields = {
            "title": self.name,
            "note": f"Version {self.version}. {self.citation}",
            "url": self.url,
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        return f"@misc{{{key},\n{body}\n}}"


SAMPLE = Source(
    id="legation-sample",
    name="legation curated sample of military-diplomacy engagements",
    version="0.1.0",
    citation=(
        "The legation developers. 2026. Curated sample of military-diplomacy engagements, "
        "2000-2024, each row sourced from a public publication (see source_ref)."
    ),
    licence="CC BY 4.0 (the rows are facts written by the legation developers; see each source_ref)",
    url="https://github.com/legation/legation",
    coverage_start=2000,
    coverage_end=2024,
    coverage_note="An illustrative sample, not a complete census: absence of a row is not absence "
    "of an engagement.",
)

STATES = Source(
    id="legation-states",
    name="legation bundled state-system spells (subset of COW State System Membership)",
    version="cow-2016",
    citation=(
        "Correlates of War Project. 2017. State System Membership List, v2016. "
        "Subset written by the legation developers for the states the sample needs."
    ),
    licence="COW data are free for use with citation",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    coverage_start=1816,
    coverage_end=2016,
)

GROUPS = Source(
    id="legation-groups",
    name="legation bundled groups (alliances and organisations) with membership spells",
    version="0.1.0",
    citation="The legation developers. 2026. Membership spells of NATO, ASEAN, ARF, PfP, CSTO, SCO, "
    "Five Eyes, Quad, AUKUS, EU, AU, UN and GCC from each organisation's official pages (see url).",
    licence="CC BY 4.0",
    url="https://github.com/legation/legation",
)

BUNDLED: tuple[Source, ...] = (SAMPLE, STATES, GROUPS)
"""Sources every new ledger starts with."""
