"""The lot engine at the edges of floating point (hypothesis draws reach them): a container
all but empty beside the dose, and a dose all but nothing beside the container's content.
No warning escapes (the suite turns warnings into errors); the lot cannot deliver, or comes
out infinite, and either way the single run names the dose."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from genofab.engines.lot import LotStatus, lot_arrays, lot_result
from genofab.errors import InfeasibleError
from genofab.model import Scenario
from tests.helpers import tiny_data

USES = ["whole_vials", "shared_vials", "pooled"]


def scenario_using(use: str) -> Scenario:
    data = tiny_data()
    data["product"]["vial_use"] = use
    return Scenario.model_validate(data)


@pytest.mark.parametrize("use", USES)
def test_a_container_too_empty_to_count_makes_no_dose(use: str) -> None:
    scenario = scenario_using(use)
    values: dict[str, Any] = dict(scenario.values())
    # 4e8 TU a container × 1e-310 is subnormal: 1e9 TU ÷ it overflows to infinity
    values["process.steps[2].step_yield"] = np.array([0.5, 1e-310])
    lot = lot_arrays(scenario, values)
    assert lot.status.tolist() == [LotStatus.OK, LotStatus.NO_DOSE]
    assert np.all(np.isfinite(lot.doses)) and lot.doses[1] == 0
    values["process.steps[2].step_yield"] = 1e-310
    with pytest.raises(InfeasibleError) as error:
        lot_result(scenario, values)
    assert error.value.path == "product.dose"


@pytest.mark.parametrize("use", ["shared_vials", "pooled"])
def test_doses_too_many_to_count_name_the_dose(use: str) -> None:
    scenario = scenario_using(use)
    values: dict[str, Any] = dict(scenario.values())
    values["product.dose.amount"] = 1e-300  # 4e8 TU a container ÷ 1e-300 overflows
    lot = lot_arrays(scenario, values)
    assert np.isinf(lot.doses)
    with pytest.raises(InfeasibleError, match="doses per lot come out infinite") as error:
        lot_result(scenario, values)
    assert error.value.path == "product.dose"


def test_whole_containers_of_a_tiny_dose_stay_finite() -> None:
    scenario = scenario_using("whole_vials")
    values: dict[str, Any] = dict(scenario.values())
    values["product.dose.amount"] = 1e-300  # a dose is still one whole container
    assert lot_result(scenario, values).doses_per_lot == 90  # the 90 released containers
