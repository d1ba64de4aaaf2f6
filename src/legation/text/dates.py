"""When an engagement happened: absolute and relative dates in a sentence, resolved against the
document's date, with the precision the text gives (day, month or year).

"on 3 March 2016" is a day; "in March" a month of the document's year (of the year before when
the month lies after the document's month and the verb is past); "last year" or "in 2016" a year;
"yesterday" or "on Tuesday" a day counted back from the document date. A sentence that states no
date takes the document's year, at year precision, flagged as not stated.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from legation.ledger.fields import Precision
from legation.years import FIRST_YEAR, LAST_YEAR

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
MONTHS["sept"] = 9
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
}

_ISO = re.compile(r"\b(1[89]\d\d|20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")
_DMY = re.compile(rf"\b(\d{{1,2}}) {_MONTH},? (1[89]\d\d|20\d\d|2100)\b", re.IGNORECASE)
_MDY = re.compile(rf"\b{_MONTH} (\d{{1,2}})(st|nd|rd|th)?,? (1[89]\d\d|20\d\d|2100)\b", re.IGNORECASE)
_MY = re.compile(rf"\b{_MONTH},? (1[89]\d\d|20\d\d|2100)\b", re.IGNORECASE)
_DECADE = re.compile(r"\b(?:the )?(1[89]\d0|20\d0)s\b", re.IGNORECASE)
_YEAR = re.compile(
    r"(?<![\d$€£.,-])\b(1[89]\d\d|20\d\d|2100)\b(?![\d,.]?\d| ?(troops|soldiers|personnel|km|tons?|tonnes))"
)
_MONTH_ONLY = re.compile(
    rf"\b(in|since|from|during|by|until|last|early|late|mid-?|this|next) {_MONTH}\b", re.IGNORECASE
)
_RELATIVE_YEAR = re.compile(r"\b(last|previous|this|next|the following|the coming) year\b", re.IGNORECASE)
_RELATIVE_MONTH = re.compile(r"\b(last|previous|this|next) month\b", re.IGNORECASE)
_AGO = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|a|an|\d+) (year|month|week|day)s? ago\b",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(r"\b(yesterday|today|tomorrow)\b", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"\b(?:on|last|this|next) (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE
)
_FUTURE = re.compile(r"\b(will|would|plans? to|is to|are to|next|upcoming|scheduled)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class When:
    """A resolved date with its precision; ``stated`` False when only the document date gave it."""

    day: date
    precision: Precision
    stated: bool = True

    @property
    def year(self) -> int:
        return self.day.year

    def iso(self) -> str:
        """As the import format writes it: ``2016``, ``2016-03`` or ``2016-03-04``."""
        fmt = {Precision.YEAR: "%Y", Precision.MONTH: "%Y-%m", Precision.DAY: "%Y-%m-%d"}[self.precision]
        return self.day.strftime(fmt)


def _ok(y: int) -> bool:
    return FIRST_YEAR <= y <= LAST_YEAR


def _safe_day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find(text: str, doc_date: date | None) -> When | None:
    """The date a sentence gives for its event (see the module's rules), or None when neither the
    sentence nor the document gives one."""
    for found in (_absolute(text), _relative(text, doc_date)):
        if found is not None:
            return found
    if doc_date is not None:
        return When(date(doc_date.year, 1, 1), Precision.YEAR, stated=False)
    return None


def _absolute(text: str) -> When | None:
    if m := _ISO.search(text):
        d = _safe_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d is not None:
            return When(d, Precision.DAY)
    if m := _DMY.search(text):
        d = _safe_day(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if d is not None and _ok(d.year):
            return When(d, Precision.DAY)
    if m := _MDY.search(text):
        d = _safe_day(int(m.group(4)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if d is not None and _ok(d.year):
            return When(d, Precision.DAY)
    if m := _MY.search(text):
        y = int(m.group(2))
        if _ok(y):
            return When(date(y, MONTHS[m.group(1).lower()], 1), Precision.MONTH)
    if m := _YEAR.search(text):
        y = int(m.group(1))
        if _ok(y):
            return When(date(y, 1, 1), Precision.YEAR)
    if m := _DECADE.search(text):
        return When(date(int(m.group(1)), 1, 1), Precision.YEAR)
    return None


def _relative(text: str, doc: date | None) -> When | None:
    if doc is None:
        return None
    if m := _RELATIVE_YEAR.search(text):
        shift = {"last": -1, "previous": -1, "this": 0}.get(m.group(1).lower(), 1)
        return When(date(doc.year + shift, 1, 1), Precision.YEAR)
    if m := _AGO.search(text):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1).lower()]
        return _ago(doc, n, m.group(2).lower())
    if m := _RELATIVE_MONTH.search(text):
        shift = {"last": -1, "previous": -1, "this": 0}.get(m.group(1).lower(), 1)
        y, mo = divmod(doc.year * 12 + doc.month - 1 + shift, 12)
        return When(date(y, mo + 1, 1), Precision.MONTH)
    if m := _DAY_WORD.search(text):
        shift = {"yesterday": -1, "today": 0}.get(m.group(1).lower(), 1)
        return When(doc + timedelta(days=shift), Precision.DAY)
    if m := _WEEKDAY.search(text):
        back = (doc.weekday() - _WEEKDAYS[m.group(1).lower()]) % 7
        if _FUTURE.search(text):
            return When(doc + timedelta(days=(7 - back) % 7 or 7), Precision.DAY)
        return When(doc - timedelta(days=back or 7), Precision.DAY)
    if m := _MONTH_ONLY.search(text):
        return _month(doc, MONTHS[m.group(2).lower()], m.group(1).lower(), _FUTURE.search(text) is not None)
    return None


def _ago(doc: date, n: int, unit: str) -> When:
    """``n`` years, months, weeks or days before ``doc``."""
    if unit == "year":
        return When(date(doc.year - n, 1, 1), Precision.YEAR)
    if unit == "month":
        y, mo = divmod(doc.year * 12 + doc.month - 1 - n, 12)
        return When(date(y, mo + 1, 1), Precision.MONTH)
    return When(doc - timedelta(days=n * (7 if unit == "week" else 1)), Precision.DAY)


def _month(doc: date, month: int, word: str, future: bool) -> When:
    """A month named without its year: this year's, last year's when it lies ahead in a past-tense
    sentence, next year's when it is behind in a future one."""
    y = doc.year
    if word == "next" or (month < doc.month and future and word != "last"):
        y += 1 if month <= doc.month else 0
    elif word == "last" or (month > doc.month and not future):
        y -= 1
    return When(date(y, month, 1), Precision.MONTH)


_HEAD_DATE = (_ISO, _DMY, _MDY)


def document_date(text: str) -> date | None:
    """A dateline in the first lines of a text ("2016-03-04", "4 March 2016", "March 4, 2016")."""
    head = text[:400]
    found = _absolute_in(head)
    return found.day if found is not None and found.precision is Precision.DAY else None


def _absolute_in(text: str) -> When | None:
    for pattern in _HEAD_DATE:
        if pattern.search(text):
            return _absolute(text)
    return None
