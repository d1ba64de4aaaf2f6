"""Scenarios: the question a simulation answers, as a YAML file checked field by field.

A scenario names a base year (default: the last year the UN votes cover), a horizon, draws and a
seed, the patrons and targets to report, and what changes after the base year:

- ``interventions``: an instrument's yearly flow from ``actor`` to ``partner`` over ``start…end``,
  either raised by ``magnitude`` (in the channel's unit: TIV millions for arms, exercises per year,
  thousands of troops for basing, visits per year, 1 for a defence pact) or scaled by ``factor``;
- ``shocks``: a ``cutoff`` (an instrument's flow falls to 0 from ``year``), a ``suspension`` (every
  channel's flow actor → partner scaled by ``factor`` for ``years`` years), an ``exposure`` of a
  covert programme (a suspension with documented prior defaults, `EXPOSURE`), or an ``alignment``
  shock (the pair's level moves by ``size`` in ``year``);
- ``overrides`` of model parameters (``rho``, ``q``, ``r``, ``beta_<channel>``), and a ``budget``
  per patron (recorded for the optimiser; the simulation does not spend it).

Errors name the file, the line and the field (`ModelFileError`, an `InputError`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from legation import _yaml as safe_yaml
from legation.errors import LegationError, Problem
from legation.instruments import INSTRUMENTS
from legation.model.params import ModelFileError
from legation.states.resolve import resolve

MAX_BYTES = 256_000
"""The largest scenario file read."""

EXPOSURE = {"factor": 0.5, "years": 3}
"""Prior defaults of an ``exposure`` shock: cooperation halves for three years. A judgement, not an
estimate (no dataset records covert programmes and their exposure); override both in the file."""


def _state(v: object) -> int:
    if isinstance(v, bool):
        raise ValueError(f"{v!r} is not a state")
    try:
        actor = resolve(v, kind="state")
    except LegationError as e:
        raise ValueError(str(e)) from None
    if actor.ccode is None:
        raise ValueError(f"{v!r} is not a state")
    return actor.ccode


def _instrument(v: object) -> str:
    name = str(v)
    if name not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {name!r}; known: {', '.join(INSTRUMENTS)}")
    return name


State = Annotated[int, BeforeValidator(_state)]
Instrument = Annotated[str, BeforeValidator(_instrument)]
Year = Annotated[int, Field(ge=1816, le=2100)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Intervention(_Model):
    """A change of one instrument's yearly flow from ``actor`` to ``partner``."""

    instrument: Instrument
    actor: State
    partner: State
    start: Year
    end: Year | None = None
    magnitude: float | None = Field(None, description="added yearly flow, in the channel's unit")
    factor: float | None = Field(None, ge=0, description="the existing flow times this")

    @model_validator(mode="after")
    def _one(self) -> Intervention:
        if (self.magnitude is None) == (self.factor is None):
            raise ValueError(
                "give exactly one of 'magnitude' (an added flow) and 'factor' (a change by a factor)"
            )
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Shock(_Model):
    """Something that happens in one year: a cut-off, a suspension, an exposure, an alignment shock."""

    kind: Literal["cutoff", "suspension", "exposure", "alignment"]
    actor: State
    partner: State
    year: Year
    instrument: Instrument | None = None
    factor: float | None = Field(None, ge=0)
    years: int | None = Field(None, ge=1, le=50)
    size: float | None = None

    @model_validator(mode="after")
    def _fields(self) -> Shock:
        if self.kind == "cutoff" and self.instrument is None:
            raise ValueError("a cutoff names the 'instrument' that is cut")
        if self.kind == "alignment" and self.size is None:
            raise ValueError("an alignment shock gives its 'size' (a change of excess agreement)")
        return self


class Scenario(_Model):
    """One question for the model (see the module docstring)."""

    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    base_year: Year | None = None
    horizon: int = Field(10, ge=1, le=30)
    draws: int = Field(1000, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0)
    patrons: list[State] = Field(default_factory=list, max_length=50)
    targets: list[State] = Field(default_factory=list, max_length=250)
    interventions: list[Intervention] = Field(default_factory=list, max_length=500)
    shocks: list[Shock] = Field(default_factory=list, max_length=500)
    overrides: dict[str, float] = Field(default_factory=dict)
    budget: dict[str, float] = Field(default_factory=dict)


def parse(text: str, file: str = "scenario") -> Scenario:
    """A scenario from YAML text; an `InputError` naming the file, line and field of each problem."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ModelFileError([Problem("", "", f"larger than {MAX_BYTES} bytes")], file=file)
    try:
        node, doc = safe_yaml.load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        msg = f"not valid YAML: {getattr(e, 'problem', None) or e}"
        field = getattr(e, "key", "")
        raise ModelFileError(
            [Problem(field, "", msg, row=mark.line + 1 if mark else None)], file=file
        ) from None
    if not isinstance(doc, dict) or node is None:
        raise ModelFileError(
            [Problem("", "", "expected a mapping of scenario fields (name, horizon, …)")], file=file
        )
    lines = safe_yaml.lines(node)
    try:
        return Scenario.model_validate(doc)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = tuple(err["loc"])
            while loc and loc not in lines:
                loc = loc[:-1]
            field = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(Problem(field, err.get("input"), msg, row=lines.get(loc), file=file))
        raise ModelFileError(problems, file=file) from None


def load(path: Path) -> Scenario:
    """Read a scenario file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ModelFileError([Problem("", "", "not UTF-8 text")], file=str(path)) from None
    return parse(text, str(path))


def shipped_folder(kind: str) -> Path:
    """Where the shipped ``kind`` files (``scenarios``, ``plans``) are: ``examples/KIND`` of a source
    checkout, or ``legation/data/KIND`` in an installed wheel, which carries a copy of them."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "data" / kind
    return installed if installed.is_dir() else package.parents[1] / "examples" / kind


SHIPPED = shipped_folder("scenarios")
"""The scenarios shipped with legation (``examples/scenarios``)."""


def asks(text: str) -> str:
    """A scenario file's leading comment block: what it asks and what the model can answer."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def shipped(folder: Path = SHIPPED) -> dict[str, tuple[Scenario, str, str]]:
    """Every shipped scenario by its file's stem: the scenario, what it asks, its YAML text."""
    out = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        out[path.stem] = (parse(text, str(path)), asks(text), text)
    return out
