"""Distributions fitted to lot values by maximum likelihood, ranked by AIC, with intervals on
their parameters; the lot failure rate as a beta posterior; and the predictive distribution
that carries the fit's own uncertainty into a Monte Carlo.

Candidates: normal, lognormal, gamma and Weibull (both with their origin at 0), and beta for
fractions. Goodness of fit is the Kolmogorov-Smirnov distance with its p-value (with
parameters estimated from the same lots, optimistic: it only rules a candidate out, never in)
and the Anderson-Darling test judged for estimated parameters (:mod:`.goodness`), which weighs
the tails. The best AIC is written; a fraction gets its beta fit (the
others can draw above 1), with the AIC gap stated when another ranks first.

Few lots: a plug-in fit treats its estimated parameters as known and so understates the
spread. What is written is the predictive distribution: for normal and lognormal fits, the SD
(of the logarithms) is widened to that of the Student-t predictive, s·√((1 + 1/n)(n − 1)/(n − 3));
for beta and gamma fits the SD is widened by the same factor at the same mean; for Weibull fits
the spread of the logarithms (∝ 1/shape) is, at the same median. Below :data:`MIN_LOTS` lots
no fit is made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from genofab.engines.records.goodness import anderson_darling
from genofab.errors import UsageError
from genofab.results.base import Result
from genofab.results.records import GoodnessOfFit

Array = NDArray[np.float64]

#: Fewest lots a distribution is fitted to.
MIN_LOTS = 5
#: Most lots a fit takes.
MAX_LOTS = 100_000
#: The kinds the scenario format can draw from (model/distributions.py).
WRITABLE = ("normal", "lognormal", "gamma", "weibull", "beta")
CANDIDATES = ("normal", "lognormal", "gamma", "weibull", "beta")


class FittedCandidate(Result):
    """One candidate distribution fitted by maximum likelihood."""

    kind: str
    parameters: dict[str, float]
    intervals: dict[str, tuple[float, float]]
    log_likelihood: float
    aic: float
    ks_distance: float
    ks_p_value: float
    anderson_darling: GoodnessOfFit
    writable: bool


class Fit(Result):
    """The candidates of one measurement ranked by AIC, the one chosen for the scenario and
    its predictive (widened) parameters."""

    lots: int
    candidates: tuple[FittedCandidate, ...]
    chosen: str
    predictive: dict[str, float]
    widening: float
    note: str


class FailureRate(Result):
    """The lot failure probability as a beta posterior from a uniform prior."""

    failed: int
    lots: int
    alpha: float
    beta: float
    mean: float
    lower: float
    upper: float
    prior: str


@dataclass(frozen=True)
class _Model:
    kind: str
    names: tuple[str, ...]


def fit_distributions(values: Array, *, fraction: bool = False, confidence: float = 0.95) -> Fit:
    """Fit every candidate that can describe ``values`` (beta only for fractions in (0, 1);
    lognormal, gamma and Weibull only for positive values), rank them by AIC and choose the
    best kind the scenario format has."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n < MIN_LOTS:
        raise UsageError(
            f"{n} lots: a distribution is fitted from at least {MIN_LOTS} lots; with fewer,"
            " its parameters are too uncertain to stand for the process (keep the literature"
            " value, or give an empirical distribution deliberately)"
        )
    if n > MAX_LOTS:
        raise UsageError(f"{n:,} lots; a fit takes at most {MAX_LOTS:,}")
    if float(np.std(x)) == 0.0:
        raise UsageError(f"all {n} lots have the same value {x[0]:g}: nothing to fit")
    kinds = ["normal"]
    if np.all(x > 0):
        kinds += ["lognormal", "gamma", "weibull"]
    if fraction and np.all((x > 0) & (x < 1)):
        kinds.append("beta")
    candidates = [_fit(kind, x, confidence) for kind in kinds]
    candidates.sort(key=lambda c: c.aic)
    if fraction and "beta" in kinds:
        writable = [c for c in candidates if c.kind == "beta"]
        reason = "beta for a fraction (it stays inside 0 to 1)"
    else:
        writable = [c for c in candidates if c.writable and c.kind != "beta"]
        reason = "the best AIC"
    chosen = writable[0]
    best = candidates[0]
    note = f"chosen: {chosen.kind}, {reason}"
    if best.kind != chosen.kind:
        note += f"; {best.kind} ranks first (AIC lower by {chosen.aic - best.aic:.1f})"
    if chosen.ks_p_value < 0.05:
        note += f"; the {chosen.kind} fit is poor (KS p = {chosen.ks_p_value:.3f})"
    ad = chosen.anderson_darling
    note += f"; Anderson-Darling {ad.shown()}: {ad.note}"
    predictive, widening = _predictive(chosen.kind, x)
    note += (
        f"; written as the predictive distribution of {n} lots (spread widened ×{widening:.3f}"
        " for the uncertainty of the fitted parameters)"
    )
    return Fit(
        lots=n,
        candidates=tuple(candidates),
        chosen=chosen.kind,
        predictive=predictive,
        widening=widening,
        note=note,
    )


def _fit(kind: str, x: Array, confidence: float) -> FittedCandidate:
    from scipy import stats

    n = x.size
    z = stats.norm.ppf(0.5 + confidence / 2)
    t = stats.t.ppf(0.5 + confidence / 2, n - 1)
    alpha = 1 - confidence
    if kind in {"normal", "lognormal"}:
        y = np.log(x) if kind == "lognormal" else x
        mean, sd = float(np.mean(y)), float(np.std(y))  # MLE: divides by n
        s = float(np.std(y, ddof=1))
        mean_ci = (mean - t * s / math.sqrt(n), mean + t * s / math.sqrt(n))
        sd_ci = (
            s * math.sqrt((n - 1) / stats.chi2.ppf(1 - alpha / 2, n - 1)),
            s * math.sqrt((n - 1) / stats.chi2.ppf(alpha / 2, n - 1)),
        )
        if kind == "normal":
            parameters = {"mean": mean, "sd": sd}
            intervals = {"mean": mean_ci, "sd": sd_ci}
            frozen = stats.norm(mean, sd)
            log_likelihood = float(np.sum(frozen.logpdf(x)))
        else:
            parameters = {"median": math.exp(mean), "gsd": math.exp(sd)}
            intervals = {
                "median": (math.exp(mean_ci[0]), math.exp(mean_ci[1])),
                "gsd": (math.exp(sd_ci[0]), math.exp(sd_ci[1])),
            }
            frozen = stats.lognorm(sd, scale=math.exp(mean))
            log_likelihood = float(np.sum(frozen.logpdf(x)))
        k = 2
    else:
        if kind == "gamma":
            shape, _, scale = stats.gamma.fit(x, floc=0)
            frozen = stats.gamma(shape, scale=scale)
            names, estimate = ("shape", "scale"), (shape, scale)
        elif kind == "weibull":
            shape, _, scale = stats.weibull_min.fit(x, floc=0)
            frozen = stats.weibull_min(shape, scale=scale)
            names, estimate = ("shape", "scale"), (shape, scale)
        else:
            a, b, _, _ = stats.beta.fit(x, floc=0, fscale=1)
            frozen = stats.beta(a, b)
            names, estimate = ("alpha", "beta"), (a, b)
        log_likelihood = float(np.sum(frozen.logpdf(x)))
        parameters = {name: float(v) for name, v in zip(names, estimate, strict=True)}
        intervals = _wald(kind, x, estimate, names, z)
        k = 2
    ks = stats.kstest(x, frozen.cdf)
    return FittedCandidate(
        kind=kind,
        parameters=parameters,
        intervals=intervals,
        log_likelihood=log_likelihood,
        aic=2 * k - 2 * log_likelihood,
        ks_distance=float(ks.statistic),
        ks_p_value=float(ks.pvalue),
        anderson_darling=anderson_darling(kind, x),
        writable=kind in WRITABLE,
    )


def _wald(
    kind: str, x: Array, estimate: tuple[float, float], names: tuple[str, str], z: float
) -> dict[str, tuple[float, float]]:
    """Intervals from the curvature of the log-likelihood, on the log of each (positive)
    parameter: exp(log θ ± z·se)."""
    from scipy import stats

    def nll(log_theta: Array) -> float:
        a, b = np.exp(log_theta)
        if kind == "gamma":
            return float(-np.sum(stats.gamma.logpdf(x, a, scale=b)))
        if kind == "weibull":
            return float(-np.sum(stats.weibull_min.logpdf(x, a, scale=b)))
        return float(-np.sum(stats.beta.logpdf(x, a, b)))

    centre = np.log(np.asarray(estimate, dtype=float))
    h = 1e-4
    hessian = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            hessian[i, j] = (
                nll(centre + ei + ej)
                - nll(centre + ei - ej)
                - nll(centre - ei + ej)
                + nll(centre - ei - ej)
            ) / (4 * h * h)
    try:
        covariance = np.linalg.inv(hessian)
        se = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    except np.linalg.LinAlgError:
        se = np.full(2, np.inf)
    return {
        name: (float(math.exp(c - z * s)), float(math.exp(c + z * s)))
        for name, c, s in zip(names, centre, se, strict=True)
    }


def widening_factor(n: int) -> float:
    """How much the predictive SD exceeds the sample SD: √((1 + 1/n)(n − 1)/(n − 3))."""
    if n <= 3:
        raise UsageError(f"{n} lots: the predictive spread needs more than 3")
    return math.sqrt((1 + 1 / n) * (n - 1) / (n - 3))


def _predictive(kind: str, x: Array) -> tuple[dict[str, float], float]:
    from genofab.model.distributions import DistributionError
    from genofab.model.uncertainty import beta_shapes

    n = x.size
    f = widening_factor(n)
    if kind == "normal":
        return {"mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1)) * f}, f
    if kind == "lognormal":
        y = np.log(x)
        return {
            "median": math.exp(float(np.mean(y))),
            "gsd": math.exp(float(np.std(y, ddof=1)) * f),
        }, f
    mean, sd = float(np.mean(x)), float(np.std(x, ddof=1)) * f
    if kind == "gamma":
        return {"shape": (mean / sd) ** 2, "scale": sd * sd / mean}, f
    if kind == "weibull":
        from scipy import stats

        shape, _, scale = stats.weibull_min.fit(x, floc=0)
        median = scale * math.log(2) ** (1 / shape)
        widened = shape / f
        return {"shape": widened, "scale": median / math.log(2) ** (1 / widened)}, f
    try:
        a, b = beta_shapes(mean, sd, 0.0, 1.0)
    except DistributionError:
        raise UsageError(
            f"the {n} lots spread too widely for a beta distribution once the uncertainty of"
            " its parameters is added: fit more lots"
        ) from None
    return {"alpha": a, "beta": b}, f


def failure_rate(failed: int, lots: int, confidence: float = 0.95) -> FailureRate:
    """Beta(1 + failed, 1 + released) posterior of the lot failure probability (uniform
    prior), with its mean and equal-tailed credible interval."""
    from scipy import stats

    if lots < 1 or not 0 <= failed <= lots:
        raise UsageError(f"{failed} failed of {lots} lots: no failure rate can be estimated")
    a, b = 1.0 + failed, 1.0 + lots - failed
    tail = (1 - confidence) / 2
    return FailureRate(
        failed=failed,
        lots=lots,
        alpha=a,
        beta=b,
        mean=a / (a + b),
        lower=float(stats.beta.ppf(tail, a, b)),
        upper=float(stats.beta.ppf(1 - tail, a, b)),
        prior="uniform, Beta(1, 1)",
    )
