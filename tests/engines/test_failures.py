"""Failure modes found at a step: the steps after it are not run, cost nothing and hold no
room (worked by hand on the tiny scenario, and as a property)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.capacity import capacity_arrays
from genofab.engines.economics import CostArrays, cost_arrays
from genofab.engines.failures import failure_arrays
from genofab.engines.lot import lot_arrays
from genofab.io.scenario_file import load_scenario
from genofab.model import Scenario
from genofab.model.steps import QCReleaseStep
from tests.helpers import dump_yaml, load_only_problem, tiny_costed, tiny_data


def costs(scenario: Scenario) -> CostArrays:
    values = scenario.values()
    lot = lot_arrays(scenario, values)
    return cost_arrays(scenario, values, lot, capacity_arrays(scenario, lot, values))


def with_mode(step: str, probability: float) -> Scenario:
    mode = [{"name": "a failure", "probability": probability, "detected_at": step}]
    return tiny_costed(("process.failure_modes", mode), ("economics.lot_failure_probability", 0))


def test_a_lot_found_failed_during_production_pays_no_later_step() -> None:
    cost = costs(with_mode("make", 0.2))
    # medium 500 at 'make' always; resin 10,000 ÷ 5 at capture, 100 vials × 2 at the fill and
    # the 3,000 sterility test at release for the 80 % of lots not found failed
    variable = sum(float(value) for value in cost.variable_per_lot.values())
    assert variable == pytest.approx(500 + 0.8 * (2000 + 200 + 3000))


def test_modes_and_the_failure_at_release_combine() -> None:
    scenario = tiny_costed(
        (
            "process.failure_modes",
            [
                {"name": "contamination", "probability": "10 %", "detected_at": "make"},
                {"name": "low titre", "probability": "20 %", "detected_at": "concentrate"},
            ],
        ),
        ("economics.lot_failure_probability", "5 %"),
    )
    failures = failure_arrays(scenario, scenario.values())
    assert float(failures.probability) == pytest.approx(1 - 0.9 * 0.8 * 0.95)
    assert [float(r) for r in failures.reach] == pytest.approx([1, 1, 0.9, 0.9, 0.72, 0.72])


STEPS = ["seed", "make", "capture", "concentrate", "fill", "release"]


@settings(max_examples=30, deadline=None)
@given(k=st.integers(0, len(STEPS) - 1), probability=st.floats(0.01, 0.99))
def test_a_failure_found_at_step_k_costs_nothing_of_the_steps_after_k(
    k: int, probability: float
) -> None:
    base = tiny_costed(("economics.lot_failure_probability", 0))
    full = costs(base)
    release = next(i for i, s in enumerate(base.process.steps) if isinstance(s, QCReleaseStep))
    per_step = [0.0 for _ in base.process.steps]
    for line in full.lines:  # materials on their steps, the QC tests on the release step
        if line.kind in ("material", "qc") and line.step is not None:
            per_step[line.step] += float(line.per_started)
    assert per_step[release] > 0
    cost = costs(with_mode(STEPS[k], probability))
    started = sum(float(value) for value in cost.variable_per_lot.values())
    # a lot started: the failed ones (p) pay steps 0..k, the good ones (1 − p) every step
    failed_lot = (started - (1 - probability) * sum(per_step)) / probability
    assert failed_lot == pytest.approx(sum(per_step[: k + 1]), rel=1e-9, abs=1e-6)


def test_a_failure_found_at_a_step_the_process_lacks_is_placed_in_the_file(tmp_path: Path) -> None:
    data = tiny_data()
    data["process"]["failure_modes"] = [
        {"name": "contamination", "probability": "2 %", "detected_at": "mak"}
    ]
    path = tmp_path / "s.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    issue = load_only_problem(load_scenario, path)
    assert issue.path == "process.failure_modes[0].detected_at" and issue.line is not None
    assert "'mak' is not a step of the process" in issue.message
