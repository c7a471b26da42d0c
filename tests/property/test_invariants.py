"""Invariants of the engines, checked over many generated scenarios (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from genofab.engines.capacity import capacity_arrays
from genofab.engines.lot import LotStatus, lot_arrays
from genofab.engines.run import evaluate
from genofab.errors import InfeasibleError
from genofab.model import Scenario
from genofab.results.run import RunResult
from tests.helpers import tiny_data

yields = st.floats(min_value=0.01, max_value=1.0)
vial_uses = st.sampled_from(["whole_vials", "shared_vials", "pooled"])


@st.composite
def scenarios(draw: st.DrawFn, vial_use: str | None = None) -> Scenario:
    """The tiny scenario with drawn yields, volumes, dose, durations and rooms."""
    data = tiny_data()
    steps = data["process"]["steps"]
    data["product"]["vial_use"] = vial_use or draw(vial_uses)
    data["product"]["dose"]["amount"] = f"{draw(st.floats(1e7, 1e11)):.6g} TU"
    steps[1]["working_volume"] = f"{draw(st.floats(0.5, 2000)):.6g} L"
    steps[1]["titer"] = f"{draw(st.floats(1e5, 1e9)):.6g} TU/mL"
    steps[2]["step_yield"] = draw(yields)
    steps[3]["step_yield"] = draw(yields)
    steps[3]["output_volume"] = f"{draw(st.floats(10, 5000)):.6g} mL"
    steps[4]["fill_volume"] = f"{draw(st.floats(0.5, 10)):.6g} mL"
    steps[5]["sample_vials"] = draw(st.integers(0, 5))
    for step in steps:
        step["duration"] = f"{draw(st.floats(0.1, 60)):.4g} d"
    for room in data["facility"]["rooms"]:
        room["changeover"] = f"{draw(st.one_of(st.just(0.0), st.floats(0.01, 10))):.4g} d"
        room["count"] = draw(st.integers(1, 4))
        room["concurrent_lots"] = draw(st.integers(1, 4))
    data["facility"]["operating_weeks_per_year"] = draw(st.floats(10, 52))
    return Scenario.model_validate(data)


@given(scenarios(), st.sampled_from([2, 3]), st.floats(0.0, 0.999))
def test_doses_never_rise_when_a_step_yield_falls(
    scenario: Scenario, step: int, cut: float
) -> None:
    values: dict[str, Any] = dict(scenario.values())
    path = f"process.steps[{step}].step_yield"
    values[path] = np.array([values[path], values[path] * cut])
    lot = lot_arrays(scenario, values)
    assert lot.doses[1] <= lot.doses[0]
    assert lot.patients[1] <= lot.patients[0]


@given(scenarios())
def test_doubling_the_working_volume_doubles_the_product(scenario: Scenario) -> None:
    values: dict[str, Any] = dict(scenario.values())
    path = "process.steps[1].working_volume"
    values[path] = np.array([values[path], 2 * values[path]])
    lot = lot_arrays(scenario, values)
    for amount in lot.amount[1 : scenario.process.fill_index]:
        np.testing.assert_allclose(amount[1], 2 * amount[0], rtol=1e-12)


@given(scenarios())
def test_no_room_is_booked_beyond_its_operating_time(scenario: Scenario) -> None:
    values = scenario.values()
    cap = capacity_arrays(scenario, lot_arrays(scenario, values), values)
    for room in cap.rooms:
        booked = cap.lots_per_year * room.cycle
        available = room.count * room.concurrent_lots * cap.operating_days
        assert booked <= available * (1 + 1e-12)
        assert room.lots_per_room_year * room.cycle <= room.concurrent_lots * cap.operating_days * (
            1 + 1e-12
        )
        assert 0 <= room.utilisation_at_capacity <= 1 + 1e-12
    assert cap.lots_per_year == min(room.lots_per_year for room in cap.rooms)


@given(scenarios())
def test_json_output_round_trips(scenario: Scenario) -> None:
    try:
        result = evaluate(scenario)
    except InfeasibleError:
        assume(False)
        return
    text = json.dumps(result.to_json_dict(), allow_nan=False)
    again = RunResult.model_validate_json(text)
    assert again == result
    assert again.to_json_dict() == json.loads(text)


@settings(max_examples=40)
@given(vial_uses.flatmap(lambda use: st.lists(scenarios(use), min_size=2, max_size=5)))
def test_one_vectorised_pass_equals_one_run_per_sample(batch: list[Scenario]) -> None:
    """Scenarios of the same structure evaluated together give what each gives alone."""
    first = batch[0]
    values = {path: np.array([s.values()[path] for s in batch]) for path in first.values()}
    together = lot_arrays(first, values)
    capacity = capacity_arrays(first, together, values)
    for i, alone_scenario in enumerate(batch):
        alone = lot_arrays(alone_scenario, alone_scenario.values())
        assert together.doses[i] == alone.doses
        assert together.status[i] == alone.status
        if alone.status == LotStatus.OK:
            alone_capacity = capacity_arrays(alone_scenario, alone, alone_scenario.values())
            assert capacity.lots_per_year[i] == alone_capacity.lots_per_year


@settings(max_examples=8)
@given(
    samples=st.integers(min_value=1, max_value=4_500),
    seed=st.integers(min_value=0, max_value=2**32),
    chunk=st.sampled_from([1_000, 2_000, 3_000]),
)
def test_a_monte_carlo_does_not_depend_on_its_chunk_size(
    samples: int, seed: int, chunk: int
) -> None:
    """The same seed gives the same statistics for any chunking (blocks of 1,000 samples)."""
    from genofab.engines.uncertainty.monte_carlo import monte_carlo
    from tests.helpers import uncertain_tiny

    scenario = uncertain_tiny()
    one = monte_carlo(scenario, samples, seed, chunk_size=chunk)
    other = monte_carlo(scenario, samples, seed, chunk_size=5_000)
    assert one.model_dump() == other.model_dump()
