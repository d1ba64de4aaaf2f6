"""The 14 instruments of military diplomacy: definitions, units, direction, decay, CAMEO codes.

Each instrument is a channel through which a patron engages a partner. The vocabulary is shared by
every layer: importers map source records onto it, panels aggregate by it, measures weight it.

Half-lives set how fast an engagement's contribution to an influence stock fades
(stock_t = flow_t + stock_{t-1} * 2**(-1/half_life)). Defaults follow how long each channel's
effect plausibly lasts: treaty commitments and officer education shape relations for a decade,
a single visit or relief mission for a year or two. They are defaults; measures take overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from legation.errors import UnknownNameError, WrongTypeError


class Unit(StrEnum):
    """Units an engagement's magnitude can be measured in."""

    BINARY = "binary"  # present (1) / absent
    COUNT = "count"  # events, units of equipment, visits, bases
    TIV_MUSD = "tiv_musd"  # SIPRI trend-indicator value, millions
    USD = "usd"  # US dollars, current
    PERSONNEL = "personnel"  # people: troops, trainees, police


@dataclass(frozen=True, slots=True)
class CameoCode:
    """A CAMEO event code that records an instrument.

    ``polarity`` is +1 for cooperation and -1 for its withdrawal; ``reversed`` marks codes whose
    CAMEO source is the instrument's partner (0861: the host *receives* peacekeepers).
    """

    code: str
    label: str
    polarity: int = 1
    reversed: bool = False


@dataclass(frozen=True, slots=True)
class Instrument:
    """One channel of military diplomacy."""

    name: str
    definition: str
    units: tuple[Unit, ...]
    directed: bool
    half_life: float
    cameo: tuple[CameoCode, ...] = ()

    @property
    def default_unit(self) -> Unit:
        return self.units[0]


def _i(
    name: str,
    definition: str,
    units: tuple[Unit, ...],
    directed: bool,
    half_life: float,
    *cameo: CameoCode,
) -> Instrument:
    return Instrument(name, definition, units, directed, half_life, tuple(cameo))


U = Unit
_ALL = (
    _i(
        "alliance",
        "Formal treaty of mutual defence, offence, neutrality, non-aggression or "
        "consultation (ATOP provisions).",
        (U.BINARY,),
        False,
        10.0,
    ),
    _i(
        "dca",
        "Defence cooperation agreement: a bilateral framework for defence relations "
        "(logistics, status of forces, technology, access) short of an alliance.",
        (U.BINARY,),
        False,
        8.0,
    ),
    _i(
        "attache",
        "Military attaché or defence section posted by the actor in the partner "
        "state; -1 for expulsion or closure.",
        (U.COUNT, U.BINARY),
        True,
        5.0,
    ),
    _i(
        "dialogue",
        "Mil-to-mil dialogue: senior-leader visits, staff talks, hotlines; actor "
        "visits or initiates, partner hosts.",
        (U.COUNT, U.BINARY),
        True,
        2.0,
        CameoCode("062", "Cooperate militarily"),
        CameoCode("1212", "Reject military cooperation", -1),
    ),
    _i(
        "arms_transfer",
        "Transfer of major conventional arms from supplier (actor) to recipient (partner).",
        (U.TIV_MUSD, U.USD, U.COUNT),
        True,
        8.0,
    ),
    _i(
        "military_aid",
        "Military assistance (grants, loans, financing, economic aid tied to "
        "military support) from donor to recipient.",
        (U.USD,),
        True,
        4.0,
        CameoCode("072", "Provide military aid"),
        CameoCode("1222", "Reject request for military aid", -1),
        CameoCode("1622", "Reduce or stop military assistance", -1),
    ),
    _i(
        "training",
        "Military education, training and exchanges (IMET-like) given by the actor "
        "to the partner's personnel.",
        (U.PERSONNEL, U.USD, U.COUNT),
        True,
        10.0,
    ),
    _i(
        "exercise",
        "Joint military exercise among the participants (land, sea, air, cyber; "
        "warfighting, peacekeeping or humanitarian).",
        (U.COUNT, U.PERSONNEL),
        False,
        3.0,
    ),
    _i(
        "intelligence",
        "Intelligence-sharing arrangement or act between the parties.",
        (U.BINARY, U.COUNT),
        False,
        5.0,
        CameoCode("064", "Share intelligence or information"),
    ),
    _i(
        "hadr",
        "Humanitarian assistance and disaster relief delivered by the actor's military in the partner state.",
        (U.PERSONNEL, U.USD, U.COUNT),
        True,
        2.0,
        CameoCode("073", "Provide humanitarian aid"),
        CameoCode("1223", "Reject request for humanitarian aid", -1),
        CameoCode("1623", "Reduce or stop humanitarian assistance", -1),
    ),
    _i(
        "peacekeeping",
        "Peacekeepers (troops, police, experts) contributed by the actor to an "
        "operation in the partner state.",
        (U.PERSONNEL,),
        True,
        3.0,
        CameoCode("074", "Provide military protection or peacekeeping"),
        CameoCode("0861", "Receive deployment of peacekeepers", reversed=True),
        CameoCode("1224", "Reject request for military protection or peacekeeping", -1),
        CameoCode("1661", "Expel or withdraw peacekeepers", -1, reversed=True),
    ),
    _i(
        "basing",
        "Forces, bases or access rights of the actor on the partner's territory.",
        (U.PERSONNEL, U.COUNT, U.BINARY),
        True,
        5.0,
    ),
    _i(
        "covert",
        "Covert or clandestine military support or action by the actor concerning the partner.",
        (U.BINARY, U.COUNT),
        True,
        3.0,
    ),
    _i(
        "cyber",
        "Military cyber cooperation: shared defence, capacity building, joint operations.",
        (U.BINARY, U.COUNT),
        False,
        3.0,
    ),
)

INSTRUMENTS: MappingProxyType[str, Instrument] = MappingProxyType({i.name: i for i in _ALL})
"""All instruments by name, in canonical order."""

NAMES: tuple[str, ...] = tuple(INSTRUMENTS)

CAMEO: MappingProxyType[str, tuple[Instrument, CameoCode]] = MappingProxyType(
    {c.code: (i, c) for i in _ALL for c in i.cameo}
)
"""CAMEO code (a string: "062", never 62) to the instrument it records."""


def get(name: str) -> Instrument:
    """Return the instrument called ``name`` or raise an `UnknownNameError` listing the valid names."""
    try:
        return INSTRUMENTS[name]
    except KeyError:
        raise UnknownNameError(f"unknown instrument {name!r}; expected one of: {', '.join(NAMES)}") from None


def from_cameo(code: str) -> tuple[Instrument, CameoCode] | None:
    """The instrument a CAMEO event code records, or None when it records none."""
    if not isinstance(code, str):
        raise WrongTypeError(f"CAMEO codes are strings ('062', not 62): quote the code; got {code!r}")
    return CAMEO.get(code)
