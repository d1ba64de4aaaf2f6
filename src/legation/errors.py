"""Exceptions of legation's own, carrying where bad input came from.

Every error a user can cause names the file, the row (1-based data line; the header is line 1 in CSV
files, so the first record is line 2), the field and the offending value. The CLI turns these into one
readable message and a non-zero exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


class LegationError(Exception):
    """Base class of every error legation raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one value of the input."""

    field: str
    value: object
    message: str
    row: int | None = None
    file: str | None = None
    row_label: str = "line"

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"{self.row_label} {self.row}" if self.row is not None else None,
                f"field {self.field!r}" if self.field else None,
            )
            if part
        )
        return f"{where}: {self.message} (value: {self.value!r})"


class InputError(LegationError):
    """Input that cannot be imported; holds every problem found, up to a cap."""

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None, file: str | None = None):
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        self.file = file
        shown = "\n".join(f"  - {p}" for p in self.problems)
        more = self.total - len(self.problems)
        tail = f"\n  … and {more} more" if more > 0 else ""
        head = f"{self.total} problem{'s' if self.total != 1 else ''} in {file or 'input'}"
        super().__init__(f"{head}; nothing was imported:\n{shown}{tail}")

    def renamed(self, old: str, new: str) -> InputError:
        """The same problems with file name ``old`` shown as ``new`` (an upload's own name, say)."""
        problems = [replace(p, file=new) if p.file == old else p for p in self.problems]
        return InputError(problems, total=self.total, file=new if self.file == old else self.file)


class UnknownStateError(LegationError, LookupError):
    """A name or code that resolves to no state, group or declared non-state actor."""

    def __init__(
        self,
        name: object,
        suggestions: Sequence[str] = (),
        when: object = None,
        *,
        reason: str | None = None,
    ):
        self.name = name
        self.suggestions = list(suggestions)
        self.when = when
        self.reason = reason
        why = f": {reason}" if reason else ""
        hint = f"; closest: {', '.join(self.suggestions)}" if self.suggestions else ""
        at = f" on {when}" if when is not None else ""
        super().__init__(f"unknown state or actor {name!r}{at}{why}{hint}")


class LedgerError(LegationError):
    """The ledger file cannot be used as asked (locked, newer schema, missing)."""


class LedgerLocked(LedgerError):
    """Another process (or connection) holds the ledger file in a way that excludes this one."""


class SchemaVersionError(LedgerError):
    """The ledger was written by a newer legation than this one."""


class LedgerDamaged(LedgerError):
    """The file is not a ledger legation can read: truncated or corrupt, not a DuckDB file at all, or
    changed outside legation (a table dropped, a schema version that is not a number)."""


class LedgerReadOnly(LedgerError):
    """The ledger (or the folder it goes in) cannot be written: a read-only file system, or no
    permission."""


class LedgerFull(LedgerError):
    """The disk holding the ledger filled up: what was being written was rolled back."""


class InvalidValueError(LegationError, ValueError):
    """A value that breaks one of legation's rules (a date, a unit, a membership spell, a source id…).

    A `ValueError` too, so pydantic reports it as a validation error of the field it came from.
    """


class UnknownNameError(LegationError, KeyError):
    """A name with no entry in one of legation's registries (an instrument, a group, an importer);
    the message lists the known names. A `KeyError` too, for callers that look names up."""

    def __str__(self) -> str:
        # KeyError's own str() quotes its message as if it were the missing key
        return str(self.args[0]) if self.args else ""


class ImporterError(LegationError):
    """An importer returned rows that break its contract with the ledger (a bug in legation or in a
    plug-in importer, not bad data): report it with the source id and the message."""


class WrongTypeError(LegationError, TypeError):
    """A value of the wrong type where legation cannot guess the intended one (a CAMEO code given
    as a number loses its leading zero)."""


class PanelError(LegationError, ValueError):
    """A panel verb given a frame it cannot work on (wrong kind, missing keys, duplicate rows), or a
    channel the ledger cannot supply."""


class MeasureError(LegationError, ValueError):
    """A measure given input it cannot use (a bad edge or influence frame, an unknown option)."""


class NeedsDataError(LedgerError, LookupError):
    """The ledger lacks the data a question needs; the message says what to import."""


class NotFoundError(LegationError, LookupError):
    """Something asked for by name is not in the ledger (a channel, an import, a source); ``what``
    names the kind of thing, for faces that report it (``channel``)."""

    def __init__(self, message: str, *, what: str = "thing"):
        super().__init__(message)
        self.what = what
