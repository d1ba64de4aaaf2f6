"""Default unit costs per instrument (US$ million per unit), each with its public source and year.

They convert recorded engagements (counts, students, troops) into money, so that the optimiser can
weigh an exercise against a training slot. Every plan may override them (``costs:``) and may price
an instrument that has no default here; instruments without a cost get no money. The figures are
US costs; a plan for another patron should give its own where it has them (docs/optimise.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class UnitCost:
    """What one unit of an instrument costs, what the unit is, and where the figure comes from."""

    instrument: str
    musd: float
    unit: str
    source: str
    year: int


DEFAULTS: MappingProxyType[str, UnitCost] = MappingProxyType(
    {
        c.instrument: c
        for c in (
            UnitCost(
                "training",
                0.022,
                "one student trained for a year (IMET-like)",
                "US State Department congressional budget justification: IMET appropriation about "
                "US$111 million in FY2019; DoD reported 5,181 foreign students in December 2019 "
                "(about US$21,000 per student)",
                2019,
            ),
            UnitCost(
                "exercise",
                14.0,
                "one major bilateral exercise",
                "US Department of Defense, July 2018: Ulchi Freedom Guardian (17,500 US troops) "
                "would have cost about US$14 million; major joint exercises 'up to US$20 million or more'",
                2018,
            ),
            UnitCost(
                "military_aid",
                1.0,
                "US$1 million of grant financing (FMF-like)",
                "Foreign Military Financing is appropriated in dollars (State Department "
                "congressional budget justification); the unit is the money itself",
                2023,
            ),
            UnitCost(
                "arms_transfer",
                1.0,
                "US$1 million of financed deliveries (SIPRI TIV taken as US$ million)",
                "SIPRI trend-indicator values are in constant (1990) US$ million of production "
                "cost; financed transfers cost their value",
                2024,
            ),
            UnitCost(
                "hadr",
                31.7,
                "one major military disaster-relief operation",
                "US Department of Defense, December 2013: Operation Damayan (Philippines, Typhoon "
                "Haiyan; 13,400 personnel at peak) cost US$31.7 million in its first four weeks",
                2013,
            ),
            UnitCost(
                "peacekeeping",
                0.017136,
                "one peacekeeper for a year",
                "UN General Assembly reimbursement rate to troop contributors: US$1,428 per person "
                "per month since 1 July 2018",
                2018,
            ),
        )
    }
)
"""The documented defaults; alliance, dca, attache, dialogue, intelligence, basing, covert and
cyber have none (no public per-unit figure we could cite): price them in the plan to allocate them."""


def unit_costs(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """US$ million per unit for every instrument with a default or an override."""
    out = {name: c.musd for name, c in DEFAULTS.items()}
    out.update(overrides or {})
    return out
