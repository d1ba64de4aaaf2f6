"""What the data cover, said in words: "no arms data before 1950", "US troop data record only the
United States", "the Republic of Vietnam existed 1954–1975". Read from the channel registry and the
sources' own records, so a brief never shows an uncovered year as a zero."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence

from legation.ledger import reads
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.channels import CHANNELS, registered

LABELS: dict[str, str] = {
    "alliance": "alliance",
    "arms": "arms-transfer",
    "exercise": "military-exercise",
    "basing": "troop-basing",
    "visits": "senior-visit",
    "capabilities": "material-capabilities",
    "unga": "UN General Assembly vote",
    "rivalries": "strategic-rivalry",
    "contiguity": "contiguity",
}
"""How a brief names each channel's data."""


_HELD: weakref.WeakKeyDictionary[Ledger, dict[str, list[Source]]] = weakref.WeakKeyDictionary()
"""`held` per open ledger object: a brief asks for each channel's sources a dozen times. Briefs read
read-only ledgers (the API a cursor per request), so what a ledger object holds does not change."""


def held(led: Ledger, name: str) -> list[Source]:
    """The channel's registered sources that hold rows in this ledger."""
    known = _HELD.setdefault(led, {})
    if name not in known:
        known[name] = [s for s in registered(led, CHANNELS[name]) if reads.has_data(led, [s.id])]
    return known[name]


def statements(led: Ledger, name: str, years: tuple[int, int]) -> list[str]:
    """Where the channel ``name`` has no data inside ``years``: before its first source starts,
    after its last ends, or not at all (saying what to import)."""
    label = LABELS.get(name, name)
    sources = held(led, name)
    if not sources:
        return [f"No {label} data in this ledger: import {CHANNELS[name].source}."]
    starts = [s.coverage_start for s in sources]
    ends = [s.coverage_end for s in sources]
    out = []
    if None not in starts and years[0] < (lo := min(s for s in starts if s is not None)):
        out.append(f"No {label} data before {lo}.")
    if None not in ends and years[1] > (hi := max(e for e in ends if e is not None)):
        out.append(f"No {label} data after {hi}.")
    return out


def actors_note(led: Ledger, name: str, names: dict[int, str]) -> list[str]:
    """Sources of the channel that record only some actors (US troop data: the United States)."""
    out = []
    for s in held(led, name):
        if s.coverage_actors:
            who = ", ".join(names.get(a, str(a)) for a in s.coverage_actors)
            out.append(f"{s.name} records only {who}.")
    return out


def existence(name: str, first: int, last: int, years: tuple[int, int]) -> list[str]:
    """A statement when the state did not exist for part of ``years`` (COW state system)."""
    if first <= years[0] and last >= years[1]:
        return []
    end = "" if last >= 9999 else f"–{last}"
    since = f"from {first}" if not end else f"{first}{end}"
    return [
        f"{name} was a member of the state system {since} (Correlates of War); years outside that span "
        "are not covered, not zero."
    ]


def short(src: Source) -> str:
    """A source's name without its parenthesised details: for source lines under charts."""
    return src.name.split(" (")[0]


def cited(led: Ledger, ids: Iterable[str]) -> list[Source]:
    """The registered sources among ``ids`` that hold data, once each, ordered by name."""
    wanted = sorted({i for i in ids if reads.source_exists(led, i)})
    return sorted(led.registered(wanted), key=lambda s: s.name.lower())


def channel_sources(led: Ledger, names: Sequence[str]) -> list[str]:
    """The ids of the held sources of every channel in ``names``."""
    return [s.id for n in names for s in held(led, n)]


def source_line(led: Ledger, names: Sequence[str], extra: str = "") -> str:
    """A chart's source line: ``extra`` (what was computed), then the ids of the held sources of the
    channels, which the brief's list of sources cites in full under the same ids."""
    ids = list(dict.fromkeys(s.id for n in names for s in held(led, n)))
    data = f"data {', '.join(ids)} (see Sources)" if ids else "the ledger"
    return f"{extra}; {data}" if extra else data
