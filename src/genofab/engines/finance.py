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
