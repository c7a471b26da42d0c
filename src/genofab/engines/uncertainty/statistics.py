"""Streaming statistics of Monte Carlo results: kept per block, merged in block order, so
they are identical for any chunk size and any number of workers, and no sample array is kept.

For each result:

- a **tally** of its values: exact counts for whole-number results (doses, patients, lots);
  for other results, counts in fine bins of relative width at most 2⁻¹² (the value's float
  bits with 12 mantissa bits kept). Quantiles are sample quantiles by the inverted CDF (the
  smallest value with at least p·N samples at or below it; NumPy's ``inverted_cdf``): exact
  for whole numbers, within :data:`QUANTILE_ERROR` (relative) for other results. Counts
  are integers: merging them in any order gives the same tally.
- the **moments** (count, mean, sum of squared deviations) of each block, merged block after
  block in block order (Chan et al.), so the mean and SD are exact to rounding and identical
  for any chunking.
- the smallest and largest values, and how many samples had no value (NaN or infinite: an
  infeasible sample, a cost per dose in a year that delivered no dose).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genofab.engines.arrays import Array

#: Mantissa bits kept in a bin's key: bins are at most 2⁻¹² wide relative to their values.
MANTISSA_BITS = 12
_SHIFT = 52 - MANTISSA_BITS
#: Bound on the relative error of a quantile of a result that is not a whole number: the
#: width of one bin relative to the values in it.
QUANTILE_ERROR = 2.0**-MANTISSA_BITS
#: Whole numbers up to this size are counted exactly; beyond it (never in practice) in bins.
_EXACT_LIMIT = 2**24
_EXACT_BITS = int(np.float64(_EXACT_LIMIT).view(np.int64)) >> _SHIFT

Ints = NDArray[np.int64]


def tally_keys(values: Array, whole: bool, smallest: float, largest: float) -> Ints:
    """Ordered integer keys of finite values (whose extremes are given): the value itself for
    a whole number up to 2²⁴, else its bin (the float's bits with :data:`MANTISSA_BITS` of
    mantissa; negative values mirrored)."""
    if whole and smallest >= -_EXACT_LIMIT and largest <= _EXACT_LIMIT:
        return values.astype(np.int64)
    if smallest >= 0 and not whole:
        return np.right_shift(values.view(np.int64), _SHIFT)
    magnitude = np.abs(values)
    bins = magnitude.view(np.int64) >> _SHIFT
    if whole:
        bins = np.where(
            magnitude <= _EXACT_LIMIT,
            np.minimum(magnitude, _EXACT_LIMIT).astype(np.int64),
            bins - _EXACT_BITS + _EXACT_LIMIT + 1,
        )
    return np.where(values < 0, -bins, bins)


def key_ranges(keys: Ints, whole: bool) -> tuple[Array, Array]:
    """The values each key stands for: low and high ends (equal for an exact value)."""
    size = np.abs(keys)
    exact = whole & (size <= _EXACT_LIMIT)
    bits = size - _EXACT_LIMIT - 1 + _EXACT_BITS if whole else size
    bits = np.where(exact, 0, bits)
    low = np.left_shift(bits, _SHIFT).view(np.float64)
    high = np.where(bits > 0, np.left_shift(bits + 1, _SHIFT).view(np.float64), 0.0)
    low = np.where(exact, size.astype(np.float64), low)
    high = np.where(exact, size.astype(np.float64), high)
    negative = keys < 0
    return np.where(negative, -high, low), np.where(negative, -low, high)


def key_range(key: int, whole: bool) -> tuple[float, float]:
    """The values one key stands for, from low to high (equal ends for an exact value)."""
    low, high = key_ranges(np.array([key], dtype=np.int64), whole)
    return float(low[0]), float(high[0])


@dataclass
class Tally:
    """Counts of keys from ``offset`` on (dense, growing as keys arrive)."""

    whole: bool
    offset: int = 0
    counts: Ints = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def of(cls, keys: Ints, whole: bool, low: int | None = None) -> Tally:
        """The tally of some keys (``low``: the smallest, if known)."""
        if keys.size == 0:
            return cls(whole)
        low = int(keys.min()) if low is None else low
        if 0 <= low <= keys.size:  # small non-negative keys (counts): no shift needed
            return cls(whole, 0, np.bincount(keys).astype(np.int64))
        return cls(whole, low, np.bincount(keys - low).astype(np.int64))

    @classmethod
    def constant(cls, key: int, count: int, whole: bool) -> Tally:
        """``count`` times the same key."""
        return cls(whole, key, np.array([count], dtype=np.int64)) if count else cls(whole)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def add(self, other: Tally) -> None:
        """Add another tally's counts (exact: the order of additions does not matter)."""
        if other.counts.size == 0:
            return
        if self.counts.size == 0:
            self.offset, self.counts = other.offset, other.counts.copy()
            return
        low = min(self.offset, other.offset)
        high = max(self.offset + self.counts.size, other.offset + other.counts.size)
        if low != self.offset or high != self.offset + self.counts.size:
            grown = np.zeros(high - low, dtype=np.int64)
            grown[self.offset - low : self.offset - low + self.counts.size] = self.counts
            self.offset, self.counts = low, grown
        start = other.offset - self.offset
        self.counts[start : start + other.counts.size] += other.counts

    def quantile(self, p: float, smallest: float, largest: float) -> float:
        """The p-quantile by the inverted CDF: exact for whole numbers; for other results
        interpolated inside its bin (within :data:`QUANTILE_ERROR`), and kept within the
        smallest and largest values seen."""
        total = self.total
        if total == 0:
            return math.nan
        cumulative = np.cumsum(self.counts)
        rank = p * total
        index = int(np.searchsorted(cumulative, max(rank, 1e-300) if self.whole else rank))
        index = min(index, self.counts.size - 1)
        while self.counts[index] == 0:  # a rank of 0 lands on an empty key: take the next
            index += 1
        low, high = key_range(index + self.offset, self.whole)
        if self.whole and low == high:
            return low
        before = float(cumulative[index] - self.counts[index])
        share = (rank - before) / float(self.counts[index])
        value = low + min(max(share, 0.0), 1.0) * (high - low)
        return min(max(value, smallest), largest)

    def share_at_most(self, threshold: float) -> float:
        """Share of the tallied values at or below ``threshold`` (exact for whole numbers;
        a bin that straddles the threshold counts in proportion)."""
        total = self.total
        if total == 0:
            return math.nan
        low, high, counts = self.histogram()
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(high > low, (threshold - low) / (high - low), 1.0)
        share = np.where(high <= threshold, 1.0, np.where(low <= threshold, share, 0.0))
        return float(np.sum(np.clip(share, 0.0, 1.0) * counts)) / total

    def histogram(self) -> tuple[NDArray[np.float64], NDArray[np.float64], Ints]:
        """Non-empty keys as (low ends, high ends, counts), in order."""
        keys = np.flatnonzero(self.counts)
        low, high = key_ranges(keys + self.offset, self.whole)
        return low, high, self.counts[keys]


def tally_moments(tally: Tally) -> Moments:
    """Count, mean and sum of squared deviations of tallied whole numbers, computed exactly
    (integer arithmetic) from the counts; a binned key (beyond 2²⁴) counts at its middle."""
    keys = np.flatnonzero(tally.counts)
    if keys.size == 0:
        return Moments()
    counts = [int(c) for c in tally.counts[keys]]
    exact = np.abs(keys + tally.offset) <= _EXACT_LIMIT
    if exact.all():
        values = [int(k) + tally.offset for k in keys]
        n = sum(counts)
        total = sum(c * v for c, v in zip(counts, values, strict=True))
        squares = sum(c * v * v for c, v in zip(counts, values, strict=True))
        return Moments(n, total / n, (squares * n - total * total) / n)
    low, high = key_ranges(keys + tally.offset, True)
    middles = ((low + high) / 2).tolist()
    moments = Moments()
    for count, middle in zip(counts, middles, strict=True):
        moments.add_blocks(BlockMoments(np.array([count]), np.array([middle]), np.zeros(1)))
    return moments


@dataclass(frozen=True)
class BlockMoments:
    """Count, mean and sum of squared deviations of each block's defined values."""

    count: Ints
    mean: Array
    m2: Array


def block_moments(values: ArrayLike, defined: NDArray[np.bool_], sizes: list[int]) -> BlockMoments:
    """The moments of each block of ``values`` (0-d: the same value in every sample), over
    the samples ``defined`` marks; ``sizes`` are the blocks' sample counts in order (all
    full but maybe the last)."""
    x = np.asarray(values, dtype=float)
    everywhere = bool(defined.all())
    masks = [] if everywhere else _rows(defined, sizes)
    if everywhere:
        counts = np.asarray(sizes, dtype=np.int64)
    else:
        counts = np.concatenate([mask.sum(axis=1) for mask in masks]).astype(np.int64)
    if x.ndim == 0:
        mean = np.where(counts > 0, float(x), math.nan)
        return BlockMoments(counts, mean, np.zeros(counts.size))
    kept = x if everywhere else np.where(defined, x, 0.0)
    means, m2 = [], []
    first = 0
    for i, rows in enumerate(_rows(kept, sizes)):
        count = counts[first : first + len(rows)]
        first += len(rows)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = rows.sum(axis=1) / count
        deviation = rows - mean[:, None]
        if not everywhere:
            deviation = np.where(masks[i], deviation, 0.0)
        means.append(mean)
        m2.append(np.einsum("ij,ij->i", deviation, deviation))
    return BlockMoments(counts, np.concatenate(means), np.concatenate(m2))


def block_sums(values: Array, sizes: list[int]) -> Array:
    """The sum of each block's values (zeros where NaN), computed the same way for a block
    in any chunk: sum them with :func:`math.fsum` for a total that no chunking changes."""
    kept = np.where(np.isfinite(values), values, 0.0)
    return np.concatenate([rows.sum(axis=1) for rows in _rows(kept, sizes)])


def _rows(array: NDArray[np.generic], sizes: list[int]) -> list[NDArray[np.generic]]:
    """The blocks of ``array`` as 2-D rows: the full blocks together, then a short last one."""
    full = sizes[0]
    whole_blocks = sum(1 for size in sizes if size == full)
    rows = [array[: whole_blocks * full].reshape(whole_blocks, full)]
    if whole_blocks < len(sizes):
        rows.append(array[whole_blocks * full :].reshape(1, -1))
    return rows


@dataclass
class Moments:
    """Count, mean and sum of squared deviations, merged block by block in block order."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add_blocks(self, blocks: BlockMoments) -> None:
        """Merge the blocks' moments, in order (Chan, Golub and LeVeque's pairwise update)."""
        for n_b, mean_b, m2_b in zip(
            blocks.count.tolist(), blocks.mean.tolist(), blocks.m2.tolist(), strict=True
        ):
            if n_b == 0:
                continue
            n = self.count + n_b
            delta = mean_b - self.mean
            self.mean += delta * (n_b / n)
            self.m2 += m2_b + delta * delta * (self.count * n_b / n)
            self.count = n

    @property
    def sd(self) -> float:
        """Sample standard deviation (n − 1)."""
        return math.sqrt(self.m2 / (self.count - 1)) if self.count > 1 else math.nan
