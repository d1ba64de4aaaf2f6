"""The concave response: what a partner's alignment gains from money spent on one instrument.

For partner p and instrument i the gain at the horizon from a decayed spending stock X (US$ million)
is ``a[s,p,i] · log1p(X / k[p,i])`` in scenario s: diminishing returns (RAND RR-350 finds them per
partner), a slope ``a/k`` for the first million, and half that slope once X reaches ``k``. ``k``
grows with what the patron already spends there, so the first million in a neglected relationship
buys more than the hundredth in a close one. ``a`` is uncertain: each scenario draws it, never below
zero (engagement is assumed never to cost alignment; see docs/optimise.md for why the convex
formulation needs that).

Where ``a`` comes from is recorded in ``Response.basis``: the calibrated model's bootstrap draws of
each channel's response when they are given, else a documented prior per instrument scaled by the
ledger's history of the patron's engagements (`legation.model.optimise.history`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from legation.errors import InvalidValueError


@dataclass(frozen=True)
class Response:
    """Expected response ``mean[p,i]``, saturation ``scale[p,i]`` (US$ million) and how draws vary.

    A draw multiplies the mean by a mean-one lognormal factor per instrument (``sigma_instrument``,
    shared by every partner: the uncertainty about what an instrument does at all) and one per pair
    (``sigma_partner[p]``: how uncertain that partner's answer is). ``instrument_draws`` (draws ×
    instruments, mean one per column), when given, replaces the lognormal instrument factor by
    resampling those rows: the calibrated model's bootstrap draws of each channel's response.
    ``baseline`` (draws) is the alignment change with no spending, when a model supplies one.
    """

    mean: np.ndarray
    scale: np.ndarray
    sigma_instrument: np.ndarray
    sigma_partner: np.ndarray
    basis: str
    instrument_draws: np.ndarray | None = None
    baseline_draws: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        p, i = self.mean.shape
        if (
            self.scale.shape != (p, i)
            or self.sigma_instrument.shape != (i,)
            or self.sigma_partner.shape != (p,)
        ):
            raise InvalidValueError(
                "response arrays disagree in shape: mean and scale are partners × instruments"
            )
        if (self.mean < 0).any() or (self.scale <= 0).any():
            raise InvalidValueError("a response needs mean ≥ 0 and scale > 0 everywhere")
        if self.instrument_draws is not None and self.instrument_draws.shape[1] != i:
            raise InvalidValueError("instrument_draws needs one column per instrument")

    @property
    def shape(self) -> tuple[int, int]:
        return self.mean.shape  # type: ignore[return-value]

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws of ``a``: an array draws × partners × instruments, all ≥ 0."""
        p, i = self.shape
        if self.instrument_draws is not None:
            rows = self.instrument_draws[rng.integers(0, len(self.instrument_draws), n)]
            inst = np.clip(rows, 0.0, None)[:, None, :]
        else:
            s = self.sigma_instrument
            inst = np.exp(s * rng.standard_normal((n, 1, i)) - s * s / 2)
        sp = self.sigma_partner[None, :, None]
        pair = np.exp(sp * rng.standard_normal((n, p, i)) - sp * sp / 2)
        return self.mean[None] * inst * pair

    def baseline(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws of the alignment change without spending (zeros when no model gives one)."""
        if self.baseline_draws is None:
            return np.zeros(n)
        return self.baseline_draws[rng.integers(0, len(self.baseline_draws), n)]


def gains(a: np.ndarray, stock: np.ndarray, scale: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Priority-weighted gain per draw of spending stocks ``stock[p,i]``: Σ priority·a·log1p(X/k)."""
    return np.einsum("spi,pi->s", a, priority[:, None] * np.log1p(stock / scale))
