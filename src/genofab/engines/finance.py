"""Textbook finance: straight-line depreciation, capital recovery and net present value.

Element-wise on NumPy arrays or floats; checked against spreadsheet definitions (SLN, PMT,
NPV) in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def straight_line_depreciation(cost: ArrayLike, salvage: ArrayLike, years: ArrayLike) -> Array:
    """Yearly depreciation (cost − salvage) ÷ years, as the spreadsheet function SLN."""
    spread = np.asarray(cost, dtype=float) - np.asarray(salvage, dtype=float)
    return np.asarray(spread / np.asarray(years, dtype=float), dtype=float)


def capital_recovery_factor(rate: ArrayLike, years: ArrayLike) -> Array:
    """Share of a capital sum to recover each year, so that ``years`` equal payments repay it
    with interest at ``rate``: r ÷ (1 − (1 + r)^−n); 1/n when the rate is 0."""
    r, n = np.asarray(rate, dtype=float), np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = r / (1.0 - (1.0 + r) ** -n)
    return np.where(r == 0, 1.0 / n, factor)


def net_present_value(rate: float, cashflows: Sequence[float]) -> float:
    """Value today of cash flows at the end of years 1, 2, … (the spreadsheet NPV convention)."""
    return float(sum(flow / (1.0 + rate) ** (year + 1) for year, flow in enumerate(cashflows)))


def capital_charge(cost: ArrayLike, salvage: ArrayLike, rate: ArrayLike, years: ArrayLike) -> Array:
    """Yearly charge that repays ``cost`` with interest at ``rate`` over ``years``, less the
    present value of the salvage at the end: (C − S (1 + r)^−n) × CRF(r, n); straight-line
    depreciation when the rate is 0 (the spreadsheet function −PMT(r, n, C, −S))."""
    r, n = np.asarray(rate, dtype=float), np.asarray(years, dtype=float)
    present = np.asarray(cost, dtype=float) - np.asarray(salvage, dtype=float) * (1.0 + r) ** -n
    return np.asarray(present * capital_recovery_factor(r, n), dtype=float)


def present_value_of_growing_flows(rate: ArrayLike, growth: ArrayLike, years: ArrayLike) -> Array:
    """Value today of a flow of 1 at the end of year 1 growing by ``growth`` a year for
    ``years`` years, discounted at ``rate``: Σ (1 + g)^(t−1) ÷ (1 + r)^t."""
    r, g, n = (np.asarray(x, dtype=float) for x in (rate, growth, years))
    q = (1.0 + g) / (1.0 + r)
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = (1.0 - q**n) / (1.0 - q) / (1.0 + r)
    return np.asarray(np.where(np.isclose(q, 1.0), n / (1.0 + r), annuity), dtype=float)
