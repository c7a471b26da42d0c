"""Anderson-Darling goodness of fit: A² worked from its definition for small samples, the
p-value's bounds, and the test carried with every fit and every capability."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from genofab.engines.records.capability import capability
from genofab.engines.records.fitting import fit_distributions
from genofab.engines.records.goodness import anderson_darling


def a_squared(cdf_sorted: np.ndarray) -> float:
    """A² = −n − (1/n)·Σ (2i − 1)[ln F(x₍ᵢ₎) + ln(1 − F(x₍ₙ₊₁₋ᵢ₎))], from the definition."""
    n = cdf_sorted.size
    total = 0.0
    for i in range(1, n + 1):
        total += (2 * i - 1) * (math.log(cdf_sorted[i - 1]) + math.log(1 - cdf_sorted[n - i]))
    return -n - total / n


SMALL = np.array([2.1, 2.9, 3.4, 4.0, 5.6])


def test_normal_a_squared_of_five_values_by_hand_and_as_scipy_gives_it() -> None:
    mean = sum(SMALL) / 5
    sd = math.sqrt(sum((v - mean) ** 2 for v in SMALL) / 4)  # n − 1, as Stephens' tables
    cdf = np.array([0.5 * math.erfc(-(v - mean) / (sd * math.sqrt(2))) for v in sorted(SMALL)])
    result = anderson_darling("normal", SMALL)
    assert result.statistic == pytest.approx(a_squared(cdf), rel=1e-10)
    assert result.statistic == pytest.approx(
        stats.anderson(SMALL, "norm", method="interpolate").statistic, rel=1e-12
    )
    assert 0 < result.p_value <= 0.15 and result.p_bound in {"", "at least"}
    assert "with 5 lots the test rejects only gross departures" in result.note


def test_lognormal_is_the_normal_test_of_the_logarithms() -> None:
    assert anderson_darling("lognormal", SMALL).statistic == pytest.approx(
        anderson_darling("normal", np.log(SMALL)).statistic, rel=1e-12
    )


def test_weibull_a_squared_is_that_of_the_two_parameter_fit() -> None:
    x = stats.weibull_min.rvs(2.0, scale=3.0, size=12, random_state=np.random.default_rng(4))
    shape, _, scale = stats.weibull_min.fit(x, floc=0)
    by_hand = a_squared(stats.weibull_min(shape, scale=scale).cdf(np.sort(x)))
    assert anderson_darling("weibull", x).statistic == pytest.approx(by_hand, rel=1e-4)


def test_gamma_bootstrap_is_the_fits_a_squared_and_repeats() -> None:
    x = stats.gamma.rvs(3.0, scale=2.0, size=15, random_state=np.random.default_rng(5))
    shape, _, scale = stats.gamma.fit(x, floc=0)
    by_hand = a_squared(stats.gamma(shape, scale=scale).cdf(np.sort(x)))
    first, again = anderson_darling("gamma", x), anderson_darling("gamma", x)
    assert first.statistic == pytest.approx(by_hand, rel=1e-6)
    assert first == again  # a fixed seed: the same lots, the same p-value
    assert 0 < first.p_value <= 1 and "bootstrap" in first.method


def test_a_gross_departure_is_rejected_and_the_bound_stated() -> None:
    # half the lots at 1, half at 10: two modes, no normal distribution
    x = np.array([1.0, 1.1, 0.9, 1.05, 0.95, 10.0, 10.1, 9.9, 10.05, 9.95] * 3)
    result = anderson_darling("normal", x)
    assert result.p_bound == "at most" and result.p_value == pytest.approx(0.01)
    assert result.shown().endswith("p ≤ 0.01")
    assert "depart from a normal distribution" in result.note
    assert "rejects only gross departures" not in result.note  # 30 lots


def test_every_fitted_candidate_and_capability_carries_its_test() -> None:
    x = stats.lognorm.rvs(0.3, scale=1e6, size=20, random_state=np.random.default_rng(6))
    fit = fit_distributions(x)
    for candidate in fit.candidates:
        assert candidate.anderson_darling.statistic == pytest.approx(
            anderson_darling(candidate.kind, x).statistic
        )
    assert "Anderson-Darling A²" in fit.note
    judged = capability(x, lower=3e5, method="lognormal")
    assert judged.normality is not None
    assert judged.normality.statistic == pytest.approx(
        anderson_darling("normal", np.log(x)).statistic
    )
    assert "normality of the logarithms, Anderson-Darling" in judged.note
