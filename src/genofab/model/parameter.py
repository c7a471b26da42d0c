"""Numeric scenario parameters: parsed with units, checked, stored in base units with a source.

Every numeric field of a scenario accepts ``"200 L"``, a bare number where the field is a
plain number or a count, or ``{value: 200, unit: L, source: "S12"}``. Parsing happens once,
here; what is stored is a :class:`Parameter` whose ``value`` is a float in the field's base
unit (L, d, kg, TU/L ...), so engines compute on plain floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from genofab.units import CURRENCIES, PRODUCT_UNITS, registry

#: Symbols of the units a product can be counted in (TU, vg, vp, cell).
PRODUCT_SYMBOLS: tuple[str, ...] = tuple(PRODUCT_UNITS.values())
#: Codes of the currencies money can be given in.
CURRENCY_CODES: tuple[str, ...] = tuple(CURRENCIES.values())

#: Unit of a per-cell ratio given as a bare number (MOI 10, or 0.17 CAR⁺ cells per cell):
#: "product units per cell", in whatever unit the product is counted in.
PER_CELL = "1/cell"


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
    """What one kind of numeric field accepts: its units, bounds and how to describe it."""

    what: str
    example: str
    units: tuple[str, ...]
    bare_unit: str | None = None
    low: float | None = None
    low_inclusive: bool = False
    high: float | None = None
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
        if isinstance(raw, dict):
            raw, source = self._unpack(raw)
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise PydanticCustomError(
                "quantity_type",
                "expected {what} such as '{example}', got {got}",
                {"what": self.what, "example": self.example, "got": describe_value(raw)},
            )
        value, unit, given = self._convert(raw)
        self._check_bounds(value, unit, given)
        head = unit.split("/", 1)[0]
        counts = head if self.counts_product and unit != PER_CELL else None
        currency = _currency_of(unit)
        if self.needs_currency and currency is None:
            raise PydanticCustomError(
                "quantity_dimension",
                "'{given}' is not a price: expected {what} such as '{example}'",
                {"given": given, "what": self.what, "example": self.example},
            )
        return Parameter(
            value=value, unit=unit, given=given, source=source, counts=counts, currency=currency
        )

    def _unpack(self, raw: dict[Any, Any]) -> tuple[object, str | None]:
        unknown = sorted(str(key) for key in raw if key not in {"value", "unit", "source"})
        if unknown:
            raise PydanticCustomError(
                "quantity_keys",
                "unknown key '{key}' in a quantity (allowed: value, unit, source)",
                {"key": unknown[0]},
            )
        if "value" not in raw:
            raise PydanticCustomError("quantity_keys", "a quantity needs a 'value'")
        value, unit = raw["value"], raw.get("unit")
        source = check_source(raw["source"]) if "source" in raw else None
        if unit is None:
            return value, source
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
        return f"{value!r} {unit}", source

    def _convert(self, raw: int | float | str) -> tuple[float, str, str]:
        if not isinstance(raw, str):
            self._finite(float(raw), str(raw))
            if self.bare_unit is None:
                raise PydanticCustomError(
                    "quantity_unit",
                    "{given} needs a unit: expected {what} such as '{example}'",
                    {"given": repr(raw), "what": self.what, "example": self.example},
                )
            return self._finite(float(raw), str(raw)), self.bare_unit, str(raw)
        given = raw.strip()
        value, unit = _convert_text(self, given)
        return value, unit, given

    def _convert_text_uncached(self, given: str) -> tuple[float, str]:
        quantity = _parse_text(given, self)
        if self.any_dimension:
            root = quantity.to_root_units()
            unit = f"{root.units:~}".replace(" ", "")
            return self._finite(
                float(root.magnitude), given
            ), "" if unit == "dimensionless" else unit
        if quantity.dimensionless and self.bare_unit is not None:
            return self._finite(float(quantity.to("").magnitude), given), self.bare_unit
        for dimensions, unit in self._dimensions:
            if quantity.dimensionality == dimensions:
                return self._finite(float(quantity.to(unit).magnitude), given), unit
        raise PydanticCustomError(
            "quantity_dimension",
            "'{given}' is {got}; expected {what} such as '{example}'",
            {
                "given": given,
                "got": describe_dimension(quantity),
                "what": self.what,
                "example": self.example,
            },
        )

    @staticmethod
    def _finite(value: float, given: str) -> float:
        if not math.isfinite(value):
            raise PydanticCustomError(
                "quantity_finite", "'{given}' is not a finite number", {"given": given}
            )
        return value

    def check(self, value: float, unit: str) -> None:
        """Raise if ``value`` (in ``unit``, the base unit) breaks this field's bounds: for values
        set after validation, such as sweep points or samples."""
        self._check_bounds(value, unit, f"{value:g}")

    def _check_bounds(self, value: float, unit: str, given: str) -> None:
        shown = f"{value:g} {unit}".strip() if unit not in {"", PER_CELL} else f"{value:g}"
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
        if self.integer and value != round(value):
            raise PydanticCustomError(
                "quantity_integer",
                "{shown} is not a whole number: {what} counts whole items",
                {"shown": shown, "what": self.what},
            )

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
            },
            "required": ["value"],
            "additionalProperties": False,
        }
        options: list[dict[str, Any]] = [text, obj]
        if self.bare_unit is not None:
            number: dict[str, Any] = {"type": "integer" if self.integer else "number"}
            options.insert(1, number)
        return {"anyOf": options, "description": f"{self.what}, e.g. {self.example}"}


@lru_cache(maxsize=4096)
def _convert_text(spec: QuantitySpec, given: str) -> tuple[float, str]:
    """Value in the base unit and the unit, for text such as '200 mL' (cached: pint is slow)."""
    return spec._convert_text_uncached(given)


def _parse_text(given: str, spec: QuantitySpec) -> Any:
    import pint

    ureg = registry()
    try:
        quantity: Any = ureg.Quantity(given)
    except pint.UndefinedUnitError as error:
        raise PydanticCustomError(
            "quantity_unit",
            "unknown unit '{unit}' in '{given}'",
            {"unit": _unit_names(error), "given": given},
        ) from None
    except Exception:
        raise PydanticCustomError(
            "quantity_syntax",
            "cannot read '{given}' as {what} such as '{example}'",
            {"given": given, "what": spec.what, "example": spec.example},
        ) from None
    if not isinstance(quantity, ureg.Quantity):  # a bare number parses to int or float
        return ureg.Quantity(quantity)
    return quantity


def _unit_names(error: Exception) -> str:
    names = getattr(error, "unit_names", None) or error.args
    return ", ".join(str(name) for name in names) if isinstance(names, tuple | list) else str(names)


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
    """Name a raw value for an error message: 'the boolean true', 'a list', \"str 'x'\"."""
    if isinstance(raw, bool):
        return f"the boolean {str(raw).lower()}"
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    if raw is None:
        return "nothing (null)"
    return f"{type(raw).__name__} {raw!r}"


def quantity(spec: QuantitySpec) -> Any:
    """The pydantic field type for one :class:`QuantitySpec`."""
    return Annotated[Parameter, BeforeValidator(spec.parse), WithJsonSchema(spec.json_schema())]


def _product_units(template: str) -> tuple[str, ...]:
    return tuple(template.format(P=symbol) for symbol in PRODUCT_SYMBOLS)


def _money_units(template: str) -> tuple[str, ...]:
    return tuple(template.format(C=code) for code in CURRENCY_CODES)


def _currency_of(unit: str) -> str | None:
    """The currency code in a unit string such as ``EUR/m**2`` (as a whole word), if any."""
    import re

    found = [code for code in CURRENCY_CODES if re.search(rf"\b{code}\b", unit)]
    return found[0] if found else None


VOLUME = QuantitySpec("a volume", "200 L", ("L",), low=0)
VOLUME_OR_ZERO = QuantitySpec("a volume", "0.1 mL", ("L",), low=0, low_inclusive=True)
DURATION = QuantitySpec("a duration", "14 d", ("d",), low=0)
DURATION_OR_ZERO = QuantitySpec("a duration", "12 h", ("d",), low=0, low_inclusive=True)
MASS = QuantitySpec("a body weight", "60 kg", ("kg",), low=0)
FRACTION = QuantitySpec("a fraction", "85 %", (), bare_unit="", low=0, high=1, percent_hint=True)
POSITIVE_NUMBER = QuantitySpec("a positive number", "10", (), bare_unit="", low=0)
WEEKS_PER_YEAR = QuantitySpec(
    "operating weeks per year",
    "50",
    ("wk",),
    bare_unit="wk",
    low=0,
    high=52.18,
)
ROOM_COUNT = QuantitySpec(
    "a number of rooms", "2", (), bare_unit="", low=1, low_inclusive=True, integer=True
)
CONCURRENT_LOTS = QuantitySpec(
    "a number of lots at once",
    "1",
    ("lot",),
    bare_unit="lot",
    low=1,
    low_inclusive=True,
    integer=True,
)
VIAL_COUNT = QuantitySpec(
    "a number of vials",
    "10 vials",
    ("vial",),
    bare_unit="vial",
    low=0,
    low_inclusive=True,
    integer=True,
)
PATIENT_COUNT = QuantitySpec(
    "a number of patients",
    "100 patients",
    ("patient",),
    bare_unit="patient",
    low=1,
    low_inclusive=True,
    integer=True,
)
PATIENT_RATE = QuantitySpec(
    "patients per year", "100 patient/yr", ("patient/yr",), bare_unit="patient/yr", low=0
)
DOSES_PER_PATIENT = QuantitySpec(
    "doses per patient",
    "1 dose/patient",
    ("dose/patient",),
    bare_unit="dose/patient",
    low=1,
    low_inclusive=True,
    integer=True,
)
PRODUCT_AMOUNT = QuantitySpec(
    "an amount of product", "2e9 TU", _product_units("{P}"), low=0, counts_product=True
)
PRODUCT_CONCENTRATION = QuantitySpec(
    "an amount per volume", "1.5e7 TU/mL", _product_units("{P}/L"), low=0, counts_product=True
)
PRODUCT_PER_MASS = QuantitySpec(
    "an amount per kg of body weight",
    "1.1e14 vg/kg",
    _product_units("{P}/kg"),
    low=0,
    counts_product=True,
)
PER_CELL_RATIO = QuantitySpec(
    "an amount per cell",
    "10 TU/cell",
    _product_units("{P}/cell"),
    bare_unit=PER_CELL,
    low=0,
    counts_product=True,
)
CELL_COUNT = QuantitySpec("a number of cells", "1.8e8 cells", ("cell",), low=0)
CELLS_PER_MASS = QuantitySpec("cells per kg of body weight", "3e6 cells/kg", ("cell/kg",), low=0)
CELL_DENSITY = QuantitySpec("a cell density", "4e6 cells/mL", ("cell/L",), low=0)

Volume = quantity(VOLUME)
VolumeOrZero = quantity(VOLUME_OR_ZERO)
Duration = quantity(DURATION)
DurationOrZero = quantity(DURATION_OR_ZERO)
Mass = quantity(MASS)
Fraction = quantity(FRACTION)
PositiveNumber = quantity(POSITIVE_NUMBER)
WeeksPerYear = quantity(WEEKS_PER_YEAR)
RoomCount = quantity(ROOM_COUNT)
ConcurrentLots = quantity(CONCURRENT_LOTS)
VialCount = quantity(VIAL_COUNT)
PatientCount = quantity(PATIENT_COUNT)
PatientRate = quantity(PATIENT_RATE)
DosesPerPatient = quantity(DOSES_PER_PATIENT)
ProductAmount = quantity(PRODUCT_AMOUNT)
ProductConcentration = quantity(PRODUCT_CONCENTRATION)
ProductPerMass = quantity(PRODUCT_PER_MASS)
PerCellRatio = quantity(PER_CELL_RATIO)
CellCount = quantity(CELL_COUNT)
CellsPerMass = quantity(CELLS_PER_MASS)
CellDensity = quantity(CELL_DENSITY)

MONEY = QuantitySpec(
    "an amount of money", "800 kEUR", _money_units("{C}"), low=0, low_inclusive=True
)
POSITIVE_MONEY = QuantitySpec("an amount of money", "150 MEUR", _money_units("{C}"), low=0)
MONEY_PER_AREA = QuantitySpec(
    "a cost per area", "6000 EUR/m²", _money_units("{C}/m**2"), low=0, low_inclusive=True
)
MONEY_PER_AREA_YEAR = QuantitySpec(
    "a cost per area and year",
    "150 EUR/m²/yr",
    _money_units("{C}/m**2/yr"),
    low=0,
    low_inclusive=True,
)
MONEY_PER_YEAR = QuantitySpec(
    "a cost per year", "67500 EUR/yr", _money_units("{C}/yr"), low=0, low_inclusive=True
)
MONEY_PER_HOUR = QuantitySpec("a cost per hour", "42.2 EUR/h", _money_units("{C}/h"), low=0)
AREA = QuantitySpec("an area", "250 m²", ("m**2",), low=0)
HOURS = QuantitySpec("a number of hours", "1600 h", ("h",), low=0)
YEARS = QuantitySpec("a number of years", "15 yr", ("yr",), bare_unit="yr", low=0)
FTE = QuantitySpec("full-time equivalents", "12", (), bare_unit="", low=0, low_inclusive=True)
RATE = QuantitySpec(
    "a rate", "3 %", (), bare_unit="", low=0, low_inclusive=True, high=1, percent_hint=True
)
PROBABILITY = QuantitySpec(
    "a probability",
    "5 %",
    (),
    bare_unit="",
    low=0,
    low_inclusive=True,
    high=0.99,
    percent_hint=True,
)
COUNT = QuantitySpec("a count", "2", (), bare_unit="", low=1, low_inclusive=True, integer=True)
AMOUNT = QuantitySpec("an amount", "1 mg", (), bare_unit="", low=0, any_dimension=True)
UNIT_PRICE = QuantitySpec(
    "a price", "250 EUR/mg", (), low=0, low_inclusive=True, any_dimension=True, needs_currency=True
)

Money = quantity(MONEY)
PositiveMoney = quantity(POSITIVE_MONEY)
MoneyPerArea = quantity(MONEY_PER_AREA)
MoneyPerAreaYear = quantity(MONEY_PER_AREA_YEAR)
MoneyPerYear = quantity(MONEY_PER_YEAR)
MoneyPerHour = quantity(MONEY_PER_HOUR)
Area = quantity(AREA)
Hours = quantity(HOURS)
Years = quantity(YEARS)
Fte = quantity(FTE)
Rate = quantity(RATE)
Probability = quantity(PROBABILITY)
Count = quantity(COUNT)
Amount = quantity(AMOUNT)
UnitPrice = quantity(UNIT_PRICE)
