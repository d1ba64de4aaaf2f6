"""The state × roll-call vote matrix of one year (or issue), which UN agreement measures build on."""

from __future__ import annotations

import numpy as np
import polars as pl


def vote_matrix(votes: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(states, m)``: the sorted state codes of ``votes`` (``ccode, rcid, vote``) and the int8 matrix
    states × roll calls holding each vote (1 yes, 2 abstain, 3 no; 0 where the state did not vote)."""
    states = np.sort(votes["ccode"].unique().to_numpy())
    calls = np.sort(votes["rcid"].unique().to_numpy())
    m = np.zeros((states.size, calls.size), dtype=np.int8)
    rows = np.searchsorted(states, votes["ccode"].to_numpy())
    m[rows, np.searchsorted(calls, votes["rcid"].to_numpy())] = votes["vote"].to_numpy()
    return states, m
