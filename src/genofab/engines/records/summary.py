"""One measurement's lots at one site summarised, so that sites can be set side by side: how
many lots, centre, spread, quartiles and extremes, and for positive amounts (titres) the
geometric mean and geometric SD, the centre and spread a lognormal process has.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from genofab.errors import UsageError
from genofab.results.base import Result

Array = NDArray[np.float64]


class SiteDistribution(Result):
    """The lots of one site on one measurement (one value a lot, the mean of its replicates).
    ``sd`` is the sample SD (n − 1); quartiles are NumPy's default (linear) quantiles; the
    geometric mean and SD only when every value is above 0."""

    measurement: str
    unit: str
    site: str
    lots: int
    mean: float
    sd: float | None
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float
    geometric_mean: float | None
    geometric_sd: float | None


def site_distribution(
    values: Array, *, measurement: str = "", unit: str = "", site: str = ""
) -> SiteDistribution:
    """The summary of one site's lots; NaN values (lots without the measurement) left out."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        raise UsageError(f"site {site}: no lot has a value of {measurement}")
    q1, median, q3 = (float(q) for q in np.quantile(x, [0.25, 0.5, 0.75]))
    positive = bool((x > 0).all())
    logs = np.log(x) if positive else None
    return SiteDistribution(
        measurement=measurement,
        unit=unit,
        site=site,
        lots=int(x.size),
        mean=float(x.mean()),
        sd=float(x.std(ddof=1)) if x.size > 1 else None,
        minimum=float(x.min()),
        lower_quartile=q1,
        median=median,
        upper_quartile=q3,
        maximum=float(x.max()),
        geometric_mean=math.exp(float(logs.mean())) if logs is not None else None,
        geometric_sd=(
            math.exp(float(logs.std(ddof=1))) if logs is not None and x.size > 1 else None
        ),
    )


class OutOfSpecification(Result):
    """One lot whose value lies outside a specification limit."""

    lot: str
    value: float
    side: str  # "below" the lower limit or "above" the upper one
    limit: float


def outside_specification(
    values: Array, lots: tuple[str, ...], lower: float | None, upper: float | None
) -> tuple[OutOfSpecification, ...]:
    """The lots (in the order given) whose value is below ``lower`` or above ``upper``; a lot
    without a value (NaN) is not judged. A value on a limit is within it."""
    x = np.asarray(values, dtype=float)
    if x.shape != (len(lots),):
        raise UsageError(f"{x.size} values for {len(lots)} lots")
    found = []
    for lot, value in zip(lots, x, strict=True):
        if not math.isfinite(value):
            continue
        if lower is not None and value < lower:
            found.append(OutOfSpecification(lot=lot, value=float(value), side="below", limit=lower))
        elif upper is not None and value > upper:
            found.append(OutOfSpecification(lot=lot, value=float(value), side="above", limit=upper))
    return tuple(found)
