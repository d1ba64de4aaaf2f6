"""From a plan and the ledger to a numerical `Instance`: partners, prices, the patron's record.

What the ledger supplies (each reading through `legation.panel`):

- the patron's **recorded engagements** with each candidate, per instrument, as a decayed stock at
  the last year its data cover (the ledger channel of each instrument, one source per fact; arms in
  SIPRI TIV), priced with the unit costs: the status quo, and the saturation of the response
  (``k = unit cost + recorded stock``: the first million into a neglected relationship buys more);
- each candidate's **strategic rivals** (Thompson–Dreyer or Thompson–Sakuwa–Suhas) for the
  escalation exposure, and its **arms imports from other suppliers** for the dependency cap.

What it does not supply is how much alignment a million buys. Unless a calibrated model is given
(`response_from_model`), that comes from `PRIOR`: a documented, uncalibrated prior per instrument,
ordered as RAND's security-cooperation studies find (education and training strongest), with wide
uncertainty; `Response.basis` says which one a solution used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import polars as pl

from legation.errors import InvalidValueError, NeedsDataError, UnknownStateError
from legation.groups import bundled as bundled_groups
from legation.instruments import INSTRUMENTS
from legation.ledger.store import Ledger
from legation.model.optimise.costs import unit_costs
from legation.model.optimise.instance import Choice, Instance
from legation.model.optimise.plan import REGIONS, Plan
from legation.model.optimise.response import Response
from legation.model.params import ParameterSet
from legation.panel import channels as reg
from legation.states import resolve
from legation.states.system import bundled as bundled_system

PRIOR: dict[str, float] = {
    "training": 0.012,
    "exercise": 0.008,
    "military_aid": 0.007,
    "hadr": 0.006,
    "arms_transfer": 0.005,
    "dialogue": 0.005,
    "attache": 0.004,
    "basing": 0.004,
    "peacekeeping": 0.003,
    "dca": 0.006,
    "alliance": 0.010,
    "intelligence": 0.004,
    "cyber": 0.003,
    "covert": 0.002,
}
"""Prior gain in UNGA excess agreement from doubling an engagement (``a·ln 2`` per doubling), by
instrument. Not calibrated: its order follows RAND RR-350 (Paul et al. 2013: security cooperation's
returns diminish per partner, strongest for education and training); its size is that of the
alignment shifts docs/model.md reports (a few hundredths over a decade)."""
SATURATION: dict[str, float] = {
    "training": 50.0,
    "military_aid": 10.0,
    "arms_transfer": 10.0,
    "peacekeeping": 100.0,
}
"""Units a year at which a new relationship's returns have halved (default 1: one exercise, one
relief operation, one agreement): fifty students, US$10 million of financing, a hundred peacekeepers."""
PRIOR_SIGMA = 0.5
"""Log-scale uncertainty of each instrument's prior response, shared by every partner."""
PARTNER_SIGMA = (0.4, 0.8)
"""Log-scale uncertainty of a partner's own response: with and without a record of engagement."""
ESCALATION: dict[str, float] = {
    "arms_transfer": 1.0,
    "basing": 1.0,
    "exercise": 0.8,
    "military_aid": 0.6,
    "covert": 1.0,
    "intelligence": 0.4,
    "training": 0.2,
    "dialogue": 0.1,
    "hadr": 0.05,
    "peacekeeping": 0.05,
}
"""Relative escalation exposure per US$ million by instrument (a prior, overridable via the plan's
limit): arms, bases and exercises are what a partner's rivals answer; relief and peacekeeping rarely."""
ESCALATION_RATE = 0.001
"""Expected militarised disputes with one rival per US$ million of the most provocative instrument."""


@dataclass(frozen=True)
class Record:
    """The patron's recorded engagements: ``units[p,i]`` (decayed stock at ``year[i]``)."""

    units: np.ndarray
    years: dict[str, int]


def partners(plan: Plan) -> tuple[int, list[int]]:
    """The patron's COW code and the candidates' (sorted, the patron left out)."""
    when = date(plan.base_year, 6, 30)
    patron = _state(plan.patron, "patron")
    chosen: set[int] = {_state(s, "partners.states") for s in plan.partners.states}
    if plan.partners.group:
        group = bundled_groups().find(plan.partners.group)
        if group is None:
            raise InvalidValueError(f"unknown group {plan.partners.group!r} in partners.group")
        chosen |= set(group.members_on(when))
    if plan.partners.region or plan.partners.all:
        system = bundled_system()
        members = system.members(when) or system.members(date(2016, 6, 30))
        lo, hi = REGIONS[plan.partners.region] if plan.partners.region else (0, 10_000)
        chosen |= {c for c in members if lo <= c <= hi}
    chosen -= {_state(s, "partners.exclude") for s in plan.partners.exclude}
    chosen.discard(patron)
    if not chosen:
        raise InvalidValueError("the plan's partners name no state other than the patron")
    return patron, sorted(chosen)


def _state(name: str, field: str) -> int:
    try:
        actor = resolve(name)
    except UnknownStateError as e:
        raise InvalidValueError(f"{field}: {e}") from None
    if actor.ccode is None:
        raise InvalidValueError(f"{field}: {name!r} is {actor.name}, not a state")
    return actor.ccode


def record(led: Ledger, patron: int, cands: list[int], instruments: list[str], until: int) -> Record:
    """The patron's decayed engagement stock with each candidate per instrument, at the last year
    (≤ ``until``) the instrument's data cover; arms in SIPRI TIV, the rest in counts."""
    index = {c: k for k, c in enumerate(cands)}
    units = np.zeros((len(cands), len(instruments)))
    used: dict[str, int] = {}
    chans = reg.ledger_channels(led)
    arms = reg.CHANNELS["arms"]
    for col, name in enumerate(instruments):
        ch = arms if name == "arms_transfer" and reg.registered(led, arms) else chans.get(name)
        if ch is None:
            continue
        span = reg.span(led, ch) if ch.basis == "ledger" else _research_span(led, ch)
        if span is None:
            continue
        last = min(until, span[1])
        rows = reg.flows(led, ch, last).filter((pl.col("ccode1") == patron) & pl.col("ccode2").is_in(cands))
        if rows.height == 0:
            continue
        age = last - rows["year"].to_numpy()
        w = np.power(0.5, age / INSTRUMENTS[name].half_life)
        for c2, v in zip(rows["ccode2"].to_list(), rows["v"].to_numpy() * w, strict=True):
            units[index[c2], col] += v
        used[name] = last
    return Record(units, used)


def _research_span(led: Ledger, ch: reg.Channel) -> tuple[int, int] | None:
    srcs = reg.registered(led, ch)
    ends = [s.coverage_end for s in srcs if s.coverage_end is not None]
    starts = [s.coverage_start for s in srcs if s.coverage_start is not None]
    return (min(starts), max(ends)) if ends and starts else None


def neighbourhood(led: Ledger, patron: int, cands: list[int], year: int) -> tuple[np.ndarray, np.ndarray]:
    """``(rivals[p], other_arms[p])``: each candidate's strategic rivals in ``year`` (or the last
    year the rivalry lists cover) and its decayed arms-import stock from suppliers other than the
    patron (SIPRI TIV)."""
    from legation.panel import dyad_years

    rivals = np.zeros(len(cands))
    others = np.zeros(len(cands))
    index = {c: k for k, c in enumerate(cands)}
    riv = reg.CHANNELS["rivalries"]
    if reg.registered(led, riv):
        span = _research_span(led, riv)
        y = min(year, span[1]) if span else year
        frame = dyad_years(led, years=(y, y)).add_rivalries().frame
        hit = frame.filter(
            pl.col("ccode1").is_in(cands)
            & ((pl.col("rivalry_td").fill_null(0) > 0) | (pl.col("rivalry_tss").fill_null(0) > 0))
        )
        for c, n in hit.group_by("ccode1").len().iter_rows():
            rivals[index[c]] = n
    arms = reg.CHANNELS["arms"]
    if reg.registered(led, arms):
        arms_span = _research_span(led, arms)
        last = min(year, arms_span[1]) if arms_span else year
        flows = reg.flows(led, arms, last).filter(
            pl.col("ccode2").is_in(cands) & (pl.col("ccode1") != patron)
        )
        if flows.height:
            w = np.power(0.5, (last - flows["year"].to_numpy()) / INSTRUMENTS["arms_transfer"].half_life)
            for c2, v in zip(flows["ccode2"].to_list(), flows["v"].to_numpy() * w, strict=True):
                others[index[c2]] += v
    return rivals, others


def instance(
    plan: Plan, led: Ledger, response: Response | None = None, params: ParameterSet | None = None
) -> Instance:
    """The numerical problem of ``plan`` on the ledger ``led``: ``response`` when given, else the prior
    scaled by the record, informed by a calibrated parameter set ``params`` when given."""
    patron, cands = partners(plan)
    costs = unit_costs(plan.costs)
    names = plan.instruments if plan.instruments is not None else [n for n in INSTRUMENTS if n in costs]
    missing = [n for n in names if n not in costs]
    if missing:
        raise InvalidValueError(f"no unit cost for {', '.join(missing)}: give one under costs:")
    price = np.array([costs[n] for n in names])
    rec = record(led, patron, cands, names, plan.base_year)
    if not rec.years:
        raise NeedsDataError(
            "the ledger records none of the plan's instruments: import the research datasets "
            "(legation data import-dir) or your own engagements first"
        )
    existing = rec.units * price[None, :]
    resp = (
        response
        if response is not None
        else prior_response(existing, price, names, rec.units.sum(axis=1) > 0)
    )
    labels = {c: resolve(str(c)).name for c in cands}
    index = {c: k for k, c in enumerate(cands)}
    rivals, other_arms = neighbourhood(led, patron, cands, plan.base_year)
    total, per_year = _budget(plan)
    bounds = _bounds(plan, index, names)
    return Instance(
        partners=tuple(cands),
        instruments=tuple(names),
        years=plan.years,
        response=resp,
        budget_total=total,
        budget_year=per_year,
        commitments=bounds["commitments"],
        pair_min=bounds["pair_min"],
        pair_max=bounds["pair_max"],
        partner_min=bounds["partner_min"],
        partner_max=bounds["partner_max"],
        instrument_min=bounds["instrument_min"],
        instrument_max=bounds["instrument_max"],
        priority=np.array([plan.priorities.get(labels[c], plan.priorities.get(str(c), 1.0)) for c in cands]),
        cvar_level=plan.risk.cvar_level,
        cvar_max=plan.risk.cvar_max,
        escalation=rivals[:, None]
        * np.array([ESCALATION.get(n, 0.5) for n in names])[None, :]
        * ESCALATION_RATE,
        escalation_max=plan.risk.escalation_max,
        dependency=_dependency(plan, rec, price, names, other_arms),
        opposition=None,
        opposition_penalty=plan.risk.opposition_penalty,
        choice=Choice(plan.choose.max_partners, plan.choose.min_spend) if plan.choose else None,
        draws=plan.scenarios.draws,
        seed=plan.scenarios.seed,
        labels=labels,
    )


def prior_response(
    existing: np.ndarray, price: np.ndarray, names: list[str], engaged: np.ndarray
) -> Response:
    """The fallback response: `PRIOR` per instrument, saturation at `SATURATION` units plus the record."""
    mean = np.tile(np.array([PRIOR[n] for n in names]), (existing.shape[0], 1))
    first = price * np.array([SATURATION.get(n, 1.0) for n in names])
    return Response(
        mean=mean,
        scale=first[None, :] + existing,
        sigma_instrument=np.full(len(names), PRIOR_SIGMA),
        sigma_partner=np.where(engaged, PARTNER_SIGMA[0], PARTNER_SIGMA[1]),
        basis="prior (uncalibrated; saturation from the ledger's record of the patron's engagements)",
    )


def status_quo(inst: Instance, plan: Plan, led: Ledger) -> np.ndarray:
    """[P,I] yearly spending the patron's record implies (units × unit cost), before scaling."""
    patron, cands = partners(plan)
    costs = unit_costs(plan.costs)
    price = np.array([costs[n] for n in inst.instruments])
    rec = record(led, patron, cands, list(inst.instruments), plan.base_year)
    half = np.array([INSTRUMENTS[n].half_life for n in inst.instruments])
    yearly = rec.units * (1 - np.power(0.5, 1 / half))[None, :]  # the flow that keeps the stock steady
    return yearly * price[None, :]


def _budget(plan: Plan) -> tuple[float, np.ndarray | None]:
    per = plan.budget.per_year
    year = (
        None if per is None else np.array(per if isinstance(per, list) else [per] * plan.horizon, dtype=float)
    )
    return (plan.budget.total if plan.budget.total is not None else np.inf), year


def _bounds(plan: Plan, index: dict[int, int], names: list[str]) -> dict[str, np.ndarray]:
    p, i, t = len(index), len(names), plan.horizon
    out = {
        "pair_min": np.zeros((p, i)),
        "pair_max": np.full((p, i), np.inf),
        "partner_min": np.zeros(p),
        "partner_max": np.full(p, np.inf),
        "instrument_min": np.zeros(i),
        "instrument_max": np.full(i, np.inf),
        "commitments": np.zeros((p, i, t)),
    }
    col = {n: k for k, n in enumerate(names)}

    def where(partner: str | None, instrument: str | None, field: str) -> tuple[int | None, int | None]:
        row = None
        if partner is not None:
            code = _state(partner, field)
            if code not in index:
                raise InvalidValueError(f"{field}: {partner} is not one of the plan's partners")
            row = index[code]
        k = None
        if instrument is not None:
            if instrument not in col:
                raise InvalidValueError(f"{field}: {instrument} is not one of the plan's instruments")
            k = col[instrument]
        return row, k

    for n, b in enumerate(plan.bounds):
        row, k = where(b.partner, b.instrument, f"bounds.{n}")
        hi = b.max if b.max is not None else np.inf
        if row is not None and k is not None:
            out["pair_min"][row, k], out["pair_max"][row, k] = b.min, hi
        elif row is not None:
            out["partner_min"][row], out["partner_max"][row] = b.min, hi
        else:
            out["instrument_min"][k], out["instrument_max"][k] = b.min, hi
    for n, c in enumerate(plan.commitments):
        row, k = where(c.partner, c.instrument, f"commitments.{n}")
        out["commitments"][row, k, :] += c.per_year
    return out


def _dependency(
    plan: Plan, rec: Record, price: np.ndarray, names: list[str], others: np.ndarray
) -> np.ndarray | None:
    """[P] most the patron may add on arms and military aid before its share of a partner's supply
    passes the cap: (θ·(own + others) − own) / (1 − θ), never below 0."""
    theta = plan.risk.dependency_max_share
    if theta is None:
        return None
    dep = [k for k, n in enumerate(names) if n in ("arms_transfer", "military_aid")]
    own = (rec.units[:, dep] * price[None, dep]).sum(axis=1)
    return np.maximum((theta * (own + others) - own) / (1 - theta), 0.0)


def with_response(inst: Instance, response: Response) -> Instance:
    """The same instance with another response (a calibrated model's)."""
    return replace(inst, response=response)


def response_from_params(params: ParameterSet, names: list[str], prior: Response, seed: int = 0) -> Response:
    """The prior response with what the calibrated model (`legation calibrate`) knows put in: for each
    instrument whose channel has a ``beta_<channel>`` estimate, its sign (an instrument whose
    calibrated response is not positive gets no money) and its relative uncertainty (the bootstrap
    draws divided by the estimate, resampled draw by draw so instruments keep their correlation).
    The size of a response stays the prior's: the model's betas are per unit of an influence score,
    not per dollar, and no data here convert one into the other."""
    by_instrument = {ch.instrument: name for name, ch in reg.CHANNELS.items() if ch.instrument}
    n = max(params.n_draws, 200)
    rng = np.random.default_rng(seed)
    draws = np.exp(PRIOR_SIGMA * rng.standard_normal((n, len(names))) - PRIOR_SIGMA**2 / 2)
    mean = prior.mean.copy()
    used = []
    for k, inst_name in enumerate(names):
        key = f"beta_{by_instrument.get(inst_name, '')}"
        if key not in params.estimates:
            continue
        est = params.estimates[key]
        used.append(f"{inst_name} ({key} = {est.value:.3g})")
        if est.value <= 0 or not est.draws:
            mean[:, k] = 0.0 if est.value <= 0 else mean[:, k]
            continue
        column = np.clip(np.asarray(est.draws) / est.value, 0.0, None)
        draws[:, k] = column[np.arange(n) % len(column)]
    if not used:
        return prior
    basis = (
        f"calibrated sign and uncertainty ({params.train[0]}-{params.train[1]}) for "
        f"{', '.join(used)}; prior size, and the prior for the other instruments"
    )
    return replace(prior, mean=mean, instrument_draws=draws, basis=basis)
