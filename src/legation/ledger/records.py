"""The engagement record: what one row of an import file may say, as a pydantic model.

`EngagementRecord` validates one record with the field parsers of `fields.py` and resolves its
actors with the resolver given in the validation context. It is the schema of YAML imports and of
`Ledger.add`; CSV and Parquet imports apply the same parsers column-wise (`importing.py`), and a
property test holds the two paths to the same answers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from legation.errors import InvalidValueError, UnknownStateError
from legation.ledger import fields
from legation.states.resolve import Actor, ActorKind, Resolver

REQUIRED: tuple[str, ...] = ("instrument", "actor", "partner", "start", "source")
OPTIONAL: tuple[str, ...] = (
    "id",
    "actor_kind",
    "partner_kind",
    "actor_ccode",
    "partner_ccode",
    "end",
    "magnitude",
    "unit",
    "polarity",
    "confidence",
    "source_ref",
    "note",
    "details",
)
COLUMNS: tuple[str, ...] = REQUIRED + OPTIONAL


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, date):
        return v.isoformat()
    s = str(v).strip()
    return s or None


class EngagementRecord(BaseModel):
    """One engagement as written by a user; `row()` gives the stored form."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    instrument: str
    actor: str
    partner: str
    actor_kind: str | None = None
    partner_kind: str | None = None
    actor_ccode: int | None = None
    partner_ccode: int | None = None
    start: str
    end: str | None = None
    magnitude: float | None = None
    unit: str | None = None
    polarity: int = 1
    confidence: float = 1.0
    source: str
    source_ref: str | None = None
    note: str | None = None
    details: str | None = None

    @field_validator(
        "id",
        "instrument",
        "actor",
        "partner",
        "start",
        "end",
        "unit",
        "source",
        "source_ref",
        "note",
        "actor_kind",
        "partner_kind",
        "details",
        mode="before",
    )
    @classmethod
    def _strip(cls, v: Any) -> str | None:
        return _text(v)

    @field_validator("instrument")
    @classmethod
    def _instrument(cls, v: str) -> str:
        return fields.parse_instrument(v)

    @field_validator("start")
    @classmethod
    def _start(cls, v: str) -> str:
        fields.parse_date(v)
        return v

    @field_validator("end")
    @classmethod
    def _end(cls, v: str | None) -> str | None:
        if v is not None:
            fields.parse_date(v, end=True)
        return v

    @field_validator("details")
    @classmethod
    def _details(cls, v: str | None) -> str | None:
        return None if v is None else fields.parse_details(v)

    @field_validator("magnitude", mode="before")
    @classmethod
    def _magnitude(cls, v: Any) -> float | None:
        return fields.parse_magnitude(v)

    @field_validator("polarity", mode="before")
    @classmethod
    def _polarity(cls, v: Any) -> int:
        return fields.parse_polarity(v)

    @field_validator("confidence", mode="before")
    @classmethod
    def _confidence(cls, v: Any) -> float:
        return fields.parse_confidence(v)

    @field_validator("actor_kind", "partner_kind")
    @classmethod
    def _kind(cls, v: str | None) -> str | None:
        return fields.parse_kind(v)

    @field_validator("actor_ccode", "partner_ccode", mode="before")
    @classmethod
    def _ccode(cls, v: Any) -> int | None:
        return None if _text(v) is None else v

    @model_validator(mode="after")
    def _cross(self, info: ValidationInfo) -> EngagementRecord:
        self.unit = fields.parse_unit(self.unit, self.instrument, self.magnitude is not None)
        start, _ = fields.parse_date(self.start)
        if self.end is not None and fields.parse_date(self.end, end=True)[0] < start:
            raise InvalidValueError(f"end {self.end} is before start {self.start}")
        resolver = (info.context or {}).get("resolver")
        if isinstance(resolver, Resolver):
            a, p = self.actors(resolver)
            if (a.kind, a.name) == (p.kind, p.name):
                raise InvalidValueError(f"actor and partner are the same ({a})")
        return self

    def actors(self, resolver: Resolver) -> tuple[Actor, Actor]:
        """The resolved actor and partner, on the start date."""
        when, _ = fields.parse_date(self.start)
        return (
            _side(resolver, self.actor, self.actor_kind, self.actor_ccode, when, "actor"),
            _side(resolver, self.partner, self.partner_kind, self.partner_ccode, when, "partner"),
        )

    def row(self, resolver: Resolver) -> dict[str, Any]:
        """The stored columns (without ``id`` when none was given, and without ``import_id``)."""
        a, p = self.actors(resolver)
        start, start_prec = fields.parse_date(self.start)
        end, end_prec = fields.parse_date(self.end, end=True) if self.end else (None, None)
        return {
            "id": self.id,
            "instrument": self.instrument,
            "actor_kind": a.kind.value,
            "actor_ccode": a.ccode,
            "actor": a.name,
            "partner_kind": p.kind.value,
            "partner_ccode": p.ccode,
            "partner": p.name,
            "start_date": start,
            "start_precision": start_prec.value,
            "end_date": end,
            "end_precision": end_prec.value if end_prec else None,
            "magnitude": self.magnitude,
            "unit": self.unit,
            "polarity": self.polarity,
            "confidence": self.confidence,
            "source_id": self.source,
            "source_ref": self.source_ref,
            "note": self.note,
            "details": self.details,
        }


def _side(
    resolver: Resolver, text: str, kind: str | None, ccode: int | None, when: date, field: str
) -> Actor:
    try:
        if ccode is not None:  # a code is taken as given, on any date (`validate._not_in_system`)
            return resolver.resolve(ccode, None, ActorKind.STATE)
        return resolver.resolve(text, when, kind)
    except UnknownStateError as e:
        raise InvalidValueError(f"{field}: {e}") from None
