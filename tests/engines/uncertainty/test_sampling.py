"""Sampling: every distribution family matches its analytic mean, SD and quantiles (fixed
seeds, tolerances from the standard errors); inverse CDFs match SciPy's; rank correlations
are induced without changing the marginals; shared parameters draw common random numbers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from genofab.engines.uncertainty.sampling import (
    BLOCK,
    BlockStreams,
    block_streams,
    draw,
    draw_blocks,
    engine_values,
    quantile,
    sampling_plan,
)
from genofab.model import Scenario
from genofab.model.distributions import (
    AnyDistribution,
    Beta,
    Empirical,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)
from tests.helpers import edit, tiny_costed, tiny_data, tiny_economics

N = 200_000
PROBABILITIES = (0.05, 0.1, 0.5, 0.9, 0.95)

FAMILIES: list[tuple[str, AnyDistribution, Any]] = [
    ("uniform", Uniform(low=2, high=5), stats.uniform(2, 3)),
    ("triangular", Triangular(low=2, mode=3, high=7), stats.triang(0.2, 2, 5)),
    ("triangular at its low end", Triangular(low=2, mode=2, high=7), stats.triang(0.0, 2, 5)),
    ("pert", Pert(low=2, mode=3, high=7), stats.beta(1.8, 4.2, 2, 5)),
    ("pert of shape 6", Pert(low=0, mode=0.7, high=1, shape=6), stats.beta(5.2, 2.8, 0, 1)),
    ("normal", Normal(mean=10, sd=2), stats.norm(10, 2)),
    ("normal truncated", Normal(mean=10, sd=2, low=9, high=20), stats.truncnorm(-0.5, 5, 10, 2)),
    (
        "normal truncated in its upper tail",
        Normal(mean=10, sd=2, low=16),
        stats.truncnorm(3, np.inf, 10, 2),
    ),
    ("lognormal", LogNormal(median=3, gsd=1.5), stats.lognorm(math.log(1.5), scale=3)),
    ("beta", Beta(alpha=2, beta=5), stats.beta(2, 5)),
    ("beta scaled", Beta(alpha=0.7, beta=0.9, low=0.2, high=0.6), stats.beta(0.7, 0.9, 0.2, 0.4)),
]


@pytest.mark.parametrize(
    ("name", "distribution", "reference"), FAMILIES, ids=[f[0] for f in FAMILIES]
)
def test_each_family_matches_its_analytic_moments_and_quantiles(
    name: str, distribution: AnyDistribution, reference: Any
) -> None:
    x = draw(distribution, BlockStreams(20240601, 0).stream(name), N)
    mean, sd = reference.mean(), reference.std()
    assert abs(x.mean() - mean) < 4 * sd / math.sqrt(N)
    assert abs(x.std(ddof=1) - sd) < 6 * sd / math.sqrt(2 * N)
    for p in PROBABILITIES:
        exact = reference.ppf(p)
        spread = math.sqrt(p * (1 - p) / N) / max(reference.pdf(exact), 1e-12)
        assert abs(np.quantile(x, p) - exact) < 4 * spread, p
    assert stats.kstest(x, reference.cdf).pvalue > 1e-3
    low, high = distribution.support()
    assert low <= x.min() and x.max() <= high


@pytest.mark.parametrize(
    ("name", "distribution", "reference"), FAMILIES, ids=[f[0] for f in FAMILIES]
)
def test_inverse_cdfs_match_scipy(name: str, distribution: AnyDistribution, reference: Any) -> None:
    p = np.array([1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-6])
    assert np.allclose(quantile(distribution, p), reference.ppf(p), rtol=1e-9, atol=1e-12)


def test_an_empirical_distribution_draws_each_observed_value_equally() -> None:
    observed = (1.0, 2.0, 2.0, 5.0, 8.0)
    distribution = Empirical(values=observed)
    x = draw(distribution, BlockStreams(7, 0).stream("observed"), N)
    values, counts = np.unique(x, return_counts=True)
    assert values.tolist() == [1.0, 2.0, 5.0, 8.0]
    expected = np.array([1, 2, 1, 1]) / 5 * N
    assert stats.chisquare(counts, expected).pvalue > 1e-3
    assert abs(x.mean() - np.mean(observed)) < 4 * np.std(observed) / math.sqrt(N)
    p = np.array([0.0, 0.2, 0.21, 0.6, 0.61, 1.0])
    assert (
        quantile(distribution, p).tolist()
        == np.quantile(observed, p, method="inverted_cdf").tolist()
    )


def uncertain(data: dict[str, Any], path: str, quantity: dict[str, Any]) -> dict[str, Any]:
    return edit(data, path, quantity)


def test_whole_number_fields_are_rounded_and_money_converted() -> None:
    data = tiny_data()
    data["economics"] = tiny_economics()
    data = uncertain(
        data,
        "process.steps.5.sample_vials",
        {"value": 10, "uncertainty": {"kind": "uniform", "low": 8, "high": 12}},
    )
    data["economics"]["exchange_rates"] = {"USD": 0.9}
    data = uncertain(
        data,
        "economics.materials.0.unit_price",
        {"value": 50, "unit": "USD/L", "uncertainty": {"kind": "uniform", "low": 40, "high": 60}},
    )
    scenario = Scenario.model_validate(data)
    plan = sampling_plan(scenario)
    drawn = draw_blocks(plan, block_streams(3, range(2)), [BLOCK, BLOCK])
    vials = drawn["process.steps[5].sample_vials"]
    assert np.array_equal(vials, np.rint(vials)) and set(vials) == {8, 9, 10, 11, 12}
    values = engine_values(plan, drawn)
    price = "economics.materials[0].unit_price"
    assert np.allclose(values[price], drawn[price] * 0.9)  # USD drawn, EUR to the engines
    assert plan.base[price] == pytest.approx(scenario.values()[price])


def correlated_plan(rank: float, extra: bool = False) -> Any:
    data = tiny_data()
    data = uncertain(
        data,
        "process.steps.1.titer",
        {
            "value": 1e7,
            "unit": "TU/mL",
            "uncertainty": {"kind": "lognormal", "median": 1e7, "gsd": 1.5},
        },
    )
    data = uncertain(
        data,
        "process.steps.2.step_yield",
        {"value": 0.5, "uncertainty": {"kind": "pert", "low": 0.3, "mode": 0.5, "high": 0.6}},
    )
    if extra:
        data = uncertain(
            data,
            "process.steps.1.duration",
            {"value": 5, "unit": "d", "uncertainty": {"kind": "uniform", "low": 4, "high": 6}},
        )
    data["uncertainty"] = {
        "correlations": [
            {"between": ["process.steps[1].titer", "process.steps[2].step_yield"], "rank": rank}
        ]
    }
    return sampling_plan(Scenario.model_validate(data))


@pytest.mark.parametrize("rank", [0.6, -0.4])
def test_rank_correlations_are_induced_without_changing_the_marginals(rank: float) -> None:
    blocks = 50
    sizes = [BLOCK] * blocks
    plan = correlated_plan(rank)
    drawn = draw_blocks(plan, block_streams(11, range(blocks)), sizes)
    titer, capture = drawn["process.steps[1].titer"], drawn["process.steps[2].step_yield"]
    assert abs(stats.spearmanr(titer, capture).statistic - rank) < 0.02
    free = draw_blocks(correlated_plan(0.0), block_streams(11, range(blocks)), sizes)
    for path in (
        "process.steps[1].titer",
        "process.steps[2].step_yield",
    ):  # same values, paired anew
        for b in range(blocks):
            block = slice(b * BLOCK, (b + 1) * BLOCK)
            assert np.array_equal(np.sort(drawn[path][block]), np.sort(free[path][block]))


def test_a_shared_parameter_draws_the_same_numbers_whatever_else_is_drawn() -> None:
    sizes = [BLOCK] * 3
    one = sampling_plan(
        tiny_costed(
            (
                "economics.lot_failure_probability",
                {"value": 0.05, "uncertainty": {"kind": "uniform", "low": 0, "high": 0.1}},
            )
        )
    )
    two = sampling_plan(
        tiny_costed(
            (
                "process.steps.1.duration",
                {"value": 5, "unit": "d", "uncertainty": {"kind": "uniform", "low": 4, "high": 7}},
            ),
            (
                "economics.lot_failure_probability",
                {"value": 0.05, "uncertainty": {"kind": "uniform", "low": 0, "high": 0.1}},
            ),
        )
    )
    path = "economics.lot_failure_probability"
    first = draw_blocks(one, block_streams(5, range(3)), sizes)[path]
    second = draw_blocks(two, block_streams(5, range(3)), sizes)[path]
    assert np.array_equal(first, second)
    other_seed = draw_blocks(one, block_streams(6, range(3)), sizes)[path]
    assert not np.array_equal(first, other_seed)


def test_a_block_depends_only_on_the_seed_and_its_number() -> None:
    plan = correlated_plan(0.5, extra=True)
    together = draw_blocks(plan, block_streams(9, range(4)), [BLOCK] * 3 + [400])
    for b, size in enumerate([BLOCK] * 3 + [400]):
        alone = draw_blocks(plan, block_streams(9, range(b, b + 1)), [size])
        for path, column in alone.items():
            assert np.array_equal(column, together[path][b * BLOCK : b * BLOCK + size])
