"""Dyad-year and state-year panels with ``add_*`` verbs for every channel, built from the ledger.

    from legation import panel
    p = panel.dyad_years(years=(1990, 2015)).add_atop().add_nmc().add_arms()
    p.to_polars(); p.to_pandas(); p.citations(); p.to_parquet("panel.parquet")

Values outside a source's coverage (its years, or the actors it records) are NA, never 0.
"""

from legation.panel.build import dyad_years, from_frame, state_years
from legation.panel.frame import Panel, PanelError
from legation.panel.verbs import VERBS, agreement, decayed

for _name, _verb in VERBS.items():
    setattr(Panel, _name, _verb)

__all__ = [
    "VERBS",
    "Panel",
    "PanelError",
    "agreement",
    "decayed",
    "dyad_years",
    "from_frame",
    "state_years",
    *VERBS,
]

globals().update(VERBS)
