"""Fuzzing the loader and the engines: whatever a file holds, genofab either computes finite
figures or raises one of its own errors; never anything else."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.run import evaluate
from genofab.errors import GenofabError, ScenarioError
from genofab.io.scenario_file import parse_scenario
from tests.helpers import dump_yaml, edit, tiny_data, tiny_economics

PATHS = [
    "name",
    "product.unit",
    "product.modality",
    "product.vial_use",
    "product.dose",
    "product.dose.amount",
    "product.doses_per_patient",
    "process.steps",
    "process.steps.1",
    "process.steps.1.working_volume",
    "process.steps.1.titer",
    "process.steps.1.kind",
    "process.steps.2.step_yield",
    "process.steps.2.output_volume",
    "process.steps.2.sample_volume",
    "process.steps.3.output_volume",
    "process.steps.4.fill_volume",
    "process.steps.4.overfill",
    "process.steps.5.sample_vials",
    "process.steps.5.duration",
    "facility.rooms",
    "facility.rooms.1.count",
    "facility.rooms.1.changeover",
    "facility.rooms.1.concurrent_lots",
    "facility.operating_weeks_per_year",
    "demand",
    "demand.cohort_patients",
    "demand.patients_per_year",
    "economics.materials.0.unit_price",
    "economics.pricing.margin",
    "economics.lot_failure_probability",
    "economics.currency",
    "economics.staff.0.fte",
]

quantity_text = st.builds(
    lambda number, unit: f"{number}{unit}",
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**6), 10**12),
        st.sampled_from(["1,5e7", "9 600", "1e999", "-0", ".5", "5e-324"]),
    ),
    st.sampled_from(
        [
            "",
            " L",
            " mL",
            " kg",
            " d",
            " h",
            " %",
            " TU/mL",
            " vg/mL",
            " EUR",
            " cells/mL",
            " patients",
            " L*2",
            " wk/yr",
            " m²",
            " µL",
            "xyz",
        ]
    ),
)
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    quantity_text,
)
values = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["value", "unit", "source", "kind", "rule", "x"]), children, max_size=3
        ),
    ),
    max_leaves=6,
)


def base() -> dict[str, Any]:
    data = tiny_data()
    data["economics"] = tiny_economics()
    return data


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_any_edit_gives_figures_or_a_genofab_error(edits: list[tuple[str, Any]]) -> None:
    data = base()
    for path, value in edits:
        try:
            data = edit(data, path, value)
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # the path no longer exists after an earlier edit
    try:
        loaded = parse_scenario(dump_yaml(data), "fuzz.yaml")
    except ScenarioError as error:
        assert error.issues  # noqa: PT017 - either outcome is allowed
        return
    try:
        result = evaluate(loaded.scenario)
    except GenofabError:
        return
    assert result.patients_per_lot >= 1 and result.lots_per_year >= 1
    figures = [result.lot_duration_days, result.suite_cycle_days, result.patients_per_year]
    if result.economics is not None:
        figures += [result.economics.cogs_per_dose, result.economics.annual_cost]
    assert all(math.isfinite(figure) for figure in figures)


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_any_text_gives_a_scenario_or_a_scenario_error(text: str) -> None:
    try:
        parse_scenario(text, "fuzz.yaml")
    except ScenarioError as error:
        assert error.issues and str(error)  # noqa: PT017 - either outcome is allowed


@settings(max_examples=150)
@given(
    st.integers(0, 2000),
    st.sampled_from(
        [
            "#",
            "[",
            "]",
            "{",
            "}",
            ":",
            "-",
            "'",
            '"',
            "&a",
            "*a",
            "!!str",
            "\t",
            "\n",
            "? ",
            "|",
            ">",
        ]
    ),
)
def test_damaged_files_give_a_scenario_error(position: int, junk: str) -> None:
    text = dump_yaml(base())
    position = min(position, len(text))
    damaged = text[:position] + junk + text[position:]
    try:
        parse_scenario(damaged, "fuzz.yaml")
    except ScenarioError as error:
        assert error.issues  # noqa: PT017 - either outcome is allowed
