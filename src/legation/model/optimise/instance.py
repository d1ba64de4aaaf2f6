"""The numerical allocation problem: partners × instruments × years with every limit as arrays.

A plan file (`plan.py`) and the ledger (`history.py`) produce an `Instance`; tests and benchmarks
build one by hand. Money is in US$ million throughout; ``inf`` means no limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from legation.errors import InvalidValueError
from legation.instruments import INSTRUMENTS
from legation.model.optimise.response import Response


@dataclass(frozen=True)
class Choice:
    """A yes/no choice of partners: at most ``max_partners`` get money, each at least ``min_spend``."""

    max_partners: int | None = None
    min_spend: float = 0.0


@dataclass(frozen=True)
class Instance:
    """Everything the solver needs. Shapes: P partners, I instruments, T years."""

    partners: tuple[int, ...]
    instruments: tuple[str, ...]
    years: tuple[int, ...]
    response: Response
    budget_total: float = np.inf
    budget_year: np.ndarray | None = None
    """[T] spending limit per year."""
    priority: np.ndarray | None = None
    """[P] weight of each partner's gain in the objective (default 1)."""
    commitments: np.ndarray | None = None
    """[P,I,T] fixed yearly spending that cannot be cut (a floor on x)."""
    pair_min: np.ndarray | None = None
    pair_max: np.ndarray | None = None
    """[P,I] limits on the spending over the horizon."""
    partner_min: np.ndarray | None = None
    partner_max: np.ndarray | None = None
    instrument_min: np.ndarray | None = None
    instrument_max: np.ndarray | None = None
    cvar_level: float = 0.95
    cvar_max: float | None = None
    """Limit on the CVaR of the alignment loss (the negated priority-weighted gain)."""
    escalation: np.ndarray | None = None
    """[P,I] expected militarised disputes with the partner's rivals per US$ million."""
    escalation_max: float | None = None
    dependency: np.ndarray | None = None
    """[P] most the patron may spend with each partner on the dependency instruments (its share cap)."""
    dependency_instruments: tuple[str, ...] = ("arms_transfer", "military_aid")
    opposition: np.ndarray | None = None
    """[P] domestic-opposition cost per US$ million spent with the partner, in alignment units."""
    opposition_penalty: float = 0.0
    choice: Choice | None = None
    draws: int = 1000
    reduce_to: int | None = 100
    seed: int = 0
    labels: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        p, i, t = len(self.partners), len(self.instruments), len(self.years)
        if self.response.shape != (p, i):
            raise InvalidValueError(f"the response covers {self.response.shape}, the plan {p} × {i}")
        for name in self.instruments:
            if name not in INSTRUMENTS:
                raise InvalidValueError(f"unknown instrument {name!r}")
        if not 0.5 <= self.cvar_level < 1:
            raise InvalidValueError(f"cvar_level {self.cvar_level} must lie in [0.5, 1)")
        checks = {
            "budget_year": (self.budget_year, (t,)),
            "priority": (self.priority, (p,)),
            "commitments": (self.commitments, (p, i, t)),
            "pair_min": (self.pair_min, (p, i)),
            "pair_max": (self.pair_max, (p, i)),
            "partner_min": (self.partner_min, (p,)),
            "partner_max": (self.partner_max, (p,)),
            "instrument_min": (self.instrument_min, (i,)),
            "instrument_max": (self.instrument_max, (i,)),
            "escalation": (self.escalation, (p, i)),
            "dependency": (self.dependency, (p,)),
            "opposition": (self.opposition, (p,)),
        }
        for name, (arr, shape) in checks.items():
            if arr is not None and arr.shape != shape:
                raise InvalidValueError(f"{name} has shape {arr.shape}; expected {shape}")

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.partners), len(self.instruments), len(self.years)

    def weights(self) -> np.ndarray:
        """[I,T] what one million spent in year t is worth at the horizon: the instrument's decay."""
        t = len(self.years)
        age = np.arange(t - 1, -1, -1, dtype=float)
        hl = np.array([INSTRUMENTS[n].half_life for n in self.instruments])
        return np.power(2.0, -age[None, :] / hl[:, None])

    def label(self, ccode: int) -> str:
        return self.labels.get(ccode, str(ccode))

    def arr(self, name: str, fill: float) -> np.ndarray:
        """The array field ``name`` or a full one of ``fill`` in its shape."""
        p, i, t = self.shape
        shapes = {
            "budget_year": (t,),
            "priority": (p,),
            "commitments": (p, i, t),
            "pair_min": (p, i),
            "pair_max": (p, i),
            "partner_min": (p,),
            "partner_max": (p,),
            "instrument_min": (i,),
            "instrument_max": (i,),
            "escalation": (p, i),
            "dependency": (p,),
            "opposition": (p,),
        }
        value = getattr(self, name)
        return np.full(shapes[name], fill, dtype=float) if value is None else np.asarray(value, dtype=float)
