"""Parsers for single engagement fields, shared by the pydantic model and the bulk importer.

Each parser takes the text a user wrote and returns the stored value or raises ValueError with a
message fit to show next to the file, row and field. The bulk importer applies them to the
*distinct* values of a column and joins the results back, so both paths apply the same rules.
"""

from __future__ import annotations

import calendar
import json
import math
import re
from datetime import date
from enum import StrEnum

from legation.errors import InvalidValueError
from legation.instruments import INSTRUMENTS, NAMES, Unit
from legation.years import LAST_YEAR

FIRST_DATE_YEAR = 1800
"""The earliest year of a date in an engagement file (dates run to `legation.years.LAST_YEAR`)."""

NUMBER = r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))"
"""A number as engagement files write it: ASCII digits only (no ``1_000``, no Arabic-Indic or
fullwidth digits), the same rule for CSV, Parquet text columns and YAML."""
_NUMBER = re.compile(NUMBER)


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_SLASHED = re.compile(r"[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}")


def parse_date(text: str, *, end: bool = False) -> tuple[date, Precision]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → (date, precision).

    A start date is the first day of its period; an end date (``end=True``) the last, so that
    "2014" as an end covers the whole year.
    """
    s = text.strip()
    m = _ISO.fullmatch(s)
    if not m:
        if _SLASHED.fullmatch(s):
            raise InvalidValueError("ambiguous date: day and month order is unclear; write YYYY-MM-DD")
        raise InvalidValueError("not a date: expected YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    check_year(y)
    if mo is None:
        return (date(y, 12, 31) if end else date(y, 1, 1)), Precision.YEAR
    month = int(mo)
    if not 1 <= month <= 12:
        raise InvalidValueError(f"month {month} does not exist")
    if d is None:
        last = calendar.monthrange(y, month)[1]
        return date(y, month, last if end else 1), Precision.MONTH
    try:
        return date(y, month, int(d)), Precision.DAY
    except ValueError:
        raise InvalidValueError(f"day {int(d)} does not exist in {y}-{month:02d}") from None


def check_year(y: int) -> None:
    """Refuse a date's year outside 1800–`LAST_YEAR`."""
    if y < FIRST_DATE_YEAR:
        raise InvalidValueError(f"year before {FIRST_DATE_YEAR} is outside the state system")
    if y > LAST_YEAR:
        raise InvalidValueError(f"year after {LAST_YEAR} is outside the years legation accepts")


def number(value: object) -> float:
    """A number from a file: a float or int as given, text only in ASCII digits (`NUMBER`);
    negative zero becomes zero, so that -0.0 and 0 are one value (and one id)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidValueError("not a number")
    if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
        raise InvalidValueError("not a number")
    try:
        return float(value) + 0.0
    except (OverflowError, ValueError):
        raise InvalidValueError("not a number") from None


def parse_instrument(text: str) -> str:
    name = text.strip().lower()
    if name not in INSTRUMENTS:
        raise InvalidValueError(f"unknown instrument; expected one of: {', '.join(NAMES)}")
    return name


def parse_unit(text: str | None, instrument: str, has_magnitude: bool) -> str:
    """The unit, checked against the instrument; defaulted when unambiguous."""
    inst = INSTRUMENTS[instrument]
    if text is None or not text.strip():
        if len(inst.units) == 1 or not has_magnitude:
            return inst.default_unit.value
        allowed = ", ".join(u.value for u in inst.units)
        raise InvalidValueError(f"a magnitude needs a unit for {instrument}: one of {allowed}")
    unit = text.strip().lower()
    if unit not in Unit.__members__.values():
        raise InvalidValueError(f"unknown unit; expected one of: {', '.join(u.value for u in Unit)}")
    if unit not in inst.units:
        allowed = ", ".join(u.value for u in inst.units)
        raise InvalidValueError(f"unit {unit} does not measure {instrument}; use one of: {allowed}")
    return unit


def parse_magnitude(value: object) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    x = number(value)
    if not math.isfinite(x):
        raise InvalidValueError("magnitude must be finite")
    if x < 0:
        raise InvalidValueError("magnitude must not be negative; record withdrawals with polarity -1")
    return x


_POLARITY = {"+1": 1, "1": 1, "+": 1, "-1": -1, "-": -1}


def parse_polarity(value: object) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    key = str(int(value)) if isinstance(value, int | float) and float(value).is_integer() else str(value)
    key = key.strip()
    if key not in _POLARITY:
        raise InvalidValueError("polarity must be +1 (cooperation) or -1 (suspension, expulsion)")
    return _POLARITY[key]


def parse_confidence(value: object) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1.0
    x = number(value)
    if not 0.0 <= x <= 1.0:
        raise InvalidValueError("confidence must lie between 0 and 1")
    return x


def parse_kind(value: object) -> str | None:
    if value is None or not str(value).strip():
        return None
    kind = str(value).strip().lower()
    if kind not in ("state", "group", "nonstate"):
        raise InvalidValueError("kind must be state, group or nonstate")
    return kind


def parse_details(text: str) -> str:
    """Source-specific fields: the JSON text of one object, kept as written (an export carries
    them, so that importing it again changes nothing)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidValueError("details must be the JSON text of an object") from None
    if not isinstance(value, dict):
        raise InvalidValueError("details must be the JSON text of an object")
    return text
