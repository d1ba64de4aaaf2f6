"""Sources: every dataset in the ledger, with version, citation, licence note, coverage and the works
to cite (`references`, structured for BibTeX and CSL-JSON).

Coverage is what lets later layers tell "no engagement" (0) from "not covered" (NA): a source
covers the years ``coverage_start``–``coverage_end`` and, when ``coverage_actors`` is set, only
engagements whose actor is one of those COW codes (e.g. US troop data covers the US alone).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, model_validator

from legation.errors import InvalidValueError
from legation.ledger import references as refs
from legation.ledger.references import Reference

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
    references: tuple[Reference, ...] = Field(
        (),
        exclude=True,
        description="the works the producers ask to be cited; declared with the importer, not stored "
        "in the ledger (a source read from a ledger takes them from legation's own record of its id)",
    )

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

    def cited(self) -> tuple[Reference, ...]:
        """The works to cite: this record's own, else those legation declares for a source of this id
        (a source read back from a ledger), else none."""
        if self.references:
            return self.references
        from legation.ledger.citations import known_sources  # it reads the importers, which import us

        known = known_sources().get(self.id)
        return known.references if known is not None else ()

    def bibtex_entry(self) -> str:
        """BibTeX for the source: an entry per work it asks to be cited, else its own ``bibtex``, else
        a @misc built from its name, version, citation text and url."""
        if cited := self.cited():
            return refs.bibtex(cited).rstrip()
        if self.bibtex:
            return self.bibtex
        return self.fallback().bibtex()

    def fallback(self) -> Reference:
        """A @misc reference built from the record alone, for a source that declares no works."""
        return Reference(
            kind="misc",
            authors=(),
            title=self.name,
            version=self.version,
            url=self.url,
            note=self.citation,
            key=re.sub(r"[^a-z0-9]", "", self.id),
        )


COW_STATES_2016 = Reference(
    kind="dataset",
    authors=("Correlates of War Project",),
    year=2017,
    title="State System Membership List, v2016",
    version="2016",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
)
"""The COW state system release (the bundled subset, the full list and the major powers cite it)."""

_REPO = "https://github.com/legation/legation"

SAMPLE = Source(
    id="legation-sample",
    name="legation curated sample of military-diplomacy engagements",
    version="0.1.0",
    citation=(
        "The legation developers. 2026. Curated sample of military-diplomacy engagements, "
        "2000-2024, each row sourced from a public publication (see source_ref)."
    ),
    licence="CC BY 4.0 (the rows are facts written by the legation developers; see each source_ref)",
    url=_REPO,
    coverage_start=2000,
    coverage_end=2024,
    coverage_note="An illustrative sample, not a complete census: absence of a row is not absence "
    "of an engagement.",
    references=(
        Reference(
            kind="dataset",
            authors=("The legation developers",),
            year=2026,
            title="Curated Sample of Military-Diplomacy Engagements, 2000-2024",
            version="0.1.0",
            url=_REPO,
        ),
    ),
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
    references=(COW_STATES_2016,),
)

GROUPS = Source(
    id="legation-groups",
    name="legation bundled groups (alliances and organisations) with membership spells",
    version="0.1.0",
    citation="The legation developers. 2026. Membership spells of NATO, ASEAN, ARF, PfP, CSTO, SCO, "
    "Five Eyes, Quad, AUKUS, EU, AU, UN and GCC from each organisation's official pages (see url).",
    licence="CC BY 4.0",
    url=_REPO,
    references=(
        Reference(
            kind="dataset",
            authors=("The legation developers",),
            year=2026,
            title="Membership Spells of Alliances and International Organisations",
            version="0.1.0",
            note="NATO, ASEAN, ARF, PfP, CSTO, SCO, Five Eyes, Quad, AUKUS, EU, AU, UN and GCC, from "
            "each organisation's official pages",
            url=_REPO,
        ),
    ),
)

BUNDLED: tuple[Source, ...] = (SAMPLE, STATES, GROUPS)
"""Sources every new ledger starts with."""
