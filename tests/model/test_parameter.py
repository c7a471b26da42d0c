"""Numeric parameters: units, bounds, sources, and the messages users see."""

from __future__ import annotations

import math

import pytest
from pydantic_core import PydanticCustomError

from genofab.model.parameter import (
    Parameter,
    QuantitySpec,
    check_source,
)
from genofab.model.quantities import (
    DURATION,
    FRACTION,
    PATIENT_COUNT,
    PATIENT_RATE,
    PER_CELL_RATIO,
    PRODUCT_CONCENTRATION,
    VOLUME,
    VOLUME_OR_ZERO,
    WEEKS_PER_YEAR,
)


@pytest.mark.parametrize(
    ("spec", "raw", "value", "unit"),
    [
        (VOLUME, "200 L", 200.0, "L"),
        (VOLUME, "200 mL", 0.2, "L"),
        (VOLUME, "250 µL", 250e-6, "L"),
        (VOLUME, {"value": 2, "unit": "mL"}, 0.002, "L"),
        (VOLUME, {"value": "4 L", "source": "dossier"}, 4.0, "L"),
        (DURATION, "12 h", 0.5, "d"),
        (DURATION, "2 wk", 14.0, "d"),
        (FRACTION, 0.85, 0.85, ""),
        (FRACTION, "85 %", 0.85, ""),
        (FRACTION, "1", 1.0, ""),
        (PRODUCT_CONCENTRATION, "1.5e7 TU/mL", 1.5e10, "TU/L"),
        (PRODUCT_CONCENTRATION, "2e13 vg/mL", 2e16, "vg/L"),
        (PRODUCT_CONCENTRATION, "3e6 cells/mL", 3e9, "cell/L"),
        (PER_CELL_RATIO, 10, 10.0, "1/cell"),
        (PER_CELL_RATIO, "0.174 cell/cell", 0.174, "cell/cell"),
        (PER_CELL_RATIO, "3000 vg/cell", 3000.0, "vg/cell"),
        (WEEKS_PER_YEAR, 50, 50.0, "wk"),
        (WEEKS_PER_YEAR, "350 d", 50.0, "wk"),
        (WEEKS_PER_YEAR, "50 wk/yr", 50.0, "wk/yr"),
        (WEEKS_PER_YEAR, "50 %", 365.25 / 7 / 2, "wk/yr"),
        (FRACTION, "+0.5", 0.5, ""),
        (FRACTION, ".5", 0.5, ""),
        (VOLUME, "2.5e+2 mL", 0.25, "L"),
        (VOLUME, "200L", 200.0, "L"),
        (PATIENT_COUNT, "100 patients", 100.0, "patient"),
        (PATIENT_COUNT, 100, 100.0, "patient"),
    ],
)
def test_values_are_stored_in_base_units(
    spec: QuantitySpec, raw: object, value: float, unit: str
) -> None:
    parsed = spec.parse(raw)
    assert math.isclose(parsed.value, value, rel_tol=1e-12)
    assert parsed.unit == unit


def test_the_written_form_and_the_source_are_kept() -> None:
    parsed = VOLUME.parse({"value": 200, "unit": "L", "source": "S12: stirred tank"})
    assert parsed.source == "S12: stirred tank"
    assert "200" in parsed.given and "L" in parsed.given
    assert VOLUME.parse("200 mL").given == "200 mL"


def test_product_quantities_record_what_they_count() -> None:
    assert PRODUCT_CONCENTRATION.parse("1e7 TU/mL").counts == "TU"
    assert PER_CELL_RATIO.parse("3000 vg/cell").counts == "vg"
    assert PER_CELL_RATIO.parse(10).counts is None
    assert VOLUME.parse("1 L").counts is None


@pytest.mark.parametrize(
    ("spec", "raw", "message"),
    [
        (FRACTION, 1.4, "1.4 is above 1"),
        (FRACTION, 1.02, "1.02 is above 1"),
        (FRACTION, 85, "85 is above 1 (for a percentage write '85 %'"),
        (FRACTION, -0.2, "-0.2 is below 0"),
        (FRACTION, 0, "must be above 0"),
        (FRACTION, "nan", "not a finite number"),
        (FRACTION, float("nan"), "not a finite number"),
        (VOLUME, "inf L", "not a finite number"),
        (VOLUME, "1e999 L", "not a finite number"),
        (VOLUME, "-5 L", "-5 L is below 0"),
        (VOLUME, "0 L", "must be above 0"),
        (VOLUME, "5 kg", "'5 kg' is a mass; expected a volume"),
        (VOLUME, "3 d", "is a duration; expected a volume"),
        (VOLUME, 200, "needs a unit"),
        (VOLUME, "200", "is a plain number; expected a volume"),
        (VOLUME, "2 +* L", "cannot read"),
        (VOLUME, "200 litres of", "unknown unit 'of'"),
        (VOLUME, "200 xyz", "unknown unit 'xyz'"),
        (VOLUME, True, "got the boolean true"),
        (VOLUME, None, "got nothing (null)"),
        (VOLUME, [1, 2], "got a list"),
        (VOLUME, {"unit": "L"}, "needs a 'value'"),
        (VOLUME, {"value": 1, "unit": "L", "sauce": "x"}, "unknown key 'sauce'"),
        (VOLUME, {"value": True, "unit": "L"}, "value must be a number"),
        (VOLUME, {"value": 1, "unit": 5}, "unit must be text"),
        (PATIENT_COUNT, 2.5, "not a whole number"),
        (PATIENT_COUNT, 0, "is below 1"),
        (WEEKS_PER_YEAR, 60, "above 52.18"),
        (PRODUCT_CONCENTRATION, "1e7 TU", "expected an amount per volume"),
        (DURATION, "-1 d", "is below 0"),
        (PRODUCT_CONCENTRATION, "1,5e7 TU/mL", "no thousands separators"),
        (PATIENT_RATE, "9 600 patient/yr", "no thousands separators"),
        (VOLUME, "1 500 L", "no thousands separators"),
        (VOLUME, "1.000,0 L", "cannot read the unit ',0 L'"),
        (DURATION, "12:30 h", "cannot read the unit ':30 h'"),
        (VOLUME, "200:5 L", "cannot read the unit"),
        (VOLUME, "200 L - 199.99 L", "cannot read the unit"),
        (VOLUME, {"value": 200, "unit": "L*2"}, "no arithmetic"),
        (VOLUME, "L 200", "write a number, then its unit"),
        (VOLUME, "2 x 10^6 L", "cannot read the unit 'x 10^6 L'"),
        (PATIENT_RATE, "50 %", "is a plain number; expected patients per year"),
        (DURATION, "5e-324 d", "outside the plausible range of a duration"),
        (DURATION, "1 s", "outside the plausible range of a duration"),
        (VOLUME, "1e9 L", "outside the plausible range of a volume"),
        (PRODUCT_CONCENTRATION, "1e300 TU/mL", "outside the plausible range"),
    ],
)
def test_bad_values_say_what_is_wrong(spec: QuantitySpec, raw: object, message: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        spec.parse(raw)
    assert message in str(caught.value)


def test_zero_is_allowed_where_the_field_says_so() -> None:
    assert VOLUME_OR_ZERO.parse("0 mL").value == 0.0


@pytest.mark.parametrize(
    "source", ["S12", "dossier (seed 004): 200 L", "assumption: staggered seed"]
)
def test_sources_that_are_accepted(source: str) -> None:
    assert check_source(source) == source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "source is empty"),
        ("   ", "source is empty"),
        ("assumption", "needs a reason"),
        ("assumption:", "needs a reason"),
        (12, "source must be text"),
    ],
)
def test_sources_that_are_refused(source: object, message: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        check_source(source)
    assert message in str(caught.value)


def test_parameters_are_immutable_and_compare_by_value() -> None:
    first, second = VOLUME.parse("1 L"), VOLUME.parse("1 L")
    assert first == second
    with pytest.raises(Exception):  # noqa: B017, PT011 - pydantic raises ValidationError on frozen models
        first.value = 2.0  # type: ignore[misc]
    assert isinstance(first, Parameter)


def test_each_spec_offers_a_json_schema() -> None:
    schema = FRACTION.json_schema()
    kinds = [option["type"] for option in schema["anyOf"]]
    assert kinds == ["string", "number", "object"]
    assert VOLUME.json_schema()["anyOf"][1]["type"] == "object"
