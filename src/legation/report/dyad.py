"""The dyad brief: one relationship, patron → target, over time and by instrument.

The influence of the patron on the target channel by channel (bandwidth × dependence), the
engagements behind it by instrument, UN alignment, the target's other patrons competing with the
patron, and the notable engagements with their sources.
"""

from __future__ import annotations

import polars as pl

import legation
from legation.errors import InvalidValueError
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.measures import profiles
from legation.panel.channels import INFLUENCE, ledger_channels, span
from legation.report import bottom_line, coverage, figures, timeline
from legation.report.bottom_line import DyadFacts
from legation.report.brief import Brief, Section, Table
from legation.report.context import Context
from legation.report.country import INDEX, Subject, subject
from legation.report.numbers import CHANGE_YEARS

RIVALS = 4
"""Other patrons of the target shown against the patron."""
TIMELINE_YEARS = 10


def dyad_brief(
    led: Ledger, patron: int, target: int, year: int | None = None, *, context: Context | None = None
) -> Brief:
    """The brief on ``patron`` → ``target`` in ``year`` (default: the influence index's last year)."""
    if patron == target:
        raise InvalidValueError("a dyad brief needs two different states")
    ctx = context or Context()
    a, b = subject(led, ctx, patron, year), subject(led, ctx, target, year)
    y = min(a.year, b.year)
    both = Subject(
        0,
        f"{a.name} → {b.name}",
        y,
        (max(a.years[0], b.years[0]), y),
        min(a.ref, b.ref) if a.ref is not None and b.ref is not None else None,
        max(a.first, b.first),
        min(a.last, b.last),
        a.asked,
    )
    facts = DyadFacts(a.name, b.name, both.ref)
    used: list[str] = []
    sections = [
        _influence(led, ctx, a, b, both, facts),
        _engagements(led, a, b, both, facts, used),
        _alignment(led, a, b, both, facts, used),
        _rivals(led, ctx, a, b, both, facts),
        _timeline(led, a, b, both, used),
    ]
    sections.insert(0, _glance(a, b, both, facts))
    if ctx.influence(led).height:
        used += coverage.channel_sources(led, INFLUENCE)
    return Brief(
        kind="dyad",
        title=f"{a.name} and {b.name}: the relationship",
        subject=both.name,
        year=y,
        bottom_line=bottom_line.dyad(facts),
        sections=sections,
        citations=coverage.cited(led, used),
        vintage=ctx.vintage(led),
        version=legation.__version__,
    )


def _glance(a: Subject, b: Subject, both: Subject, f: DyadFacts) -> Section:
    rows = [
        {"measure": f"Influence of {a.name} on {b.name}", "value": f.influence},
        {"measure": f"Share of all influence on {b.name}", "value": f.share},
        {"measure": f"{CHANGE_YEARS}-year change of the influence", "value": f.change},
        {"measure": f"Influence of {b.name} on {a.name}", "value": f.back},
        {"measure": "UN General Assembly agreement", "value": f.agreement[0] if f.agreement else None},
        {"measure": "Engagements in the ledger (either way)", "value": float(f.engagements)},
    ]
    frame = pl.DataFrame(rows, schema={"measure": pl.String, "value": pl.Float64})
    frame = frame.with_columns(
        pl.when(pl.col("measure").str.starts_with("Engagements"))
        .then(pl.col("value").cast(pl.Int64).cast(pl.String))
        .otherwise(pl.col("value").round(3).cast(pl.String))
        .alias("value")
    )
    sec = Section("glance", "At a glance")
    sec.tables.append(
        Table(
            "glance",
            f"{both.name}, {both.ref or both.year}",
            frame,
            {"measure": "Measure", "value": "Value"},
            INDEX + "; see sections",
        )
    )
    for s in (a, b):
        sec.statements += coverage.existence(s.name, s.first, s.last, s.asked)
    return sec


def _influence(led: Ledger, ctx: Context, a: Subject, b: Subject, both: Subject, f: DyadFacts) -> Section:
    sec = Section("influence", "Influence by channel")
    infl = ctx.influence(led)
    if both.ref is None or infl.height == 0:
        sec.statements.append("The influence index does not cover this pair in these years.")
        return sec
    pair = infl.filter((pl.col("patron") == a.ccode) & (pl.col("target") == b.ccode))
    years = pl.DataFrame({"year": range(both.years[0], both.years[1] + 1)}, schema={"year": pl.Int32})
    lo, hi = ctx.index_years(led) or both.years
    channels = [c for c in infl.columns if c.startswith("score_")]
    wide = years.join(pair.select("year", "influence", *channels), on="year", how="left").with_columns(
        pl.when(pl.col("year").is_between(lo, hi)).then(pl.col(c).fill_null(0.0)).otherwise(pl.col(c))
        for c in ["influence", *channels]
    )
    now = infl.filter(
        (pl.col("target") == b.ccode) & (pl.col("year") == both.ref) & (pl.col("influence") > 0)
    )
    mine = now.filter(pl.col("patron") == a.ccode)
    if mine.height:
        f.influence = float(mine["influence"][0])
        f.rank = (int((now["influence"] > f.influence).sum()) + 1, now.height)
        f.share = f.influence / float(now["influence"].sum())
        old = pair.filter(pl.col("year") == both.ref - CHANGE_YEARS)["influence"]
        f.change = f.influence - float(old[0]) if old.len() and old[0] is not None else None
    back = infl.filter(
        (pl.col("patron") == b.ccode) & (pl.col("target") == a.ccode) & (pl.col("year") == both.ref)
    )
    f.back = float(back["influence"][0]) if back.height else 0.0
    src = coverage.source_line(led, INFLUENCE, INDEX)
    sec.figures.append(
        figures.lines(
            "influence",
            f"Influence of {a.name} on {b.name}, by channel",
            "Score (0–1)",
            src,
            wide,
            x="year",
            series={"influence": "Composite", **{c: c.removeprefix("score_") for c in channels}},
            empty=f"No influence of {a.name} on {b.name} recorded.",
            notes=[f"The index covers {lo}–{hi}; other years are blank, not zero."],
        )
    )
    scores = ctx.channel_scores(led)
    if scores.height:
        rows = (
            scores.filter(
                (
                    ((pl.col("patron") == a.ccode) & (pl.col("target") == b.ccode))
                    | ((pl.col("patron") == b.ccode) & (pl.col("target") == a.ccode))
                )
                & (pl.col("year") == both.ref)
            )
            .with_columns(
                pl.when(pl.col("patron") == a.ccode)
                .then(pl.lit(f"{a.name} → {b.name}"))
                .otherwise(pl.lit(f"{b.name} → {a.name}"))
                .alias("direction")
            )
            .sort("direction", "score", descending=[False, True])
        )
        fwd = rows.filter(pl.col("patron") == a.ccode)
        if fwd.height:
            f.strongest = (str(fwd["channel"][0]), float(fwd["dependence"][0]))
        sec.tables.append(
            Table(
                "channels",
                f"Bandwidth × dependence per channel, {both.ref}",
                rows,
                {
                    "direction": "Direction",
                    "channel": "Channel",
                    "stock": "Stock",
                    "bandwidth": "Bandwidth",
                    "dependence": "Dependence",
                    "score": "Score",
                },
                src,
                statement=f"No channel links {a.name} and {b.name} in {both.ref}.",
            )
        )
        sec.text.append(
            "Bandwidth is the channel's volume against the year's largest dyad (log scale, 0–1); "
            "dependence is the patron's share of all the target receives in that channel."
        )
    return sec


def _engagements(
    led: Ledger, a: Subject, b: Subject, both: Subject, f: DyadFacts, used: list[str]
) -> Section:
    sec = Section("engagements", "Engagements by instrument")
    rows = profiles.counted(led, a.ccode)
    pair = rows.filter(
        ((pl.col("actor_ccode") == a.ccode) & (pl.col("partner_ccode") == b.ccode))
        | ((pl.col("actor_ccode") == b.ccode) & (pl.col("partner_ccode") == a.ccode))
    ).filter(pl.col("positive") > 0)
    f.engagements = int(pair["positive"].sum()) if pair.height else 0
    used += pair["source_id"].unique().to_list()
    per = (
        pair.filter(pl.col("year").is_between(*both.years))
        .group_by("year", "instrument")
        .agg(pl.col("positive").sum())
    )
    years = pl.DataFrame({"year": range(both.years[0], both.years[1] + 1)}, schema={"year": pl.Int32})
    wide = (
        years.join(per.pivot("instrument", index="year", values="positive"), on="year", how="left")
        if per.height
        else years
    )
    channels = ledger_channels(led)
    instruments = sorted(c for c in wide.columns if c != "year")
    for i in instruments:
        win = span(led, channels[i]) if i in channels else None
        inside = pl.col("year").is_between(*win) if win else pl.lit(False)
        wide = wide.with_columns(pl.when(inside).then(pl.col(i).fill_null(0)).otherwise(pl.col(i)).alias(i))
    sec.figures.append(
        figures.lines(
            "engagements",
            f"Engagements between {a.name} and {b.name}, either way",
            "Engagements per year",
            "the ledger's engagements, one source per fact",
            wide,
            x="year",
            series={i: i.replace("_", " ") for i in instruments},
            empty=f"The ledger records no engagement between {a.name} and {b.name} in {_span(both.years)}.",
            notes=["An instrument's count is blank outside the years its sources cover."],
        )
    )
    return sec


def _alignment(led: Ledger, a: Subject, b: Subject, both: Subject, f: DyadFacts, used: list[str]) -> Section:
    sec = Section("alignment", "Alignment at the UN")
    rows = profiles.alignment(led, a.ccode, b.ccode, both.years)
    notes = coverage.statements(led, "unga", both.years)
    if rows.height == 0:
        sec.statements += notes or [f"{a.name} and {b.name} shared no UN General Assembly roll call."]
        return sec
    used += coverage.channel_sources(led, ["unga"])
    last = rows.sort("year").tail(1).row(0, named=True)
    old = rows.filter(pl.col("year") == last["year"] - CHANGE_YEARS)["agree3"]
    f.agreement = (
        float(last["agree3"]),
        float(last["agree3"]) - float(old[0]) if old.len() else None,
        int(last["year"]),
    )
    years = pl.DataFrame({"year": range(both.years[0], both.years[1] + 1)}, schema={"year": pl.Int32})
    wide = years.join(
        rows.select(pl.col("year").cast(pl.Int32), "agree3", "s_abs", "cohen_kappa"), on="year", how="left"
    )
    sec.figures.append(
        figures.lines(
            "alignment",
            f"UN voting alignment of {a.name} and {b.name}",
            "Agreement (0–1); S, κ (−1 to 1)",
            coverage.source_line(led, ["unga"]),
            wide,
            x="year",
            series={
                "agree3": "Agreement (3 categories)",
                "s_abs": "Signorino–Ritter S",
                "cohen_kappa": "Cohen's κ",
            },
            empty="No shared roll calls.",
            notes=notes,
            zero=True,
        )
    )
    return sec


def _rivals(led: Ledger, ctx: Context, a: Subject, b: Subject, both: Subject, f: DyadFacts) -> Section:
    sec = Section("competitors", f"Competitors for {b.name}")
    infl = ctx.influence(led)
    if both.ref is None or infl.height == 0:
        sec.statements.append("No influence index for these years: competitors cannot be compared.")
        return sec
    now = infl.filter(
        (pl.col("target") == b.ccode) & (pl.col("year") == both.ref) & (pl.col("influence") > 0)
    )
    others = now.filter(pl.col("patron") != a.ccode).sort(["influence", "patron"], descending=[True, False])
    patrons = [a.ccode, *others["patron"].head(RIVALS).to_list()]
    shares = inf.contest(infl.filter(pl.col("year").is_between(*both.years)), b.ccode, patrons)
    if others.height:
        total = float(now["influence"].sum())
        f.rival = (ctx.name(led, int(others["patron"][0])), float(others["influence"][0]) / total)
    wide = shares.pivot("patron", index="year", values="share").sort("year") if shares.height else shares
    sec.figures.append(
        figures.lines(
            "competitors",
            f"Shares of influence over {b.name}",
            "Share of these patrons' influence (0–1)",
            coverage.source_line(led, INFLUENCE, INDEX),
            wide,
            x="year",
            series={str(p): ctx.name(led, p) for p in patrons if str(p) in wide.columns},
            ylim=(0, 1.05),
            empty=f"No patron held influence over {b.name} in these years.",
        )
    )
    sec.text.append(
        f"{a.name} against the {min(RIVALS, others.height)} other patrons with the most influence "
        f"over {b.name} in {both.ref}."
    )
    return sec


def _timeline(led: Ledger, a: Subject, b: Subject, both: Subject, used: list[str]) -> Section:
    years = (max(both.years[0], both.year - TIMELINE_YEARS + 1), both.year)
    rows = timeline.of_dyad(led, a.ccode, b.ccode, years)
    used += rows["source_id"].unique().to_list()
    sec = Section("timeline", f"Notable engagements, {years[0]}–{years[1]}")
    sec.tables.append(
        Table(
            "timeline",
            f"Notable engagements between {a.name} and {b.name}",
            rows,
            timeline.COLUMNS,
            "the ledger's engagements, one source per fact, machine-coded events left out",
            statement=f"The ledger records no engagement between them in {years[0]}–{years[1]}.",
        )
    )
    return sec


def _span(years: tuple[int, int]) -> str:
    return f"{years[0]}–{years[1]}"
