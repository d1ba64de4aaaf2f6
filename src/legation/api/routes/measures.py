"""Measures: influence (by patron, target, year, channel), outward influence, the contest over a
target, a state's profile, UN alignment, national scores, networks and validation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import polars as pl
from fastapi import APIRouter, Path, Query

from legation.api.common import (
    MAX_YEAR,
    MIN_YEAR,
    Access,
    Limit,
    Offset,
    OptYear,
    Page,
    Year,
    page,
    records,
    state_code,
    years_param,
)
from legation.api.problems import Problem
from legation.groups import majors
from legation.ledger import reads
from legation.ledger.store import Ledger
from legation.measures import influence as inf
from legation.measures import profiles, window
from legation.measures.validation import has_inputs, validate
from legation.panel import channels
from legation.panel.channels import CHANNELS
from legation.years import VIEW_YEARS

router = APIRouter(prefix="/api", tags=["measures"])
MAX_PATRONS = 12


IndexParam = Annotated[
    Literal["v2", "v1"], Query(description="index version: v2 (default) or v1, kept for comparison")
]


def _influence(ledger: Access, index: str = inf.DEFAULT_INDEX) -> tuple[pl.DataFrame, str]:
    if index == inf.DEFAULT_INDEX:
        return ledger.cached("influence", profiles.influence)

    def older(led: Ledger) -> tuple[pl.DataFrame, str]:
        if channels.basis(led) != "research":
            return profiles.influence(led)
        return inf.influence(led, profiles.research_years(led), index=index), "research"

    return ledger.cached(("influence", index), older)


def _names(ledger: Access) -> pl.DataFrame:
    return ledger.cached("state_names", reads.state_names).select("ccode", "abb", "name")


def _named(frame: pl.DataFrame, names: pl.DataFrame, col: str) -> pl.DataFrame:
    return frame.join(
        names.rename({"ccode": col, "name": f"{col}_name", "abb": f"{col}_abb"}), on=col, how="left"
    )


def _meta(basis: str, frame: pl.DataFrame, index: str = inf.DEFAULT_INDEX) -> dict[str, Any]:
    names = [c.removeprefix("score_") for c in frame.columns if c.startswith("score_")]
    defaults = inf.default_weights(index)
    weights = {c: defaults.get(c) for c in names} if basis == "research" else dict.fromkeys(names, 1.0)
    years = [frame["year"].min(), frame["year"].max()] if frame.height else None
    return {
        "basis": basis,
        "index": index if basis == "research" else "ledger",
        "meaning": inf.MEANING if basis == "research" else None,
        "years": years,
        "channels": names,
        "instruments": {c: CHANNELS[c].instrument if basis == "research" else c for c in names},
        "weights": weights,
        "unit": "index 0–1 per dyad-year (bandwidth × dependence, weighted mean over channels)",
        "note": "research: ATOP, SIPRI, MME/JME, US troops and visits, McManus–Nieman; "
        "ledger: one channel per instrument from the ledger's own engagements (illustrative on the sample)",
    }


@router.get("/influence", response_model=Page)
def influence(
    ledger: Access,
    patron: Annotated[str | None, Query(max_length=200, description="COW code or name")] = None,
    target: Annotated[str | None, Query(max_length=200, description="COW code or name")] = None,
    year: OptYear = None,
    since: OptYear = None,
    until: OptYear = None,
    channel: Annotated[
        str | None, Query(max_length=40, description="keep rows with a score in this channel")
    ] = None,
    index: IndexParam = "v2",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page:
    """Influence of patrons on targets per year, with each channel's score; each year largest first."""
    full, basis = _influence(ledger, index)
    frame = full
    with ledger.read() as led:
        if patron is not None:
            frame = frame.filter(pl.col("patron") == state_code(led, patron, "patron"))
        if target is not None:
            frame = frame.filter(pl.col("target") == state_code(led, target, "target"))
    if year is not None:
        frame = frame.filter(pl.col("year") == year)
    if since is not None or until is not None:
        lo, hi = years_param(since, until, (MIN_YEAR, MAX_YEAR))
        frame = frame.filter(pl.col("year").is_between(lo, hi))
    if channel is not None:
        col = f"score_{channel}"
        if col not in frame.columns:
            known = [c.removeprefix("score_") for c in frame.columns if c.startswith("score_")]
            raise Problem(422, f"channel {channel!r} is not one of {known}", slug="invalid-request")
        frame = frame.filter(pl.col(col) > 0)
    frame = frame.filter(pl.col("influence") > 0).sort(["year", "influence"], descending=[False, True])
    names = _names(ledger)
    rows = _named(_named(frame.slice(offset, limit), names, "patron"), names, "target")
    return Page(
        items=records(rows), total=frame.height, limit=limit, offset=offset, meta=_meta(basis, full, index)
    )


@router.get("/influence/outward", response_model=Page)
def outward(
    ledger: Access,
    year: OptYear = None,
    since: OptYear = None,
    until: OptYear = None,
    top: Annotated[int, Query(ge=1, le=50, description="patrons with the largest total over the years")] = 8,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> Page:
    """Outward influence of the leading patrons per year (the sum of their influence over every
    target), with each channel's share: who projects military-diplomatic influence."""
    frame, basis = _influence(ledger)
    out = ledger.cached("outward", lambda _led: profiles.outward(frame))
    if year is not None:
        out = out.filter(pl.col("year") == year).sort("outward", descending=True)
        leaders = out
    else:
        first, last = out.select(pl.col("year").min().alias("lo"), pl.col("year").max().alias("hi")).row(0)
        lo, hi = years_param(since, until, (int(first or 0), int(last or 0)))
        out = out.filter(pl.col("year").is_between(lo, hi))
        best = (
            out.group_by("patron")
            .agg(pl.col("outward").sum())
            .sort(["outward", "patron"], descending=[True, False])
        )
        leaders = out.filter(pl.col("patron").is_in(best["patron"].head(top).implode()))
    leaders = _named(leaders, _names(ledger), "patron")
    return page(leaders, limit, offset, **_meta(basis, frame))


@router.get("/influence/contest", response_model=Page)
def contest(
    ledger: Access,
    target: Annotated[str, Query(max_length=200, description="the contested state: COW code or name")],
    patrons: Annotated[
        str, Query(max_length=400, description="comma-separated COW codes or names")
    ] = ",".join(str(c) for c in majors()[:3]),
    since: OptYear = None,
    until: OptYear = None,
    index: IndexParam = "v2",
    limit: Limit = 1000,
    offset: Offset = 0,
) -> Page:
    """Each patron's influence on the target and its share of the patrons' total, per year."""
    frame, basis = _influence(ledger, index)
    names = [p for p in (x.strip() for x in patrons.split(",")) if p]
    if not 1 <= len(names) <= MAX_PATRONS:
        raise Problem(422, f"give 1 to {MAX_PATRONS} patrons", slug="invalid-request")
    with ledger.read() as led:
        t = state_code(led, target, "target")
        codes = list(dict.fromkeys(state_code(led, p, "patrons") for p in names))
    asked = years_param(since, until, (MIN_YEAR, MAX_YEAR))
    usable = ledger.cached(("window", asked), lambda led: window.usable(led, asked))
    rows = inf.contest(frame, t, codes).filter(pl.col("year").is_between(usable.first, usable.last))
    rows = _named(rows, _names(ledger), "patron")
    shown = {"first": usable.first, "last": usable.last, "note": usable.note()}
    return page(rows, limit, offset, target=t, patrons=codes, window=shown, **_meta(basis, frame, index))


@router.get("/states/{state}/profile")
def profile(
    ledger: Access,
    state: Annotated[str, Path(max_length=200, description="COW code or name")],
    all_sources: Annotated[
        bool,
        Query(description="count every source's rows, not one source per fact (docs/data.md, precedence)"),
    ] = False,
) -> dict[str, Any]:
    """A state's engagements in and out by instrument and year, its top patrons and clients, arms
    dependency and UN alignment with the major powers; ``counted_sources`` lists, per instrument, the
    sources the counts come from (one per fact unless ``all_sources``)."""
    with ledger.read() as led:
        code = state_code(led, state, "state")
    parts = ledger.cached(
        ("profile", code, all_sources),
        lambda led: profiles.profile(
            led,
            code,
            ledger.cached("arms_dependency", profiles.all_arms_dependency),
            all_sources=all_sources,
        ),
    )
    names = _names(ledger)
    row = names.filter(pl.col("ccode") == code)
    out: dict[str, Any] = {"ccode": code, "name": row["name"][0] if row.height else None}
    for key, frame in parts.items():
        for col in ("top_supplier", "major"):
            if col in frame.columns:
                frame = _named(frame, names, col)
        out[key] = records(frame)
    return out


@router.get("/alignment", response_model=Page)
def alignment(
    ledger: Access,
    a: Annotated[str, Query(max_length=200)],
    b: Annotated[str, Query(max_length=200)],
    since: OptYear = None,
    until: OptYear = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> Page:
    """UN General Assembly voting alignment of two states per year: agreement, S, π and κ."""
    lo, hi = years_param(since, until, VIEW_YEARS)
    with ledger.read() as led:
        ca, cb = state_code(led, a, "a"), state_code(led, b, "b")
    if ca == cb:
        raise Problem(422, "alignment needs two different states", slug="invalid-request")
    rows = ledger.cached(
        ("alignment", min(ca, cb), max(ca, cb), (lo, hi)),
        lambda led: profiles.alignment(led, ca, cb, (lo, hi)),
    )
    return page(
        rows,
        limit,
        offset,
        source=CHANNELS["unga"].source if rows.height else None,
        note=None if rows.height else f"no UN roll calls in this ledger: import {CHANNELS['unga'].source}",
    )


@router.get("/scores", response_model=Page)
def scores(ledger: Access, year: Year = 2015, limit: Limit = 200, offset: Offset = 0) -> Page:
    """Lowy-style defence-network scores (0–100) of every state in a year, best first."""
    rows = ledger.cached(("scores", year), lambda led: profiles.national_scores(led, year))
    rows = rows.sort(["score", "ccode"], descending=[True, False], nulls_last=True).join(
        _names(ledger), on="ccode", how="left"
    )
    return page(rows, limit, offset)


@router.get("/network")
def network(
    ledger: Access,
    year: Year,
    channel: Annotated[
        str, Query(max_length=40, description="alliance, arms, exercise or an instrument")
    ] = "alliance",
) -> dict[str, Any]:
    """Nodes (centralities, Leiden bloc, layout), edges and blocs of one channel in one year."""
    net = ledger.cached(("network", channel, year), lambda led: profiles.network(led, channel, year))
    return {k: records(v) if isinstance(v, pl.DataFrame) else v for k, v in net.items()}


@router.get("/network/channels")
def network_channels(ledger: Access) -> dict[str, Any]:
    """The channels this ledger can draw a network of (each once), where each one's ties come from and
    the years they cover, and the channel and year to open on."""
    choices = ledger.cached("network_choices", profiles.network_choices)
    return {
        "channels": [c["name"] for c in choices],
        "choices": choices,
        "default": ledger.cached("network_default", profiles.default_network),
    }


@router.get("/validation", response_model=Page)
def validation(ledger: Access) -> Page:
    """Out-of-sample validation of influence v1 and v2 against UN voting (fitted 1970–2005, scored
    2006–2015, bootstrap 95% intervals over targets): (a) levels, (b) shift AUC, (c) forecast gain,
    (d) event study, one row per test and predictor; computed once per ledger, then cached."""
    with ledger.read() as led:
        ready = has_inputs(led)
    if not ready:
        raise Problem(
            409,
            f"validation needs UN votes ({CHANNELS['unga'].source}) and the influence datasets: import "
            "them with `legation data import-dir DIR`",
            slug="needs-data",
        )
    result = ledger.cached("validation", lambda led: validate(led, boot=200))
    return page(
        result.side_by_side(),
        200,
        0,
        train=list(result.train),
        test=list(result.test),
        patrons=list(result.patrons),
        fitted_weights={ix: f.weights for ix, f in result.fitted.items()},
        default_weights=result.defaults,
        meaning=inf.MEANING,
    )
