"""The tabled inverse CDF of the beta distribution: within its stated error of SciPy's exact
quantiles everywhere, both tails included (down to NumPy's smallest uniform, 2⁻⁵³), monotone,
and the values it draws follow the beta distribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats

from genofab.engines.uncertainty.beta_inverse import TABLE_ERROR, beta_inverse
from genofab.engines.uncertainty.sampling import BlockStreams, draw
from genofab.model.distributions import Beta, Pert

TAIL = 2.0 ** -np.arange(1, 54)  # ½, ¼, … 2⁻⁵³
SHAPES = [(2.6, 3.4), (3.0, 3.0), (89.1, 9.9), (2.14, 3.86), (0.7, 0.9), (0.3, 5.0), (50, 0.4)]


def exact(alpha: float, beta: float, u: np.ndarray) -> np.ndarray:
    """SciPy's quantiles, the upper half from the mirrored distribution (for precision)."""
    return np.where(
        u <= 0.5, special.betaincinv(alpha, beta, u), 1.0 - special.betaincinv(beta, alpha, 1 - u)
    )


def assert_within_the_table_error(alpha: float, beta: float, u: np.ndarray) -> None:
    found, wanted = beta_inverse(alpha, beta)(u), exact(alpha, beta, u)
    nearer_end = np.minimum(wanted, 1.0 - wanted)
    excess = np.abs(found - wanted) - 2.0**-52  # a double near 1 holds 2⁻⁵³ at best
    assert np.all(excess <= TABLE_ERROR * nearer_end), (alpha, beta)


@pytest.mark.parametrize(("alpha", "beta"), SHAPES)
def test_the_table_matches_scipy_in_the_body_and_both_tails(alpha: float, beta: float) -> None:
    body = np.random.default_rng(1).random(20_000)
    tails = np.concatenate([TAIL, 1.0 - TAIL[1:], TAIL * 1.37, 1.0 - TAIL[1:50] * 1.37])
    u = np.concatenate([body, tails])
    assert_within_the_table_error(alpha, beta, u)
    ordered = np.sort(u)
    assert np.all(np.diff(beta_inverse(alpha, beta)(ordered)) >= 0)  # monotone


@given(
    st.floats(0.2, 200.0),
    st.floats(0.2, 200.0),
    st.lists(st.integers(0, 2**53 - 1), min_size=1, max_size=50),
)
def test_any_shape_and_uniform_is_within_the_table_error(
    alpha: float, beta: float, draws: list[int]
) -> None:
    u = np.asarray(draws, dtype=np.float64) * 2.0**-53  # NumPy's uniforms: k · 2⁻⁵³
    u = u[u > 0]
    if u.size:
        assert_within_the_table_error(alpha, beta, u)


def test_a_uniform_of_zero_gives_the_smallest_tabled_quantile() -> None:
    x = beta_inverse(2.0, 3.0)(np.array([0.0, 2.0**-53]))
    assert x[0] == x[1] == pytest.approx(special.betaincinv(2.0, 3.0, 2.0**-53), rel=1e-7)


@pytest.mark.parametrize(
    ("distribution", "reference"),
    [
        (Pert(low=3.5, mode=4.5, high=6), stats.beta(2.6, 3.4, 3.5, 2.5)),
        (Beta(alpha=89.1, beta=9.9), stats.beta(89.1, 9.9)),
    ],
)
def test_drawn_values_follow_the_beta_distribution(distribution: object, reference: object) -> None:
    x = draw(distribution, BlockStreams(5, 0).stream("tabled"), 200_000)  # type: ignore[arg-type]
    assert stats.kstest(x, reference.cdf).pvalue > 1e-3  # type: ignore[attr-defined]
    # the extreme tails hold their share: 1 in 1,000 below the 0.001 quantile
    for p in (0.001, 0.999):
        share = np.mean(x <= reference.ppf(p))  # type: ignore[attr-defined]
        assert abs(share - p) < 5 * np.sqrt(p * (1 - p) / x.size)
