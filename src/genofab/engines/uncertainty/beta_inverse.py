"""The beta distribution's inverse CDF from a table, for drawing beta and PERT values by
inversion: one uniform per value instead of NumPy's two rejection-sampled gammas (about
three times faster, and each value a monotone function of its uniform).

The uniform ``u`` is folded to ``v = min(u, 1 − u)`` (exact in floating point) and its bin is
``v``'s binary exponent and first :data:`BIN_BITS` mantissa bits: 32 bins an octave from 2⁻⁵³
(NumPy's smallest non-zero uniform) to ½, each at most 1/32 of its distance to the nearer end,
so both tails are as finely tabled as the middle. Inside a bin the inverse CDF is the cubic
Hermite interpolant of its exact values and slopes at the bin's ends
(``scipy.special.betaincinv``, and 1 ÷ the density there). For a quantile x ∝ v^(1/α) near an
end its relative error is about |(1/α)(1/α − 1)(1/α − 2)(1/α − 3)| × 32⁻⁴ ÷ 384: a few parts
in 10⁹ for shapes of 1 and more (every PERT), a few in 10⁸ for a shape of 0.3. The tests
check :data:`TABLE_ERROR` against SciPy over the whole range, in both tails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from genofab.engines.arrays import Array

#: Mantissa bits of v that choose its bin inside an octave (32 bins an octave).
BIN_BITS = 5
_SHIFT = 52 - BIN_BITS
_FRACTION = (1 << _SHIFT) - 1
_SMALLEST = 2.0**-53  # the smallest non-zero uniform NumPy draws (k · 2⁻⁵³)
_FIRST = int(np.float64(_SMALLEST).view(np.int64)) >> _SHIFT
_BINS = (int(np.float64(0.5).view(np.int64)) >> _SHIFT) - _FIRST  # bins below ½ on one side
_ROWS = _BINS + 1  # and a last row for v = ½ itself
#: Largest error of a tabled quantile relative to its distance from the nearer end of [0, 1]
#: (beyond the 2⁻⁵² to which a double holds a value near 1), as the tests check it.
TABLE_ERROR = 1e-7


@dataclass(frozen=True)
class BetaInverse:
    """The inverse CDF of Beta(α, β) on [0, 1]: the cubic of each bin in the bin's own
    coordinate t ∈ [0, 1] (a row of its four coefficients), the lower tail's bins and the
    median, then the upper tail's."""

    alpha: float
    beta: float
    coefficients: NDArray[np.float64]

    def __call__(self, u: Array) -> Array:
        """The quantiles at uniforms ``u`` in [0, 1) (u = 0 counts as 2⁻⁵³)."""
        v = np.minimum(u, 1.0 - u)
        np.maximum(v, _SMALLEST, out=v)
        bits = v.view(np.int64)
        t = (bits & _FRACTION).astype(np.float64)
        t *= 1.0 / (_FRACTION + 1)
        row = bits >> _SHIFT
        row += (u > 0.5) * _ROWS - _FIRST
        c = self.coefficients.take(row, axis=0)
        x = c[:, 3] * t
        x += c[:, 2]
        x *= t
        x += c[:, 1]
        x *= t
        x += c[:, 0]
        return x


@lru_cache(maxsize=64)
def beta_inverse(alpha: float, beta: float) -> BetaInverse:
    """The tabled inverse CDF of Beta(α, β) (built once per shape from about 3,400 exact
    quantiles: a few milliseconds)."""
    from scipy import special

    edges = (np.arange(_FIRST, _FIRST + _BINS + 1, dtype=np.int64) << _SHIFT).view(np.float64)
    log_beta = math.lgamma(alpha) + math.lgamma(beta) - math.lgamma(alpha + beta)
    # lower tail: x = Q(v); upper tail: x = Q(1 − w) = 1 − Q'(w) with Q' of Beta(β, α)
    lower = special.betaincinv(alpha, beta, edges)
    mirrored = special.betaincinv(beta, alpha, edges)
    lower_slope = 1.0 / _density(lower, 1.0 - lower, alpha, beta, log_beta)
    mirrored_slope = 1.0 / _density(mirrored, 1.0 - mirrored, beta, alpha, log_beta)
    median = np.array([[float(special.betaincinv(alpha, beta, 0.5)), 0.0, 0.0, 0.0]])
    sides = [
        _hermite(edges, lower, lower_slope),
        median,  # v = ½ exactly
        _hermite(edges, 1.0 - mirrored, -mirrored_slope),
        median,  # never used: w = 1 − u < ½ on the upper side
    ]
    return BetaInverse(alpha, beta, np.ascontiguousarray(np.concatenate(sides)))


def _density(x: Array, rest: Array, a: float, b: float, log_beta: float) -> Array:
    """Beta(a, b) density at x (``rest`` = 1 − x, given for precision near 1)."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.exp((a - 1.0) * np.log(x) + (b - 1.0) * np.log(rest) - log_beta)


def _hermite(edges: Array, values: Array, slopes: Array) -> NDArray[np.float64]:
    """Per bin, the cubic in t ∈ [0, 1] through the values with the slopes at both ends
    (a bin whose slope is not finite is interpolated linearly)."""
    width = np.diff(edges)
    x0, x1 = values[:-1], values[1:]
    rise = x1 - x0
    with np.errstate(invalid="ignore", over="ignore"):
        d0, d1 = width * slopes[:-1], width * slopes[1:]
    bad = ~(np.isfinite(d0) & np.isfinite(d1))
    d0, d1 = np.where(bad, rise, d0), np.where(bad, rise, d1)
    return np.stack([x0, d0, 3.0 * rise - 2.0 * d0 - d1, d0 + d1 - 2.0 * rise], axis=1)
