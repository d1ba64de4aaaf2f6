"""Writing a panel: the frame in any format of `legation.ledger.outputs.FORMATS`, what each column
means (Stata variable labels, the data package's field descriptions) and its citations beside it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from legation.instruments import INSTRUMENTS
from legation.ledger import datapackage, outputs
from legation.panel.channels import CHANNELS

if TYPE_CHECKING:
    from legation.panel.frame import Panel

COLUMNS: dict[str, str] = {
    "ccode": "COW (or GW) state code",
    "ccode1": "COW (or GW) code of state 1 (the patron on directed panels)",
    "ccode2": "COW (or GW) code of state 2 (the target on directed panels)",
    "year": "year",
    "atop_defense": "ATOP defence obligation of state 1 to state 2 (0/1)",
    "atop_offense": "ATOP offence obligation of state 1 to state 2 (0/1)",
    "atop_neutral": "ATOP neutrality obligation of state 1 to state 2 (0/1)",
    "atop_nonagg": "ATOP non-aggression obligation of state 1 to state 2 (0/1)",
    "atop_consul": "ATOP consultation obligation of state 1 to state 2 (0/1)",
    "milex": "COW NMC military expenditure, thousands of current USD",
    "milper": "COW NMC military personnel, thousands",
    "irst": "COW NMC iron and steel production, thousands of tons",
    "pec": "COW NMC primary energy consumption, thousands of coal-ton equivalents",
    "tpop": "COW NMC total population, thousands",
    "upop": "COW NMC urban population, thousands",
    "cinc": "COW NMC composite index of national capability (share of the system)",
    "milex_current_usd_m": "SIPRI military expenditure, millions of current USD",
    "milex_constant2022_usd_m": "SIPRI military expenditure, millions of constant 2022 USD",
    "milex_share_gdp": "SIPRI military expenditure as a share of GDP (fraction)",
    "milex_share_govt": "SIPRI military expenditure as a share of government spending (fraction)",
    "milex_per_capita_usd": "SIPRI military expenditure per capita, current USD",
    "dyadigos": "IGOs in which both states are full members (COW IGO v3)",
    "igo_full": "IGOs the state is a full member of (COW IGO v3)",
    "igo_associate": "IGOs the state is an associate member of (COW IGO v3)",
    "igo_observer": "IGOs the state is an observer of (COW IGO v3)",
    "igo_anytype": "IGOs the state belongs to in any capacity (COW IGO v3)",
    "major_power": "COW major power (1) or not (0)",
    "conttype": "COW direct contiguity: 1 land, 2-5 water up to 12/24/150/400 miles, 0 none",
    "mindist": "minimum distance between the states on 1 January, km (CShapes 2.0)",
    "rivalry_td": "strategic rivalry, Thompson-Dreyer (1 in a rivalry year)",
    "rivalry_tss": "strategic rivalry, Thompson-Sakuwa-Suhas (1 in a rivalry year)",
    "arms_tiv": "SIPRI TIV delivered by state 1 to state 2 that year, millions",
    "arms_stock": "arms deliveries of state 1 to state 2, decayed stock (TIV millions)",
    "arms_dependence": "share of state 2's decayed arms-import stock from state 1",
    "exercises": "joint military exercises of the two states that year",
    "exercises_bilateral": "bilateral joint exercises that year",
    "exercises_multilateral": "multilateral exercises both states took part in that year",
    "exercises_land": "joint exercises with a land component",
    "exercises_sea": "joint exercises with a sea component",
    "exercises_air": "joint exercises with an air component",
    "exercises_amphibious": "joint amphibious exercises",
    "exercises_cyber": "joint cyber exercises",
    "exercises_warfighting": "joint warfighting exercises",
    "exercises_peacekeeping": "joint peacekeeping exercises",
    "exercises_humanitarian": "joint humanitarian exercises",
    "troops": "US military personnel stationed in state 2 (the year's last report)",
    "visits": "senior-leader visits of state 1 to state 2 that year",
    "mn_visit": "McManus-Nieman: visit signal of state 1 to state 2",
    "mn_exercise": "McManus-Nieman: joint exercise signal",
    "mn_arms_tiv": "McManus-Nieman: arms transfers (TIV)",
    "mn_troops": "McManus-Nieman: troops signal",
    "mn_pact": "McManus-Nieman: defence pact signal",
    "pk_codeployments": "UN missions both states sent personnel to (IPI, March 2014)",
    "pk_personnel": "mean monthly UN peacekeeping personnel contributed that year (IPI)",
    "events": "CAMEO events from state 1 to state 2 that year",
    "events_goldstein": "sum of the Goldstein weights of those events",
    "events_negative": "events suspending, rejecting or expelling",
    "unga_joint": "UNGA roll calls on which both states voted yes, no or abstain",
    "unga_agree": "share of those roll calls on which they voted alike",
}
"""What each panel column means; a column not here is described by its channel (`CHANNELS`)."""


def describe(panel: Panel) -> dict[str, str]:
    """A description of every column of ``panel``: outside a source's coverage a value is NA."""
    by_column = {c: sid for sid, cols in panel.columns_by_source.items() for c in cols}
    return {c: _describe(c, by_column.get(c)) for c in panel.frame.columns}


def _describe(column: str, source: str | None) -> str:
    if column in COLUMNS:
        text = COLUMNS[column]
    elif column[-1:] in ("1", "2") and column[:-1] in COLUMNS:
        text = f"{COLUMNS[column[:-1]]}, of state {column[-1]}"
    elif column.startswith("events_") and column[7:] in INSTRUMENTS:
        text = f"CAMEO events from state 1 to state 2 mapped to {column[7:]}"
    else:
        docs = [ch.doc for ch in CHANNELS.values() if source in ch.sources]
        text = docs[0] if docs else column
    return f"{text} [{source}]" if source else text


def write(
    panel: Panel,
    path: str | os.PathLike[str],
    *,
    excel: bool = False,
    neutralise: bool | None = None,
    cite: bool = True,
) -> list[Path]:
    """Write the panel in the format its extension names, and (``cite``) its ``.bib`` and
    ``datapackage.json`` beside it; returns every path written, the panel's first."""
    descriptions = describe(panel)
    meta = {"legation.citations": "\n".join(panel.citations()), "legation.kind": panel.describe()}
    out = outputs.write(
        panel.frame,
        path,
        descriptions=descriptions,
        title=panel.describe(),
        excel=excel,
        neutralise=neutralise,
        metadata=meta,
    )
    if not cite:
        return [out]
    return [
        out,
        *datapackage.write(
            out, panel.frame, panel.sources, descriptions=descriptions, title=panel.describe()
        ),
    ]
