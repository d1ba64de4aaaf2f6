"""A ridge-penalised logit fitted by Newton's method, and the scores that choose and check it.

Small and dependency-free on purpose: the risk processes fit it hundreds of times per calibration
(once per bootstrap resample), on tens of thousands of rows, so it must take milliseconds.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from legation.errors import InvalidValueError


def expit(x: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings."""
    return np.exp(-np.logaddexp(0.0, -x))


def fit(
    x: np.ndarray, y: np.ndarray, *, weights: np.ndarray | None = None, penalty: float = 1.0, steps: int = 50
) -> np.ndarray:
    """Coefficients ``[1 + k]`` (intercept first) of P(y = 1) = expit(b₀ + x·b) maximising the weighted
    log-likelihood minus ``penalty``·|b|²/2 (the intercept is not penalised). ``x`` is ``[n, k]``."""
    n, k = x.shape
    if y.shape != (n,):
        raise InvalidValueError(f"{y.shape[0]} outcomes for {n} rows")
    if penalty < 0:
        raise InvalidValueError(f"the penalty must not be negative, not {penalty}")
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    design = np.column_stack([np.ones(n), x])
    ridge = np.full(k + 1, float(penalty))
    ridge[0] = 1e-8  # keeps the intercept finite when no row has the event
    beta = np.zeros(k + 1)
    for _ in range(steps):
        p = expit(design @ beta)
        grad = design.T @ (w * (y - p)) - ridge * beta
        hess = (design * (w * p * (1 - p))[:, None]).T @ design + np.diag(ridge)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def predict(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(y = 1) of each row of ``x`` under ``beta``."""
    return expit(beta[0] + x @ beta[1:])


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random event scores above a random non-event
    (ties count half); NaN without both."""
    y = np.asarray(y, dtype=bool)
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = rankdata(score)  # ties take their average rank
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """Mean negative log-likelihood of ``y`` under probabilities ``p``."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
