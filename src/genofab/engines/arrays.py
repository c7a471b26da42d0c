"""Array conventions shared by the engines: parameter values keyed by path, read as float
arrays; divisions that meet a zero; the slack used when rounding counts.

Engines compute on the shapes they are given and never spread a constant over the samples:
a figure no sampled input reaches stays a 0-d array (computed once, not once per sample).
Every figure *broadcasts* to the sample shape; :func:`per_sample` spreads one out (as a
read-only view) where a caller needs one element per sample.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Parameter values in base units keyed by path (floats for one run, arrays for samples).
Values = Mapping[str, ArrayLike]
Array = NDArray[np.float64]

#: Relative slack for rounding counts that are whole numbers up to floating-point error.
ROUNDING_SLACK = 1e-9


def reader(values: Values, prefix: str = "") -> Callable[[str], Array]:
    """A function reading ``prefix + name`` from ``values`` as a float array."""

    def read(name: str) -> Array:
        return np.asarray(values[prefix + name], dtype=float)

    return read


def sample_shape(values: Values) -> tuple[int, ...]:
    """The common shape of all values: () for one run, (n,) for n samples."""
    shapes = set()
    for value in values.values():
        if isinstance(value, float | int):
            continue  # most values: a number, no shape (tested first: this runs per chunk)
        shape = value.shape if isinstance(value, np.ndarray) else np.shape(value)
        if shape:
            shapes.add(shape)
    return np.broadcast_shapes(*shapes)


def per_sample(array: ArrayLike, shape: tuple[int, ...]) -> Array:
    """``array`` spread over ``shape`` (a read-only view: nothing is copied)."""
    return np.broadcast_to(np.asarray(array, dtype=float), shape)


def ratio(numerator: ArrayLike, denominator: ArrayLike) -> Array:
    """numerator ÷ denominator; ±inf (or nan for 0 ÷ 0) where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.true_divide(numerator, denominator), dtype=float)


def ratio_or_zero(numerator: ArrayLike, denominator: ArrayLike) -> Array:
    """numerator ÷ denominator, with 0 where the denominator is 0 (an empty stream)."""
    num, den = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    out = np.zeros(np.broadcast_shapes(num.shape, den.shape))
    np.divide(num, den, out=out, where=den != 0)
    return out


def whole_floor(count: ArrayLike) -> Array:
    """Whole items in ``count`` (⌊x⌋), forgiving floating-point error relative to x."""
    x = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.floor(x * (1.0 + ROUNDING_SLACK) + 1e-12)


def whole_ceil(count: ArrayLike) -> Array:
    """Whole items needed to cover ``count`` (⌈x⌉, at least 1 when x > 0), forgiving
    floating-point error relative to x."""
    x = np.asarray(count, dtype=float)
    with np.errstate(invalid="ignore"):
        needed = np.ceil(x * (1.0 - ROUNDING_SLACK) - 1e-12)
        # at least 1 where x > 0, at least 0 elsewhere (NaN stays NaN)
        return np.maximum(needed, x > 0, out=needed if needed.ndim else None)
