"""Sobol indices of a chain: on the tiny two-stage chain whose patients a year are
35 × (1 − the cells' failure rate) alone (the vector never limits), that rate explains all
of their variance and the vector's nothing; the design has N × (k + 2) runs."""

from __future__ import annotations

from typing import Any

import pytest

from genofab.engines.uncertainty.chain_sensitivity import chain_sensitivity
from genofab.errors import SettingError
from tests.engines.uncertainty.test_chain_monte_carlo import cell_data, two_stages, vector_data
from tests.helpers import edit

FAILURE = {"value": 0.1, "uncertainty": {"kind": "uniform", "low": 0.0, "high": 0.2}}


def uncertain_chain() -> Any:
    vector = edit(vector_data(), "economics.lot_failure_probability", FAILURE)
    cells = edit(cell_data(suites=1), "economics.lot_failure_probability", FAILURE)
    return two_stages(cells, vector)


def test_the_sobol_indices_of_a_chain_name_the_input_that_moves_the_patients() -> None:
    result = chain_sensitivity(
        uncertain_chain(), results=["patients_per_year"], samples=500, sobol_samples=512, seed=3
    )
    assert result.sobol_runs == 512 * (2 + 2)  # two inputs
    indices = {index.path: index for index in result.sobol["patients_per_year"] or ()}
    cells = indices["cells:economics.lot_failure_probability"]
    vector = indices["vector:economics.lot_failure_probability"]
    # patients = 35 × (1 − f_cells): linear in one input, so S1 = ST = 1 for it and 0 for the
    # other (within the estimator's confidence)
    assert cells.first_order == pytest.approx(1, abs=max(0.05, 2 * (cells.first_order_conf or 0)))
    assert cells.total == pytest.approx(1, abs=max(0.05, 2 * (cells.total_conf or 0)))
    assert vector.total == pytest.approx(0, abs=1e-9)


def test_the_vectors_cost_per_patient_follows_the_cells_failures_alone() -> None:
    result = chain_sensitivity(
        uncertain_chain(),
        results=["cost_per_patient.by_stage.vector"],
        samples=500,
        sobol_samples=512,
        seed=3,
    )
    indices = {i.path: i for i in result.sobol["cost_per_patient.by_stage.vector"] or ()}
    # the vector makes 35 patient doses a year whatever the cells' failures (35 (1 − f) treated
    # × 1 ÷ (1 − f) doses each): ⌈35 ÷ 30⌉ = 2 good lots, 3 started at any rate in (0, 20 %],
    # so its annual cost is fixed and its cost per patient, C ÷ 35 (1 − f_cells), moves with
    # the cells' rate alone
    cells = indices["cells:economics.lot_failure_probability"]
    assert cells.first_order == pytest.approx(1, abs=max(0.05, 2 * (cells.first_order_conf or 0)))
    assert indices["vector:economics.lot_failure_probability"].total == pytest.approx(0, abs=1e-9)


def test_the_sobol_design_size_is_checked_for_a_chain() -> None:
    with pytest.raises(SettingError, match="power of 2"):
        chain_sensitivity(uncertain_chain(), samples=500, sobol_samples=1000)
