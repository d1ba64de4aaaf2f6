"""The ``add_*`` verbs, split by family; each is also a method of `Panel` (``panel.add_arms()``).

Every verb reads its channel's default source from the registry (`legation.panel.channels`;
``source=`` picks another of the same kind), checks the panel it is given, and leaves values outside
the source's coverage NA.
"""

from __future__ import annotations

from collections.abc import Callable

from legation.errors import PanelError
from legation.panel.frame import Panel

NAMES: tuple[str, ...] = (
    "add_atop",
    "add_nmc",
    "add_milex",
    "add_igos",
    "add_majors",
    "add_contiguity",
    "add_distance",
    "add_rivalries",
    "add_arms",
    "add_exercises",
    "add_troops",
    "add_visits",
    "add_signals",
    "add_peacekeeping",
    "add_events",
    "add_unga",
    "add_mids",
    "add_arms_races",
    "add_peace",
    "add_trade",
    "add_democracy",
)

VERBS: dict[str, Callable[..., Panel]] = {name: getattr(Panel, name) for name in NAMES}
"""Every verb by name (the CLI's ``--add`` takes the part after ``add_``)."""

ALIASES = {
    "alliances": "atop",
    "capabilities": "nmc",
    "arms_transfers": "arms",
    "votes": "unga",
    "disputes": "mids",
    "peace_scale": "peace",
}
"""Channel names accepted besides each verb's own (``add_<name>``)."""


def verbs_named(text: str) -> list[str]:
    """Verb names from a comma-separated list of channels (``alliances,arms`` or ``all``)."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return list(VERBS)
    out = []
    for n in names:
        verb = f"add_{ALIASES.get(n, n)}"
        if verb not in VERBS:
            known = sorted([v.removeprefix("add_") for v in VERBS] + list(ALIASES))
            raise PanelError(f"unknown channel {n!r}; known: {', '.join(known)}, or all")
        out.append(verb)
    return out
