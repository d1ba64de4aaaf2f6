"""How much: money (US dollars only; other currencies are not converted), people and units as news
states them. TIV is never stated in news, so it is never extracted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from legation.instruments import INSTRUMENTS, Unit

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_USD = re.compile(
    rf"(?:US ?\$|USD ?|\$)\s?{_NUM}\s?(thousand|million|billion|mn|bn|k|m|b)?\b"
    rf"|\b{_NUM}\s?(thousand|million|billion)? (?:US )?dollars\b",
    re.IGNORECASE,
)
_PEOPLE = re.compile(
    rf"\b{_NUM}\s?(thousand)? (?:\w+ ){{0,2}}?(troops|soldiers|personnel|peacekeepers|police(?:men)?|"
    r"officers|cadets|trainees|marines|sailors|airmen|engineers|medics|staff|servicemen|service members|"
    r"military observers)\b",
    re.IGNORECASE,
)
_UNITS = re.compile(
    rf"(?<![-\w]){_NUM} (?:\w+[- ]?){{0,3}}?(jets|fighters|aircraft|helicopters|tanks|frigates|submarines|"
    r"corvettes|ships|warships|vessels|boats|missiles|howitzers|drones|launchers|systems|vehicles|f-\d+s|rafales|visits|bases|"
    r"exercises)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Magnitude:
    value: float
    unit: Unit
    span: tuple[int, int]


def _number(text: str, scale: str | None) -> float:
    return float(text.replace(",", "")) * _SCALE.get((scale or "").lower(), 1.0)


def find(text: str, instrument: str) -> Magnitude | None:
    """The first amount in ``text`` in a unit that measures ``instrument`` (money before people
    before units of equipment), or None."""
    units = INSTRUMENTS[instrument].units
    if Unit.USD in units and (m := _USD.search(text)):
        amount, scale = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
        value = _number(amount, scale)
        return Magnitude(value, Unit.USD, m.span())
    if Unit.PERSONNEL in units and (m := _PEOPLE.search(text)):
        return Magnitude(_number(m.group(1), m.group(2)), Unit.PERSONNEL, m.span())
    if Unit.COUNT in units and (m := _UNITS.search(text)):
        value = _number(m.group(1), None)
        if not 1800 <= value <= 2100 or "," in m.group(1):  # "2016 exercises" is a year, not a count
            return Magnitude(value, Unit.COUNT, m.span())
    return None
