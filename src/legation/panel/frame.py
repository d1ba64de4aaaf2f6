"""The `Panel`: a dyad-year or state-year frame that knows what it is and where its columns came from."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from legation.errors import InvalidValueError
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.years import check as check_years

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import pandas as pd

Kind = Literal["dyad", "state"]
System = Literal["cow", "gw"]
Side = Literal["either", "both", "ccode1", "ccode2"]


@dataclass(frozen=True)
class Panel:
    """A dyad-year or state-year frame with its kind, directedness, system and sources.

    Verbs return a new panel with more columns: ``dyad_years(...).add_atop().add_nmc()``. The
    frame itself is `frame` (polars); `to_pandas`, `write` (any format, citations beside it),
    `to_parquet` and `citations` give it out.
    """

    frame: pl.DataFrame
    kind: Kind
    directed: bool
    system: System
    years: tuple[int, int]
    ledger_path: Path
    sources: tuple[Source, ...] = ()
    columns_by_source: dict[str, tuple[str, ...]] = field(default_factory=dict)
    open_ledger: Ledger | None = field(default=None, repr=False, compare=False)
    """The caller's open ledger, when a verb was given one; else each verb opens the file read-only."""

    # giving the frame out -------------------------------------------------------------------

    def to_polars(self) -> pl.DataFrame:
        return self.frame

    def to_pandas(self) -> pd.DataFrame:
        """A pandas frame with pandas' nullable dtypes (Int16, Float64, …), so NA (not covered) stays
        distinct from 0 and `DataFrame.to_stata` accepts it."""
        from legation.ledger.outputs import nullable_pandas

        return nullable_pandas(self.frame)

    def write(
        self,
        path: str | os.PathLike[str],
        *,
        excel: bool = False,
        neutralise: bool | None = None,
        cite: bool = True,
    ) -> list[Path]:
        """Write the frame as CSV, Parquet, Stata, R, Feather or Excel by extension, with its ``.bib``
        and ``datapackage.json`` beside it (``cite``); returns the paths written, the frame's first.
        ``excel`` writes CSV for Excel; ``neutralise`` (default: on for .xlsx and Excel CSV) prefixes
        text that a spreadsheet would run as a formula with ``'``. See `legation.panel.outputs`."""
        from legation.panel.outputs import write

        return write(self, path, excel=excel, neutralise=neutralise, cite=cite)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the frame; its citations go into the file's metadata (key ``legation.citations``)."""
        path = Path(path)
        meta = {"legation.citations": "\n".join(self.citations()), "legation.kind": self.describe()}
        self.frame.write_parquet(path, metadata=meta)
        return path

    def citations(self) -> list[str]:
        """The citation of every dataset that went into the frame, state system first."""
        return [f"{s.citation} [{s.id}, version {s.version}]" for s in self.sources]

    def describe(self) -> str:
        what = "directed dyad-years" if self.kind == "dyad" and self.directed else f"{self.kind}-years"
        if self.kind == "dyad" and not self.directed:
            what = "undirected dyad-years (ccode1 < ccode2)"
        return f"{self.system.upper()} {what}, {self.years[0]}–{self.years[1]}, {self.frame.height:,} rows"

    def __repr__(self) -> str:
        return f"<Panel: {self.describe()}; columns {self.frame.columns}>"

    def __len__(self) -> int:
        return self.frame.height

    # selecting and labelling rows ------------------------------------------------------------

    def filter(
        self,
        *predicates: pl.Expr,
        years: int | tuple[int, int] | None = None,
        states: int | str | Iterable[int | str] | None = None,
        side: Side = "either",
    ) -> Panel:
        """The rows in ``years`` (one year or a span, both ends in), of ``states`` (COW codes, or names
        and ISO3 codes resolved by the ledger) and meeting every polars ``predicates``:
        ``p.filter(pl.col("arms_tiv") > 0, years=(1990, 2000), states="PHL")``. On a dyad panel
        ``side`` says which state must be one of ``states``: ``either`` (default), ``both``,
        ``ccode1`` or ``ccode2``. Sources and citations stay those of the whole panel."""
        keep = list(predicates)
        lo, hi = self.years
        if years is not None:
            first, last = (years, years) if isinstance(years, int) else years
            check_years(int(first), int(last))
            keep.append(pl.col("year").is_between(first, last))
            lo, hi = max(lo, int(first)), min(hi, int(last))
        if states is not None:
            codes = self.codes(states)
            if self.kind == "state":
                keep.append(pl.col("ccode").is_in(codes))
            else:
                one, two = pl.col("ccode1").is_in(codes), pl.col("ccode2").is_in(codes)
                sides = {"either": one | two, "both": one & two, "ccode1": one, "ccode2": two}
                if side not in sides:
                    raise InvalidValueError(f"side {side!r}: use one of {', '.join(sides)}")
                keep.append(sides[side])
        frame = self.frame.filter(*keep) if keep else self.frame
        return replace(self, frame=frame, years=(lo, hi) if lo <= hi else self.years)

    def codes(self, states: int | str | Iterable[int | str]) -> list[int]:
        """COW codes of ``states``: codes as given, names and ISO3 codes resolved by the ledger."""
        given = [states] if isinstance(states, int | str) else list(states)
        out = [s for s in given if isinstance(s, int)]
        if named := [s for s in given if not isinstance(s, int)]:
            with self.ledger() as led:
                resolver = led.resolver()
                for name in named:
                    actor = resolver.resolve(name)
                    if actor.ccode is None:
                        raise InvalidValueError(f"{name!r} is not a state (a group? name its members)")
                    out.append(actor.ccode)
        return out

    def add_names(self) -> Panel:
        """The states' names beside their codes: ``name`` after ``ccode`` on a state panel, ``name1`` and
        ``name2`` after ``ccode1`` and ``ccode2`` on a dyad panel (the COW name of each code)."""
        keys = ["ccode"] if self.kind == "state" else ["ccode1", "ccode2"]
        codes = pl.concat([self.frame[k].cast(pl.Int64) for k in keys]).unique().drop_nulls().to_list()
        with self.ledger() as led:
            resolver = led.resolver()
            names = {int(c): resolver.label(int(c)) for c in codes}
        order: list[str] = []
        for c in self.frame.columns:
            if c in ("name", "name1", "name2"):
                continue
            order.append(c)
            if c in keys:
                order.append("name" + c.removeprefix("ccode"))
        frame = self.frame.with_columns(
            pl.col(k)
            .cast(pl.Int64)
            .replace_strict(names, default=None, return_dtype=pl.String)
            .alias("name" + k.removeprefix("ccode"))
            for k in keys
        )
        return replace(self, frame=frame.select(order))

    # verbs ----------------------------------------------------------------------------------

    def pipe(self, verb: Callable[..., Panel], /, *args: Any, **kwargs: Any) -> Panel:
        """Apply a verb function: ``panel.pipe(add_arms, source="sipri-tiv-360info")``."""
        return verb(self, *args, **kwargs)

    def with_columns(
        self, frame: pl.DataFrame, sources: tuple[Source, ...], added: dict[str, tuple[str, ...]]
    ) -> Panel:
        known = {s.id for s in self.sources}
        return replace(
            self,
            frame=frame,
            sources=self.sources + tuple(s for s in sources if s.id not in known),
            columns_by_source={**self.columns_by_source, **added},
        )

    @contextmanager
    def ledger(self) -> Iterator[Ledger]:
        """The ledger to read from: the caller's open one, or the file opened read-only for the verb."""
        if self.open_ledger is not None and not self.open_ledger.closed:
            yield self.open_ledger
            return
        with Ledger(self.ledger_path, read_only=True) as led:
            yield led

    # the add_* verbs (legation.panel.verbs): each adds one channel's columns, from the ledger -------

    def add_atop(self, *, source: str | None = None) -> Panel:
        """ATOP obligations of ccode1 to ccode2 (0/1): defense, offense, neutrality, non-aggression,
        consultation. NA after 2018 (ATOP 5.1 ends there)."""
        from legation.panel.verbs.attributes import add_atop

        return add_atop(self, source=source)

    def add_nmc(self, *, source: str | None = None) -> Panel:
        """COW National Material Capabilities: milex (thousands USD), milper (thousands), irst, pec, tpop,
        upop, cinc; on dyad panels for both sides (``cinc1``, ``cinc2``). The counts are integers; the
        populations (thousands) and cinc are floats: COW reports a few populations with decimals."""
        from legation.panel.verbs.attributes import add_nmc

        return add_nmc(self, source=source)

    def add_milex(self, *, source: str | None = None) -> Panel:
        """SIPRI military expenditure: current and constant (2022) USD millions, share of GDP and of
        government spending (fractions), per capita."""
        from legation.panel.verbs.attributes import add_milex

        return add_milex(self, source=source)

    def add_igos(self, *, source: str | None = None) -> Panel:
        """COW IGO v3: shared full memberships (``dyadigos``) on dyad panels, counts of memberships
        (full/associate/observer/any) on state panels."""
        from legation.panel.verbs.attributes import add_igos

        return add_igos(self, source=source)

    def add_majors(self, *, source: str | None = None) -> Panel:
        """COW major-power status (1 major, 0 not), for both sides of a dyad."""
        from legation.panel.verbs.attributes import add_majors

        return add_majors(self, source=source)

    def add_contiguity(self, *, source: str | None = None) -> Panel:
        """COW direct contiguity type (``conttype``): 1 land, 2–5 separated by ≤12/24/150/400 miles of
        water, 0 not contiguous."""
        from legation.panel.verbs.attributes import add_contiguity

        return add_contiguity(self, source=source)

    def add_distance(self, *, source: str | None = None) -> Panel:
        """Minimum distance in km between the states on 1 January (CShapes 2.0): ``mindist``."""
        from legation.panel.verbs.attributes import add_distance

        return add_distance(self, source=source)

    def add_rivalries(self, *, source: str | None = None) -> Panel:
        """Strategic rivalries: Thompson–Dreyer (``rivalry_td``) and Thompson–Sakuwa–Suhas
        (``rivalry_tss``), 1 in a rivalry's years. Each list is NA after its own last year."""
        from legation.panel.verbs.attributes import add_rivalries

        return add_rivalries(self, source=source)

    def add_arms(self, *, source: str | None = None, half_life: float | None = None) -> Panel:
        """Arms transfers from ccode1 to ccode2: ``arms_tiv`` (SIPRI TIV flow that year), ``arms_stock``
        (flows decayed with the instrument's half-life, 8 years by default) and ``arms_dependence`` (the
        share of ccode2's decayed arms-import stock that came from ccode1; 0 when it imported none)."""
        from legation.panel.verbs.engagements import add_arms

        return add_arms(self, source=source, half_life=half_life)

    def add_exercises(self, *, source: str | None = None) -> Panel:
        """Joint military exercises of the two states that year: ``exercises`` (count),
        ``exercises_bilateral`` and ``exercises_multilateral``, and for MME counts by domain (land, sea,
        air, amphibious, cyber) and mission (warfighting, peacekeeping, humanitarian)."""
        from legation.panel.verbs.engagements import add_exercises

        return add_exercises(self, source=source)

    def add_troops(self, *, source: str | None = None) -> Panel:
        """US military personnel stationed in ccode2 (``troops``): the year's last report (largest
        when two series report the same date). NA for every actor but the US."""
        from legation.panel.verbs.engagements import add_troops

        return add_troops(self, source=source)

    def add_visits(self, *, source: str | None = None) -> Panel:
        """Senior-leader visits from ccode1 to ccode2 that year (``visits``); NA for actors the source
        does not record (US senior-leader visits: the US only)."""
        from legation.panel.verbs.engagements import add_visits

        return add_visits(self, source=source)

    def add_signals(self, *, source: str | None = None) -> Panel:
        """McManus–Nieman major-power signals from ccode1 (the US, Russia, China, the UK, France) to
        ccode2: visits, exercises, arms (TIV), troops, pacts. NA where ccode1 is not one of the five."""
        from legation.panel.verbs.engagements import add_signals

        return add_signals(self, source=source)

    def add_peacekeeping(self, *, source: str | None = None) -> Panel:
        """Peacekeeping. Dyad panels: ``pk_codeployments``, the UN missions both states sent personnel
        to (IPI's contributor-by-mission file: March 2014 only). State panels: ``pk_personnel``, the
        state's mean monthly UN contribution that year (IPI, 1990–2014)."""
        from legation.panel.verbs.engagements import add_peacekeeping

        return add_peacekeeping(self, source=source)

    def add_events(self, *, source: str | None = None) -> Panel:
        """CAMEO-coded events from ccode1 to ccode2 mapped to instruments: ``events`` (count),
        ``events_goldstein`` (sum of Goldstein weights), ``events_<instrument>`` counts, and
        ``events_negative`` (suspensions, rejections, expulsions). NA outside the event data's years."""
        from legation.panel.verbs.engagements import add_events

        return add_events(self, source=source)

    def add_unga(self, *, source: str | None = None) -> Panel:
        """UN General Assembly voting that year: ``unga_joint`` (roll calls both states voted yes, no or
        abstain on) and ``unga_agree`` (the share of those where they voted alike). Measures that
        weight by chance agreement (S, κ, ideal points) live in `legation.measures`."""
        from legation.panel.verbs.votes import add_unga

        return add_unga(self, source=source)

    def add_mids(self, *, source: str | None = None) -> Panel:
        """COW militarized interstate disputes (MID 5.0, directed): ``mid_ongoing`` and ``mid_onset``
        (0/1), ``mid_initiated`` (ccode1 an originator on side A, the side that acted first),
        ``mid_hostlev`` (ccode1's highest hostility, 1 none … 5 war), ``mid_fatality`` (the dispute's
        fatality level, 0 none … 6 over 999; NA where unknown), ``mid_dispnum``. 0 in a dyad-year with
        no dispute; NA after 2014."""
        from legation.panel.verbs.relations import add_mids

        return add_mids(self, source=source)

    def add_arms_races(self, *, source: str | None = None) -> Panel:
        """Gibler–Rider–Hutchison arms races among rivals: ``arms_race`` (1 in a race's years, else 0);
        NA after 1993."""
        from legation.panel.verbs.relations import add_arms_races

        return add_arms_races(self, source=source)

    def add_peace(self, *, source: str | None = None) -> Panel:
        """The Goertz–Diehl–Balas peace scale (``peace_scale``: 0 serious rivalry … 1 security community,
        the year's mean); NA for pairs without a relationship and outside 1900–2020. Non-commercial
        licence."""
        from legation.panel.verbs.relations import add_peace

        return add_peace(self, source=source)

    def add_trade(self, *, source: str | None = None) -> Panel:
        """COW dyadic trade (directed): ``trade_exports`` from ccode1 to ccode2 and the producers'
        ``trade_exports_smooth``, millions of current USD; NA where COW has no figure, outside
        1870–2014."""
        from legation.panel.verbs.relations import add_trade

        return add_trade(self, source=source)

    def add_democracy(self, *, source: str | None = None) -> Panel:
        """Democracy scores: ``v2x_polyarchy`` (V-Dem, 0–1), ``polity2`` (−10–10), ``xm_qudsest``
        (extended UDS); for both sides on dyad panels (``polity21``, ``polity22``…). NA where a
        measure does not score the state-year."""
        from legation.panel.verbs.relations import add_democracy

        return add_democracy(self, source=source)
