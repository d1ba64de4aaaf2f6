"""Dyad-year and state-year panels with ``add_*`` verbs for every channel, built from the ledger.

    from legation import panel
    p = panel.dyad_years(years=(1990, 2015)).add_atop().add_nmc().add_arms()
    p.to_polars(); p.to_pandas(); p.citations(); p.to_parquet("panel.parquet")

Values outside a source's coverage (its years, or the actors it records) are NA, never 0. Which
source a channel reads lives in the channel registry, `legation.panel.channels`.
"""

from legation.errors import PanelError
from legation.panel.build import dyad_years, from_frame, state_years
from legation.panel.frame import Panel
from legation.panel.stocks import decayed
from legation.panel.verbs import VERBS
from legation.panel.verbs.attributes import (
    add_atop,
    add_contiguity,
    add_distance,
    add_igos,
    add_majors,
    add_milex,
    add_nmc,
    add_rivalries,
)
from legation.panel.verbs.engagements import (
    add_arms,
    add_events,
    add_exercises,
    add_peacekeeping,
    add_signals,
    add_troops,
    add_visits,
)
from legation.panel.verbs.relations import add_arms_races, add_democracy, add_mids, add_peace, add_trade
from legation.panel.verbs.votes import add_unga, agreement

__all__ = [
    "VERBS",
    "Panel",
    "PanelError",
    "add_arms",
    "add_arms_races",
    "add_atop",
    "add_contiguity",
    "add_democracy",
    "add_distance",
    "add_events",
    "add_exercises",
    "add_igos",
    "add_majors",
    "add_mids",
    "add_milex",
    "add_nmc",
    "add_peace",
    "add_peacekeeping",
    "add_rivalries",
    "add_signals",
    "add_trade",
    "add_troops",
    "add_unga",
    "add_visits",
    "agreement",
    "decayed",
    "dyad_years",
    "from_frame",
    "state_years",
]
