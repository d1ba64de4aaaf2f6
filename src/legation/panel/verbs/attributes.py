"""Verbs for state and dyad attributes: alliances, capabilities, spending, IGOs, major powers,
contiguity, distance and rivalries."""

from __future__ import annotations

import polars as pl

from legation.ledger import reads
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.attach import as_panel
from legation.panel.channels import CHANNELS
from legation.panel.frame import Panel
from legation.panel.verbs.common import Build, add, source_of

NMC = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
MILEX = (
    "milex_current_usd_m",
    "milex_constant2022_usd_m",
    "milex_share_gdp",
    "milex_share_govt",
    "milex_per_capita_usd",
)


def add_atop(panel: Panel, *, source: str | None = None) -> Panel:
    """ATOP obligations of ccode1 to ccode2 (see `Panel.add_atop`)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return reads.obligations(led, src.id, since=p.years[0], until=p.years[1])

    src = source or CHANNELS["alliance"].source
    return add(panel, "add_atop", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def _state_attributes(variables: tuple[str, ...], dtypes: dict[str, pl.DataType] | None = None) -> Build:
    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        out = reads.state_attributes(led, src.id, variables, p.years)
        return out.with_columns(pl.col(c).cast(t) for c, t in (dtypes or {}).items())

    return build


def _dyad_attribute(variable: str, name: str, dtype: pl.DataType) -> Build:
    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        out = reads.dyad_attribute(led, src.id, [variable], p.years, name=name)
        return out.with_columns(pl.col(name).cast(dtype))

    return build


def add_nmc(panel: Panel, *, source: str | None = None) -> Panel:
    """COW National Material Capabilities (see `Panel.add_nmc`)."""
    # population (thousands) is not always whole (Morocco 1912: 4,517.6): only the counts are integers
    ints: dict[str, pl.DataType] = {c: pl.Int32() for c in NMC if c not in ("cinc", "tpop", "upop")}
    src = source or CHANNELS["capabilities"].source
    return add(panel, "add_nmc", src, _state_attributes(NMC, ints), level="state", fill=None)


def add_milex(panel: Panel, *, source: str | None = None) -> Panel:
    """SIPRI military expenditure (see `Panel.add_milex`)."""
    src = source or CHANNELS["milex"].source
    return add(panel, "add_milex", src, _state_attributes(MILEX), level="state", fill=None)


def add_igos(panel: Panel, *, source: str | None = None) -> Panel:
    """COW IGO memberships (see `Panel.add_igos`)."""
    panel = as_panel(panel, "add_igos")
    src = source or CHANNELS["igos"].source
    if panel.kind == "state":
        names = ("igo_full", "igo_associate", "igo_observer", "igo_anytype")
        return add(panel, "add_igos", src, _state_attributes(names), level="state", fill=None)
    build = _dyad_attribute("igo_shared", "dyadigos", pl.Int16())
    return add(panel, "add_igos", src, build, level="dyad", directed=False, fill=None)


def add_majors(panel: Panel, *, source: str | None = None) -> Panel:
    """COW major-power status (see `Panel.add_majors`)."""
    build = _state_attributes(("major_power",), {"major_power": pl.Int8()})
    return add(panel, "add_majors", source or CHANNELS["majors"].source, build, level="state", fill=0)


def add_contiguity(panel: Panel, *, source: str | None = None) -> Panel:
    """COW direct contiguity type (see `Panel.add_contiguity`)."""
    build = _dyad_attribute("contiguity", "conttype", pl.Int8())
    src = source or CHANNELS["contiguity"].source
    return add(panel, "add_contiguity", src, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_distance(panel: Panel, *, source: str | None = None) -> Panel:
    """Minimum distance between the states (see `Panel.add_distance`)."""
    build = _dyad_attribute("mindist_km", "mindist", pl.Float64())
    src = source or CHANNELS["distance"].source
    return add(panel, "add_distance", src, build, kinds=("dyad",), level="dyad", directed=False, fill=None)


def add_rivalries(panel: Panel, *, source: str | None = None) -> Panel:
    """Strategic rivalries (see `Panel.add_rivalries`)."""
    panel = as_panel(panel, "add_rivalries", kinds=("dyad",))
    src = source or CHANNELS["rivalries"].source
    with panel.ledger() as led:
        source_of(led, src, "add_rivalries")
        last = reads.last_years(led, src)
    for var in ("rivalry_td", "rivalry_tss"):
        panel = add(
            panel,
            "add_rivalries",
            src,
            _dyad_attribute(var, var, pl.Int8()),
            kinds=("dyad",),
            level="dyad",
            directed=False,
            fill=0,
            years=(1816, last.get(var, 1816)),
        )
    return panel
