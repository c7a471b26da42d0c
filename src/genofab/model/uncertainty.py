"""Reading a quantity's ``uncertainty`` mapping: the fields each kind of distribution takes,
the rules its parameters obey, and the check that its range stays inside the field's bounds
(a yield cannot be drawn above 1, a volume below 0).

A quantity written as a mapping may carry ``uncertainty: {kind: ..., ...}``; its ``value``
stays the deterministic (base-case) value, which must be a value the distribution can draw.
Every field of a distribution is in the parameter's unit, converted to its base unit like the
value (:mod:`genofab.model.parameter` does the conversion).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from genofab.model.distributions import (
    PERT_SHAPE,
    AnyDistribution,
    Beta,
    DistributionError,
    Empirical,
    Fixed,
    Gamma,
    LogNormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    Weibull,
)


@dataclass(frozen=True)
class KindFields:
    """What a kind accepts as written: fields in the quantity's unit (``amounts``: a value
    or an end; ``spreads``: an SD), plain numbers, and which sets of them are complete."""

    amounts: tuple[str, ...] = ()
    spreads: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    required: tuple[tuple[str, ...], ...] = ((),)
    optional: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return self.amounts + self.spreads + self.numbers + self.lists


#: The fields each kind accepts in a scenario file.
KINDS: dict[str, KindFields] = {
    "fixed": KindFields(),
    "uniform": KindFields(amounts=("low", "high"), required=(("low", "high"),)),
    "triangular": KindFields(amounts=("low", "mode", "high"), required=(("low", "mode", "high"),)),
    "pert": KindFields(
        amounts=("low", "mode", "high"),
        numbers=("shape",),
        required=(("low", "mode", "high"),),
        optional=("shape",),
    ),
    "normal": KindFields(
        amounts=("mean", "low", "high"),
        spreads=("sd",),
        required=(("mean", "sd"),),
        optional=("low", "high"),
    ),
    "lognormal": KindFields(
        amounts=("median", "mean"),
        spreads=("sd",),
        numbers=("gsd",),
        required=(("median", "gsd"), ("mean", "sd")),
    ),
    "beta": KindFields(
        amounts=("mean", "low", "high"),
        spreads=("sd",),
        numbers=("alpha", "beta"),
        required=(("alpha", "beta"), ("mean", "sd")),
        optional=("low", "high"),
    ),
    "gamma": KindFields(
        amounts=("scale", "mean"),
        spreads=("sd",),
        numbers=("shape",),
        required=(("shape", "scale"), ("mean", "sd")),
    ),
    "weibull": KindFields(amounts=("scale",), numbers=("shape",), required=(("shape", "scale"),)),
    "empirical": KindFields(lists=("values",), required=(("values",),)),
}

Read = Callable[[str, object], float]


def uncertainty_schema() -> dict[str, object]:
    """JSON Schema of a quantity's ``uncertainty`` mapping, for editors."""
    amount = {
        "anyOf": [{"type": "number"}, {"type": "string"}],
        "description": "in the quantity's unit: a number, or text with a unit",
    }
    options = []
    for kind, accepts in KINDS.items():
        properties: dict[str, object] = {"kind": {"const": kind}, "source": {"type": "string"}}
        for name in accepts.amounts + accepts.spreads:
            properties[name] = amount
        for name in accepts.numbers:
            properties[name] = {"type": "number"}
        for name in accepts.lists:
            properties[name] = {"type": "array", "items": amount, "minItems": 2}
        options.append(
            {
                "type": "object",
                "properties": properties,
                "required": ["kind"],
                "additionalProperties": False,
            }
        )
    return {
        "description": "distribution a Monte Carlo draws the value from; the value stays the"
        " deterministic base case",
        "oneOf": options,
    }


def read_distribution(
    raw: Mapping[str, object], value: float, read_amount: Read, source: str | None
) -> AnyDistribution:
    """Build a distribution from its mapping as written (``kind`` and fields; ``source`` read
    by the caller). ``read_amount(subpath, raw)`` converts a field given in the quantity's unit
    to the base unit; ``value`` is the quantity's value (the ``fixed`` kind uses it). Raises
    :class:`DistributionError` naming the field and the rule broken."""
    from genofab.errors import did_you_mean

    kind = raw.get("kind")
    if kind is None:
        raise DistributionError(
            "uncertainty.kind", f"'kind' is required: one of {', '.join(KINDS)}"
        )
    if not isinstance(kind, str) or kind not in KINDS:
        raise DistributionError(
            "uncertainty.kind",
            f"'{kind}' is not a kind of distribution{did_you_mean(str(kind), list(KINDS))};"
            f" expected one of: {', '.join(KINDS)}",
        )
    accepts = KINDS[kind]
    for key in raw:
        if key not in {"kind", *accepts.names}:
            allowed = ", ".join(("kind", *accepts.names, "source"))
            raise DistributionError(
                f"uncertainty.{key}",
                f"a {kind} distribution has no field '{key}'"
                f"{did_you_mean(str(key), list(accepts.names))}; it takes: {allowed}",
            )
    given = {key for key in raw if key != "kind"}
    complete = [
        combination
        for combination in accepts.required
        if set(combination) <= given
        and not (given - set(combination) - set(accepts.optional) - {"source"})
    ]
    if not complete:
        ways = " or ".join(" and ".join(c) for c in accepts.required)
        raise DistributionError(
            "uncertainty", f"a {kind} distribution needs {ways} (got: {', '.join(sorted(given))})"
        )
    fields: dict[str, float] = {}
    for name in given:
        where = f"uncertainty.{name}"
        if name in accepts.amounts or name in accepts.spreads:
            fields[name] = read_amount(where, raw[name])
        elif name in accepts.numbers:
            fields[name] = _plain_number(where, raw[name])
    values: tuple[float, ...] = ()
    if "values" in given:
        values = _observed(raw["values"], read_amount)
    return _build(kind, fields, values, value, source)


def _plain_number(where: str, raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise DistributionError(where, f"expected a plain number, got {raw!r}")
    return float(raw)


def _observed(raw: object, read_amount: Read) -> tuple[float, ...]:
    if not isinstance(raw, list | tuple):
        raise DistributionError("uncertainty.values", "expected a list of observed values")
    if len(raw) < 2:
        raise DistributionError(
            "uncertainty.values",
            f"an empirical distribution needs at least 2 observed values, got {len(raw)}",
        )
    return tuple(read_amount(f"uncertainty.values[{i}]", item) for i, item in enumerate(raw))


def _positive(where: str, number: float, what: str) -> None:
    if not number > 0:
        raise DistributionError(where, f"{number:g} is not a positive {what}")


def _ordered(
    low: float, high: float, mode: float | None = None, where: str = "uncertainty.high"
) -> None:
    if not low < high:
        raise DistributionError(where, f"high {high:g} is not above low {low:g}")
    if mode is not None and not low <= mode <= high:
        raise DistributionError(
            "uncertainty.mode",
            f"mode {mode:g} is not between low {low:g} and high {high:g}",
        )


def _build(
    kind: str, f: dict[str, float], values: tuple[float, ...], value: float, source: str | None
) -> AnyDistribution:
    if kind == "fixed":
        return Fixed(value=value, source=source)
    if kind == "uniform":
        _ordered(f["low"], f["high"])
        return Uniform(low=f["low"], high=f["high"], source=source)
    if kind in {"triangular", "pert"}:
        _ordered(f["low"], f["high"], f["mode"])
        if kind == "triangular":
            return Triangular(low=f["low"], mode=f["mode"], high=f["high"], source=source)
        shape = f.get("shape", PERT_SHAPE)
        _positive("uncertainty.shape", shape, "shape")
        return Pert(low=f["low"], mode=f["mode"], high=f["high"], shape=shape, source=source)
    if kind == "normal":
        _positive("uncertainty.sd", f["sd"], "standard deviation")
        low, high = f.get("low"), f.get("high")
        if low is not None and high is not None:
            _ordered(low, high)
        normal = Normal(mean=f["mean"], sd=f["sd"], low=low, high=high, source=source)
        if _normal_mass(normal) < 1e-9:
            raise DistributionError(
                "uncertainty",
                "the truncation keeps almost nothing of the normal distribution (less than"
                " 1e-9 of it): low and high must lie around the mean",
            )
        return normal
    if kind == "lognormal":
        if "median" in f:
            _positive("uncertainty.median", f["median"], "median")
            if not f["gsd"] > 1:
                raise DistributionError(
                    "uncertainty.gsd",
                    f"{f['gsd']:g} is not a geometric standard deviation: it must be above 1",
                )
            return LogNormal(median=f["median"], gsd=f["gsd"], source=source)
        _positive("uncertainty.mean", f["mean"], "mean (a lognormal value is positive)")
        _positive("uncertainty.sd", f["sd"], "standard deviation")
        spread = 1.0 + (f["sd"] / f["mean"]) ** 2
        return LogNormal(
            median=f["mean"] / math.sqrt(spread),
            gsd=math.exp(math.sqrt(math.log(spread))),
            source=source,
        )
    if kind == "beta":
        low, high = f.get("low", 0.0), f.get("high", 1.0)
        _ordered(low, high)
        if "alpha" in f:
            _positive("uncertainty.alpha", f["alpha"], "shape α")
            _positive("uncertainty.beta", f["beta"], "shape β")
            return Beta(alpha=f["alpha"], beta=f["beta"], low=low, high=high, source=source)
        alpha, beta = beta_shapes(f["mean"], f["sd"], low, high)
        return Beta(alpha=alpha, beta=beta, low=low, high=high, source=source)
    if kind == "gamma":
        if "shape" in f:
            _positive("uncertainty.shape", f["shape"], "shape")
            _positive("uncertainty.scale", f["scale"], "scale")
            return Gamma(shape=f["shape"], scale=f["scale"], source=source)
        _positive("uncertainty.mean", f["mean"], "mean (a gamma value is positive)")
        _positive("uncertainty.sd", f["sd"], "standard deviation")
        return Gamma(
            shape=(f["mean"] / f["sd"]) ** 2, scale=f["sd"] ** 2 / f["mean"], source=source
        )
    if kind == "weibull":
        _positive("uncertainty.shape", f["shape"], "shape")
        _positive("uncertainty.scale", f["scale"], "scale")
        return Weibull(shape=f["shape"], scale=f["scale"], source=source)
    return Empirical(values=values, source=source)


def beta_shapes(mean: float, sd: float, low: float, high: float) -> tuple[float, float]:
    """α and β of the beta distribution on [low, high] with this mean and SD (method of
    moments); raises :class:`DistributionError` when no beta has them."""
    if not low < mean < high:
        raise DistributionError(
            "uncertainty.mean", f"mean {mean:g} is not strictly between {low:g} and {high:g}"
        )
    _positive("uncertainty.sd", sd, "standard deviation")
    span = high - low
    m, s = (mean - low) / span, sd / span
    largest = math.sqrt((mean - low) * (high - mean))
    if not s * s < m * (1.0 - m):
        raise DistributionError(
            "uncertainty.sd",
            f"{sd:g} is too large for a beta distribution with mean {mean:g} on"
            f" [{low:g}, {high:g}]: the SD must be below √((mean − low)(high − mean))"
            f" = {largest:.4g}",
        )
    common = m * (1.0 - m) / (s * s) - 1.0
    return m * common, (1.0 - m) * common


def _normal_mass(normal: Normal) -> float:
    """Probability a normal gives to its truncation interval."""

    def cdf(x: float) -> float:
        return 0.5 * math.erfc(-(x - normal.mean) / (normal.sd * math.sqrt(2.0)))

    low, high = normal.support()
    return cdf(high) - cdf(low)


@dataclass(frozen=True)
class Bounds:
    """What a field allows, for checking a distribution's range: hard ends, the plausible
    range, whole numbers, and how to show a value (with its unit) and name the field."""

    what: str
    low: float | None
    low_inclusive: bool
    high: float | None
    plausible: tuple[float, float] | None
    integer: bool
    show: Callable[[float], str]


def range_problems(
    distribution: AnyDistribution,
    value: float,
    bounds: Bounds,
) -> None:
    """Raise :class:`DistributionError` when the distribution can draw a value the field
    does not allow, practically reaches past its plausible range, or cannot draw ``value``."""
    low, high = distribution.support()
    name = type(distribution).__name__.lower()
    if isinstance(distribution, Empirical):
        for i, observed in enumerate(distribution.values):
            _check_one(f"uncertainty.values[{i}]", observed, bounds)
    if bounds.low is not None and low < bounds.low:
        where = "uncertainty" if math.isinf(low) else _end_field(distribution, "low")
        reason = (
            f"a {name} distribution has no lower end: it can draw any value below"
            f" {bounds.show(bounds.low)}"
            if math.isinf(low)
            else f"it can draw values down to {bounds.show(low)}"
        )
        rule = "at least" if bounds.low_inclusive else "above"
        hint = (
            "; truncate it with low, or use lognormal" if isinstance(distribution, Normal) else ""
        )
        raise DistributionError(
            where, f"{reason}, but {bounds.what} must be {rule} {bounds.show(bounds.low)}{hint}"
        )
    if bounds.high is not None and high > bounds.high:
        where = "uncertainty" if math.isinf(high) else _end_field(distribution, "high")
        reason = (
            f"a {name} distribution has no upper end: it can draw any value above"
            f" {bounds.show(bounds.high)}"
            if math.isinf(high)
            else f"it can draw values up to {bounds.show(high)}"
        )
        hint = (
            "; use beta or pert, or truncate a normal with high"
            if isinstance(distribution, LogNormal | Normal)
            else ""
        )
        raise DistributionError(
            where, f"{reason}, but {bounds.what} must be at most {bounds.show(bounds.high)}{hint}"
        )
    if bounds.plausible is not None:
        for end, label in zip(distribution.tails(), ("lowest", "highest"), strict=True):
            if end != 0 and not bounds.plausible[0] <= end <= bounds.plausible[1]:
                raise DistributionError(
                    "uncertainty",
                    f"the distribution reaches {bounds.show(end)} ({label} practical value),"
                    f" outside the plausible range of {bounds.what},"
                    f" {bounds.show(bounds.plausible[0])} to {bounds.show(bounds.plausible[1])}:"
                    " check the numbers and their unit",
                )
    if not low <= value <= high:
        raise DistributionError(
            "uncertainty",
            f"the value {bounds.show(value)} is outside the distribution's range"
            f" ({bounds.show(low)} to {bounds.show(high)}): the deterministic value must be"
            " one the distribution can draw",
        )


def _end_field(
    distribution: AnyDistribution,
    end: str,
) -> str:
    if isinstance(distribution, Empirical):
        return "uncertainty.values"
    return f"uncertainty.{end}"


def _check_one(where: str, observed: float, bounds: Bounds) -> None:
    if bounds.low is not None and (
        observed < bounds.low or (observed == bounds.low and not bounds.low_inclusive)
    ):
        raise DistributionError(
            where,
            f"{bounds.show(observed)} is not allowed: {bounds.what} must be above"
            f"{'' if not bounds.low_inclusive else ' or at'} {bounds.show(bounds.low)}",
        )
    if bounds.high is not None and observed > bounds.high:
        raise DistributionError(
            where, f"{bounds.show(observed)} is above {bounds.show(bounds.high)}"
        )
    if bounds.integer and observed != round(observed):
        raise DistributionError(
            where,
            f"{bounds.show(observed)} is not a whole number: {bounds.what} counts whole items",
        )
