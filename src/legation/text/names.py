"""The gazetteer: how news writes states and groups — names, demonyms, capitals, institutions.

Each line of `gazetteer.txt` is a resolver query (``iso3:USA``, ``cow:365``, a group id, or a
name whose code depends on the date, such as ``Germany``) and the surface forms, case-sensitive,
that stand for it. A form never names two parties; ambiguous words ("Georgia" aside) are left out
rather than guessed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def table() -> dict[str, tuple[str, ...]]:
    """Resolver query → the surface forms that name it (`gazetteer.txt`, one query a line)."""
    out: dict[str, tuple[str, ...]] = {}
    text = (resources.files("legation.text") / "gazetteer.txt").read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            query, *forms = line.split("|")
            out[query] = tuple(forms)
    return out


NOT_A_PARTY: tuple[str, ...] = (
    "NGO",
    "NGOs",
    "charity",
    "charities",
    "Red Cross",
    "Red Crescent",
    "company",
    "firm",
    "embassy staff",
    "Doctors Without Borders",
    "Médecins Sans Frontières",
    "MSF",
    "Oxfam",
    "Save the Children",
)
"""Words after a demonym that make it a private or non-state party ("a French charity")."""
