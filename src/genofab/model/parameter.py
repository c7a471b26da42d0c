"""Numeric scenario parameters: parsed with units, checked, stored in base units with a source.

Every numeric field of a scenario accepts ``"200 L"``, a bare number where the field is a
plain number or a count, or ``{value: 200, unit: L, source: "S12"}``. Text is read strictly as
one number followed by a unit: ``1,5e7``, ``9 600`` or ``200 L - 10 L`` are refused, never
evaluated. What is stored is a :class:`Parameter` whose ``value`` is a float in the field's
base unit (L, d, kg, TU/L ...), so engines compute on plain floats. The kinds of fields are in
:mod:`genofab.model.quantities`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from genofab.model.distributions import Distribution, DistributionError
from genofab.model.uncertainty import Bounds, range_problems, read_distribution
from genofab.units import CURRENCIES, PRODUCT_UNITS, TIME_UNITS, registry

#: Symbols of the units a product can be counted in (TU, vg, vp, cell).
PRODUCT_SYMBOLS: tuple[str, ...] = tuple(PRODUCT_UNITS.values())
#: Marks where a quantity's uncertainty mapping goes in the format's JSON Schema.
UNCERTAINTY_SCHEMA = "x-genofab-uncertainty"
#: Codes of the currencies money can be given in.
CURRENCY_CODES: tuple[str, ...] = tuple(CURRENCIES.values())

#: Unit of a per-cell ratio given as a bare number (MOI 10, or 0.17 CAR⁺ cells per cell):
#: "product units per cell", in whatever unit the product is counted in.
PER_CELL = "1/cell"

_NUMBER_THEN_UNIT = re.compile(
    r"^(?P<number>[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|nan|inf(?:inity)?))"
    r"\s*(?P<unit>.*)$",
    re.IGNORECASE,
)
#: The largest magnitude any quantity may have in its base unit, whatever its own range: a
#: product of a dozen such numbers stays finite, so no result overflows to infinity.
MAGNITUDE_CEILING = 1e24
#: Relative slack on the plausible ranges, for values that reach a bound only through unit
#: conversion (1 min is 0.000694444... d, not exactly 1/1440).
_ROUNDING = 1e-9
_SEPARATED_DIGITS = re.compile(r"^[+-]?\d+[ ,'’]\d")
_DATE_LIKE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$")


class Parameter(BaseModel):
    """A validated number: its value in the base unit, how it was written, and its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: str
    given: str
    source: str | None = None
    counts: str | None = Field(
        default=None, description="the product unit this amount counts (TU for TU/L), if any"
    )
    currency: str | None = Field(
        default=None, description="the currency of a money value (EUR for EUR/m²), if any"
    )
    uncertainty: Distribution | None = Field(
        default=None, description="what a Monte Carlo draws the value from (base units)"
    )


def default(value: float, unit: str, reason: str) -> Parameter:
    """A default value with its stated reason as the source."""
    text = f"{value:g} {unit}".strip()
    return Parameter(value=value, unit=unit, given=text, source=f"default: {reason}")


def check_source(source: object) -> str:
    """A source is a citation or ``assumption: <reason>``; blank or reasonless ones are refused."""
    if not isinstance(source, str):
        raise PydanticCustomError(
            "source", "source must be text, got {got}", {"got": describe_value(source)}
        )
    text = source.strip()
    if not text:
        raise PydanticCustomError(
            "source", "source is empty: give a citation or 'assumption: <reason>'"
        )
    head, _, reason = text.partition(":")
    if head.strip().lower() in {"assumption", "default"} and len(reason.strip()) < 3:
        raise PydanticCustomError(
            "source",
            "'{text}' needs a reason: write '{head}: <why this value>'",
            {"text": text, "head": head.strip().lower()},
        )
    return text


@dataclass(frozen=True)
class QuantitySpec:
    """What one kind of numeric field accepts: its units, bounds and how to describe it.

    ``units`` are the base units it may be given in (one per dimension); ``bare_unit`` is the
    unit of a bare number (``None``: a unit is required); ``low``/``high`` are hard bounds;
    ``plausible`` is the range outside which a value is surely a typing or unit mistake.
    """

    what: str
    example: str
    units: tuple[str, ...]
    bare_unit: str | None = None
    low: float | None = None
    low_inclusive: bool = False
    high: float | None = None
    plausible: tuple[float, float] | None = None
    integer: bool = False
    percent_hint: bool = False
    counts_product: bool = False
    any_dimension: bool = False
    needs_currency: bool = False

    @cached_property
    def _dimensions(self) -> tuple[tuple[object, str], ...]:
        ureg = registry()
        return tuple((ureg.parse_units(unit).dimensionality, unit) for unit in self.units)

    def parse(self, raw: object) -> Parameter:
        """Turn what the file says into a checked :class:`Parameter` in the base unit."""
        if isinstance(raw, Parameter):
            return raw
        source: str | None = None
        uncertain: tuple[object, str | None] | None = None
        if isinstance(raw, dict):
            raw, source, uncertain = self._unpack(raw)
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise PydanticCustomError(
                "quantity_type",
                "expected {what} such as '{example}', got {got}",
                {"what": self.what, "example": self.example, "got": describe_value(raw)},
            )
        value, unit, given = self._convert(raw)
        self._check_bounds(value, unit, given)
        counts = unit.split("/", 1)[0] if self.counts_product and unit != PER_CELL else None
        currency = _currency_of(unit)
        if self.needs_currency and currency is None:
            raise PydanticCustomError(
                "quantity_dimension",
                "'{given}' is not a price: expected {what} such as '{example}'",
                {"given": shorten(given), "what": self.what, "example": self.example},
            )
        distribution = None
        if uncertain is not None:
            distribution = self._read_uncertainty(*uncertain, value=value, unit=unit)
        return Parameter(
            value=value,
            unit=unit,
            given=given,
            source=source,
            counts=counts,
            currency=currency,
            uncertainty=distribution,
        )

    def check(self, value: float, unit: str) -> None:
        """Raise if ``value`` (in ``unit``, the base unit) breaks this field's bounds: for values
        set after validation, such as sweep points or samples."""
        self._check_bounds(value, unit)

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema for editors: a string with units, a number where allowed, or an object."""
        text = {
            "type": "string",
            "description": f"{self.what} with its unit, e.g. '{self.example}'",
        }
        obj = {
            "type": "object",
            "properties": {
                "value": {"type": "number"},
                "unit": {"type": "string"},
                "source": {"type": "string", "description": "citation, or 'assumption: <reason>'"},
                # replaced by a reference to one shared definition in io.schema
                "uncertainty": {UNCERTAINTY_SCHEMA: True},
            },
            "required": ["value"],
            "additionalProperties": False,
        }
        options: list[dict[str, Any]] = [text, obj]
        if self.bare_unit is not None:
            number: dict[str, Any] = {"type": "integer" if self.integer else "number"}
            options.insert(1, number)
        return {"anyOf": options, "description": f"{self.what}, e.g. {self.example}"}

    def _unpack(
        self, raw: dict[Any, Any]
    ) -> tuple[object, str | None, tuple[object, str | None] | None]:
        """The value as written, its source, and its uncertainty with the unit its bare
        numbers are in (if it has one)."""
        allowed = {"value", "unit", "source", "uncertainty"}
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            raise PydanticCustomError(
                "quantity_keys",
                "unknown key '{key}' in a quantity (allowed: value, unit, source, uncertainty)",
                {"key": unknown[0]},
            )
        if "value" not in raw:
            raise PydanticCustomError("quantity_keys", "a quantity needs a 'value'")
        value, unit = raw["value"], raw.get("unit")
        source = check_source(raw["source"]) if "source" in raw else None
        uncertain = None
        if "uncertainty" in raw:
            uncertain = (raw["uncertainty"], unit if isinstance(unit, str) else None)
        if unit is None:
            return value, source, uncertain
        if not isinstance(unit, str):
            raise PydanticCustomError(
                "quantity_type", "unit must be text, got {got}", {"got": describe_value(unit)}
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError(
                "quantity_type",
                "value must be a number when a unit is given, got {got}",
                {"got": describe_value(value)},
            )
        return f"{value!r} {unit}", source, uncertain

    def _read_uncertainty(
        self, raw: object, unit_text: str | None, *, value: float, unit: str
    ) -> Any:
        """The distribution of a quantity's ``uncertainty`` mapping, in base units. Bare
        numbers are in the mapping's ``unit`` (or the field's bare unit); text carries its own
        unit, which must measure what the value measures."""

        def problem(subpath: str, rule: str) -> PydanticCustomError:
            return PydanticCustomError(
                "uncertainty", "{subpath}: {rule}", {"subpath": subpath, "rule": rule}
            )

        if not isinstance(raw, dict):
            raise problem(
                "uncertainty",
                f"expected a mapping with a 'kind' (normal, pert ...), got {describe_value(raw)}",
            )
        source = None
        if "source" in raw:
            try:
                source = check_source(raw["source"])
            except PydanticCustomError as error:
                raise problem("uncertainty.source", error.message()) from None

        def read_amount(where: str, item: object) -> float:
            if isinstance(item, bool) or not isinstance(item, int | float | str):
                raise DistributionError(
                    where,
                    f"expected {self.what} such as '{self.example}', got {describe_value(item)}",
                )
            written: int | float | str = item
            if not isinstance(item, str) and unit_text is not None:
                written = f"{item!r} {unit_text}"
            try:
                amount, amount_unit, _ = self._convert(written)
            except PydanticCustomError as error:
                raise DistributionError(where, error.message()) from None
            if amount_unit != unit:
                raise DistributionError(
                    where,
                    f"'{written}' is in {amount_unit or 'no unit'} but the value is in"
                    f" {unit or 'no unit'}: give it in the value's unit",
                )
            return amount

        fields = {key: item for key, item in raw.items() if key != "source"}
        try:
            distribution = read_distribution(fields, value, read_amount, source)
            range_problems(distribution, value, self.bounds(unit))
        except DistributionError as error:
            raise problem(error.subpath, error.message) from None
        return distribution

    def bounds(self, unit: str) -> Bounds:
        """This field's bounds, for checking the range of a distribution given in ``unit``."""

        def show(number: float) -> str:
            return f"{number:g} {unit}".strip() if unit not in {"", PER_CELL} else f"{number:g}"

        return Bounds(
            what=self.what,
            low=self.low,
            low_inclusive=self.low_inclusive,
            high=self.high,
            plausible=self.plausible,
            integer=self.integer,
            show=show,
        )

    def _convert(self, raw: int | float | str) -> tuple[float, str, str]:
        if not isinstance(raw, str):
            value = _finite(float(raw), str(raw))
            if self.bare_unit is None:
                raise PydanticCustomError(
                    "quantity_unit",
                    "{given} needs a unit: expected {what} such as '{example}'",
                    {"given": shorten(repr(raw)), "what": self.what, "example": self.example},
                )
            return value, self.bare_unit, str(raw)
        given = raw.strip()
        value, unit = _convert_text(self, given)
        return value, unit, given

    def _check_bounds(self, value: float, unit: str, given: str = "") -> None:
        shown = f"{value:g} {unit}".strip() if unit not in {"", PER_CELL} else f"{value:g}"
        if given and not given.startswith(f"{value:g}"):  # converted: say what was written
            shown = f"'{shorten(given)}' ({shown})"
        if self.low is not None and value < self.low:
            raise PydanticCustomError(
                "quantity_bound", "{shown} is below {low}", {"shown": shown, "low": f"{self.low:g}"}
            )
        if self.low is not None and value == self.low and not self.low_inclusive:
            raise PydanticCustomError(
                "quantity_bound",
                "{shown} is not allowed: {what} must be above {low}",
                {"shown": shown, "what": self.what, "low": f"{self.low:g}"},
            )
        if self.high is not None and value > self.high:
            hint = ""
            if self.percent_hint and 2 <= value <= 100:
                hint = f" (for a percentage write '{value:g} %', i.e. {value / 100:g})"
            raise PydanticCustomError(
                "quantity_bound",
                "{shown} is above {high}{hint}",
                {"shown": shown, "high": f"{self.high:g}", "hint": hint},
            )
        if self.plausible is not None and value != 0:
            low, high = self.plausible
            if not low * (1 - _ROUNDING) <= value <= high * (1 + _ROUNDING):
                raise PydanticCustomError(
                    "quantity_plausible",
                    "{shown} is outside the plausible range of {what}, {low} to {high} {unit}:"
                    " check the number and its unit",
                    {
                        "shown": shown,
                        "what": self.what,
                        "low": f"{low:g}",
                        "high": f"{high:g}",
                        "unit": unit if unit not in {"", PER_CELL} else "",
                    },
                )
        if abs(value) > MAGNITUDE_CEILING:
            raise PydanticCustomError(
                "quantity_bound",
                "{shown} is too large for {what} (above {ceiling} {unit}): check the number and"
                " its unit",
                {
                    "shown": shown,
                    "what": self.what,
                    "ceiling": f"{MAGNITUDE_CEILING:g}",
                    "unit": unit if unit not in {"", PER_CELL} else "",
                },
            )
        if self.integer and value != round(value):
            raise PydanticCustomError(
                "quantity_integer",
                "{shown} is not a whole number: {what} counts whole items",
                {"shown": shown, "what": self.what},
            )


def _convert_text(spec: QuantitySpec, given: str) -> tuple[float, str]:
    """Value in the base unit and the unit, for text such as '200 mL'; a number with no unit
    is read as the field reads a bare number (so ``--set PATH=45`` means what ``45`` means in
    the file)."""
    shown = shorten(given)
    if _SEPARATED_DIGITS.match(given):
        raise PydanticCustomError(
            "quantity_syntax",
            "cannot read '{given}': write numbers with '.' for decimals and no thousands"
            " separators (e.g. 1.5e7, 9600)",
            {"given": shown},
        )
    if _DATE_LIKE.match(given):
        raise PydanticCustomError(
            "quantity_syntax",
            "'{given}' looks like a date: write a date as YYYY-MM-DD where a date is allowed,"
            " or {what} such as '{example}'",
            {"given": shown, "what": spec.what, "example": spec.example},
        )
    match = _NUMBER_THEN_UNIT.match(given)
    if match is None:
        raise PydanticCustomError(
            "quantity_syntax",
            "cannot read '{given}' as {what} such as '{example}': write a number, then its unit",
            {"given": shown, "what": spec.what, "example": spec.example},
        )
    number = _finite(float(match["number"]), shown)
    unit_text = match["unit"].strip()
    if not unit_text and spec.bare_unit is not None:
        return number, spec.bare_unit
    try:
        factor, unit = _conversion(spec, unit_text)
    except _UnitError as problem:
        raise PydanticCustomError(
            problem.kind, problem.template, {**problem.context, "given": shown}
        ) from None
    return _finite(number * factor, shown), unit


def shorten(text: str, limit: int = 60) -> str:
    """Text as quoted in a message: a 5,000-digit number is not echoed whole."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class _UnitError(Exception):
    """A unit text this field cannot take; the message is completed with the whole text."""

    def __init__(self, kind: str, template: str, context: dict[str, str]) -> None:
        super().__init__(kind)
        self.kind, self.template, self.context = kind, template, context


@lru_cache(maxsize=1024)
def _conversion(spec: QuantitySpec, unit_text: str) -> tuple[float, str]:
    """Factor from ``unit_text`` to the field's unit, and that unit (cached: pint is slow, and
    a file repeats the same few units)."""
    ureg = registry()  # first: it imports pint without its optional dask support
    import pint

    try:
        units = ureg.parse_units(unit_text)
    except pint.UndefinedUnitError as error:
        names = getattr(error, "unit_names", None) or error.args
        shown = ", ".join(str(n) for n in names) if isinstance(names, tuple | list) else str(names)
        raise _UnitError(
            "quantity_unit",
            "unknown unit '{unit}' in '{given}'{suggestion}",
            {"unit": shown, "suggestion": _unit_suggestion(ureg, shown)},
        ) from None
    except Exception:
        raise _UnitError(
            "quantity_syntax",
            "cannot read the unit '{unit}' in '{given}': write one unit such as '{example}'"
            " (no arithmetic)",
            {"unit": unit_text, "example": spec.example},
        ) from None
    _refuse_prefixed_time(ureg, units)
    one = ureg.Quantity(1.0, units)
    if spec.any_dimension:
        root = one.to_root_units()
        unit = f"{root.units:~}".replace(" ", "")
        return float(root.magnitude), "" if unit == "dimensionless" else unit
    for dimensions, unit in spec._dimensions:
        if one.dimensionality == dimensions:
            return float(one.to(unit).magnitude), unit
    bare = spec.bare_unit
    if one.dimensionless and bare is not None and (not unit_text or bare in {"", PER_CELL}):
        return float(one.to("").magnitude), bare
    raise _UnitError(
        "quantity_dimension",
        "'{given}' is {got}; expected {what} such as '{example}'",
        {"got": describe_dimension(one), "what": spec.what, "example": spec.example},
    )


def _unit_suggestion(ureg: Any, unknown: str) -> str:
    """`` (did you mean 'gc'?)`` for a unit written in the wrong case or slightly misspelt."""
    from genofab.errors import did_you_mean

    names = sorted({*ureg._units, *(unit.symbol for unit in ureg._units.values() if unit.symbol)})
    folded = [name for name in names if name.lower() == unknown.lower()]
    if folded:
        return f" (did you mean '{folded[0]}'?)"
    return did_you_mean(unknown, names)


def _refuse_prefixed_time(ureg: Any, units: Any) -> None:
    """SI prefixes read on a time unit are typing mistakes, not units: ``5 dd`` would be
    deci-days, ``5 da`` deci-years, ``5 kmin`` kilo-minutes."""
    for name in units._units:  # canonical names, e.g. 'deciday'
        for prefix, base, _ in ureg.parse_unit_name(name):
            if prefix and ureg.Quantity(1, base).dimensionality == {"[time]": 1}:
                raise _UnitError(
                    "quantity_unit",
                    "the unit '{unit}' in '{given}' reads as {prefix}-{base}: time units take no"
                    " prefix; write the time in {time_units}",
                    {"unit": name, "prefix": prefix, "base": base, "time_units": TIME_UNITS},
                )


def _finite(value: float, given: str) -> float:
    if not math.isfinite(value):
        raise PydanticCustomError(
            "quantity_finite", "'{given}' is not a finite number", {"given": given}
        )
    return value


_DIMENSION_NAMES = {
    "[length] ** 3": "a volume",
    "[time]": "a duration",
    "[mass]": "a mass",
    "[length]": "a length",
    "[length] ** 2": "an area",
    "dimensionless": "a plain number",
}


def describe_dimension(quantity: Any) -> str:
    """Name a quantity's dimension for humans ('a volume', 'an amount per volume' ...)."""
    dims = str(quantity.dimensionality)
    if dims in _DIMENSION_NAMES:
        return _DIMENSION_NAMES[dims]
    return f"of dimension {dims}"


def describe_value(raw: object) -> str:
    """Name a raw value for an error message: 'the boolean true', 'a list', "str 'x'"."""
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    if raw is None:
        return "nothing (null)"
    return f"{type(raw).__name__} {shorten(repr(raw))}"


def quantity(spec: QuantitySpec) -> Any:
    """The pydantic field type for one :class:`QuantitySpec`."""
    return Annotated[Parameter, BeforeValidator(spec.parse), WithJsonSchema(spec.json_schema())]


def _currency_of(unit: str) -> str | None:
    """The currency code in a unit string such as ``EUR/m**2`` (as a whole word), if any."""
    found = [code for code in CURRENCY_CODES if re.search(rf"\b{code}\b", unit)]
    return found[0] if found else None
