"""A result's statistics in a Monte Carlo, shared by the scenario's and the chain's: a chunk's
sample values reduced to statistics that merge exactly in block order (:class:`ResultChunk`),
their merge over chunks (:class:`ResultTotals`) and the spread read from it
(:func:`result_spread`: mean, sd, P5, P50, P95, min, max)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import Array
from genofab.engines.uncertainty.statistics import (
    BlockMoments,
    Moments,
    Tally,
    block_moments,
    tally_keys,
    tally_moments,
)
from genofab.results.uncertainty import Spread


@dataclass(frozen=True)
class ResultChunk:
    """One result's statistics over a chunk."""

    tally: Tally
    moments: BlockMoments | None
    smallest: float
    largest: float
    undefined: int


def reduce_result(
    values: Array, feasible: NDArray[np.bool_], whole: bool, sizes: list[int]
) -> ResultChunk:
    """A result's statistics over a chunk: its tally, and block moments (continuous
    results; those of whole numbers follow exactly from the tally)."""
    size = sum(sizes)
    if values.ndim == 0:
        count = int(feasible.sum()) if math.isfinite(values) else 0
        defined = feasible if count else np.zeros(size, dtype=bool)
        tally = Tally(whole)
        if count:
            key = int(tally_keys(values.reshape(1), whole, float(values), float(values))[0])
            tally = Tally.constant(key, count, whole)
        moments = _moments(values, defined, whole, sizes)
        smallest, largest = (float(values), float(values)) if count else (math.inf, -math.inf)
        return ResultChunk(tally, moments, smallest, largest, size - count)
    smallest, largest = float(values.min()), float(values.max())
    if math.isfinite(smallest) and math.isfinite(largest):  # no NaN, no infinity
        defined = np.ones(size, dtype=bool)
        kept = values
    else:
        defined = np.isfinite(values)
        kept = values[defined]
        if kept.size == 0:  # no sample of the chunk gives this result a value
            return ResultChunk(
                Tally(whole), _moments(values, defined, whole, sizes), math.inf, -math.inf, size
            )
        smallest, largest = float(kept.min()), float(kept.max())
    low = int(tally_keys(np.array([smallest]), whole, smallest, smallest)[0])
    tally = Tally.of(tally_keys(kept, whole, smallest, largest), whole, low)
    moments = _moments(values, defined, whole, sizes)
    return ResultChunk(tally, moments, smallest, largest, size - kept.size)


def _moments(
    values: Array, defined: NDArray[np.bool_], whole: bool, sizes: list[int]
) -> BlockMoments | None:
    return None if whole else block_moments(values, defined, sizes)


@dataclass
class ResultTotals:
    """One result's statistics merged over chunks (in block order)."""

    tally: Tally
    moments: Moments = field(default_factory=Moments)
    smallest: float = math.inf
    largest: float = -math.inf
    undefined: int = 0

    def add(self, chunk: ResultChunk) -> None:
        self.tally.add(chunk.tally)
        if chunk.moments is not None:
            self.moments.add_blocks(chunk.moments)
        self.smallest = min(self.smallest, chunk.smallest)
        self.largest = max(self.largest, chunk.largest)
        self.undefined += chunk.undefined


def result_spread(totals: ResultTotals, whole: bool, value: float | None) -> Spread:
    """The spread of one result (mean, sd, P5, P50, P95, min, max) from its merged
    statistics; ``value`` is the deterministic run's."""
    tally = totals.tally
    moments = tally_moments(tally) if whole else totals.moments
    if moments.count == 0:
        return Spread(
            value=value,
            mean=None,
            sd=None,
            p5=None,
            p50=None,
            p95=None,
            min=None,
            max=None,
            samples=0,
            exact_quantiles=whole,
        )
    quantiles = [tally.quantile(p, totals.smallest, totals.largest) for p in (0.05, 0.5, 0.95)]
    return Spread(
        value=value,
        mean=moments.mean,
        sd=finite_or_none(moments.sd),
        p5=quantiles[0],
        p50=quantiles[1],
        p95=quantiles[2],
        min=totals.smallest,
        max=totals.largest,
        samples=moments.count,
        exact_quantiles=whole and max(abs(totals.smallest), abs(totals.largest)) <= 2**24,
    )


def finite_or_none(value: float) -> float | None:
    """``value``, or None when it is NaN or infinite (an SD of one sample)."""
    return value if math.isfinite(value) else None
