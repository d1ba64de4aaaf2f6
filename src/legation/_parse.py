"""Small parsers for text from files, the command line and requests."""

from __future__ import annotations

import re

_INTEGER = re.compile(r"-?[0-9]+")


def integer(text: str) -> int | None:
    """The integer ``text`` spells in ASCII digits (an optional leading minus), else None.

    ``str.isdigit`` is not enough: it accepts "²" and other digits ``int`` cannot read.
    """
    return int(text) if _INTEGER.fullmatch(text) else None
