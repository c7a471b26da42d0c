"""Adoption curves: the share of the addressable patients who have sought a therapy ``t``
years after its launch (0 at launch, rising to the curve's ceiling).

Every function is element-wise: parameters may be floats or arrays of samples (shape
``(n, 1)`` against years ``(Y,)`` gives ``(n, Y)``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from genofab.engines.arrays import Array


def bass_share(t: ArrayLike, innovation: ArrayLike, imitation: ArrayLike) -> Array:
    """Bass (1969) cumulative adoption F(t) = (1 − e^(−(p+q)t)) ÷ (1 + (q/p)·e^(−(p+q)t)),
    0 for t ≤ 0; with p = 0 nobody starts adopting (F = 0)."""
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    p = np.asarray(innovation, dtype=float)
    q = np.asarray(imitation, dtype=float)
    decay = np.exp(-(p + q) * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (1.0 - decay) / (1.0 + np.true_divide(q, p) * decay)
    return np.asarray(np.where(p > 0, share, 0.0), dtype=float)


def logistic_share(t: ArrayLike, midpoint: ArrayLike, steepness: ArrayLike) -> Array:
    """Logistic adoption rescaled to start at 0 at launch and end at 1:
    F(t) = (L(t) − L(0)) ÷ (1 − L(0)) with L(t) = 1 ÷ (1 + e^(−k(t − t½))); 0 for t ≤ 0.
    (Rescaling keeps F(0) = 0, so nobody is treated before launch.)"""
    t = np.maximum(np.asarray(t, dtype=float), 0.0)
    k = np.asarray(steepness, dtype=float)
    middle = np.asarray(midpoint, dtype=float)
    at_launch = 1.0 / (1.0 + np.exp(k * middle))
    now = 1.0 / (1.0 + np.exp(-k * (t - middle)))
    return np.asarray((now - at_launch) / (1.0 - at_launch), dtype=float)
