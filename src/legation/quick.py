"""One-liners in the spirit of troopdata and peacesciencer: one channel's values for the states you
name, as a tidy polars frame with names beside the codes, from the default ledger or one you give.

    import legation
    legation.troops(host="JPN", years=(1990, 2020))          # US troops in Japan, by year
    legation.arms(supplier="RUS", recipient="IND")           # SIPRI TIV flows and decayed stocks
    legation.alliances("PHL", years=2010)                   # ATOP obligations of the Philippines

Each is a dyad-year panel with one verb added (`legation.panel`), so values outside the source's
coverage are NA, never 0; the years default to the source's coverage. ``to_pandas()`` on the result
gives pandas.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING

import polars as pl

from legation.errors import NeedsDataError, NotFoundError
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel import Panel, dyad_years, from_frame, state_years
from legation.panel.channels import CHANNELS, window
from legation.years import check, panel_years

if TYPE_CHECKING:
    from collections.abc import Iterator

LedgerLike = Ledger | str | os.PathLike[str] | None
States = int | str | Iterable[int | str] | None
Years = int | tuple[int, int] | None


def troops(host: States = None, years: Years = None, *, ledger: LedgerLike = None) -> pl.DataFrame:
    """Troops the US stations in each ``host`` (default: every state), by year: ``ccode, name, year,
    troops`` (the year's last report); NA where the troop data do not report. ``years``: one year or
    a span, default the troop data's coverage."""
    channel = CHANNELS["basing"]
    with _opened(ledger) as led:
        found = led.registered([channel.source])
        if not found or not found[0].coverage_actors:
            raise NeedsDataError(
                f"no troop data in {led.path}: import them with `legation data import-dir DIR` "
                f"(source {channel.source})"
            )
        src = found[0]
        p = _dyads(led, list(src.coverage_actors or ()), host, _years(years, src)).add_troops()
        frame = p.add_names().frame
    return frame.select(pl.col("ccode2").alias("ccode"), pl.col("name2").alias("name"), "year", "troops")


def arms(
    supplier: States = None, recipient: States = None, years: Years = None, *, ledger: LedgerLike = None
) -> pl.DataFrame:
    """Arms transfers from each ``supplier`` to each ``recipient`` (default: every state), by year:
    ``ccode1, name1, ccode2, name2, year, arms_tiv, arms_stock, arms_dependence`` (see
    `Panel.add_arms`); ``.filter(pl.col("arms_tiv") > 0)`` keeps the years with a delivery."""
    return _channel("arms", Panel.add_arms, supplier, recipient, years, ledger)


def alliances(
    state: States = None, partner: States = None, years: Years = None, *, ledger: LedgerLike = None
) -> pl.DataFrame:
    """ATOP obligations of each ``state`` to each ``partner`` (default: every state), by year:
    ``ccode1, name1, ccode2, name2, year`` and the 0/1 ``atop_*`` columns (see `Panel.add_atop`)."""
    return _channel("alliance", Panel.add_atop, state, partner, years, ledger)


def _channel(
    name: str,
    verb: Callable[[Panel], Panel],
    one: States,
    two: States,
    years: Years,
    ledger: LedgerLike,
) -> pl.DataFrame:
    """A dyad-year frame of ``one`` × ``two`` with the channel's verb added and names beside codes."""
    with _opened(ledger) as led:
        found = led.registered([CHANNELS[name].source])
        p = verb(_dyads(led, one, two, _years(years, found[0] if found else None)))
        return p.add_names().frame


@contextmanager
def _opened(ledger: LedgerLike) -> Iterator[Ledger]:
    if isinstance(ledger, Ledger):
        yield ledger
        return
    with Ledger(ledger, read_only=True) as led:
        yield led


def _years(years: Years, src: Source | None) -> tuple[int, int]:
    """The span asked for, else the source's coverage inside the panels' default years."""
    if years is None:
        return panel_years() if src is None else window(src, panel_years())
    lo, hi = (years, years) if isinstance(years, int) else years
    return check(int(lo), int(hi))


def _dyads(led: Ledger, one: States, two: States, years: tuple[int, int]) -> Panel:
    """Directed dyad-years of ``one`` × ``two`` (None: every state of the system that year)."""
    if one is None and two is None:
        return dyad_years(led, years=years)
    system = state_years(led, years=years)
    sy = system.frame.select("ccode", "year")

    def side(states: States, key: str) -> pl.DataFrame:
        rows = sy if states is None else sy.filter(pl.col("ccode").is_in(system.codes(states)))
        return rows.rename({"ccode": key})

    frame = (
        side(one, "ccode1")
        .join(side(two, "ccode2"), on="year")
        .filter(pl.col("ccode1") != pl.col("ccode2"))
        .select("ccode1", "ccode2", "year")
        .sort("ccode1", "ccode2", "year")
    )
    if frame.height == 0:
        raise NotFoundError(
            f"no pair of these states was in the state system in {years[0]}–{years[1]}", what="dyad"
        )
    return from_frame(frame, led, directed=True)


__all__ = ["alliances", "arms", "troops"]
