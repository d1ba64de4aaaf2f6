"""How many rows each known release holds, so that the first import of a truncated copy is refused.

A source's later imports are checked against its earlier ones (`base.SHRINK`); a first import has
nothing to compare with. These counts are the rows each importer reads from the files of the
release it targets, counted once on the producers' files (ATOP 5.1, SIPRI's 2024 register…) and
keyed by the files' names without extension, so the CSV and Parquet copies of one release share
them. A file set of another name (a fallback layout, a later release) is not checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

RELEASES: dict[str, tuple[tuple[str, ...], int]] = {
    "cow-system": (("cow_states",), 243),
    "gw-states": (("gw_states",), 216),
    "atop": (("atop5_1a", "atop5_1m"), 3_299),
    "atop-dyad-years": (("atop_alliance",), 273_296),
    "cow-contiguity": (("cow_contdir",), 1_874),
    "cow-igo": (("cow_igo_sy", "cow_igo_ndy"), 933_252),
    "cow-majors": (("majors2016",), 14),
    "cow-mindist": (("cow_mindist",), 952_244),
    "cow-nmc": (("cow_nmc",), 17_121),
    "ipi-peacekeeping": (("tcc_monthly_by_contributor",), 25_657),
    "ipi-peacekeeping-missions": (("tcc_mission_detail_2014-03",), 573),
    "jme": (("jme_v3",), 1_790),
    "mcmanus-nieman": (("individual_signals_dataset",), 9_266),
    "mme": (("mme_v7",), 3_707),
    "rivalries": (("td_rivalries", "tss_rivalries"), 461),
    "sipri-dyad-year-dodl": (("sipri_dyad-year",), 81_335),
    "sipri-milex": (("SIPRI-Milex-data-1949-2023",), 51_678),
    "sipri-tiv-360info": (("sipri-exports-processed",), 21_324),
    "sipri-trade-register": (("trade-register",), 29_515),
    "us-bases": (("basedata",), 414),
    "us-troops": (("troopdata_rebuild_long", "troopdata_rebuild_reports"), 29_629),
    "us-troops-v015": (("troopdata_v015_country_year",), 14_792),
    "us-visits": (("visits",), 377),
    "unvotes": (("un_votes", "un_roll_calls", "un_roll_call_issues"), 882_057),
    "unvotes-voeten": (("UNVotesPublished",), 1_066_613),
    "cow-mid": (("cow_mid_ddydisps",), 10_234),
    "grh-arms-races": (("grh_arms_races",), 71),
    "peace-scale": (("peacedata3.1",), 2_688),
    "democracy-scores": (("ccode_democracy",), 16_731),
    "cow-trade": (("cow_trade_ndy",), 673_654),
}
"""Source id → (the release's file names, rows the importer reads from them)."""


def release_rows(source_id: str, files: Sequence[str | Path]) -> int | None:
    """The rows the known release of ``source_id`` holds, when ``files`` are that release's files."""
    known = RELEASES.get(source_id)
    if known is None or tuple(Path(f).stem for f in files) != known[0]:
        return None
    return known[1]
