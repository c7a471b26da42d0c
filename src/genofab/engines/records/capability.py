"""Process capability: Cp, Cpk (within-lot-to-lot σ from moving ranges) and Pp, Ppk (overall σ)
with confidence intervals, for two- or one-sided specifications and for non-normal data.

- ``normal``: the indices of Montgomery ch. 8; Cp and Pp intervals exact from χ²; Cpk and Ppk
  intervals by Bissell's approximation, Cpk·(1 ∓ z·√(1/(9n·Cpk²) + 1/(2ν))). The within σ
  (MR̄ ÷ d2) has about 0.62·(n − 1) degrees of freedom (Cryer and Ryan 1990), the overall σ
  (sample SD) n − 1.
- ``lognormal``: the indices of the logarithms against the logarithms of the limits (the
  specification must be positive).
- ``boxcox``: the same after the Box-Cox transform whose λ maximises the likelihood.
- every index but the percentile method's assumes normal values (after the transform): the
  Anderson-Darling test of that normality (:mod:`.goodness`) is given with them.
- ``percentile`` (ISO 22514-4, Clements): Pp = (USL − LSL) ÷ (X₉₉.₈₆₅ − X₀.₁₃₅) from the
  empirical quantiles (type 6, Minitab's); it needs at least 740 values so that both
  quantiles lie inside the data, and is refused below that.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from genofab.engines.records.control import d2
from genofab.engines.records.goodness import anderson_darling
from genofab.errors import UsageError
from genofab.results.records import Capability, GoodnessOfFit, Interval

Array = NDArray[np.float64]

METHODS = ("normal", "lognormal", "boxcox", "percentile")
#: Fewest lots a capability index is computed from.
MIN_LOTS = 5
#: Fewest values the percentile method takes (0.135 % and 99.865 % inside the data).
MIN_PERCENTILE = 740
#: Effective degrees of freedom of MR̄ ÷ d2 per lot (Cryer and Ryan 1990).
MR_DEGREES = 0.62


def capability(
    values: Array,
    *,
    lower: float | None = None,
    upper: float | None = None,
    method: str = "normal",
    confidence: float = 0.95,
    measurement: str = "",
    unit: str = "",
) -> Capability:
    """Capability of one value a lot (in chart order) against ``lower``/``upper`` specs."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if lower is None and upper is None:
        raise UsageError("a capability needs a specification: give a lower or an upper limit")
    if lower is not None and upper is not None and not lower < upper:
        raise UsageError(f"the lower limit {lower:g} is not below the upper limit {upper:g}")
    if method not in METHODS:
        raise UsageError(f"method '{method}': choose one of {', '.join(METHODS)}")
    if not 0.5 <= confidence < 1:
        raise UsageError(f"confidence {confidence:g}: give a level from 0.5 to 0.999")
    if x.size < MIN_LOTS:
        raise UsageError(
            f"{x.size} lots: a capability index needs at least {MIN_LOTS} (and its interval"
            " is wide below about 30)"
        )
    observed = int(np.sum((x < lower) if lower is not None else 0)) + int(
        np.sum((x > upper) if upper is not None else 0)
    )
    if method == "percentile":
        return _percentile(x, lower, upper, confidence, measurement, unit, observed)
    y, low, high, note = _transform(x, lower, upper, method)
    what = {"normal": "values", "lognormal": "logarithms"}.get(method, "transformed values")
    normality: GoodnessOfFit | None
    try:
        normality = anderson_darling("normal", y)
        note += f"; normality of the {what}, Anderson-Darling {normality.shown()}: {normality.note}"
    except UsageError as error:  # values without spread: no index, and no test of them
        normality = None
        note += f"; normality of the {what} not tested ({error})"
    n = y.size
    mean = float(np.mean(y))
    overall = float(np.std(y, ddof=1))
    within = float(np.mean(np.abs(np.diff(y)))) / d2(2)
    cp, cpk = _indices(mean, within, low, high, n, MR_DEGREES * (n - 1), confidence)
    pp, ppk = _indices(mean, overall, low, high, n, n - 1.0, confidence)
    expected = _tails(mean, overall, low, high)
    return Capability(
        measurement=measurement,
        unit=unit,
        lots=n,
        method=method,
        lower_spec=lower,
        upper_spec=upper,
        mean=float(np.mean(x)),
        sigma_within=within if method == "normal" else None,
        sigma_overall=float(np.std(x, ddof=1)),
        cp=cp,
        cpk=cpk,
        pp=pp,
        ppk=ppk,
        confidence=confidence,
        expected_out_of_spec=expected,
        observed_out_of_spec=observed,
        normality=normality,
        note=note
        + (
            f"; {n} lots: the intervals are wide (below about 30 lots an index says little)"
            if n < 30
            else ""
        ),
    )


def _transform(
    x: Array, lower: float | None, upper: float | None, method: str
) -> tuple[Array, float | None, float | None, str]:
    if method == "normal":
        return x, lower, upper, "normal theory"
    if np.any(x <= 0) or (lower is not None and lower <= 0) or (upper is not None and upper <= 0):
        raise UsageError(
            f"the {method} method needs positive values and limits (a lower limit of 0 is one"
            " side only: leave it out)"
        )
    if method == "lognormal":
        return (
            np.log(x),
            None if lower is None else math.log(lower),
            None if upper is None else math.log(upper),
            "indices of the logarithms (lognormal data)",
        )
    from scipy import stats

    transformed, lam = stats.boxcox(x)

    def box(v: float | None) -> float | None:
        if v is None:
            return None
        return math.log(v) if abs(lam) < 1e-12 else (v**lam - 1.0) / lam

    low, high = box(lower), box(upper)
    if lam < 0:  # a decreasing transform swaps the ends
        low, high = high, low
    return np.asarray(transformed), low, high, f"indices after a Box-Cox transform, λ = {lam:.3g}"


def _indices(
    mean: float,
    sigma: float,
    low: float | None,
    high: float | None,
    n: int,
    df: float,
    confidence: float,
) -> tuple[Interval, Interval]:
    """(Cp or Pp, Cpk or Ppk) with their intervals for one σ."""
    from scipy import stats

    alpha = 1.0 - confidence
    none = Interval(estimate=None, lower=None, upper=None)
    if not sigma > 0:
        return none, none
    potential = none
    if low is not None and high is not None:
        c = (high - low) / (6.0 * sigma)
        potential = Interval(
            estimate=c,
            lower=c * math.sqrt(stats.chi2.ppf(alpha / 2, df) / df),
            upper=c * math.sqrt(stats.chi2.ppf(1 - alpha / 2, df) / df),
        )
    sides = [
        v
        for v in (
            (high - mean) if high is not None else None,
            (mean - low) if low is not None else None,
        )
        if v is not None
    ]
    ck = min(sides) / (3.0 * sigma)
    z = stats.norm.ppf(1 - alpha / 2)
    half = z * math.sqrt(1.0 / (9.0 * n * ck * ck) + 1.0 / (2.0 * df)) if ck != 0 else math.inf
    located = Interval(
        estimate=ck,
        lower=ck * (1 - half) if math.isfinite(half) else None,
        upper=ck * (1 + half) if math.isfinite(half) else None,
    )
    return potential, located


def _tails(mean: float, sigma: float, low: float | None, high: float | None) -> float:
    from scipy import stats

    if not sigma > 0:
        return 0.0
    below = stats.norm.cdf((low - mean) / sigma) if low is not None else 0.0
    above = stats.norm.sf((high - mean) / sigma) if high is not None else 0.0
    return float(below + above)


def quantile_type6(x: Array, p: float) -> float:
    """Quantile of definition 6 of Hyndman and Fan (Minitab's): position p·(n + 1)."""
    ordered = np.sort(x)
    h = p * (ordered.size + 1)
    if h < 1 or h > ordered.size:
        raise UsageError(f"the {p:.3%} quantile lies outside {ordered.size} values")
    below = math.floor(h)
    if below == ordered.size:
        return float(ordered[-1])
    return float(ordered[below - 1] + (h - below) * (ordered[below] - ordered[below - 1]))


def _percentile(
    x: Array,
    lower: float | None,
    upper: float | None,
    confidence: float,
    measurement: str,
    unit: str,
    observed: int,
) -> Capability:
    if x.size < MIN_PERCENTILE:
        raise UsageError(
            f"{x.size} lots: the percentile method needs at least {MIN_PERCENTILE} values (its"
            " 0.135 % and 99.865 % points must lie inside the data); use lognormal or boxcox"
        )
    low_q, mid, high_q = (quantile_type6(x, p) for p in (0.00135, 0.5, 0.99865))
    none = Interval(estimate=None, lower=None, upper=None)
    pp = none
    if lower is not None and upper is not None:
        pp = Interval(estimate=(upper - lower) / (high_q - low_q), lower=None, upper=None)
    sides = []
    if upper is not None:
        sides.append((upper - mid) / (high_q - mid))
    if lower is not None:
        sides.append((mid - lower) / (mid - low_q))
    ppk = Interval(estimate=min(sides), lower=None, upper=None)
    return Capability(
        measurement=measurement,
        unit=unit,
        lots=int(x.size),
        method="percentile",
        lower_spec=lower,
        upper_spec=upper,
        mean=float(np.mean(x)),
        sigma_within=None,
        sigma_overall=float(np.std(x, ddof=1)),
        cp=none,
        cpk=none,
        pp=pp,
        ppk=ppk,
        confidence=confidence,
        expected_out_of_spec=float(observed / x.size),
        observed_out_of_spec=observed,
        note="ISO 22514-4 percentile method, type-6 quantiles; no interval is given",
    )
