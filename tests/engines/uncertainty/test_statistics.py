"""Streaming statistics: exact quantiles of whole numbers, binned quantiles within the stated
error, means and SDs as NumPy gives them, and the same figures for any way of cutting the
samples into chunks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genofab.engines.uncertainty.statistics import (
    QUANTILE_ERROR,
    Moments,
    Tally,
    block_moments,
    tally_keys,
    tally_moments,
)

P = (0.0, 0.01, 0.05, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0)


def tally(values: np.ndarray, whole: bool) -> Tally:
    return Tally.of(tally_keys(values, whole, values.min(), values.max()), whole)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quantiles_of_whole_numbers_are_exact(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.floor(rng.normal(400, 80, 30_001))
    counted = tally(x, True)
    for p in P:
        assert counted.quantile(p, x.min(), x.max()) == np.quantile(x, p, method="inverted_cdf")
    moments = tally_moments(counted)
    assert moments.mean == pytest.approx(x.mean(), rel=1e-15)
    assert moments.sd == pytest.approx(x.std(ddof=1), rel=1e-12)


@pytest.mark.parametrize(
    "x",
    [
        np.random.default_rng(1).lognormal(5, 1.5, 20_000),
        np.random.default_rng(2).normal(0, 3, 20_000),  # negative and positive values
        -np.random.default_rng(3).gamma(2, 1e-3, 20_000),
    ],
    ids=["lognormal", "both signs", "negative"],
)
def test_quantiles_of_other_results_are_within_the_stated_error(x: np.ndarray) -> None:
    counted = tally(x, False)
    for p in P:
        exact = np.quantile(x, p, method="inverted_cdf")
        found = counted.quantile(p, x.min(), x.max())
        assert abs(found - exact) <= QUANTILE_ERROR * abs(exact) + 1e-300, p
    assert counted.share_at_most(float(np.median(x))) == pytest.approx(0.5, abs=1e-3)


def test_tallies_merge_the_same_in_any_order() -> None:
    rng = np.random.default_rng(4)
    parts = [rng.lognormal(s, 1, 5_000) for s in (1, 5, 3)]
    whole_parts = [np.floor(rng.normal(m, 30, 5_000)) for m in (100, 400, 250)]
    for chunks, whole in ((parts, False), (whole_parts, True)):
        forward, backward = Tally(whole), Tally(whole)
        for chunk in chunks:
            forward.add(tally(chunk, whole))
        for chunk in reversed(chunks):
            backward.add(tally(chunk, whole))
        at_once = tally(np.concatenate(chunks), whole)
        assert forward.offset == backward.offset == at_once.offset
        assert np.array_equal(forward.counts, at_once.counts)
        assert np.array_equal(backward.counts, at_once.counts)


def test_block_moments_give_numpys_mean_and_sd_for_any_chunking() -> None:
    rng = np.random.default_rng(5)
    x = rng.lognormal(3, 1, 10_400)
    x[[5, 777, 9_000]] = np.nan  # samples without a value
    sizes = [1000] * 10 + [400]
    defined = np.isfinite(x)
    results = []
    for per_chunk in (1, 3, 11):
        moments = Moments()
        for first in range(0, len(sizes), per_chunk):
            chunk_sizes = sizes[first : first + per_chunk]
            start = sum(sizes[:first])
            stop = start + sum(chunk_sizes)
            moments.add_blocks(block_moments(x[start:stop], defined[start:stop], chunk_sizes))
        results.append((moments.count, moments.mean, moments.m2))
    assert results[0] == results[1] == results[2]  # bit for bit
    count, mean, m2 = results[0]
    assert count == 10_397
    assert mean == pytest.approx(np.nanmean(x), rel=1e-13)
    assert math.sqrt(m2 / (count - 1)) == pytest.approx(np.nanstd(x, ddof=1), rel=1e-12)
