"""The UN General Assembly verb: joint roll calls and raw agreement per pair of states."""

from __future__ import annotations

import numpy as np
import polars as pl

from legation.ledger import reads
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.channels import CHANNELS
from legation.panel.frame import Panel
from legation.panel.verbs.common import add
from legation.panel.votes import vote_matrix


def add_unga(panel: Panel, *, source: str | None = None) -> Panel:
    """UN General Assembly voting (see `Panel.add_unga`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return agreement(reads.yearly_votes(led, src.id, p.years))

    src = source or CHANNELS["unga"].source
    return add(panel, "add_unga", src, build, kinds=("dyad",), level="dyad", directed=False, fill=None)


def agreement(votes: pl.DataFrame) -> pl.DataFrame:
    """Per year and unordered pair: roll calls both voted on and the share voted alike (matrix products)."""
    out = []
    for (year,), g in votes.group_by("year"):
        states, m = vote_matrix(g)
        voted = (m > 0).astype(np.float32)
        joint = voted @ voted.T
        same = sum(((m == k).astype(np.float32) @ (m == k).astype(np.float32).T) for k in (1, 2, 3))
        i, j = np.triu_indices(states.size, k=1)
        n = joint[i, j]
        keep = n > 0
        out.append(
            pl.DataFrame(
                {
                    "ccode1": states[i][keep],
                    "ccode2": states[j][keep],
                    "year": np.full(keep.sum(), year),
                    "unga_joint": n[keep].astype(np.int32),
                    "unga_agree": (same[i, j][keep] / n[keep]).astype(np.float64),
                }
            )
        )
    if not out:
        return pl.DataFrame(
            schema={
                "ccode1": pl.Int64,
                "ccode2": pl.Int64,
                "year": pl.Int64,
                "unga_joint": pl.Int32,
                "unga_agree": pl.Float64,
            }
        )
    return pl.concat(out)
