"""Two sites compared on one measurement: equivalence by two one-sided t-tests (TOST, pooled
variance, Schuirmann 1987) with the margin stated in the measurement's units (or as a ratio
for titres, on the logarithms), the power the lots in hand give, and the lots a site would
need for 80 % power.

Power is computed exactly for the pooled t-test: the difference of means is normal and the
pooled SD is a scaled χ; the chance that both one-sided tests reject is integrated over the
SD's distribution (on 4,000 quantiles). shared/reference/anchors-workbench-records.md §2.3 A
measured the same by simulation (two equal sites, margin ±1.5 SD known: 0.15, 0.42, 0.77,
0.89 with 3, 5, 8, 10 lots a site); the tests check this module against it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from genofab.errors import UsageError
from genofab.results.base import Result

Array = NDArray[np.float64]

#: Fewest lots a site needs for a TOST.
MIN_LOTS = 2
#: The most lots a site the "lots needed" search goes to.
MAX_LOTS_NEEDED = 200
#: Default margin: this many SD of the reference site (FDA's former tier-1 analytical
#: similarity margin, anchors-workbench-records.md §2.3), to be replaced by one from
#: consequences.
DEFAULT_MARGIN_SD = 1.5


class Equivalence(Result):
    """The TOST verdict of one measurement between a reference site and another site."""

    measurement: str
    unit: str
    reference: str
    site: str
    lots_reference: int
    lots_site: int
    scale: str
    estimate: float
    interval: tuple[float, float]
    margin: tuple[float, float]
    margin_source: str
    p_value: float
    alpha: float
    equivalent: bool
    power: float
    lots_for_80_percent: int | None
    note: str


def tost(
    reference: Array,
    site: Array,
    margin: tuple[float, float],
    *,
    alpha: float = 0.05,
) -> tuple[float, tuple[float, float], float]:
    """Difference of means (site − reference), its (1 − 2α) interval, and the TOST p-value
    (the larger of the two one-sided p-values) against ``margin`` = (low, high)."""
    from scipy import stats

    a, b = np.asarray(reference, dtype=float), np.asarray(site, dtype=float)
    na, nb = a.size, b.size
    if na < MIN_LOTS or nb < MIN_LOTS:
        raise UsageError(f"{na} and {nb} lots: a TOST needs at least {MIN_LOTS} lots a site")
    low, high = margin
    if not low < 0 < high:
        raise UsageError(f"margin {low:g} to {high:g}: it must surround no difference")
    df = na + nb - 2
    pooled = math.sqrt(
        ((na - 1) * float(np.var(a, ddof=1)) + (nb - 1) * float(np.var(b, ddof=1))) / df
    )
    se = pooled * math.sqrt(1 / na + 1 / nb)
    difference = float(np.mean(b) - np.mean(a))
    t = float(stats.t.ppf(1 - alpha, df))
    interval = (difference - t * se, difference + t * se)
    if se == 0:
        inside = low < difference < high
        return difference, interval, 0.0 if inside else 1.0
    p_low = float(stats.t.sf((difference - low) / se, df))
    p_high = float(stats.t.cdf((difference - high) / se, df))
    return difference, interval, max(p_low, p_high)


def tost_power(
    lots_reference: int,
    lots_site: int,
    sigma: float,
    margin: tuple[float, float],
    *,
    difference: float = 0.0,
    alpha: float = 0.05,
) -> float:
    """Chance that the pooled TOST shows equivalence when the true difference is
    ``difference`` and the lot-to-lot SD ``sigma``."""
    from scipy import special, stats

    if lots_reference < MIN_LOTS or lots_site < MIN_LOTS:
        return 0.0
    if not sigma > 0:
        return 1.0 if margin[0] < difference < margin[1] else 0.0
    df = lots_reference + lots_site - 2
    c = math.sqrt(1 / lots_reference + 1 / lots_site)
    t = float(stats.t.ppf(1 - alpha, df))
    u = (np.arange(4000) + 0.5) / 4000
    s = sigma * np.sqrt(stats.chi2.ppf(u, df) / df)
    upper = special.ndtr((margin[1] - t * c * s - difference) / (sigma * c))
    lower = special.ndtr((margin[0] + t * c * s - difference) / (sigma * c))
    return float(np.mean(np.clip(upper - lower, 0.0, None)))


def lots_needed(
    sigma: float, margin: tuple[float, float], *, alpha: float = 0.05, target: float = 0.8
) -> int | None:
    """Fewest lots a site (both sites alike) for ``target`` power at no true difference."""
    for n in range(MIN_LOTS, MAX_LOTS_NEEDED + 1):
        if tost_power(n, n, sigma, margin, alpha=alpha) >= target:
            return n
    return None


def compare_sites(
    reference: Array,
    site: Array,
    *,
    measurement: str,
    unit: str,
    names: tuple[str, str],
    scale: str,
    margin: tuple[float, float] | None = None,
    margin_source: str = "",
    alpha: float = 0.05,
) -> Equivalence:
    """TOST of one measurement between two sites. ``scale='ratio'``: on the logarithms, the
    margin and the estimate as ratios site ÷ reference; ``'difference'``: in the unit."""
    a, b = np.asarray(reference, dtype=float), np.asarray(site, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if scale not in {"ratio", "difference"}:
        raise UsageError(f"scale '{scale}': ratio or difference")
    if scale == "ratio":
        if np.any(a <= 0) or np.any(b <= 0):
            raise UsageError(f"{measurement}: a ratio needs positive values")
        a, b = np.log(a), np.log(b)
    if a.size < MIN_LOTS or b.size < MIN_LOTS:
        raise UsageError(
            f"{measurement}: {a.size} and {b.size} lots; a TOST needs at least {MIN_LOTS} a site"
        )
    reference_sd = float(np.std(a, ddof=1))
    if margin is None:
        half = DEFAULT_MARGIN_SD * reference_sd
        working = (-half, half)
        margin_source = (
            f"default: ±{DEFAULT_MARGIN_SD} SD of the reference lots (FDA's former tier-1"
            " analytical-similarity margin); state one from consequences with --margin"
        )
    elif scale == "ratio":
        if not margin[0] < 1 < margin[1]:
            raise UsageError(f"ratio margin {margin[0]:g} to {margin[1]:g}: it must surround 1")
        working = (math.log(margin[0]), math.log(margin[1]))
    else:
        working = margin
    estimate, interval, p_value = tost(a, b, working, alpha=alpha)
    df = a.size + b.size - 2
    pooled = math.sqrt(
        ((a.size - 1) * float(np.var(a, ddof=1)) + (b.size - 1) * float(np.var(b, ddof=1))) / df
    )
    power = tost_power(a.size, b.size, pooled, working, alpha=alpha)
    needed = lots_needed(pooled, working, alpha=alpha)
    shown = (lambda v: math.exp(v)) if scale == "ratio" else (lambda v: v)
    equivalent = p_value < alpha
    what = "ratio" if scale == "ratio" else "difference"
    note = (
        f"{what} {names[1]} vs {names[0]} {shown(estimate):.4g}, {1 - 2 * alpha:.0%} interval"
        f" {shown(interval[0]):.4g} to {shown(interval[1]):.4g}, margin {shown(working[0]):.4g}"
        f" to {shown(working[1]):.4g}: "
        + ("EQUIVALENT" if equivalent else "NOT shown equivalent")
        + f" (TOST p = {p_value:.3g}); with {a.size} and {b.size} lots two identical sites would"
        f" pass {power:.0%} of the time"
        + (f"; {needed} lots a site give 80 %" if needed else "; no lot count up to 200 gives 80 %")
    )
    return Equivalence(
        measurement=measurement,
        unit=unit,
        reference=names[0],
        site=names[1],
        lots_reference=int(a.size),
        lots_site=int(b.size),
        scale=scale,
        estimate=shown(estimate),
        interval=(shown(interval[0]), shown(interval[1])),
        margin=(shown(working[0]), shown(working[1])),
        margin_source=margin_source,
        p_value=p_value,
        alpha=alpha,
        equivalent=equivalent,
        power=power,
        lots_for_80_percent=needed,
        note=note,
    )
