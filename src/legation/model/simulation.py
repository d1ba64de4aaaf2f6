"""From a scenario to a plan the kernel runs: the pairs, their start, and both input paths.

`plan` reads everything it needs from the ledger once (the history, the recorded flows, the
calibration unless a parameter set is given) and returns a `Plan`: plain arrays, picklable, which
`run_blocks` (or an executor, `legation.model.executor`) simulates block by block. The baseline and
the scenario run with the same seed, so their difference isolates the scenario's changes (common
random numbers): its spread is the parameters' uncertainty, not noise.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from legation.errors import InvalidValueError, NeedsDataError
from legation.ledger.store import Ledger
from legation.measures.influence import DEFAULT_INDEX
from legation.measures.validation import P5
from legation.model import kernel
from legation.model.calibrate import calibrate_history, data_versions
from legation.model.inputs import History, history
from legation.model.params import ParameterSet
from legation.model.paths import Change, project, recorded
from legation.model.scenario import EXPOSURE, Scenario
from legation.model.start import Start, start
from legation.panel.channels import CHANNELS, INFLUENCE

TRAIN_YEARS = 25
"""Years up to the base year a simulation calibrates on when no parameter set is given (the
backtest's design, chosen on origins up to 2000)."""

WINDOW = 20
"""Years of a pair's past its start state reads (the backtest's design)."""

ARMS = ("baseline", "scenario")
ARM = pl.Enum([*ARMS, "difference"])
"""The arms of a run's tidy draws: both simulations and their difference per draw."""


@dataclass(frozen=True)
class Plan:
    """Everything the kernel needs for one scenario, as arrays."""

    name: str
    start: Start
    years: np.ndarray
    """``[H]`` the simulated years."""
    params: ParameterSet
    deltas: dict[str, np.ndarray]
    """Arm → channel-score changes ``[C, pairs, H]``."""
    shifts: dict[str, np.ndarray]
    """Arm → level shocks ``[pairs, H]``."""
    scores: dict[str, np.ndarray]
    """Arm → channel scores ``[C, pairs, H+1]`` (base year first)."""
    draws: int
    seed: int
    unmodelled: tuple[str, ...] = field(default_factory=tuple)
    """Interventions whose instrument has no calibrated channel (they change nothing)."""
    risks: tuple[kernel.RiskProcess, ...] = ()
    """The risk processes drawn with the alignment (their estimates in ``params.risks``)."""


def changes(sc: Scenario, last: int) -> tuple[list[Change], list[str]]:
    """The scenario's interventions and shocks as flow changes, and the interventions no channel carries."""
    by_instrument: dict[str, list[str]] = {}
    for c in INFLUENCE:
        inst = CHANNELS[c].instrument
        if inst is not None:
            by_instrument.setdefault(inst, []).append(c)
    out, unmodelled = [], []
    for iv in sc.interventions:
        chans = by_instrument.get(iv.instrument, [])
        if not chans:
            unmodelled.append(f"{iv.instrument} {iv.actor}→{iv.partner}")
        for c in chans:
            add, factor = (iv.magnitude or 0.0, 1.0) if iv.factor is None else (0.0, iv.factor)
            out.append(Change(c, iv.actor, iv.partner, iv.start, iv.end or last, add, factor))
    for s in sc.shocks:
        if s.kind == "cutoff":
            for c in by_instrument.get(s.instrument or "", []):
                out.append(Change(c, s.actor, s.partner, s.year, last, 0.0, 0.0))
        elif s.kind in ("suspension", "exposure"):
            prior = EXPOSURE if s.kind == "exposure" else {"factor": 0.0, "years": last - s.year + 1}
            factor = s.factor if s.factor is not None else float(prior["factor"])
            years = s.years if s.years is not None else int(prior["years"])
            out += [Change(c, s.actor, s.partner, s.year, s.year + years - 1, 0.0, factor) for c in INFLUENCE]
    return out, unmodelled


def _shift(sc: Scenario, st: Start, years: np.ndarray) -> np.ndarray:
    out = np.zeros((st.pairs.shape[0], years.size))
    for s in sc.shocks:
        if s.kind != "alignment" or not years[0] <= s.year <= years[-1]:
            continue
        hit = np.flatnonzero((st.pairs[:, 0] == s.actor) & (st.pairs[:, 1] == s.partner))
        out[hit, s.year - years[0]] += s.size or 0.0
    return out


def _pairs(sc: Scenario, hist: History) -> np.ndarray:
    actors = {i.actor for i in sc.interventions} | {s.actor for s in sc.shocks}
    partners = {i.partner for i in sc.interventions} | {s.partner for s in sc.shocks}
    patrons = sc.patrons or sorted(actors | set(P5))
    targets = sc.targets or sorted(partners)
    have = hist.pairs
    keep = np.isin(have[:, 0], patrons) & (np.isin(have[:, 1], targets) if targets else True)
    return np.flatnonzero(keep)


def available_risks() -> tuple[kernel.RiskProcess, ...]:
    """The risk processes of ``legation.model.risks`` (its ``RISKS``), none while it does not exist."""
    if importlib.util.find_spec("legation.model.risks") is None:
        return ()
    module = importlib.import_module("legation.model.risks")
    return tuple(getattr(module, "RISKS", ()))


def with_risks(led: Ledger, params: ParameterSet, risks: Sequence[kernel.RiskProcess]) -> ParameterSet:
    """``params`` with the estimates of every risk it lacks, calibrated on its own training window."""
    missing = {r.name: r.calibrate(led, params.train) for r in risks if r.name not in params.risks}
    return replace(params, risks={**params.risks, **missing}) if missing else params


def bind(
    risk: kernel.RiskProcess, led: Ledger, hist: History, pairs: np.ndarray, base: int
) -> kernel.RiskProcess:
    """The risk given the plan's pairs (their covariates at the base year) if it takes them
    (``risk.bind``), else the risk itself."""
    binder = getattr(risk, "bind", None)
    return risk if binder is None else binder(led, hist, pairs, base)


def plan(
    led: Ledger,
    sc: Scenario,
    params: ParameterSet | None = None,
    *,
    hist: History | None = None,
    draws: int | None = None,
    risks: Sequence[kernel.RiskProcess] | None = None,
) -> Plan:
    """The plan of ``sc`` on ``led`` (calibrating on the `TRAIN_YEARS` up to the base year unless
    ``params`` is given), with ``risks`` (default: `available_risks`), each calibrated unless the
    parameter set holds its estimates."""
    hist = hist or history(led, index=params.index if params is not None else DEFAULT_INDEX)
    if params is not None and params.index != hist.index:
        raise InvalidValueError(
            f"the parameter set was calibrated on influence index {params.index}, "
            f"the history has index {hist.index}: calibrate again"
        )
    wanted = set(sc.patrons) | {i.actor for i in sc.interventions} | {s.actor for s in sc.shocks}
    missing = sorted(wanted - {int(p) for p in np.unique(hist.pairs[:, 0])})
    if missing:  # patrons beyond the calibration's: their pairs follow the same dynamics
        hist = hist.merge(history(led, (int(hist.years[0]), int(hist.years[-1])), missing, hist.index))
    base = sc.base_year or hist.last_year
    if params is None:
        params = calibrate_history(
            hist, (base - TRAIN_YEARS + 1, base), window=WINDOW, data_versions=data_versions(led)
        )
    chosen = tuple(available_risks() if risks is None else risks)
    params = with_risks(led, params, chosen)
    params = params.override(sc.overrides) if sc.overrides else params
    rows = _pairs(sc, hist)
    if rows.size == 0:
        raise NeedsDataError(f"scenario {sc.name!r}: no patron → target pair of it has UN voting records")
    sub = hist.select(rows)
    betas = np.array([params[f"beta_{c}"].value for c in params.channels])
    rho, q, r = (params[k].value for k in ("rho", "q", "r"))
    st = start(sub, base, rho, q, r, betas, window=params.window, shrink=params.shrink)
    chosen = tuple(bind(r, led, hist, st.pairs, base) for r in chosen)
    h = sc.horizon
    last = base + h
    rec = recorded(led, base, h, params.channels, params.index)
    ch, unmodelled = changes(sc, last)
    scores = {
        "baseline": project(rec, st.pairs, base, h, (), params.channels, params.index),
        "scenario": project(rec, st.pairs, base, h, ch, params.channels, params.index),
    }
    years = np.arange(base + 1, last + 1)
    return Plan(
        sc.name,
        st,
        years,
        params,
        {a: p.deltas for a, p in scores.items()},
        {"baseline": np.zeros((st.pairs.shape[0], h)), "scenario": _shift(sc, st, years)},
        {a: p.scores for a, p in scores.items()},
        draws or sc.draws,
        sc.seed,
        tuple(unmodelled),
        chosen,
    )


def run_blocks(p: Plan, which: Sequence[int] | None = None) -> pl.DataFrame:
    """Tidy draws ``arm, draw, year, patron, target, metric, value`` of the plan's blocks ``which``
    (default all): ``alignment`` and each risk's events (``risk:<name>``, 0 or 1) per arm, and the
    scenario − baseline difference of each."""
    todo = kernel.blocks(p.draws)
    parts = []
    for b, n in todo if which is None else [todo[i] for i in which]:
        runs = {
            a: kernel.simulate_block(
                p.start,
                p.deltas[a],
                p.params,
                b,
                n,
                p.seed,
                shift=p.shifts[a],
                risks=p.risks,
                scores=p.scores[a][:, :, 1:],
                years=p.years,
            )
            for a in ARMS
        }
        metrics = {"alignment": {a: r.alignment for a, r in runs.items()}}
        for risk in p.risks:
            metrics[f"risk:{risk.name}"] = {
                a: r.events[risk.name].astype(np.float32) for a, r in runs.items()
            }
        for metric, sims in metrics.items():
            sims["difference"] = sims["scenario"] - sims["baseline"]
            for a, v in sims.items():
                parts.append(_tidy(a, metric, v, b * kernel.BLOCK, p))
    return pl.concat(parts)


def _tidy(arm: str, metric: str, v: np.ndarray, first: int, p: Plan) -> pl.DataFrame:
    d, n, h = v.shape
    return pl.DataFrame(
        {
            "draw": np.repeat(np.arange(first, first + d, dtype=np.int32), n * h),
            "year": np.tile(p.years.astype(np.int16), d * n),
            "patron": np.tile(np.repeat(p.start.pairs[:, 0].astype(np.int16), h), d),
            "target": np.tile(np.repeat(p.start.pairs[:, 1].astype(np.int16), h), d),
            "value": v.ravel(),
        }
    ).select(
        pl.lit(arm, ARM).alias("arm"),
        "draw",
        "year",
        "patron",
        "target",
        pl.lit(metric).alias("metric"),
        "value",
    )


def influence_paths(p: Plan) -> pl.DataFrame:
    """``arm, year, patron, target, channel, score``: the deterministic input paths (base year first)."""
    rows = []
    for a, sc in p.scores.items():
        c, n, h1 = sc.shape
        years = np.arange(p.years[0] - 1, p.years[-1] + 1)
        for k in range(c):
            rows.append(
                pl.DataFrame(
                    {
                        "arm": [a] * (n * h1),
                        "year": np.tile(years, n),
                        "patron": np.repeat(p.start.pairs[:, 0], h1),
                        "target": np.repeat(p.start.pairs[:, 1], h1),
                        "channel": [p.params.channels[k]] * (n * h1),
                        "score": sc[k].ravel(),
                    }
                )
            )
    return pl.concat(rows)
