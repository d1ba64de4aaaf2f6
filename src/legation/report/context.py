"""What every brief of one ledger shares, computed once: the influence index, national scores, arms
dependency, excess UN alignment with the major powers, state names and the data's vintage.

A batch of thirty briefs, or the API serving many, passes one `Context` so each frame is computed
once; a single brief makes its own. Frames are computed on first use from the ledger handed in, and
the context keeps no ledger open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl

from legation.errors import NeedsDataError
from legation.groups import majors
from legation.ledger import imports_log, reads
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.measures import influence_v2, profiles, scores
from legation.measures.alignment import dyad_alignment, excess
from legation.panel.channels import CHANNELS, basis

T = TypeVar("T")


@dataclass
class Context:
    """Lazily computed, shared frames of one ledger (see the module docstring)."""

    _cache: dict[str, Any] = field(default_factory=dict)

    def _get(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self._cache:
            self._cache[key] = compute()
        value: T = self._cache[key]
        return value

    def names(self, led: Ledger) -> pl.DataFrame:
        """``ccode, abb, name, first_year, last_year`` of every COW state."""
        return self._get("names", lambda: reads.state_names(led))

    def name(self, led: Ledger, ccode: int) -> str:
        """A state's COW name."""
        names = self._get("name_map", lambda: dict(self.names(led).select("ccode", "name").iter_rows()))
        return str(names.get(ccode) or led.resolver().label(ccode))

    def basis(self, led: Ledger) -> str:
        """``research`` or ``ledger``: what the influence index stands on."""
        return self._get("basis", lambda: basis(led))

    def influence(self, led: Ledger) -> pl.DataFrame:
        """The composite influence of every patron on every target and year (`profiles.influence`);
        empty when the ledger holds nothing to compute it from."""

        def compute() -> pl.DataFrame:
            try:
                return profiles.influence(led)[0]
            except NeedsDataError:
                return pl.DataFrame(
                    schema={"patron": pl.Int32, "target": pl.Int32, "year": pl.Int32, "influence": pl.Float64}
                )

        return self._get("influence", compute)

    def index_years(self, led: Ledger) -> tuple[int, int] | None:
        """First and last year of the influence index (None when it is empty)."""
        frame = self.influence(led)
        if frame.height == 0:
            return None
        lo, hi = frame.select(pl.col("year").min().alias("lo"), pl.col("year").max().alias("hi")).row(0)
        return int(lo), int(hi)

    def outward(self, led: Ledger) -> pl.DataFrame:
        """``patron, year, outward, targets, score_<channel>…``: influence summed over targets."""
        return self._get("outward", lambda: profiles.outward(self.influence(led)))

    def exposure(self, led: Ledger) -> pl.DataFrame:
        """``target, year, exposure``: influence summed over patrons."""
        return self._get("exposure", lambda: inf.exposure(self.influence(led)))

    def channel_scores(self, led: Ledger) -> pl.DataFrame:
        """``patron, target, year, channel, stock, bandwidth, dependence, score`` over the index years,
        every research channel (those the default index weights 0 too), scored as the index scores."""
        years = self.index_years(led)

        def compute() -> pl.DataFrame:
            if years is None or self.basis(led) != "research":
                return pl.DataFrame()
            if inf.DEFAULT_INDEX == "v2":
                return influence_v2.channel_scores(led, years)
            return inf.channel_scores(led, years)

        return self._get("channel_scores", compute)

    def national(self, led: Ledger) -> pl.DataFrame | None:
        """Defence-network scores of every state-year of the index (None without the research data)."""
        years = self.index_years(led)

        def compute() -> pl.DataFrame | None:
            if years is None or self.basis(led) != "research":
                return None
            return scores.defence_networks(led, years)

        return self._get("national", compute)

    def power_gap(self, led: Ledger) -> pl.DataFrame | None:
        """``ccode, year, outward, cinc, expected, power_gap`` (None without capabilities data)."""
        years = self.index_years(led)

        def compute() -> pl.DataFrame | None:
            if years is None or not reads.has_data(led, [CHANNELS["capabilities"].source]):
                return None
            return scores.power_gap(led, self.influence(led), years)

        return self._get("power_gap", compute)

    def arms(self, led: Ledger) -> pl.DataFrame | None:
        """`profiles.all_arms_dependency`: the arms-import concentration of every state-year."""
        return self._get("arms", lambda: profiles.all_arms_dependency(led))

    def excess(self, led: Ledger, years: tuple[int, int]) -> pl.DataFrame:
        """``patron, target, year, agree3, mean_patron, excess`` with a major power as patron: how much
        more the target agrees with it at the UN than the average state does (empty without votes)."""

        def compute() -> pl.DataFrame:
            votes = CHANNELS["unga"].source
            if not reads.has_roll_calls(led, votes):
                return pl.DataFrame()
            big = list(majors())  # each major's pairs with every state: its mean, so its excess, is exact
            pairs = dyad_alignment(led, years=years, source=votes, involving=big)
            return excess(pairs).filter(pl.col("patron").is_in(big))

        return self._get(f"excess{years}", compute)

    def vintage(self, led: Ledger) -> str:
        """The last import into the ledger and the latest year any of its sources covers."""

        def compute() -> str:
            log = imports_log.imports(led)
            ends = [s.coverage_end for s in led.registered(list(reads.source_rows(led))) if s.coverage_end]
            last = f"; sources reach {max(ends)}" if ends else ""
            if log.height == 0:
                return f"ledger without imports{last}"
            when = str(log["finished_at"].max())[:10]
            return f"ledger last imported {when}{last}"

        return self._get("vintage", compute)
