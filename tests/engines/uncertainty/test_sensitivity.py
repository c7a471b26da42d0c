"""Sensitivity: the tornado is exact on a model whose answer is known, Sobol indices match
their analytic values within their confidence, rank correlations point the right way."""

from __future__ import annotations

import pytest

from genofab.engines.uncertainty.sensitivity import chosen_outputs, sensitivity, tornado
from genofab.errors import UsageError
from genofab.model import Scenario
from tests.helpers import edit, tiny_data


def two_durations() -> Scenario:
    """Lot duration = sum of the step durations: two of them uniform, of widths 1 and 3 d."""
    data = tiny_data()
    data = edit(
        data,
        "process.steps.2.duration",
        {"value": 1, "unit": "d", "uncertainty": {"kind": "uniform", "low": 0.5, "high": 1.5}},
    )
    data = edit(
        data,
        "process.steps.3.duration",
        {"value": 1, "unit": "d", "uncertainty": {"kind": "uniform", "low": 0.5, "high": 3.5}},
    )
    return Scenario.model_validate(data)


def test_the_tornado_moves_one_parameter_to_its_p10_and_p90() -> None:
    scenario = two_durations()
    chart = tornado(scenario, chosen_outputs(scenario, ["lot_duration_days"]))["lot_duration_days"]
    # medians 1 and 2 d, the other steps 10 + 5 + 1 + 14 = 30 d
    assert chart.base == pytest.approx(33)
    wide, narrow = chart.bars  # widest swing first
    assert wide.path == "process.steps[3].duration" and narrow.path == "process.steps[2].duration"
    assert (wide.low_input, wide.high_input) == pytest.approx((0.8, 3.2))
    assert wide.swing == pytest.approx(2.4) and narrow.swing == pytest.approx(0.8)
    assert wide.at_low == pytest.approx(33 - 1.2) and wide.at_high == pytest.approx(33 + 1.2)


def test_sobol_indices_and_rank_correlations_of_a_sum() -> None:
    result = sensitivity(
        two_durations(), results=["lot_duration_days"], samples=20_000, sobol_samples=2048, seed=4
    )
    indices = {index.path: index for index in result.sobol["lot_duration_days"] or ()}
    # variances 1/12 and 9/12: first-order (and total) shares 0.1 and 0.9
    for path, share in (("process.steps[2].duration", 0.1), ("process.steps[3].duration", 0.9)):
        index = indices[path]
        assert abs(index.first_order - share) < max(3 * index.first_order_conf, 0.02)
        assert abs(index.total - share) < max(3 * index.total_conf, 0.02)
    rho = result.spearman["lot_duration_days"]
    assert 0 < rho["process.steps[2].duration"] < rho["process.steps[3].duration"]  # type: ignore[operator]
    assert result.sobol_runs == 2048 * 4


def test_sensitivity_needs_something_uncertain_and_known_results() -> None:
    with pytest.raises(UsageError, match="no uncertain parameter"):
        sensitivity(Scenario.model_validate(tiny_data()), samples=1000, sobol_samples=64)
    with pytest.raises(UsageError, match="did you mean 'lot_duration_days'"):
        chosen_outputs(two_durations(), ["lot_duration_day"])
    with pytest.raises(UsageError, match="power of 2"):
        sensitivity(two_durations(), sobol_samples=1000)


def test_sobol_indices_of_a_result_that_is_missing_or_constant() -> None:
    """One shared place (scenario and chain): a design run without a value gives no indices
    and a note counting the runs; a result that does not move gives none and no note."""
    import numpy as np

    from genofab.engines.uncertainty.sensitivity import sobol_indices

    problem = {"num_vars": 1, "names": ["x"], "bounds": [[0.0, 1.0]]}
    y = np.array([1.0, np.nan, 2.0, np.inf, 3.0, 4.0])
    found, note = sobol_indices(problem, y, 1, "cost", "a stage cannot deliver")
    assert found is None
    assert note == (
        "cost: 2 of 6 runs of the Sobol design give no value (a stage cannot deliver):"
        " no Sobol indices"
    )
    assert sobol_indices(problem, np.full(6, 5.0), 1, "cost", "") == (None, None)
