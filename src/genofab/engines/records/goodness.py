"""Anderson-Darling goodness of fit of a distribution whose parameters were estimated from the
same lots, with its p-value, and what it can say from few lots.

A² = −n − (1/n)·Σ (2i − 1)·[ln F(x₍ᵢ₎) + ln(1 − F(x₍ₙ₊₁₋ᵢ₎))] weighs the tails more than the
Kolmogorov-Smirnov distance does. Because the parameters come from the lots tested, the
plain A² tables would be optimistic; each family is judged against the distribution A² has
when the parameters are estimated:

- normal, and lognormal (the normal of the logarithms): Stephens' tables as
  ``scipy.stats.anderson(…, method='interpolate')`` gives them; the p-value is interpolated
  between 0.01 and 0.15 and reported as "at most" or "at least" outside that range;
- Weibull with its origin at 0: its logarithm is a (minimum) Gumbel, a location-scale family
  whose maximum-likelihood fit is the Weibull's, judged the same way (p from 0.01 to 0.25);
- gamma and beta: a parametric bootstrap, ``scipy.stats.goodness_of_fit`` with the origin (and
  for beta the scale) fixed, refitting every one of :data:`BOOTSTRAP_SAMPLES` samples drawn
  from the fit (a fixed seed: the same lots give the same p-value).

With few lots the test has little power: it rejects only gross departures. A high p-value
fails to rule a family out; it never shows the family is right.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import NDArray

from genofab.errors import UsageError
from genofab.results.records import GoodnessOfFit

Array = NDArray[np.float64]

#: Samples of the parametric bootstrap (gamma and beta).
BOOTSTRAP_SAMPLES = 499
#: Below this many lots the note says the test can rule out only gross departures.
FEW_LOTS = 30
#: Fewest values a test is made on.
MIN_VALUES = 5

#: The range of p-values Stephens' tables give, by the family SciPy tests.
_TABLE_RANGE = {"norm": (0.01, 0.15), "gumbel_l": (0.01, 0.25)}


def anderson_darling(kind: str, values: Array, *, seed: int = 1) -> GoodnessOfFit:
    """The Anderson-Darling test of family ``kind`` (normal, lognormal, gamma, Weibull or
    beta, fitted by maximum likelihood to ``values``)."""
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n < MIN_VALUES:
        raise UsageError(f"{n} values: an Anderson-Darling test needs at least {MIN_VALUES}")
    if float(np.ptp(x)) == 0.0:
        raise UsageError(f"all {n} values are {x[0]:g}: no distribution can be tested against them")
    if kind in {"normal", "lognormal", "weibull"}:
        if kind != "normal" and np.any(x <= 0):
            raise UsageError(f"a {kind} test needs positive values")
        family = "gumbel_l" if kind == "weibull" else "norm"
        y = x if kind == "normal" else np.log(x)
        result = stats.anderson(y, family, method="interpolate")
        low, high = _TABLE_RANGE[family]
        p = float(result.pvalue)
        bound = "at least" if p >= high else "at most" if p <= low else ""
        method = (
            "Stephens' tables for estimated parameters (scipy.stats.anderson"
            + (", on the logarithms" if kind != "normal" else "")
            + (" as a minimum Gumbel" if kind == "weibull" else "")
            + ")"
        )
        statistic = float(result.statistic)
    elif kind in {"gamma", "beta"}:
        known = {"loc": 0.0} if kind == "gamma" else {"loc": 0.0, "scale": 1.0}
        distribution = stats.gamma if kind == "gamma" else stats.beta
        with np.errstate(all="ignore"), warnings.catch_warnings():
            # a refit of a bootstrap sample may warn as it converges: the p-value counts it
            warnings.simplefilter("ignore", RuntimeWarning)
            result = stats.goodness_of_fit(
                distribution,
                x,
                known_params=known,
                statistic="ad",
                n_mc_samples=BOOTSTRAP_SAMPLES,
                rng=np.random.default_rng(seed),
            )
        statistic, p, bound = float(result.statistic), float(result.pvalue), ""
        method = (
            f"parametric bootstrap of {BOOTSTRAP_SAMPLES} samples refitted"
            " (scipy.stats.goodness_of_fit)"
        )
    else:
        raise UsageError(f"no Anderson-Darling test for '{kind}'")
    if p < 0.05:
        note = f"the data depart from a {kind} distribution (p < 0.05)"
    else:
        note = f"no evidence against a {kind} distribution"
    if n < FEW_LOTS:
        note += (
            f"; with {n} lots the test rejects only gross departures: a high p-value fails to"
            " rule the family out, it does not show it is right"
        )
    return GoodnessOfFit(
        test="Anderson-Darling",
        statistic=statistic,
        p_value=p,
        p_bound=bound,
        method=method,
        note=note,
    )
