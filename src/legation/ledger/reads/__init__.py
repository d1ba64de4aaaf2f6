"""Typed reads of the ledger for the layers above it: the only SQL outside the ledger's own writes.

Panels, measures and faces never name a table or write a query; they call these functions, which
take a `Ledger` and return polars frames (or plain values) with documented columns. Source ids come
from the caller (the channel registry, `legation.panel.channels`), never from here. Codes come back
as the ledger stores them; callers cast to the widths they need.
"""

from legation.ledger.reads._frame import Years
from legation.ledger.reads.attributes import (
    OBLIGATIONS,
    dyad_attribute,
    dyad_attributes,
    last_years,
    obligations,
    state_attribute,
    state_attributes,
)
from legation.ledger.reads.engagements import (
    codeployments,
    dyad_engagements,
    engagement_counts,
    engagement_page,
    event_rows,
    exercise_counts,
    exercise_rows,
    flows,
    inflows,
    largest_by_instrument,
    last_reports,
    mean_by_actor,
    positive_counts,
)
from legation.ledger.reads.states import (
    engagement_years,
    has_data,
    recording_sources,
    rows_by_table,
    source_exists,
    source_rows,
    sources_with_rows,
    state_names,
)
from legation.ledger.reads.votes import (
    has_roll_calls,
    votes,
    yearly_votes,
)

__all__ = [
    "OBLIGATIONS",
    "Years",
    "codeployments",
    "dyad_attribute",
    "dyad_attributes",
    "dyad_engagements",
    "engagement_counts",
    "engagement_page",
    "engagement_years",
    "event_rows",
    "exercise_counts",
    "exercise_rows",
    "flows",
    "has_data",
    "has_roll_calls",
    "inflows",
    "largest_by_instrument",
    "last_reports",
    "last_years",
    "mean_by_actor",
    "obligations",
    "positive_counts",
    "recording_sources",
    "rows_by_table",
    "source_exists",
    "source_rows",
    "sources_with_rows",
    "state_attribute",
    "state_attributes",
    "state_names",
    "votes",
    "yearly_votes",
]
