"""What the model reads from a ledger: the history of excess agreement and of the channel scores.

A `History` holds, for every patron → target pair the UN votes record, the yearly **excess agreement**
of the target with the patron (`legation.measures.alignment.excess`, three-category agreement net of
the patron's mean) and the yearly **influence score** of every research channel
(`legation.measures.influence`, bandwidth × dependence), as dense ``[pair, year]`` arrays: NaN where
the votes do not record the pair, and a channel score NaN outside the channel's coverage, 0 where the
channel covers the patron and the pair has no stock (the validation frame's rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from legation.errors import NeedsDataError, NotFoundError
from legation.ledger.store import Ledger
from legation.measures.influence import DEFAULT_INDEX
from legation.measures.validation import P5, validation_frame
from legation.panel.channels import CHANNELS, INFLUENCE


@dataclass(frozen=True)
class History:
    """Dense yearly arrays of the model's observed variables."""

    pairs: np.ndarray
    """``[n_pairs, 2]`` int: patron and target COW codes, sorted."""
    years: np.ndarray
    """``[n_years]`` consecutive years."""
    excess: np.ndarray
    """``[n_pairs, n_years]`` excess agreement, NaN where unobserved."""
    scores: np.ndarray
    """``[n_channels, n_pairs, n_years]`` channel influence scores, NaN outside coverage."""
    channels: tuple[str, ...]
    index: str = "v1"
    """The influence index the channel scores come from."""

    def col(self, year: int) -> int:
        """The column of ``year``."""
        if not self.years[0] <= year <= self.years[-1]:
            raise NotFoundError(
                f"year {year} is outside the model's data, {self.years[0]}–{self.years[-1]}", what="year"
            )
        return int(year - self.years[0])

    def pair_index(self, patron: int, target: int) -> int:
        """The row of the pair ``patron → target``."""
        hit = np.flatnonzero((self.pairs[:, 0] == patron) & (self.pairs[:, 1] == target))
        if hit.size == 0:
            raise NotFoundError(f"no UN voting record for the pair {patron} → {target}", what="pair")
        return int(hit[0])

    def select(self, rows: np.ndarray) -> History:
        """The history of some pairs only."""
        return History(
            self.pairs[rows], self.years, self.excess[rows], self.scores[:, rows], self.channels, self.index
        )

    def merge(self, other: History) -> History:
        """This history and another of the same years and channels, for pairs it does not hold."""
        if (
            not np.array_equal(self.years, other.years)
            or self.channels != other.channels
            or self.index != other.index
        ):
            raise NeedsDataError("histories of different years or channels cannot be merged")
        have = {(int(a), int(b)) for a, b in self.pairs}
        new = np.array(
            [i for i, (a, b) in enumerate(other.pairs) if (int(a), int(b)) not in have], dtype=np.int64
        )
        if new.size == 0:
            return self
        o = other.select(new)
        pairs = np.vstack([self.pairs, o.pairs])
        order = np.lexsort((pairs[:, 1], pairs[:, 0]))
        return History(
            pairs[order],
            self.years,
            np.vstack([self.excess, o.excess])[order],
            np.concatenate([self.scores, o.scores], axis=1)[:, order],
            self.channels,
            self.index,
        )

    @property
    def last_year(self) -> int:
        """The last year any pair's excess agreement is observed: the default base year."""
        seen = np.flatnonzero(np.isfinite(self.excess).any(axis=0))
        return int(self.years[seen[-1]])


def from_frame(
    frame: pl.DataFrame, channels: Sequence[str], years: tuple[int, int] | None = None, index: str = "v1"
) -> History:
    """A `History` from a long frame ``patron, target, year, excess, score_<channel>…`` over ``years``
    (default: the frame's own first to last year)."""
    if frame.height == 0:
        raise NeedsDataError("no excess agreement to model: import UN votes (`legation data import-dir`)")
    f = frame.with_columns(pl.col("patron", "target", "year").cast(pl.Int64))
    pairs = f.select("patron", "target").unique().sort("patron", "target")
    if years is None:
        years = (int(f["year"].min()), int(f["year"].max()))  # type: ignore[arg-type]
    y0, y1 = years
    f = f.filter(pl.col("year").is_between(y0, y1))
    idx = pairs.with_row_index("_i").join(f, on=["patron", "target"])
    i, j = idx["_i"].to_numpy(), idx["year"].to_numpy() - y0
    shape = (pairs.height, y1 - y0 + 1)
    ex = np.full(shape, np.nan)
    ex[i, j] = idx["excess"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    sc = np.full((len(channels), *shape), np.nan)
    for k, c in enumerate(channels):
        col = f"score_{c}"
        if col in idx.columns:
            sc[k, i, j] = idx[col].cast(pl.Float64).fill_null(np.nan).to_numpy()
    return History(pairs.to_numpy(), np.arange(y0, y1 + 1), ex, sc, tuple(channels), index)


def history(
    led: Ledger,
    years: tuple[int, int] = (1946, 2015),
    patrons: Sequence[int] = P5,
    index: str = DEFAULT_INDEX,
) -> History:
    """The history of every pair of ``patrons`` and the targets the UN votes record, in ``years``, with
    the channel scores of influence index ``index`` (the default index unless asked)."""
    frame = validation_frame(led, years, patrons, index=index, source=CHANNELS["unga"].source)
    return from_frame(frame, list(INFLUENCE), years, index)
