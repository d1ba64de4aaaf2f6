"""The country brief: a state's military-diplomatic standing in one year and how it got there.

Everything comes from `legation.measures` (the influence index, national scores and the Power Gap,
arms dependency, excess UN alignment, networks, escalation exposure) and the ledger's typed reads,
through a shared `Context`; the bottom line is written from these numbers only (`bottom_line`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

import legation
from legation.errors import NotFoundError
from legation.groups import majors
from legation.ledger.store import Ledger
from legation.measures import networks as nw
from legation.measures import profiles
from legation.measures.risk import escalation_exposure
from legation.measures.scores import region
from legation.panel.channels import CHANNELS, INFLUENCE
from legation.report import bottom_line, coverage, figures, timeline
from legation.report.bottom_line import CountryFacts
from legation.report.brief import Brief, Section, Table
from legation.report.context import Context
from legation.report.numbers import CHANGE_YEARS, signed, standing, value
from legation.years import VIEW_YEARS, check

WINDOW = 30
"""Years of history a brief's charts show, up to its year."""
TIMELINE_YEARS = 5
"""Years of engagements the timeline lists, up to the brief's year."""
INDEX = "legation influence index"
COMPETITORS = 5


@dataclass(frozen=True)
class Subject:
    """The state a brief is about, the year it describes and the years its charts show."""

    ccode: int
    name: str
    year: int
    years: tuple[int, int]
    ref: int | None
    """The index's year: the brief's year, or the last the influence index reaches before it."""
    first: int
    last: int
    asked: tuple[int, int]
    """The window asked for, before it was cut to the state's life."""


def subject(led: Ledger, ctx: Context, ccode: int, year: int | None) -> Subject:
    """The brief's state and years: ``year`` (default: the index's last) inside the state's life."""
    row = ctx.names(led).filter(pl.col("ccode") == ccode)
    if row.height == 0:
        raise NotFoundError(f"no COW state has code {ccode}", what="state")
    first, last = int(row["first_year"][0]), int(row["last_year"][0])
    index = ctx.index_years(led)
    want = check(year, year)[0] if year is not None else (index[1] if index else VIEW_YEARS[1])
    if want < first:
        raise NotFoundError(
            f"{row['name'][0]} entered the state system in {first}, after {want}", what="year"
        )
    y = min(want, last)
    lo = max(first, y - WINDOW + 1, VIEW_YEARS[0])
    ref = min(y, index[1]) if index and y >= index[0] else None
    asked = (max(want - WINDOW + 1, VIEW_YEARS[0]), want)
    return Subject(ccode, str(row["name"][0]), y, (lo, y), ref, first, last, asked)


def country_brief(
    led: Ledger, ccode: int, year: int | None = None, *, context: Context | None = None
) -> Brief:
    """The country brief of state ``ccode`` in ``year`` (default: the influence index's last year)."""
    ctx = context or Context()
    s = subject(led, ctx, ccode, year)
    facts = CountryFacts(s.name, s.year, s.ref)
    used: list[str] = []
    sections = [
        _influence(led, ctx, s, facts),
        _partners(led, ctx, s, facts),
        _national(led, ctx, s, facts, used),
        _arms(led, ctx, s, facts, used),
        _alignment(led, ctx, s, facts, used),
        _network(led, ctx, s, used),
        _timeline(led, s, used),
        _risks(led, ctx, s, facts, used),
        _coverage(led, ctx, s),
    ]
    sections.insert(0, _glance(s, facts))
    used += coverage.channel_sources(led, INFLUENCE) if ctx.influence(led).height else []
    return Brief(
        kind="country",
        title=f"{s.name}: military diplomacy and influence",
        subject=s.name,
        year=s.year,
        bottom_line=bottom_line.country(facts),
        sections=sections,
        citations=coverage.cited(led, used),
        vintage=ctx.vintage(led),
        version=legation.__version__,
    )


# sections ------------------------------------------------------------------------------------------


def _glance(s: Subject, f: CountryFacts) -> Section:
    rows: list[dict[str, object]] = []
    for label, st, digits in (
        ("Outward influence (index, sum over targets)", f.outward, 2),
        ("Inward influence (index, sum over patrons)", f.inward, 2),
        ("Defence-network score (0–100)", f.national, 0),
        ("Power Gap (log influence vs capabilities)", f.gap, 2),
    ):
        if st is None:
            rows.append(
                {"measure": label, "value": None, "rank": "not covered", "change": None, "year": None}
            )
            continue
        rows.append(
            {
                "measure": label,
                "value": value(st.value, digits),
                "rank": f"{st.rank} of {st.of}",
                "change": signed(st.change, digits) if st.change is not None else None,
                "year": st.year,
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "measure": pl.String,
            "value": pl.String,
            "rank": pl.String,
            "change": pl.String,
            "year": pl.Int32,
        },
    )
    labels = {
        "measure": "Measure",
        "value": "Value",
        "rank": "Rank",
        "change": f"{CHANGE_YEARS}-year change",
        "year": "Year",
    }
    table = Table("glance", f"{s.name} at a glance", frame, labels, source=INDEX + "; COW NMC; see sections")
    text = []
    if s.ref is not None and s.ref != s.year:
        text.append(
            f"The influence index ends in {s.ref}, the last year all its channels cover; its values are "
            f"for {s.ref}, the rest of the brief for {s.year}."
        )
    return Section(
        "glance",
        "At a glance",
        text=text,
        tables=[table],
        statements=coverage.existence(s.name, s.first, s.last, s.asked),
    )


def _influence(led: Ledger, ctx: Context, s: Subject, f: CountryFacts) -> Section:
    sec = Section("influence", "Influence: outward, inward and by channel")
    out, exp = ctx.outward(led), ctx.exposure(led)
    if s.ref is None or out.height == 0:
        sec.statements.append(
            f"The influence index does not cover {s.name} in {s.year}: it spans "
            f"{_span(ctx.index_years(led))}."
        )
        return sec
    f.outward = standing(
        _every_state(led, ctx, out, "patron", "outward", s.ref), "patron", s.ccode, "outward", s.ref
    )
    f.inward = standing(
        _every_state(led, ctx, exp, "target", "exposure", s.ref), "target", s.ccode, "exposure", s.ref
    )
    mine = (
        pl.DataFrame({"year": range(s.years[0], s.years[1] + 1)}, schema={"year": pl.Int32})
        .join(out.filter(pl.col("patron") == s.ccode).select("year", "outward"), on="year", how="left")
        .join(exp.filter(pl.col("target") == s.ccode).select("year", "exposure"), on="year", how="left")
    )
    lo, hi = ctx.index_years(led) or s.years
    inside = pl.col("year").is_between(lo, hi)
    mine = mine.with_columns(pl.when(inside).then(pl.col(c).fill_null(0.0)) for c in ("outward", "exposure"))
    notes = [
        f"The index covers {lo}–{hi}, the years all its channels cover; other years are blank, not zero."
    ]
    src = coverage.source_line(led, INFLUENCE, INDEX)
    sec.figures.append(
        figures.lines(
            "influence_trend",
            f"Influence of {s.name}, {s.years[0]}–{s.years[1]}",
            "Index (sum of dyad scores)",
            src,
            mine,
            x="year",
            series={"outward": "Outward (on others)", "exposure": "Inward (of others on it)"},
            empty=f"No influence recorded for {s.name}.",
            notes=notes,
        )
    )
    peers = _competitors(out, s)
    channels = [c for c in out.columns if c.startswith("score_")]
    bars = (
        out.filter((pl.col("year") == s.ref) & pl.col("patron").is_in(peers))
        .with_columns(
            pl.col("patron")
            .replace_strict({p: ctx.name(led, p) for p in peers}, return_dtype=pl.String)
            .alias("state")
        )
        .sort("outward", descending=True)
    )
    sec.figures.append(
        figures.bars(
            "channels",
            f"Outward influence by channel: {s.name} and its competitors, {s.ref}",
            "Sum of channel scores over targets (0–1 each)",
            src,
            bars.select("state", "outward", *channels),
            label="state",
            stack={c: c.removeprefix("score_") for c in channels},
            highlight=s.name,
            empty=f"No outward influence of {s.name} or its competitors in {s.ref}.",
        )
    )
    sec.text.append(_competitor_rule(s))
    unweighted = [c for c in INFLUENCE if f"score_{c}" not in channels]
    if unweighted:
        sec.text.append(
            f"The index gives no weight to {', '.join(unweighted)}: those channels are not shown."
        )
    return sec


def _every_state(
    led: Ledger, ctx: Context, frame: pl.DataFrame, key: str, col: str, year: int
) -> pl.DataFrame:
    """``frame``'s ``col`` in ``year`` and five years before for every state of the system then, 0 for
    those without a row: inside the index's years no influence is a covered 0, not a gap."""
    names = ctx.names(led)
    parts = []
    for y in (year - CHANGE_YEARS, year):
        alive = names.filter((pl.col("first_year") <= y) & (pl.col("last_year") >= y)).select(
            pl.col("ccode").cast(pl.Int32).alias(key), pl.lit(y, pl.Int32).alias("year")
        )
        parts.append(alive)
    grid = pl.concat(parts)
    index = ctx.index_years(led)
    inside = pl.col("year").is_between(*index) if index else pl.lit(False)
    got = frame.select(pl.col(key).cast(pl.Int32), pl.col("year").cast(pl.Int32), col)
    return grid.join(got, on=[key, "year"], how="left").with_columns(
        pl.when(inside).then(pl.col(col).fill_null(0.0)).otherwise(pl.col(col)).alias(col)
    )


def _competitors(out: pl.DataFrame, s: Subject) -> list[int]:
    if s.ccode in majors():
        return list(majors())
    year = out.filter(pl.col("year") == s.ref).with_columns(region(pl.col("patron")).alias("region"))
    mine = year.filter(pl.col("patron") == s.ccode)["region"]
    home = mine[0] if mine.len() else year.select(region(pl.lit(s.ccode))).item()
    peers = year.filter((pl.col("region") == home) & (pl.col("patron") != s.ccode)).sort(
        ["outward", "patron"], descending=[True, False]
    )
    return [s.ccode, *peers["patron"].head(COMPETITORS - 1).to_list()]


def _competitor_rule(s: Subject) -> str:
    if s.ccode in majors():
        return "Competitors are the major powers (the permanent members of the UN Security Council)."
    return (
        f"Competitors are the {COMPETITORS - 1} states of {s.name}'s region (Correlates of War code "
        "blocks) with the largest outward influence."
    )


def _partners(led: Ledger, ctx: Context, s: Subject, f: CountryFacts) -> Section:
    sec = Section("partners", "Patrons and clients")
    infl = ctx.influence(led)
    if s.ref is None or infl.height == 0:
        sec.statements.append("No influence index for this year: patrons and clients cannot be ranked.")
        return sec
    year = infl.filter((pl.col("year") == s.ref) & (pl.col("influence") > 0))
    patrons = (
        year.filter(pl.col("target") == s.ccode)
        .with_columns((pl.col("influence") / pl.col("influence").sum()).alias("dependence"))
        .sort("influence", descending=True)
        .head(8)
    )
    clients = (
        year.with_columns(
            (pl.col("influence") / pl.col("influence").sum().over("target")).alias("dependence")
        )
        .filter(pl.col("patron") == s.ccode)
        .sort("influence", descending=True)
        .head(8)
    )
    patrons = patrons.with_columns(_named(led, ctx, "patron"))
    clients = clients.with_columns(_named(led, ctx, "target"))
    if patrons.height:
        f.top_patron = (str(patrons["patron_name"][0]), float(patrons["dependence"][0]))
    if clients.height:
        f.top_client = (str(clients["target_name"][0]), float(clients["dependence"][0]))
    src = coverage.source_line(led, INFLUENCE, INDEX)
    sec.tables.append(
        Table(
            "patrons",
            f"Top patrons of {s.name}, {s.ref}",
            patrons,
            {
                "patron_name": "Patron",
                "influence": "Influence on it",
                "dependence": f"Share of {s.name}'s inward",
            },
            src,
            statement=f"No state held influence over {s.name} in {s.ref}.",
        )
    )
    sec.tables.append(
        Table(
            "clients",
            f"Top clients of {s.name}, {s.ref}",
            clients,
            {
                "target_name": "Client",
                "influence": "Influence on it",
                "dependence": f"Client's reliance on {s.name}",
            },
            src,
            statement=f"{s.name} held no influence over another state in {s.ref}.",
        )
    )
    sec.text.append(
        "Reliance is the patron's share of all the influence the index records on the target: "
        "the dependence a relationship carries."
    )
    return sec


def _named(led: Ledger, ctx: Context, col: str) -> pl.Expr:
    names = ctx.names(led).select("ccode", "name")
    mapping = dict(zip(names["ccode"].to_list(), names["name"].to_list(), strict=True))
    return pl.col(col).replace_strict(mapping, default=pl.col(col).cast(pl.String)).alias(f"{col}_name")


def _national(led: Ledger, ctx: Context, s: Subject, f: CountryFacts, used: list[str]) -> Section:
    sec = Section("national", "Defence networks and the Power Gap")
    dn, gap = ctx.national(led), ctx.power_gap(led)
    if dn is None or s.ref is None:
        sec.statements.append(
            "National scores need the research datasets (ATOP, SIPRI, MME, US visits, "
            "COW NMC) and a year the influence index covers."
        )
        return sec
    used += coverage.channel_sources(led, ["alliance", "arms", "exercise", "visits", "capabilities"])
    f.national = standing(dn, "ccode", s.ccode, "score", s.ref)
    mine = _years(s).join(dn.filter(pl.col("ccode") == s.ccode).drop("ccode"), on="year", how="left")
    src = coverage.source_line(
        led, ["alliance", "arms", "exercise", "visits", "capabilities"], "legation defence-network score"
    )
    sec.figures.append(
        figures.lines(
            "defence_networks",
            f"Defence-network score of {s.name}",
            "Score (0–100, year's leader = 100)",
            src,
            mine,
            x="year",
            series={
                "score": "Score",
                "alliance_network": "Alliances",
                "arms_transfers": "Arms exports",
                "regional_diplomacy": "Regional",
                "global_partnerships": "Global",
            },
            ylim=(0, 105),
            empty=f"No defence-network score for {s.name}.",
        )
    )
    if gap is not None:
        f.gap = standing(gap, "ccode", s.ccode, "power_gap", s.ref)
        g = _years(s).join(
            gap.filter(pl.col("ccode") == s.ccode).select("year", "power_gap"), on="year", how="left"
        )
        sec.figures.append(
            figures.lines(
                "power_gap",
                f"Power Gap of {s.name}",
                "Residual of log(1 + influence) on log CINC",
                src,
                g,
                x="year",
                series={"power_gap": "Power Gap"},
                zero=True,
                empty=f"No Power Gap for {s.name}: no capabilities or influence recorded.",
            )
        )
        sec.text.append(
            "Above zero, a state wields more influence than its material capabilities (COW CINC) "
            "predict across states that year; below zero, less."
        )
    return sec


def _years(s: Subject) -> pl.DataFrame:
    return pl.DataFrame({"year": range(s.years[0], s.years[1] + 1)}, schema={"year": pl.Int32})


def _arms(led: Ledger, ctx: Context, s: Subject, f: CountryFacts, used: list[str]) -> Section:
    sec = Section("arms", "Arms-supply concentration")
    every = ctx.arms(led)
    notes = coverage.statements(led, "arms", s.years)
    if every is None:
        sec.statements += notes or ["No arms-transfer data in this ledger."]
        return sec
    used += coverage.channel_sources(led, ["arms"])
    mine = _years(s).join(every.filter(pl.col("ccode") == s.ccode).drop("ccode"), on="year", how="left")
    last = mine.filter(pl.col("hhi").is_not_null()).tail(1)
    if last.height:
        top = int(last["top_supplier"][0])
        f.arms = (
            float(last["hhi"][0]),
            ctx.name(led, top),
            float(last["top_share"][0]),
            int(last["year"][0]),
        )
        sec.text.append(
            f"In {f.arms[3]} its largest supplier was {f.arms[1]} with {f.arms[2]:.0%} of its "
            f"decayed arms-import stock, from {int(last['suppliers'][0])} suppliers holding at least 1%."
        )
    sec.figures.append(
        figures.lines(
            "arms",
            f"Arms-import concentration of {s.name}",
            "Index / share (0–1)",
            coverage.source_line(
                led, ["arms"], f"decayed stock, half-life {CHANNELS['arms'].half_life:g} years"
            ),
            mine,
            x="year",
            series={"hhi": "Herfindahl index of suppliers", "top_share": "Top supplier's share"},
            ylim=(0, 1.05),
            empty=f"{s.name} imported no major arms in {s.years[0]}–{s.years[1]}.",
            notes=notes,
        )
    )
    return sec


def _alignment(led: Ledger, ctx: Context, s: Subject, f: CountryFacts, used: list[str]) -> Section:
    sec = Section("alignment", "Alignment with the major powers at the UN")
    notes = coverage.statements(led, "unga", s.years)
    window = (max(s.years[0], VIEW_YEARS[0]), s.years[1])
    ex = ctx.excess(led, _align_years(ctx, led, window))
    if ex.height == 0:
        sec.statements += notes or ["No UN General Assembly votes in this ledger."]
        return sec
    used += coverage.channel_sources(led, ["unga"])
    mine = ex.filter((pl.col("target") == s.ccode) & pl.col("year").is_between(*s.years))
    wide = _years(s).join(mine.pivot("patron", index="year", values="excess"), on="year", how="left")
    series = {str(m): ctx.name(led, m) for m in majors() if str(m) in wide.columns and m != s.ccode}
    latest = mine.filter(pl.col("year") == mine["year"].max()) if mine.height else mine
    if latest.height:
        best = latest.sort("excess", descending=True).row(0, named=True)
        f.aligned = (ctx.name(led, int(best["patron"])), float(best["excess"]), int(best["year"]))
    sec.figures.append(
        figures.lines(
            "alignment",
            f"Excess UN agreement of {s.name} with the major powers",
            "Agreement minus the power's mean",
            coverage.source_line(led, ["unga"], "three-category agreement"),
            wide,
            x="year",
            series=series,
            zero=True,
            notes=notes,
            empty=f"{s.name} cast no UN General Assembly votes in {s.years[0]}–{s.years[1]}.",
        )
    )
    sec.text.append(
        "Excess agreement nets out each power's popularity: the share of joint roll calls on which "
        "the state voted as the power did, minus the power's mean agreement with every state."
    )
    return sec


def _align_years(ctx: Context, led: Ledger, window: tuple[int, int]) -> tuple[int, int]:
    """The index's years when the brief's window lies inside them: batches then share one frame."""
    index = ctx.index_years(led)
    if index and index[0] <= window[0] and window[1] <= index[1]:
        return index
    return window


def _network(led: Ledger, ctx: Context, s: Subject, used: list[str]) -> Section:
    sec = Section("network", "Position in the alliance network")
    if not coverage.held(led, "alliance"):
        sec.statements.append("No alliance data in this ledger.")
        return sec
    src = coverage.held(led, "alliance")
    year = min(s.year, max(x.coverage_end or s.year for x in src))
    used += [x.id for x in src]
    edges, directed, _ = profiles.network_edges(led, "alliance", year)
    graphs = nw.yearly_graphs(edges, directed=directed)
    if year not in graphs:
        sec.statements.append(f"No alliances recorded in {year}.")
        return sec
    cent = nw.centrality(graphs)
    blocs = nw.blocs(graphs, seed=42)
    mine = cent.filter(pl.col("ccode") == s.ccode)
    if mine.height == 0:
        sec.statements.append(f"{s.name} had no alliance in {year}: it stands outside the network.")
        return sec
    rows = []
    for col, label in (
        ("degree", "Allies (degree)"),
        ("strength", "Weighted ties (strength)"),
        ("betweenness", "Brokerage (betweenness)"),
        ("eigenvector", "Centrality (eigenvector)"),
    ):
        v = float(mine[col][0])
        rank = int((cent[col] > v).sum()) + 1
        rows.append({"measure": label, "value": v, "rank": f"{rank} of {cent.height}"})
    sec.tables.append(
        Table(
            "network",
            f"{s.name} in the alliance network, {year}",
            pl.DataFrame(rows),
            {"measure": "Measure", "value": "Value", "rank": "Rank"},
            coverage.source_line(led, ["alliance"], "Leiden blocs, seed 42"),
        )
    )
    bloc = blocs.filter(pl.col("ccode") == s.ccode)["bloc"]
    if bloc.len():
        members = blocs.filter(pl.col("bloc") == bloc[0]).join(cent.select("ccode", "strength"), on="ccode")
        names = [ctx.name(led, c) for c in members.sort("strength", descending=True)["ccode"].head(8)]
        more = f" and {members.height - 8} more" if members.height > 8 else ""
        sec.text.append(
            f"Its alliance bloc in {year} (Leiden communities) had {members.height} members, the "
            f"most connected {', '.join(names)}{more}."
        )
    return sec


def _timeline(led: Ledger, s: Subject, used: list[str]) -> Section:
    years = (max(s.years[0], s.year - TIMELINE_YEARS + 1), s.year)
    rows = timeline.of_state(led, s.ccode, s.name, years)
    sec = Section("timeline", f"Notable engagements, {years[0]}–{years[1]}")
    used += rows["source_id"].unique().to_list()
    sec.tables.append(
        Table(
            "timeline",
            f"Notable engagements of {s.name}",
            rows,
            timeline.COLUMNS,
            "the ledger's engagements, one source per fact, machine-coded events left out",
            statement=f"The ledger records no engagement of {s.name} in {years[0]}–{years[1]}.",
        )
    )
    sec.text.append(
        "The largest engagements of each instrument (by magnitude, then the latest), one per pair of states."
    )
    return sec


def _risks(led: Ledger, ctx: Context, s: Subject, f: CountryFacts, used: list[str]) -> Section:
    sec = Section("risks", "Risks: dependence and escalation exposure")
    if f.top_patron is not None:
        p, share_ = f.top_patron
        sec.text.append(f"Dependence: {p} held {share_:.0%} of the influence on {s.name} in {s.ref}.")
    if f.arms is not None:
        sec.text.append(
            f"Arms dependence: {f.arms[1]} supplied {f.arms[2]:.0%} of its arms-import stock "
            f"(Herfindahl index {f.arms[0]:.2f}) in {f.arms[3]}."
        )
    infl = ctx.influence(led)
    if s.ref is None or not coverage.held(led, "rivalries") or infl.height == 0:
        sec.statements.append("Escalation exposure needs the strategic-rivalry data and the influence index.")
        return sec
    clients = infl.filter(
        (pl.col("patron") == s.ccode) & (pl.col("year") == s.ref) & (pl.col("influence") > 0)
    )
    if clients.height == 0:
        sec.statements.append(f"{s.name} had no clients in {s.ref}, so no exposure to their rivalries.")
        return sec
    used += coverage.channel_sources(led, ["rivalries", "contiguity"])
    exp = escalation_exposure(led, clients.select("patron", "target", "year"), (s.ref, s.ref))
    exp = exp.join(clients.select("target", "influence"), on="target").filter(
        pl.col("exposure").is_not_null()
    )
    if exp.height == 0:
        sec.statements += coverage.statements(led, "rivalries", (s.ref, s.ref)) or [
            "No rivalry data for this year."
        ]
        return sec
    top = exp.filter(pl.col("rivals_of_target") > 0).sort(["exposure", "influence"], descending=True).head(8)
    f.exposure = (int(exp["rivals_of_target"].sum()), exp.height)
    sec.text.append(
        f"Escalation exposure: its {exp.height} clients were in {f.exposure[0]} strategic "
        f"rivalries with third states in {s.ref}."
    )
    sec.tables.append(
        Table(
            "exposure",
            f"Clients of {s.name} with rivals, {s.ref}",
            top.with_columns(_named(led, ctx, "target")),
            {
                "target_name": "Client",
                "influence": "Influence on it",
                "rivals_of_target": "Rivals",
                "contiguous_rivals": "Contiguous rivals",
                "exposure": "Exposure",
            },
            coverage.source_line(led, ["rivalries", "contiguity"]),
            statement=f"None of {s.name}'s clients had a strategic rival in {s.ref}.",
        )
    )
    return sec


def _coverage(led: Ledger, ctx: Context, s: Subject) -> Section:
    sec = Section("coverage", "Data coverage and vintage")
    names = dict(ctx.names(led).select("ccode", "name").iter_rows())
    rows = []
    for name in (*INFLUENCE, "unga", "capabilities", "rivalries"):
        held = coverage.held(led, name)
        spans = [f"{x.coverage_start or '…'}–{x.coverage_end or '…'}" for x in held]
        rows.append(
            {
                "data": coverage.LABELS.get(name, name),
                "sources": "; ".join(coverage.short(x) for x in held) or "not in this ledger",
                "years": ", ".join(spans) or "—",
                "gaps": " ".join(
                    coverage.statements(led, name, s.years) + coverage.actors_note(led, name, names)
                )
                or "—",
            }
        )
    sec.tables.append(
        Table(
            "coverage",
            f"What the data cover, {s.years[0]}–{s.years[1]}",
            pl.DataFrame(rows),
            {"data": "Data", "sources": "Sources", "years": "Years", "gaps": "Gaps in the window"},
            "the sources' own records in the ledger",
        )
    )
    sec.text.append(
        f"Data vintage: {ctx.vintage(led)}. Outside a source's years, or for actors it does not "
        "record, values are missing, never zero."
    )
    sec.statements += coverage.existence(s.name, s.first, s.last, s.asked)
    return sec


def _span(years: tuple[int, int] | None) -> str:
    return f"{years[0]}–{years[1]}" if years else "no years (no influence data)"
