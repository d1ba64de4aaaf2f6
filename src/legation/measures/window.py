"""The usable window of the influence index on a ledger: the years its channels cover.

Outside a channel's coverage its score is NA, not 0; a composite computed there stands on fewer
channels and jumps where one channel's data end (China's alliance score vanishing when ATOP ends).
So the faces that draw or print the index over time (the contest in the CLI, the API and the
dashboard) show only the years this module computes, from the channel registry's coverage, and say
which channel bounds them.

- **research** basis: the years every research channel of the index covers (`common_years`);
- **ledger** basis: from the first to the last year the ledger's instruments cover (`span`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from legation.errors import InvalidValueError, NeedsDataError
from legation.ledger.store import Ledger
from legation.panel.channels import INFLUENCE, Basis, basis, common_years, ledger_channels, span
from legation.years import VIEW_YEARS

NO_ENGAGEMENTS = (
    "the ledger has no engagements; import some (`legation import FILE`), or use the demo's ledger, built "
    "from the curated sample (`legation demo --no-serve` prints its --db)"
)


@dataclass(frozen=True)
class Window:
    """The years the index may be shown for (``first``–``last``, inside ``covers``, the whole usable
    window on the ledger), its basis, and the channels whose data start or end bound it."""

    first: int
    last: int
    basis: Basis
    covers: tuple[int, int]
    starts: tuple[str, ...] = ()
    """Channels whose data start in ``covers[0]`` (none when the window starts where the views do)."""
    ends: tuple[str, ...] = ()
    """Channels whose data end in ``covers[1]``."""

    @property
    def years(self) -> tuple[int, int]:
        return self.first, self.last

    def note(self, requested: tuple[int, int] | None = None) -> str:
        """One line saying which years the index covers and why; with ``requested``, which of its years
        are left out."""
        lo, hi = self.covers
        before = requested is not None and requested[0] < lo
        after = requested is not None and requested[1] > hi
        why = (
            [f"{', '.join(self.starts)} data start in {lo}"]
            if self.starts and (before or not requested)
            else []
        )
        why += [f"{', '.join(self.ends)} data end in {hi}"] if self.ends and (after or not requested) else []
        if self.basis == "ledger":
            why = ["the years its own engagements' sources cover"]
        shown = f"the index covers {lo}–{hi} on this ledger" + (f" ({'; '.join(why)})" if why else "")
        if requested is None:
            return shown
        cut = [
            f"{a}–{b}" if a < b else str(a)
            for a, b in ((requested[0], lo - 1), (hi + 1, requested[1]))
            if a <= b
        ]
        return f"{', '.join(cut)} not shown: {shown}" if cut else shown


def research_years(led: Ledger) -> tuple[int, int]:
    """The years every research channel of the index covers inside `VIEW_YEARS`."""
    return common_years(led, INFLUENCE, VIEW_YEARS)


def ledger_years(led: Ledger) -> tuple[int, int]:
    """The span every instrument the ledger records covers, from the first to the last year."""
    spans = [s for ch in ledger_channels(led).values() if (s := span(led, ch)) is not None]
    if not spans:
        raise NeedsDataError(NO_ENGAGEMENTS)
    return min(lo for lo, _ in spans), max(hi for _, hi in spans)


def index_window(led: Ledger) -> Window:
    """The whole usable window of the index on this ledger, naming the channels that bound it."""
    b = basis(led)
    if b == "ledger":
        whole = ledger_years(led)
        return Window(*whole, b, whole)
    whole = research_years(led)
    own = {name: common_years(led, [name], VIEW_YEARS) for name in INFLUENCE}
    starts = tuple(n for n, w in own.items() if w[0] == whole[0] > VIEW_YEARS[0])
    ends = tuple(n for n, w in own.items() if w[1] == whole[1] < VIEW_YEARS[1])
    return Window(*whole, b, whole, starts, ends)


def usable(led: Ledger, requested: tuple[int, int] | None = None) -> Window:
    """`index_window` cut to ``requested``; an error naming the usable years when none is left."""
    whole = index_window(led)
    if requested is None:
        return whole
    lo, hi = max(whole.first, requested[0]), min(whole.last, requested[1])
    if lo > hi:
        raise InvalidValueError(
            f"no year of {requested[0]}–{requested[1]} is usable: {whole.note()}; choose years inside it"
        )
    return replace(whole, first=lo, last=hi)
