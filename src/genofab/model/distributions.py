"""The distributions a parameter's value can be drawn from in a Monte Carlo, in base units.

Each model knows its parameters and its range (support); the rules for reading one from a
file and checking it against a field are in :mod:`genofab.model.uncertainty`, sampling in
:mod:`genofab.engines.uncertainty.sampling`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Annotated, Literal

from pydantic import Field

from genofab.model.base import Frozen

#: z of the 0.1 % and 99.9 % points of a normal distribution: the "tails" checked against a
#: field's plausible range when the distribution has no end.
TAIL_Z = 3.090232306167813
#: The probability of each of those tails.
TAIL_P = 0.001
#: The default shape (λ) of a PERT distribution: weight of the mode in the mean (a+λm+b)/(λ+2).
PERT_SHAPE = 4.0


class DistributionError(ValueError):
    """A distribution that breaks a rule; ``subpath`` is where, below the quantity
    (``uncertainty.sd``)."""

    def __init__(self, subpath: str, message: str) -> None:
        self.subpath = subpath
        self.message = message
        super().__init__(f"{subpath}: {message}")


class _Base(Frozen, ABC):
    source: str | None = None

    @abstractmethod
    def support(self) -> tuple[float, float]:
        """Lowest and highest value the distribution can draw (±inf when it has no end)."""

    def tails(self) -> tuple[float, float]:
        """Where the distribution practically ends: its support, or its 0.1 % and 99.9 %
        points when it has no end."""
        return self.support()

    def parameters(self) -> dict[str, float | tuple[float, ...]]:
        """The distribution's parameters by name, in base units (shape parameters plain)."""
        return {name: getattr(self, name) for name in _KIND_FIELDS[self.kind]}  # type: ignore[attr-defined]

    def most_likely(self) -> float | None:
        """The mode, in base units: the value a deterministic base case states (a shipped
        file's is tested to be it); None for a kind that has no single one (uniform,
        empirical)."""
        return None


class Fixed(_Base):
    """No uncertainty: the value is used in every sample (stated on purpose, with a source)."""

    kind: Literal["fixed"] = "fixed"
    value: float

    def support(self) -> tuple[float, float]:
        return (self.value, self.value)

    def most_likely(self) -> float | None:
        return self.value


class Uniform(_Base):
    """Every value between ``low`` and ``high`` equally likely."""

    kind: Literal["uniform"] = "uniform"
    low: float
    high: float

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_Base):
    """Density rising linearly from ``low`` to ``mode`` and falling to ``high``."""

    kind: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    def most_likely(self) -> float | None:
        return self.mode

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Pert(_Base):
    """Beta-PERT: a smooth three-point estimate on [``low``, ``high``] peaking at ``mode``;
    mean (low + shape·mode + high) ÷ (shape + 2)."""

    kind: Literal["pert"] = "pert"
    low: float
    mode: float
    high: float
    shape: float = PERT_SHAPE

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def most_likely(self) -> float | None:
        return self.mode

    def beta_shapes(self) -> tuple[float, float]:
        """α and β of the underlying beta distribution on [low, high]."""
        span = self.high - self.low
        return (
            1.0 + self.shape * (self.mode - self.low) / span,
            1.0 + self.shape * (self.high - self.mode) / span,
        )


class Normal(_Base):
    """Normal (Gaussian) with ``mean`` and ``sd``, optionally truncated to [``low``, ``high``]
    (``mean`` and ``sd`` are those of the normal before truncation)."""

    kind: Literal["normal"] = "normal"
    mean: float
    sd: float
    low: float | None = None
    high: float | None = None

    def support(self) -> tuple[float, float]:
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )

    def tails(self) -> tuple[float, float]:
        low, high = self.support()
        return (
            max(low, self.mean - TAIL_Z * self.sd),
            min(high, self.mean + TAIL_Z * self.sd),
        )

    def most_likely(self) -> float | None:
        """The mean (kept inside a truncation)."""
        low, high = self.support()
        return min(max(self.mean, low), high)

    def parameters(self) -> dict[str, float | tuple[float, ...]]:
        found: dict[str, float | tuple[float, ...]] = {"mean": self.mean, "sd": self.sd}
        if self.low is not None:
            found["low"] = self.low
        if self.high is not None:
            found["high"] = self.high
        return found


class LogNormal(_Base):
    """Lognormal: the logarithm is normal; ``median`` and geometric SD ``gsd`` (> 1). Given as
    mean and SD, they are converted: σ² = ln(1 + sd²/mean²), median = mean ÷ √(1 + sd²/mean²)."""

    kind: Literal["lognormal"] = "lognormal"
    median: float
    gsd: float

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def tails(self) -> tuple[float, float]:
        return (self.median * self.gsd**-TAIL_Z, self.median * self.gsd**TAIL_Z)

    def most_likely(self) -> float | None:
        """exp(μ − σ²) = median × exp(−σ²), with σ = ln gsd."""
        return self.median * math.exp(-(math.log(self.gsd) ** 2))


class Beta(_Base):
    """Beta with shapes ``alpha`` and ``beta`` on [``low``, ``high``] (default [0, 1]); given
    as mean and SD, the shapes follow from the method of moments."""

    kind: Literal["beta"] = "beta"
    alpha: float
    beta: float
    low: float = 0.0
    high: float = 1.0

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def most_likely(self) -> float | None:
        """low + (α − 1) ÷ (α + β − 2) × (high − low) when α, β > 1; else the end the density
        piles up at (None when it piles up at both, α and β ≤ 1)."""
        if self.alpha > 1 and self.beta > 1:
            share = (self.alpha - 1) / (self.alpha + self.beta - 2)
        elif self.alpha <= 1 < self.beta:
            share = 0.0
        elif self.beta <= 1 < self.alpha:
            share = 1.0
        else:
            return None
        return self.low + share * (self.high - self.low)


class Gamma(_Base):
    """Gamma with ``shape`` k and ``scale`` θ (mean kθ, SD √k·θ); given as mean and SD,
    k = (mean ÷ SD)² and θ = SD² ÷ mean. Fitted to batch records by maximum likelihood."""

    kind: Literal["gamma"] = "gamma"
    shape: float
    scale: float

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def tails(self) -> tuple[float, float]:
        from scipy import special

        low, high = special.gammaincinv(self.shape, [TAIL_P, 1.0 - TAIL_P])
        return (float(low) * self.scale, float(high) * self.scale)

    def most_likely(self) -> float | None:
        """(k − 1) θ when k ≥ 1, else 0."""
        return max(self.shape - 1.0, 0.0) * self.scale


class Weibull(_Base):
    """Weibull with ``shape`` k and ``scale`` λ: P(X > x) = exp(−(x/λ)ᵏ). Fitted to batch
    records by maximum likelihood."""

    kind: Literal["weibull"] = "weibull"
    shape: float
    scale: float

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def tails(self) -> tuple[float, float]:
        def point(p: float) -> float:
            return float(self.scale * (-math.log1p(-p)) ** (1.0 / self.shape))

        return (point(TAIL_P), point(1.0 - TAIL_P))

    def most_likely(self) -> float | None:
        """λ ((k − 1) ÷ k)^(1/k) when k > 1, else 0."""
        k = self.shape
        return self.scale * ((k - 1.0) / k) ** (1.0 / k) if k > 1 else 0.0


class Empirical(_Base):
    """Observed values (past lots' titers, say), each drawn with equal probability."""

    kind: Literal["empirical"] = "empirical"
    values: tuple[float, ...]

    def support(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))


#: Any distribution model.
AnyDistribution = (
    Fixed | Uniform | Triangular | Pert | Normal | LogNormal | Beta | Gamma | Weibull | Empirical
)
#: The field type of a parameter's distribution (told apart by ``kind``).
Distribution = Annotated[AnyDistribution, Field(discriminator="kind")]

#: Canonical parameters of each kind, in the order they are shown.
_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "fixed": (),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high", "shape"),
    "normal": ("mean", "sd", "low", "high"),
    "lognormal": ("median", "gsd"),
    "beta": ("alpha", "beta", "low", "high"),
    "gamma": ("shape", "scale"),
    "weibull": ("shape", "scale"),
    "empirical": ("values",),
}


def is_uncertain(
    distribution: AnyDistribution | None,
) -> bool:
    """Whether a Monte Carlo draws this parameter (a ``fixed`` one is not drawn)."""
    return distribution is not None and not isinstance(distribution, Fixed)
