"""A quantity's uncertainty: read in the quantity's unit, checked against its rules and the
field's bounds, each problem placed at its line and field; rank correlations checked."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from genofab.errors import ScenarioError
from genofab.io.scenario_file import load_scenario
from genofab.model import Scenario
from genofab.model.distributions import Beta, Empirical, LogNormal, Normal, Pert, Triangular
from genofab.model.quantities import (
    FRACTION,
    PRODUCT_CONCENTRATION,
    ROOM_COUNT,
    VIAL_COUNT,
    VOLUME,
)
from genofab.model.scenario import iter_parameters
from tests.helpers import dump_yaml, edit, tiny_data


def parse(spec: Any, raw: dict[str, Any]) -> Any:
    return spec.parse(raw).uncertainty


def refused(spec: Any, raw: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(PydanticCustomError) as caught:
        spec.parse(raw)
    context = caught.value.context or {}
    return context["subpath"], context["rule"]


def test_fields_are_read_in_the_quantitys_unit_and_stored_in_base_units() -> None:
    titer = parse(
        PRODUCT_CONCENTRATION,
        {
            "value": 1.5e7,
            "unit": "TU/mL",
            "uncertainty": {"kind": "normal", "mean": 1.5e7, "sd": "3e9 TU/L", "low": 1e6},
        },
    )
    assert isinstance(titer, Normal)
    assert titer.mean == pytest.approx(1.5e10)  # TU/mL → TU/L
    assert titer.sd == pytest.approx(3e9)  # given with its own unit
    assert titer.low == pytest.approx(1e9)
    assert titer.high is None


def test_percentages_and_bare_fractions() -> None:
    in_percent = parse(
        FRACTION,
        {
            "value": 90,
            "unit": "%",
            "uncertainty": {"kind": "pert", "low": 80, "mode": 90, "high": 95},
        },
    )
    bare = parse(
        FRACTION,
        {"value": 0.9, "uncertainty": {"kind": "pert", "low": 0.8, "mode": 0.9, "high": 0.95}},
    )
    assert isinstance(in_percent, Pert) and isinstance(bare, Pert)
    for name in ("low", "mode", "high"):
        assert getattr(in_percent, name) == pytest.approx(getattr(bare, name), rel=1e-12)


def test_lognormal_from_mean_and_sd_and_beta_from_mean_and_sd() -> None:
    lognormal = parse(
        VOLUME,
        {"value": 100, "unit": "L", "uncertainty": {"kind": "lognormal", "mean": 100, "sd": 20}},
    )
    assert isinstance(lognormal, LogNormal)
    sigma = math.log(lognormal.gsd)
    assert lognormal.median * math.exp(sigma**2 / 2) == pytest.approx(100)  # the mean
    assert 100 * math.sqrt(math.exp(sigma**2) - 1) == pytest.approx(20)  # the sd
    beta = parse(FRACTION, {"value": 0.5, "uncertainty": {"kind": "beta", "mean": 0.5, "sd": 0.1}})
    assert isinstance(beta, Beta)
    total = beta.alpha + beta.beta
    assert beta.alpha / total == pytest.approx(0.5)
    assert math.sqrt(beta.alpha * beta.beta / (total**2 * (total + 1))) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("spec", "raw", "where", "rule"),
    [
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "beta", "mean": 0.5, "sd": 0.6}},
            "uncertainty.sd",
            "too large for a beta distribution with mean 0.5",
        ),
        (
            FRACTION,
            {
                "value": 0.5,
                "uncertainty": {"kind": "triangular", "low": 0.6, "mode": 0.5, "high": 0.9},
            },
            "uncertainty.mode",
            "not between low 0.6 and high 0.9",
        ),
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "uniform", "low": 0.7, "high": 0.2}},
            "uncertainty.high",
            "not above low",
        ),
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "lognormal", "median": 0.5, "gsd": 1.2}},
            "uncertainty",
            "no upper end",
        ),
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "beta", "alpha": 2, "beta": 2, "high": 1.2}},
            "uncertainty.high",
            "must be at most 1",
        ),
        (
            VOLUME,
            {"value": 200, "unit": "L", "uncertainty": {"kind": "normal", "mean": 200, "sd": 20}},
            "uncertainty",
            "no lower end",
        ),
        (
            VOLUME,
            {"value": 200, "unit": "L", "uncertainty": {"kind": "uniform", "low": -5, "high": 300}},
            "uncertainty.low",
            "must be above 0 L",
        ),
        (
            VOLUME,
            {"value": 200, "unit": "L", "uncertainty": {"kind": "empirical", "values": [190, -3]}},
            "uncertainty.values[1]",
            "must be above 0 L",
        ),
        (
            VOLUME,
            {
                "value": 200,
                "unit": "L",
                "uncertainty": {"kind": "uniform", "low": 250, "high": 300},
            },
            "uncertainty",
            "the value 200 L is outside the distribution's range",
        ),
        (
            VOLUME,
            {
                "value": 200,
                "unit": "L",
                "uncertainty": {"kind": "uniform", "low": "1 kg", "high": 300},
            },
            "uncertainty.low",
            "is a mass",
        ),
        (
            VOLUME,
            {
                "value": 200,
                "unit": "L",
                "uncertainty": {"kind": "normal", "mean": 200, "sd": 0, "low": 0},
            },
            "uncertainty.sd",
            "not a positive standard deviation",
        ),
        (
            VOLUME,
            {
                "value": 200,
                "unit": "L",
                "uncertainty": {"kind": "lognormal", "median": 200, "gsd": 1e9},
            },
            "uncertainty",
            "outside the plausible range",
        ),
        (
            VIAL_COUNT,
            {"value": 10, "uncertainty": {"kind": "empirical", "values": [9, 10.5]}},
            "uncertainty.values[1]",
            "not a whole number",
        ),
        (
            FRACTION,
            {
                "value": 0.5,
                "uncertainty": {"kind": "triangualr", "low": 0.1, "mode": 0.5, "high": 0.9},
            },
            "uncertainty.kind",
            "did you mean 'triangular'",
        ),
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "pert", "low": 0.1, "mode": 0.5, "hihg": 0.9}},
            "uncertainty.hihg",
            "did you mean 'high'",
        ),
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "normal", "mean": 0.5}},
            "uncertainty",
            "needs mean and sd",
        ),
        (
            FRACTION,
            {"value": 0.5, "uncertainty": {"kind": "empirical", "values": [0.5]}},
            "uncertainty.values",
            "at least 2 observed values",
        ),
        (
            FRACTION,
            {
                "value": 0.5,
                "uncertainty": {"kind": "uniform", "low": 0.1, "high": 0.9, "source": ""},
            },
            "uncertainty.source",
            "source is empty",
        ),
        (
            ROOM_COUNT,
            {"value": 2, "uncertainty": {"kind": "uniform", "low": 0.5, "high": 3}},
            "uncertainty.low",
            "must be at least 1",
        ),
    ],
)
def test_bad_distributions_are_refused_naming_the_field_and_rule(
    spec: Any, raw: dict[str, Any], where: str, rule: str
) -> None:
    subpath, message = refused(spec, raw)
    assert subpath == where
    assert rule in message


def test_a_bad_distribution_in_a_file_is_placed_at_its_line_and_field(
    write: Any, tmp_path: Path
) -> None:
    data = edit(
        tiny_data(),
        "process.steps.2.step_yield",
        {"value": 0.5, "uncertainty": {"kind": "beta", "mean": 0.5, "sd": 0.7}},
    )
    path = write(dump_yaml(data))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [issue] = caught.value.issues
    assert issue.path == "process.steps[2].step_yield.uncertainty.sd"
    lines = path.read_text().splitlines()
    assert issue.line is not None and lines[issue.line - 1].strip().startswith("sd:")
    assert "too large for a beta distribution" in issue.message
    assert (
        f"{path}:{issue.line}:{issue.column}: process.steps[2].step_yield.uncertainty.sd:"
        in str(caught.value)
    )


def test_all_eight_kinds_load_and_the_value_stays_the_deterministic_one() -> None:
    kinds = {
        "process.steps.1.working_volume": {"kind": "fixed", "source": "assumption: set by design"},
        "process.steps.1.duration": {"kind": "triangular", "low": 4, "mode": 5, "high": 7},
        "process.steps.1.titer": {"kind": "lognormal", "median": 1e7, "gsd": 1.4},
        "process.steps.2.step_yield": {"kind": "beta", "alpha": 5, "beta": 5},
        "process.steps.3.step_yield": {"kind": "pert", "low": 0.6, "mode": 0.8, "high": 0.9},
        "process.steps.2.duration": {"kind": "uniform", "low": 0.5, "high": 2},
        "process.steps.3.duration": {"kind": "normal", "mean": 1, "sd": 0.2, "low": 0.5, "high": 2},
        "process.steps.5.duration": {"kind": "empirical", "values": [13, 14, 14, 16]},
    }
    data = tiny_data()
    units = {"working_volume": "L", "duration": "d", "titer": "TU/mL", "step_yield": None}
    for path, uncertainty in kinds.items():
        field = path.rsplit(".", 1)[1]
        value = {"working_volume": 10, "duration": 5, "titer": 1e7, "step_yield": 0.8}[field]
        if path.endswith("steps.2.step_yield"):
            value = 0.5
        if path.endswith(("steps.2.duration", "steps.3.duration")):
            value = 1
        if path.endswith("steps.5.duration"):
            value = 14
        quantity: dict[str, Any] = {"value": value, "uncertainty": uncertainty}
        if units[field]:
            quantity["unit"] = units[field]
        data = edit(data, path, quantity)
    scenario = Scenario.model_validate(data)
    found = {path: p.uncertainty for path, p in iter_parameters(scenario) if p.uncertainty}
    assert {d.kind for d in found.values()} == {
        "fixed",
        "uniform",
        "triangular",
        "pert",
        "normal",
        "lognormal",
        "beta",
        "empirical",
    }
    assert isinstance(found["process.steps[5].duration"], Empirical)
    assert isinstance(found["process.steps[1].duration"], Triangular)
    plain = Scenario.model_validate(tiny_data())
    assert scenario.values() == plain.values()  # the values are the deterministic ones


def correlated(*pairs: tuple[str, str, float]) -> dict[str, Any]:
    data = tiny_data()
    data = edit(
        data,
        "process.steps.1.titer",
        {
            "value": 1e7,
            "unit": "TU/mL",
            "uncertainty": {"kind": "lognormal", "median": 1e7, "gsd": 1.3},
        },
    )
    for i in (2, 3):
        data = edit(
            data,
            f"process.steps.{i}.step_yield",
            {"value": 0.5, "uncertainty": {"kind": "uniform", "low": 0.3, "high": 0.7}},
        )
    data["uncertainty"] = {
        "correlations": [{"between": [a, b], "rank": rank} for a, b, rank in pairs]
    }
    return data


TITER, CAPTURE, TFF = (
    "process.steps[1].titer",
    "process.steps[2].step_yield",
    "process.steps[3].step_yield",
)


def test_valid_correlations_load() -> None:
    scenario = Scenario.model_validate(correlated((TITER, CAPTURE, 0.6), (CAPTURE, TFF, -0.3)))
    assert scenario.uncertainty is not None
    assert len(scenario.uncertainty.correlations) == 2


@pytest.mark.parametrize(
    ("pairs", "where", "rule"),
    [
        (
            [(TITER, "process.steps[2].step_yeild", 0.5)],
            "uncertainty.correlations[0].between[1]",
            "did you mean 'process.steps[2].step_yield'",
        ),
        (
            [(TITER, "process.steps[1].working_volume", 0.5)],
            "uncertainty.correlations[0].between[1]",
            "has no uncertainty",
        ),
        ([(TITER, TITER, 0.5)], "uncertainty.correlations[0].between", "itself"),
        (
            [(TITER, CAPTURE, 0.5), (CAPTURE, TITER, 0.2)],
            "uncertainty.correlations[1].between",
            "repeats the pair",
        ),
        (
            [(TITER, CAPTURE, 0.9), (CAPTURE, TFF, 0.9), (TITER, TFF, -0.9)],
            "uncertainty.correlations",
            "contradict each other",
        ),
    ],
)
def test_bad_correlations_are_refused_at_their_place(
    pairs: list[tuple[str, str, float]], where: str, rule: str, write: Any
) -> None:
    path = write(dump_yaml(correlated(*pairs)))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert [(issue.path, rule in issue.message) for issue in caught.value.issues] == [(where, True)]
    assert caught.value.issues[0].line is not None


def test_a_rank_outside_minus_one_to_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="less than 1"):
        Scenario.model_validate(correlated((TITER, CAPTURE, 1.0)))
