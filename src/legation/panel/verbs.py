"""The ``add_*`` verbs: each adds one channel's columns to a panel, from the ledger.

Every verb reads one source (``source=`` picks another of the same kind), checks the panel it is
given, and leaves values outside the source's coverage NA. Names follow peacesciencer where it has
the channel (``atop_defense``, ``cinc1``, ``conttype``, ``dyadigos``, ``mindist``); dyad values
of a directed source on an undirected panel come in both directions (``arms_tiv_12``, ``_21``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from legation.errors import LedgerError
from legation.instruments import INSTRUMENTS
from legation.ledger.sources import Source
from legation.ledger.store import Ledger
from legation.panel.attach import Channel, as_panel, attach
from legation.panel.frame import Panel, PanelError


def _source(led: Ledger, source_id: str, verb: str) -> Source:
    try:
        src = led.source(source_id)
    except LedgerError:
        raise PanelError(
            f"{verb} reads source {source_id!r}, which is not in {led.path}; import it with "
            f"`legation data import-dir DIR --only {source_id}`"
        ) from None
    return src


def _years(panel: Panel) -> list[int]:
    return [panel.years[0], panel.years[1]]


def _add(panel_like, verb: str, source_id: str, build, *, kinds=("dyad", "state"), **channel) -> Panel:
    panel = as_panel(panel_like, verb, kinds=kinds)
    with panel.ledger() as led:
        src = _source(led, source_id, verb)
        values = build(led, src, panel)
    return attach(panel, Channel(values, src, **channel), verb)


# alliances ------------------------------------------------------------------------------------

ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def add_atop(panel: Panel, *, source: str = "atop-dyad-years") -> Panel:
    """ATOP obligations of ccode1 to ccode2 (0/1): defense, offense, neutrality, non-aggression,
    consultation. NA after 2018 (ATOP 5.1 ends there)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        flags = ", ".join(
            f"CAST(bool_or(variable = '{f}' AND value > 0) AS TINYINT) AS {f}" for f in ATOP_FLAGS
        )
        return led.query(
            f"SELECT ccode1, ccode2, year, {flags} FROM dyad_attributes WHERE source_id = ? "
            "AND year BETWEEN ? AND ? GROUP BY ALL",
            [src.id, *_years(p)],
        )

    return _add(panel, "add_atop", source, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


# capabilities and state attributes ----------------------------------------------------------------

NMC = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")


def _state_attributes(variables: tuple[str, ...], dtypes: dict[str, pl.DataType] | None = None):
    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        cols = ", ".join(f"max(value) FILTER (variable = '{v}') AS {v}" for v in variables)
        out = led.query(
            f"SELECT ccode, year, {cols} FROM state_attributes WHERE source_id = ? AND year BETWEEN ? AND ? "
            "GROUP BY ALL",
            [src.id, *_years(p)],
        )
        return out.with_columns(pl.col(c).cast(t) for c, t in (dtypes or {}).items())

    return build


def add_nmc(panel: Panel, *, source: str = "cow-nmc") -> Panel:
    """COW National Material Capabilities: milex (thousands USD), milper (thousands), irst, pec, tpop,
    upop, cinc; on dyad panels for both sides (``cinc1``, ``cinc2``)."""
    ints = {c: pl.Int32 for c in NMC if c != "cinc"}
    return _add(panel, "add_nmc", source, _state_attributes(NMC, ints), level="state", fill=None)


def add_milex(panel: Panel, *, source: str = "sipri-milex") -> Panel:
    """SIPRI military expenditure: current and constant (2022) USD millions, share of GDP and of
    government spending (fractions), per capita."""
    names = (
        "milex_current_usd_m",
        "milex_constant2022_usd_m",
        "milex_share_gdp",
        "milex_share_govt",
        "milex_per_capita_usd",
    )
    return _add(panel, "add_milex", source, _state_attributes(names), level="state", fill=None)


def add_igos(panel: Panel, *, source: str = "cow-igo") -> Panel:
    """COW IGO v3: shared full memberships (``dyadigos``) on dyad panels, counts of memberships
    (full/associate/observer/any) on state panels."""
    panel = as_panel(panel, "add_igos")
    if panel.kind == "state":
        names = ("igo_full", "igo_associate", "igo_observer", "igo_anytype")
        return _add(panel, "add_igos", source, _state_attributes(names), level="state", fill=None)
    return _add(
        panel,
        "add_igos",
        source,
        _dyad_attribute("igo_shared", "dyadigos", pl.Int16),
        level="dyad",
        directed=False,
        fill=None,
    )


def add_majors(panel: Panel, *, source: str = "cow-majors") -> Panel:
    """COW major-power status (1 major, 0 not), for both sides of a dyad."""
    return _add(
        panel,
        "add_majors",
        source,
        _state_attributes(("major_power",), {"major_power": pl.Int8}),
        level="state",
        fill=0,
    )


# geography and rivalry ------------------------------------------------------------------------


def _dyad_attribute(variable: str, name: str, dtype: pl.DataType):
    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        out = led.query(
            f"SELECT ccode1, ccode2, year, value AS {name} FROM dyad_attributes WHERE source_id = ? "
            "AND variable = ? AND year BETWEEN ? AND ?",
            [src.id, variable, *_years(p)],
        )
        return out.with_columns(pl.col(name).cast(dtype))

    return build


def add_contiguity(panel: Panel, *, source: str = "cow-contiguity") -> Panel:
    """COW direct contiguity type (``conttype``): 1 land, 2–5 separated by ≤12/24/150/400 miles of
    water, 0 not contiguous."""
    return _add(
        panel,
        "add_contiguity",
        source,
        _dyad_attribute("contiguity", "conttype", pl.Int8),
        kinds=("dyad",),
        level="dyad",
        directed=True,
        fill=0,
    )


def add_distance(panel: Panel, *, source: str = "cow-mindist") -> Panel:
    """Minimum distance in km between the states on 1 January (CShapes 2.0): ``mindist``."""
    return _add(
        panel,
        "add_distance",
        source,
        _dyad_attribute("mindist_km", "mindist", pl.Float64),
        kinds=("dyad",),
        level="dyad",
        directed=False,
        fill=None,
    )


def add_rivalries(panel: Panel, *, source: str = "rivalries") -> Panel:
    """Strategic rivalries: Thompson–Dreyer (``rivalry_td``) and Thompson–Sakuwa–Suhas
    (``rivalry_tss``), 1 in a rivalry's years. Each list is NA after its own last year."""
    panel = as_panel(panel, "add_rivalries", kinds=("dyad",))
    with panel.ledger() as led:
        _source(led, source, "add_rivalries")
        last = dict(
            led.con.execute(
                "SELECT variable, max(year) FROM dyad_attributes WHERE source_id = ? GROUP BY 1", [source]
            ).fetchall()
        )
    for var in ("rivalry_td", "rivalry_tss"):
        panel = _add(
            panel,
            "add_rivalries",
            source,
            _dyad_attribute(var, var, pl.Int8),
            kinds=("dyad",),
            level="dyad",
            directed=False,
            fill=0,
            years=(1816, last.get(var, 1816)),
        )
    return panel


# engagements ------------------------------------------------------------------------------------


def _flows(
    led: Ledger, src: Source, p: Panel, instrument: str, value: str = "sum(magnitude)"
) -> pl.DataFrame:
    return led.query(
        f"SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, {value} AS v "
        "FROM engagements WHERE source_id = ? AND instrument = ? AND actor_kind = 'state' "
        "AND partner_kind = 'state' AND year(start_date) <= ? GROUP BY ALL",
        [src.id, instrument, p.years[1]],
    )


def decayed(flows: pl.DataFrame, half_life: float, first: int, last: int, keys: list[str]) -> pl.DataFrame:
    """Each key's stock S_t = S_{t-1}·2^(-1/half_life) + flow_t, for every year from ``first`` to ``last``
    after its first flow (flows before ``first`` count, decayed)."""
    if flows.height == 0:
        return flows.with_columns(pl.lit(0.0).alias("stock")).clear()
    delta = 0.5 ** (1 / half_life)
    start = flows.group_by(keys).agg(pl.col("year").min().alias("_y0"))
    grid = start.with_columns(pl.int_ranges("_y0", last + 1).alias("year")).explode("year").drop("_y0")
    g = grid.join(flows.with_columns(pl.col("year").cast(pl.Int64)), on=[*keys, "year"], how="left")
    g = g.with_columns(pl.col("v").fill_null(0.0)).sort([*keys, "year"])
    # S_t = delta^t * cumsum(flow_k * delta^-k), with t counted from each key's first year
    t = pl.col("year") - pl.col("year").min().over(keys)
    g = g.with_columns((pl.col("v") * pl.lit(delta) ** (-t)).cum_sum().over(keys).alias("_c"), t.alias("_t"))
    g = g.with_columns((pl.col("_c") * pl.lit(delta) ** pl.col("_t")).alias("stock"))
    return g.filter(pl.col("year") >= first).drop("_c", "_t")


def add_arms(panel: Panel, *, source: str = "sipri-tiv-360info", half_life: float | None = None) -> Panel:
    """Arms transfers from ccode1 to ccode2: ``arms_tiv`` (SIPRI TIV flow that year), ``arms_stock``
    (flows decayed with the instrument's half-life, 8 years by default) and ``arms_dependence`` (the
    share of ccode2's decayed arms-import stock that came from ccode1; 0 when it imported none)."""
    h = half_life or INSTRUMENTS["arms_transfer"].half_life

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        flows = _flows(led, src, p, "arms_transfer")
        totals = led.query(
            "SELECT partner_ccode AS ccode2, year(start_date) AS year, sum(magnitude) AS v FROM engagements "
            "WHERE source_id = ? AND instrument = 'arms_transfer' AND partner_kind = 'state' GROUP BY ALL",
            [src.id],
        )
        first = src.coverage_start or p.years[0]
        last = min(p.years[1], src.coverage_end or p.years[1])
        stock = decayed(flows, h, max(first, p.years[0]), last, ["ccode1", "ccode2"])
        total = decayed(totals, h, max(first, p.years[0]), last, ["ccode2"]).rename({"stock": "_total"})
        out = stock.join(total.select("ccode2", "year", "_total"), on=["ccode2", "year"], how="left")
        return out.select(
            "ccode1",
            "ccode2",
            "year",
            pl.col("v").alias("arms_tiv"),
            pl.col("stock").alias("arms_stock"),
            pl.when(pl.col("_total") > 0)
            .then(pl.col("stock") / pl.col("_total"))
            .otherwise(0.0)
            .alias("arms_dependence"),
        )

    return _add(panel, "add_arms", source, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_exercises(panel: Panel, *, source: str = "mme") -> Panel:
    """Joint military exercises of the two states that year: ``exercises`` (count), ``exercises_bilateral``
    and ``exercises_multilateral``, and for MME counts by domain (land, sea, air, amphibious, cyber)
    and mission (warfighting, peacekeeping, humanitarian)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        rows = led.query(
            "SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, "
            "coalesce(details->>'mmeid', '') || '|' || coalesce(details->>'name', '') || '|' || "
            "CAST(start_date AS VARCHAR) AS ex, details FROM engagements WHERE source_id = ? AND "
            "instrument = 'exercise' AND actor_kind = 'state' AND partner_kind = 'state' "
            "AND year(start_date) BETWEEN ? AND ?",
            [src.id, *_years(p)],
        )
        pairs = rows.group_by("ex").len("_pairs")
        rows = rows.join(pairs, on="ex").with_columns(
            ((1 + (1 + 8 * pl.col("_pairs")).sqrt()) / 2).round().alias("_n")
        )
        lo, hi = pl.min_horizontal("ccode1", "ccode2"), pl.max_horizontal("ccode1", "ccode2")
        rows = rows.with_columns(lo.alias("ccode1"), hi.alias("ccode2"))
        aggs = [
            pl.col("ex").n_unique().cast(pl.Int32).alias("exercises"),
            (pl.col("_n") == 2).sum().cast(pl.Int32).alias("exercises_bilateral"),
            (pl.col("_n") > 2).sum().cast(pl.Int32).alias("exercises_multilateral"),
        ]
        if src.id == "mme":
            flags = (
                "land",
                "sea",
                "air",
                "amphibious",
                "cyber",
                "warfighting",
                "peacekeeping",
                "humanitarian",
            )
            rows = rows.with_columns(
                pl.col("details").str.json_path_match(f"$.{f}").cast(pl.Int32).alias(f) for f in flags
            )
            aggs += [pl.col(f).sum().cast(pl.Int32).alias(f"exercises_{f}") for f in flags]
        return rows.group_by("ccode1", "ccode2", "year").agg(aggs)

    return _add(panel, "add_exercises", source, build, kinds=("dyad",), level="dyad", directed=False, fill=0)


def add_troops(panel: Panel, *, source: str = "us-troops") -> Panel:
    """US military personnel stationed in ccode2 (``troops``): the year's last report (largest
    when two series report the same date). NA for every actor but the US."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return led.query(
            "SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, "
            "CAST(arg_max(magnitude, (start_date, magnitude)) AS INTEGER) AS troops FROM engagements "
            "WHERE source_id = ? AND instrument = 'basing' AND year(start_date) BETWEEN ? AND ? GROUP BY ALL",
            [src.id, *_years(p)],
        )

    return _add(panel, "add_troops", source, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_visits(panel: Panel, *, source: str = "us-visits") -> Panel:
    """Senior-leader visits from ccode1 to ccode2 that year (``visits``); NA for actors the source
    does not record (US senior-leader visits: the US only)."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return (
            _flows(led, src, p, "dialogue", "CAST(count(*) AS INTEGER)")
            .rename({"v": "visits"})
            .filter(pl.col("year") >= p.years[0])
        )

    return _add(panel, "add_visits", source, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


SIGNALS = {
    "dialogue": "mn_visit",
    "exercise": "mn_exercise",
    "arms_transfer": "mn_arms_tiv",
    "basing": "mn_troops",
    "alliance": "mn_pact",
}


def add_signals(panel: Panel, *, source: str = "mcmanus-nieman") -> Panel:
    """McManus–Nieman major-power signals from ccode1 (the US, Russia, China, the UK, France) to
    ccode2: visits, exercises, arms (TIV), troops, pacts. NA where ccode1 is not one of the five."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        cols = ", ".join(f"max(magnitude) FILTER (instrument = '{i}') AS {n}" for i, n in SIGNALS.items())
        return led.query(
            f"SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, {cols} "
            "FROM engagements WHERE source_id = ? AND year(start_date) BETWEEN ? AND ? GROUP BY ALL",
            [src.id, *_years(p)],
        )

    return _add(panel, "add_signals", source, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


def add_peacekeeping(panel: Panel, *, source: str | None = None) -> Panel:
    """Peacekeeping. Dyad panels: ``pk_codeployments``, the UN missions both states sent personnel
    to (IPI's contributor-by-mission file: March 2014 only). State panels: ``pk_personnel``, the
    state's mean monthly UN contribution that year (IPI, 1990–2014)."""
    panel = as_panel(panel, "add_peacekeeping")
    if panel.kind == "state":

        def per_state(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
            return led.query(
                "SELECT actor_ccode AS ccode, year(start_date) AS year, avg(magnitude) AS pk_personnel "
                "FROM engagements WHERE source_id = ? AND actor_kind = 'state' "
                "AND year(start_date) BETWEEN ? AND ? GROUP BY ALL",
                [src.id, *_years(p)],
            )

        return _add(panel, "add_peacekeeping", source or "ipi-peacekeeping", per_state, level="state", fill=0)

    def codeploy(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        return led.query(
            "WITH m AS (SELECT DISTINCT actor_ccode AS c, details->>'mission' AS mission, "
            "year(start_date) AS year FROM engagements WHERE source_id = ? AND actor_kind = 'state') "
            "SELECT a.c AS ccode1, b.c AS ccode2, a.year, CAST(count(*) AS INTEGER) AS pk_codeployments "
            "FROM m a JOIN m b ON a.mission = b.mission AND a.year = b.year AND a.c < b.c "
            "WHERE a.year BETWEEN ? AND ? GROUP BY ALL",
            [src.id, *_years(p)],
        )

    return _add(
        panel,
        "add_peacekeeping",
        source or "ipi-peacekeeping-missions",
        codeploy,
        kinds=("dyad",),
        level="dyad",
        directed=False,
        fill=0,
    )


def add_events(panel: Panel, *, source: str = "icews-sample") -> Panel:
    """CAMEO-coded events from ccode1 to ccode2 mapped to instruments: ``events`` (count),
    ``events_goldstein`` (sum of Goldstein weights), ``events_<instrument>`` counts, and
    ``events_negative`` (suspensions, rejections, expulsions). NA outside the event data's years."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        rows = led.query(
            "SELECT actor_ccode AS ccode1, partner_ccode AS ccode2, year(start_date) AS year, instrument, "
            "polarity, TRY_CAST(details->>'goldstein' AS DOUBLE) AS g FROM engagements WHERE source_id = ? "
            "AND actor_kind = 'state' AND partner_kind = 'state' AND year(start_date) BETWEEN ? AND ?",
            [src.id, *_years(p)],
        )
        aggs = [
            pl.len().cast(pl.Int32).alias("events"),
            pl.col("g").sum().alias("events_goldstein"),
            (pl.col("polarity") < 0).sum().cast(pl.Int32).alias("events_negative"),
        ]
        aggs += [(pl.col("instrument") == i).sum().cast(pl.Int32).alias(f"events_{i}") for i in INSTRUMENTS]
        return rows.group_by("ccode1", "ccode2", "year").agg(aggs)

    return _add(panel, "add_events", source, build, kinds=("dyad",), level="dyad", directed=True, fill=0)


# UN General Assembly ------------------------------------------------------------------------------


def add_unga(panel: Panel, *, source: str = "unvotes-voeten") -> Panel:
    """UN General Assembly voting that year: ``unga_joint`` (roll calls both states voted yes, no or
    abstain on) and ``unga_agree`` (the share of those where they voted alike). Measures that
    weight by chance agreement (S, κ, ideal points) live in `legation.measures`."""

    def build(led: Ledger, src: Source, p: Panel) -> pl.DataFrame:
        votes = led.query(
            "SELECT year(r.date) AS year, v.rcid, v.ccode, v.vote FROM votes v JOIN roll_calls r "
            "ON r.rcid = v.rcid AND r.source_id = v.source_id WHERE v.source_id = ? AND v.vote IN (1, 2, 3) "
            "AND year(r.date) BETWEEN ? AND ?",
            [src.id, *_years(p)],
        )
        return agreement(votes)

    return _add(panel, "add_unga", source, build, kinds=("dyad",), level="dyad", directed=False, fill=None)


def agreement(votes: pl.DataFrame) -> pl.DataFrame:
    """Per year and unordered pair: roll calls both voted on and the share voted alike (matrix products)."""
    out = []
    for (year,), g in votes.group_by("year"):
        states = np.sort(g["ccode"].unique().to_numpy())
        calls = np.sort(g["rcid"].unique().to_numpy())
        m = np.zeros((states.size, calls.size), dtype=np.int8)
        m[np.searchsorted(states, g["ccode"].to_numpy()), np.searchsorted(calls, g["rcid"].to_numpy())] = g[
            "vote"
        ].to_numpy()
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


VERBS = {
    "add_atop": add_atop,
    "add_nmc": add_nmc,
    "add_milex": add_milex,
    "add_igos": add_igos,
    "add_majors": add_majors,
    "add_contiguity": add_contiguity,
    "add_distance": add_distance,
    "add_rivalries": add_rivalries,
    "add_arms": add_arms,
    "add_exercises": add_exercises,
    "add_troops": add_troops,
    "add_visits": add_visits,
    "add_signals": add_signals,
    "add_peacekeeping": add_peacekeeping,
    "add_events": add_events,
    "add_unga": add_unga,
}
"""Every verb by name (the CLI's ``--add`` takes the part after ``add_``)."""


ALIASES = {"alliances": "atop", "capabilities": "nmc", "arms_transfers": "arms", "votes": "unga"}
"""Channel names accepted besides each verb's own (``add_<name>``)."""


def verbs_named(text: str) -> list[str]:
    """Verb names from a comma-separated list of channels (``alliances,arms`` or ``all``)."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if names == ["all"]:
        return list(VERBS)
    out = []
    for n in names:
        verb = f"add_{ALIASES.get(n, n)}"
        if verb not in VERBS:
            known = sorted([v.removeprefix("add_") for v in VERBS] + list(ALIASES))
            raise PanelError(f"unknown channel {n!r}; known: {', '.join(known)}, or all")
        out.append(verb)
    return out
