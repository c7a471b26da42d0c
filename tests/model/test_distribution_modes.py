"""Each distribution's mode (``most_likely``): worked by hand, and the highest density of the
distribution SciPy draws (hypothesis)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from genofab.model.distributions import (
    Beta,
    Empirical,
    Gamma,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    Weibull,
)


def test_modes_worked_by_hand() -> None:
    assert Triangular(low=7, mode=7, high=12).most_likely() == 7
    assert Pert(low=0, mode=0.04, high=0.14).most_likely() == 0.04
    assert Normal(mean=1.5e7, sd=3e6).most_likely() == 1.5e7
    assert Normal(mean=5, sd=1, low=6, high=9).most_likely() == 6  # truncated above the mean
    # median 100, gsd e^0.5: σ = 0.5, mode 100 × e^(−0.25) = 77.88
    assert LogNormal(median=100, gsd=math.exp(0.5)).most_likely() == pytest.approx(77.8801, 1e-5)
    assert Beta(alpha=91, beta=11).most_likely() == pytest.approx(0.9)  # 90 ÷ 100
    assert Beta(alpha=3, beta=3, low=10, high=20).most_likely() == pytest.approx(15)
    assert Beta(alpha=0.5, beta=2).most_likely() == 0.0
    assert Beta(alpha=0.5, beta=0.5).most_likely() is None
    assert Gamma(shape=3, scale=2).most_likely() == 4  # (3 − 1) × 2
    assert Gamma(shape=0.5, scale=2).most_likely() == 0
    assert Weibull(shape=2, scale=1).most_likely() == pytest.approx(math.sqrt(0.5))
    assert Uniform(low=3, high=6).most_likely() is None
    assert Empirical(values=(1.0, 2.0)).most_likely() is None


def _highest(pdf: Callable[[float], float], mode: float, spread: float) -> None:
    """The density at the mode is at least the density a little either side."""
    at = pdf(mode)
    for step in (1e-3, 1e-2):
        for side in (mode - step * spread, mode + step * spread):
            assert pdf(side) <= at * (1 + 1e-9) + 1e-300


@settings(max_examples=60, deadline=None)
@given(st.floats(1.05, 50), st.floats(1.05, 50))
def test_the_beta_mode_is_its_highest_density(alpha: float, beta: float) -> None:
    mode = Beta(alpha=alpha, beta=beta).most_likely()
    assert mode is not None
    _highest(stats.beta(alpha, beta).pdf, mode, 1.0)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 1e4), st.floats(1.01, 5))
def test_the_lognormal_mode_is_its_highest_density(median: float, gsd: float) -> None:
    mode = LogNormal(median=median, gsd=gsd).most_likely()
    assert mode is not None
    _highest(stats.lognorm(math.log(gsd), scale=median).pdf, mode, mode)


@settings(max_examples=60, deadline=None)
@given(st.floats(1.05, 40), st.floats(0.01, 100))
def test_the_gamma_mode_is_its_highest_density(shape: float, scale: float) -> None:
    mode = Gamma(shape=shape, scale=scale).most_likely()
    assert mode is not None
    _highest(stats.gamma(shape, scale=scale).pdf, mode, scale * math.sqrt(shape))


@settings(max_examples=60, deadline=None)
@given(st.floats(1.05, 20), st.floats(0.01, 100))
def test_the_weibull_mode_is_its_highest_density(shape: float, scale: float) -> None:
    mode = Weibull(shape=shape, scale=scale).most_likely()
    assert mode is not None
    _highest(stats.weibull_min(shape, scale=scale).pdf, mode, scale)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 10), st.floats(0.01, 10), st.floats(0.1, 10), st.floats(1, 8))
def test_the_pert_mode_is_its_highest_density(
    low: float, up: float, width: float, lam: float
) -> None:
    pert = Pert(low=low, mode=low + up * width / 10.01, high=low + width, shape=lam)
    alpha, beta = pert.beta_shapes()
    pdf = stats.beta(alpha, beta, loc=pert.low, scale=pert.high - pert.low).pdf
    if alpha > 1 and beta > 1:
        _highest(pdf, pert.mode, width)
