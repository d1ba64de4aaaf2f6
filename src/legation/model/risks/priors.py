"""Risks no dataset in the ledger records, as documented priors: covert exposure and misinformation.

Each is one yearly probability per pair, ``rate``, with draws spread over a stated range, marked
``source="prior"`` in the parameter file, and overridable by a scenario (``overrides:
{covert.rate: 0.2}``).

- **covert exposure** — the yearly probability that a covert programme of the patron in the target,
  *if one runs*, becomes public. An assumption: 0.10 (range 0.03–0.30, i.e. a programme running ten
  years is exposed with probability 0.26–0.97). O'Rourke, *Covert Regime Change* (Cornell UP, 2018)
  documents 64 covert US regime-change attempts in 1947–1989 — most now public through declassified
  records — but gives no yearly exposure rate, and no dataset records covert programmes that stayed
  secret; the number is a judgement, not an estimate.
- **misinformation** — the yearly probability that a new foreign influence effort (a state's
  coordinated media campaign posing as domestic content) targets the pair's target state. Derived
  from Martin, Shapiro & Ilhardt, *Trends in Online Influence Efforts* v2 (Princeton ESOC, 2020): 76
  efforts against 30 countries in 2013–2019, i.e. 76 / (7 years × 193 UN members) ≈ 0.056 a
  target-year. Documented efforts are a lower bound, so the range runs from 0.04 to twice that,
  0.11 (an assumption). The rate is per target, whoever the patron.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from legation.ledger.store import Ledger
from legation.model.inputs import History
from legation.model.kernel import RiskContext
from legation.model.params import Estimate

DRAWS = 200


def prior(value: float, low: float, high: float, note: str) -> Estimate:
    """A prior of central ``value``, its draws log-uniform over ``low``…``high`` (fixed, evenly spaced
    quantiles: the same every calibration)."""
    q = (np.arange(DRAWS) + 0.5) / DRAWS
    draws = np.exp(np.log(low) + q * (np.log(high) - np.log(low)))
    return Estimate(value, float(np.std(draws, ddof=1)), tuple(float(x) for x in draws), "prior", note)


COVERT = prior(
    0.10, 0.03, 0.30, "assumption; context: O'Rourke, Covert Regime Change (2018), no yearly rate published"
)
MISINFORMATION = prior(
    0.056,
    0.04,
    0.11,
    "Martin, Shapiro & Ilhardt (2020): 76 foreign influence efforts, 30 targets, 2013-2019; "
    "range an assumption",
)


@dataclass(frozen=True)
class Prior:
    """A risk whose only estimate is a documented prior ``rate``, the same for every pair and year."""

    name: str
    rate: Estimate

    def calibrate(self, led: Ledger, train: tuple[int, int]) -> dict[str, Estimate]:
        return {"rate": self.rate}

    def bind(self, led: Ledger, hist: History, pairs: np.ndarray, base: int) -> Prior:
        return self

    def probabilities(self, ctx: RiskContext, params: Mapping[str, np.ndarray]) -> np.ndarray:
        rate = np.clip(params["rate"], 0.0, 1.0)
        return np.broadcast_to(rate[:, None, None], ctx.alignment.shape)
