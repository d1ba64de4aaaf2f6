"""The plan file: who spends, on whom, how much, with which limits (YAML, checked by pydantic).

Money is in US$ million. A plan names its patron, the years it covers (``base_year`` + 1 …
``base_year + horizon``), its budget (total and per year), the candidate partners (a list, a group
such as ASEAN, a region, or all states), the instruments and their unit costs (defaults in
`costs.py`), bounds, fixed commitments and risk limits. Every error names the file, the line and
the field (``plan.yaml, line 12, field 'budget.per_year': …``). ``examples/plans/`` holds shipped
plans; docs/optimise.md describes every field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from legation import _yaml as safe_yaml
from legation import years
from legation.errors import InputError, InvalidValueError, LegationError, Problem
from legation.instruments import INSTRUMENTS
from legation.model.scenario import shipped_folder

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _instrument(name: str) -> str:
    if name not in INSTRUMENTS:
        raise InvalidValueError(f"unknown instrument {name!r}; expected one of: {', '.join(INSTRUMENTS)}")
    return name


InstrumentName = Annotated[str, AfterValidator(_instrument)]
REGIONS: dict[str, tuple[int, int]] = {
    "americas": (2, 199),
    "europe": (200, 399),
    "africa": (400, 599),
    "middle_east": (600, 699),
    "asia": (700, 899),
    "oceania": (900, 999),
}
"""Regions as ranges of COW codes (the COW numbering groups states by region; North Africa's
600–626 falls under ``middle_east``)."""
MAX_DRAWS = 20_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Budget(_Strict):
    total: Money | None = None
    per_year: Money | list[Money] | None = None

    @model_validator(mode="after")
    def _some(self) -> Budget:
        if self.total is None and self.per_year is None:
            raise InvalidValueError("give a total, a per_year limit or both")
        return self


class Partners(_Strict):
    """Candidates: the union of ``states``, the members of ``group`` and ``region``, or ``all``
    states of the system in the base year; less ``exclude``."""

    states: list[str] = []
    group: str | None = None
    region: Literal["americas", "europe", "africa", "middle_east", "asia", "oceania"] | None = None
    all: bool = False
    exclude: list[str] = []

    @model_validator(mode="after")
    def _some(self) -> Partners:
        if not (self.states or self.group or self.region or self.all):
            raise InvalidValueError("name the candidates: states, a group, a region or all: true")
        return self


class Bound(_Strict):
    """Spending over the horizon on one partner, one instrument, or one pair, in [min, max]."""

    partner: str | None = None
    instrument: InstrumentName | None = None
    min: Money = 0.0
    max: Money | None = None

    @model_validator(mode="after")
    def _valid(self) -> Bound:
        if self.partner is None and self.instrument is None:
            raise InvalidValueError("a bound names a partner, an instrument or both")
        if self.max is not None and self.max < self.min:
            raise InvalidValueError(f"max {self.max} is below min {self.min}")
        return self


class Commitment(_Strict):
    """Yearly spending that cannot be cut (a treaty obligation, a signed programme)."""

    partner: str
    instrument: InstrumentName
    per_year: Money
    note: str | None = None


class Risk(_Strict):
    cvar_level: float = Field(0.95, ge=0.5, lt=1.0)
    cvar_max: float | None = Field(None, allow_inf_nan=False)
    """Limit on the CVaR of the alignment loss (the negated gain; lower is safer)."""
    escalation_max: float | None = Field(None, ge=0, allow_inf_nan=False)
    """Expected militarised disputes with the partners' rivals over the horizon."""
    dependency_max_share: float | None = Field(None, gt=0, lt=1)
    """Most of a partner's arms and military aid the patron may supply."""
    opposition_penalty: float = Field(0.0, ge=0, allow_inf_nan=False)


class Choose(_Strict):
    """A yes/no choice: at most ``max_partners`` partners, each getting at least ``min_spend``."""

    max_partners: int | None = Field(None, ge=1)
    min_spend: Money = 0.0


class Scenarios(_Strict):
    draws: int = Field(1000, ge=50, le=MAX_DRAWS)
    fresh_draws: int = Field(1000, ge=50, le=MAX_DRAWS)
    seed: int = Field(0, ge=0)


class Plan(_Strict):
    """One plan file."""

    name: str
    description: str | None = None
    patron: str
    base_year: int
    horizon: int = Field(3, ge=1, le=20)
    budget: Budget
    partners: Partners
    instruments: list[InstrumentName] | None = None
    """Instruments money may go to (default: every instrument with a unit cost)."""
    costs: dict[InstrumentName, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = {}
    """US$ million per unit, overriding `costs.DEFAULTS` (and adding instruments without a default)."""
    priorities: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = {}
    bounds: list[Bound] = []
    commitments: list[Commitment] = []
    risk: Risk = Risk()
    choose: Choose | None = None
    scenarios: Scenarios = Scenarios()

    @field_validator("base_year")
    @classmethod
    def _year(cls, v: int) -> int:
        years.check(v, v)
        return v

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.base_year + 1, self.base_year + self.horizon + 1))


class PlanError(InputError):
    """A plan file that cannot be used: every problem with its file, line and field."""

    def __init__(self, problems: list[Problem], *, total: int | None = None, file: str | None = None):
        super().__init__(problems, total=total, file=file)
        shown = "\n".join(f"  - {p}" for p in self.problems)
        more = self.total - len(self.problems)
        tail = f"\n  … and {more} more" if more > 0 else ""
        Exception.__init__(
            self, f"{self.total} problem{'s' if self.total != 1 else ''} in plan {file}:\n{shown}{tail}"
        )


def load(path: str | Path) -> Plan:
    """The plan in ``path``; an `InputError` naming file, line and field for anything wrong."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError([Problem("", str(p), "no such plan file")], file=str(p)) from None
    except UnicodeDecodeError as e:
        raise PlanError([Problem("", "", f"not UTF-8 text: {e.reason}")], file=str(p)) from None
    return parse(text, str(p))


def parse(text: str, file: str = "plan") -> Plan:
    """A plan from YAML text (``file`` names it in errors)."""
    if len(text) > 1_000_000:
        raise PlanError([Problem("", "", "a plan file is at most 1 MB")], file=file)
    try:
        node, doc = safe_yaml.load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        msg = f"not valid YAML: {getattr(e, 'problem', None) or e}"
        row = mark.line + 1 if mark else None
        raise PlanError([Problem(getattr(e, "key", ""), "", msg, row=row, file=file)], file=file) from None
    if not isinstance(doc, dict):
        raise PlanError(
            [Problem("", "", "a plan is a mapping of fields (name, patron, budget, …)")], file=file
        )
    lines = safe_yaml.lines(node)
    try:
        plan = Plan.model_validate(doc)
    except ValidationError as e:
        raise PlanError(
            [_problem(err, lines, file) for err in e.errors()[:20]], total=e.error_count(), file=file
        ) from None
    except LegationError as e:  # a validator's own error that pydantic did not wrap
        raise PlanError([Problem("", "", str(e))], file=file) from None
    per = plan.budget.per_year
    if isinstance(per, list) and len(per) != plan.horizon:
        where = lines.get(("budget", "per_year"))
        msg = f"lists {len(per)} years; the horizon is {plan.horizon}: give one limit per year"
        raise PlanError([Problem("budget.per_year", per, msg, row=where, file=file)], file=file)
    return plan


def _problem(err: Any, lines: dict[tuple[object, ...], int], file: str) -> Problem:
    loc = tuple(err["loc"])
    line = None
    for k in range(len(loc), -1, -1):
        if loc[:k] in lines:
            line = lines[loc[:k]]
            break
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    return Problem(
        ".".join(str(x) for x in loc),
        value if not isinstance(value, dict | list) else "",
        msg,
        row=line,
        file=file,
    )


SHIPPED = shipped_folder("plans")
"""The plans shipped with legation (``examples/plans``)."""


def shipped(folder: Path = SHIPPED) -> dict[str, tuple[Plan, str, str]]:
    """Every shipped plan by its file's stem: the plan, what it asks (its leading comment), its text."""
    from legation.model.scenario import asks

    out = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        out[path.stem] = (parse(text, str(path)), asks(text), text)
    return out
