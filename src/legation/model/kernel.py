"""The simulation kernel: draws × pairs × years of excess agreement, vectorised and deterministic.

**Dynamics.** For each patron → target pair p, with its start state (`legation.model.start`: level
L₀, recent mean m, volatility scale k), in each simulated year t = 1…H

    L_t = m + ρ·(L_{t−1} − m) + Σ_c β_c·Δs_{c,t} + u_t + k·√q·ε_t  (the level; u a known shock)
    x_t = L_t + k·√r·η_t                                           (observed excess agreement)

where Δs_{c,t} is the change in the pair's influence score of channel c that year (the input path:
observed engagements in a backtest, a scenario's interventions in a simulation), and ε, η are drawn
from the calibrated residual distribution (a 256-point table of quantiles, unit variance). Each draw
uses one bootstrap row of the parameters (ρ, q, r, β), so parameter uncertainty enters the spread.

**Determinism.** Draws come in blocks of `BLOCK`; block b draws from ``SeedSequence(seed,
spawn_key=(b,))`` only, so any split of the blocks over processes or machines gives the same numbers.

**Risk processes.** A risk (escalation, dependency, domestic opposition, covert exposure,
misinformation) plugs in as a `RiskProcess`: ``calibrate`` returns its estimates with their
uncertainty (stored under its name in `ParameterSet.risks`), ``probabilities`` the yearly probability
of its event ``[draws, pairs, years]`` given a block's `RiskContext` and one drawn value per draw of
each of its estimates. The kernel turns them into events with its own stream per risk
(``spawn_key=(b, 1 + crc32(name))``), so adding a risk never changes the alignment draws. Risks are
found in ``legation.model.risks.RISKS`` (`simulation.available_risks`); a simulation calibrates any
whose estimates its parameter set lacks (`simulation.with_risks`), and reports each event as the
metric ``risk:<name>`` (0 or 1 per draw, pair and year; its mean is the probability).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from legation.errors import InvalidValueError
from legation.ledger.store import Ledger
from legation.model.params import Estimate, ParameterSet
from legation.model.start import Start

BLOCK = 250
"""Draws per block: the unit of determinism and of work."""

TABLE = 256
"""Points of the residual table the kernel draws shocks from (one random byte per shock)."""


@dataclass(frozen=True)
class RiskContext:
    """What a risk process sees of one block of draws."""

    start: Start
    years: np.ndarray
    """``[H]`` the simulated years."""
    channels: tuple[str, ...]
    scores: np.ndarray
    """``[C, pairs, H]`` the channel scores along the input path."""
    alignment: np.ndarray
    """``[draws, pairs, H]`` the block's simulated excess agreement."""


@runtime_checkable
class RiskProcess(Protocol):
    """One risk: calibrated from a ledger (or a documented prior) and drawn by the kernel."""

    name: str

    def calibrate(self, led: Ledger, train: tuple[int, int]) -> dict[str, Estimate]:
        """Estimates with uncertainty (bootstrap draws, or a prior's source ``"prior"``)."""
        ...

    def probabilities(self, ctx: RiskContext, params: Mapping[str, np.ndarray]) -> np.ndarray:
        """Yearly probability of the event, ``[draws, pairs, H]`` in [0, 1]; ``params`` holds one
        value per draw (``[draws]``) of each estimate."""
        ...


@dataclass(frozen=True)
class Block:
    """One block of simulated draws."""

    first: int
    """Index of the block's first draw."""
    alignment: np.ndarray
    """``[draws, pairs, H]`` float32 simulated excess agreement (a transposed view of year-major
    memory)."""
    events: dict[str, np.ndarray]
    """Risk name → ``[draws, pairs, H]`` bool: whether its event happened."""


def residual_table(params: ParameterSet) -> np.ndarray:
    """The residual quantiles resampled to `TABLE` points (mid-probabilities), unit variance, float32."""
    q = np.asarray(params.residuals, dtype=np.float64)
    t = np.interp((np.arange(TABLE) + 0.5) / TABLE, np.linspace(0, 1, q.size), q)
    t -= t.mean()
    return (t / np.sqrt(np.mean(t**2))).astype(np.float32)


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def simulate_block(
    start: Start,
    deltas: np.ndarray,
    params: ParameterSet,
    block: int,
    n: int,
    seed: int,
    *,
    risks: Sequence[RiskProcess] = (),
    scores: np.ndarray | None = None,
    years: np.ndarray | None = None,
    shift: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> Block:
    """Draws ``block·BLOCK … block·BLOCK + n − 1`` (``n ≤ BLOCK``) of the pairs of ``start`` along the
    channel-score changes ``deltas`` ``[C, pairs, H]``, with known level shocks ``shift`` ``[pairs, H]``
    added to the level in their year. ``rows`` ``[n, n_params]`` fixes each draw's parameters (a
    sensitivity design); by default each draw takes a random bootstrap row of ``params``."""
    if not 0 < n <= BLOCK:
        raise InvalidValueError(f"a block holds 1 to {BLOCK} draws, not {n}")
    c, p, h = deltas.shape
    if c != len(params.channels) or p != start.pairs.shape[0]:
        raise InvalidValueError(
            f"input paths of {c} channels × {p} pairs do not match the parameters' {len(params.channels)} "
            f"channels and the start state's {start.pairs.shape[0]} pairs"
        )
    rng = _rng(seed, block)
    table = params.table()
    row = rng.integers(0, table.shape[0], n)
    chosen = table[row] if rows is None else np.asarray(rows, dtype=np.float64)
    if chosen.shape != (n, table.shape[1]):
        raise InvalidValueError(f"parameter rows of shape {chosen.shape}; expected {(n, table.shape[1])}")
    rho, q, r = (chosen[:, i].astype(np.float32)[:, None] for i in range(3))
    beta = chosen[:, 3:].astype(np.float32)  # [n, C]
    tab = residual_table(params)
    k = start.scale.astype(np.float32)[None, :]
    m = start.mean.astype(np.float32)[None, :]
    sq, sr = np.sqrt(np.maximum(q, 0)) * k, np.sqrt(np.maximum(r, 0)) * k
    level = start.level.astype(np.float32) + start.level_sd.astype(np.float32) * _shocks(rng, tab, (n, p))
    d32 = np.ascontiguousarray(deltas, dtype=np.float32)
    active = [i for i in range(c) if np.any(d32[i])]
    d_t = np.ascontiguousarray(d32.transpose(2, 0, 1))  # [H, C, pairs]
    out = np.empty((h, n, p), dtype=np.float32)  # year-major: each year is written in one pass
    noise = np.empty((2, n, p), dtype=np.float32)
    for t in range(h):
        level -= m
        level *= rho
        level += m
        for i in active:  # broadcasting, not BLAS: a small product is slower threaded
            level += beta[:, i : i + 1] * d_t[t, i][None, :]
        if shift is not None and np.any(shift[:, t]):
            level += shift[:, t].astype(np.float32)[None, :]
        _shocks(rng, tab, (2, n, p), out=noise)
        noise[0] *= sq
        noise[1] *= sr
        level += noise[0]
        np.add(level, noise[1], out=out[t])
    out = out.transpose(1, 2, 0)  # [draws, pairs, H], a view
    events = {}
    if risks:
        ctx = RiskContext(
            start,
            years if years is not None else np.arange(start.origin + 1, start.origin + 1 + h),
            params.channels,
            scores if scores is not None else np.zeros_like(deltas),
            out,
        )
        for risk in risks:
            rr = _rng(seed, block, 1 + zlib.crc32(risk.name.encode()))
            drawn = _risk_params(params.risks.get(risk.name, {}), rr, n)
            prob = np.asarray(risk.probabilities(ctx, drawn))
            if prob.shape != out.shape:
                raise InvalidValueError(f"risk {risk.name!r} gave probabilities of shape {prob.shape}")
            events[risk.name] = rr.random(out.shape, dtype=np.float32) < prob
    return Block(block * BLOCK, out, events)


def _shocks(
    rng: np.random.Generator, tab: np.ndarray, shape: tuple[int, ...], out: np.ndarray | None = None
) -> np.ndarray:
    """Draws from the residual table: one random byte per shock indexes its 256 quantiles."""
    idx = np.frombuffer(rng.bytes(int(np.prod(shape))), dtype=np.uint8).reshape(shape)
    return np.take(tab, idx, out=out, mode="clip")  # bytes are < 256: clip never clips, and is fast


def _risk_params(est: Mapping[str, Estimate], rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """One value per draw of each estimate: a joint bootstrap row (the i-th draw of every estimate,
    cycled when one has fewer), so correlated estimates (a logit's coefficients) stay correlated."""
    most = max((len(e.draws) for e in est.values()), default=0)
    row = rng.integers(0, max(most, 1), n)
    return {
        name: np.resize(np.asarray(e.draws), most)[row] if e.draws else np.full(n, e.value)
        for name, e in sorted(est.items())
    }


def blocks(draws: int) -> list[tuple[int, int]]:
    """``(block, n)`` for every block of a run of ``draws`` draws."""
    if draws < 1:
        raise InvalidValueError(f"draws must be at least 1, not {draws}")
    return [(b, min(BLOCK, draws - b * BLOCK)) for b in range(-(-draws // BLOCK))]


def simulate(
    start: Start,
    deltas: np.ndarray,
    params: ParameterSet,
    draws: int,
    seed: int,
    *,
    risks: Sequence[RiskProcess] = (),
    scores: np.ndarray | None = None,
) -> Iterator[Block]:
    """Every block of a run, in order; memory is bounded by one block."""
    for b, n in blocks(draws):
        yield simulate_block(start, deltas, params, b, n, seed, risks=risks, scores=scores)


def run(start: Start, deltas: np.ndarray, params: ParameterSet, draws: int, seed: int) -> np.ndarray:
    """All draws at once, ``[draws, pairs, H]`` float32 (for small runs and tests)."""
    return np.concatenate([b.alignment for b in simulate(start, deltas, params, draws, seed)])
