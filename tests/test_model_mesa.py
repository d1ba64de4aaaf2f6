"""The Mesa twin of the kernel's dynamics (benchmarks/children/model.py, a benchmark-only model) draws
from the same distribution as the kernel: equal means and spreads per pair and year on a small case."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import ks_2samp

pytest.importorskip("mesa")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from children.model import mesa_twin, setup
from legation.model import kernel


def test_the_mesa_twin_and_the_kernel_agree_in_distribution():
    draws, pairs, years = 1000, 12, 6
    twin = mesa_twin(draws, pairs, years, seed=3)
    start, deltas, ps = setup(pairs, years)
    ours = kernel.run(start, deltas, ps, draws, seed=4).astype(np.float64)
    se = np.sqrt(twin.var(axis=0) / draws + ours.var(axis=0) / draws)
    z = (twin.mean(axis=0) - ours.mean(axis=0)) / se
    assert np.abs(z).max() < 4.5, np.abs(z).max()
    ratio = twin.std(axis=0) / ours.std(axis=0)  # heavy-tailed shocks: a spread's SE is about 0.06 here
    assert ratio.min() > 0.75 and ratio.max() < 1.33, (ratio.min(), ratio.max())
    assert abs(np.median(ratio) - 1) < 0.05
    # the shapes: each cell standardized by the kernel's moments, pooled, compared as distributions
    mu, sd = ours.mean(axis=0), ours.std(axis=0)
    assert ks_2samp(((twin - mu) / sd).ravel(), ((ours - mu) / sd).ravel()).pvalue > 1e-4
