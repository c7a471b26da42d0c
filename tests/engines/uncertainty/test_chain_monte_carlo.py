"""The Monte Carlo of a chain: a two-stage chain whose spread and limiting-stage shares follow by
hand from a two-point distribution, common random numbers (the same seed gives the same
results; a stage draws the same values alone and in the chain; shared draws), failed samples
counted, and an invariant over random chains (hypothesis)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.uncertainty.chain import (
    chain_monte_carlo,
    chain_tasks,
    simulate_chain,
    stage_seed,
)
from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.engines.uncertainty.statistics import QUANTILE_ERROR
from genofab.model import Scenario
from genofab.model.chain import Chain, SharedDraw, Stage, StageLink
from tests.helpers import edit, tiny_data, tiny_economics

SAMPLES = 4_000


def vector_data() -> dict[str, Any]:
    """The tiny scenario costed: 30 patients a lot, 35 lots a year, 1,050 patients a year."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    return data


def cell_data(suites: Any = 10) -> dict[str, Any]:
    """The tiny process as an autologous product (one patient a lot), 35 lots a suite-year;
    the seed lab, the fill room and the QC laboratory never limit it (2,500 lots a year)."""
    data = edit(vector_data(), "product.modality", "autologous_cells")
    data = edit(data, "economics.lot_failure_probability", "0 %")
    data = edit(data, "facility.rooms.0.concurrent_lots", 100)
    data = edit(data, "facility.rooms.2.count", 10)
    data = edit(data, "facility.rooms.3.concurrent_lots", 100)
    return edit(data, "facility.rooms.1.count", suites)


def two_stages(cells: dict[str, Any], vector: dict[str, Any] | None = None, **kw: Any) -> Chain:
    return Chain(
        name="tiny therapy",
        description=None,
        stages=(
            Stage("vector", Scenario.model_validate(vector or vector_data()), None, "vector"),
            Stage(
                "cells",
                Scenario.model_validate(cells),
                StageLink(stage="vector", unit="TU"),
                "cells",
            ),
        ),
        demand=None,
        **kw,
    )


TWO_POINT = {"value": 40, "uncertainty": {"kind": "empirical", "values": [10, 40, 40, 40]}}


def drawn_alone(scenario: Scenario, seed: int, samples: int = SAMPLES) -> dict[str, Any]:
    """A scenario's draws in its own Monte Carlo (``genofab run --samples --seed``)."""
    found: list[dict[str, Any]] = []
    monte_carlo(scenario, samples, seed, raw=found.append, histograms=False)
    return {key: np.concatenate([chunk[key] for chunk in found]) for key in found[0]}


def test_a_two_point_stage_gives_a_spread_worked_out_by_hand() -> None:
    chain = two_stages(cell_data(TWO_POINT))
    result = chain_monte_carlo(chain, SAMPLES, seed=7)
    # 10 suites: 350 patients a year, the cells limit; 40 suites: 1,400, the vector's 1,050
    patients = result.results["patients_per_year"]
    quantiles = (patients.p5, patients.p50, patients.p95)
    assert quantiles == pytest.approx((350, 1050, 1050), rel=QUANTILE_ERROR)
    assert patients.value == 1050  # the base case: 40 suites
    suites = drawn_alone(chain.stages[1].scenario, stage_seed(7, "cells"))
    few = float(np.mean(suites["facility.rooms[1].count"] == 10))
    assert 0.2 < few < 0.3  # one value in four
    assert result.limit_probability == {"vector": pytest.approx(1 - few), "cells": few}
    assert result.results["stage_patients_per_year.vector"].p50 == pytest.approx(
        1050, rel=QUANTILE_ERROR
    )
    # cost per patient: by stage sums to the total in every sample, so the means add up
    mean = result.results["cost_per_patient.total"].mean
    parts = [result.results[f"cost_per_patient.by_stage.{s}"].mean for s in ("vector", "cells")]
    assert mean == pytest.approx(sum(p for p in parts if p is not None), rel=1e-12)
    assert result.failed_samples == 0


def test_the_same_seed_gives_the_same_results_for_any_chunk_size() -> None:
    chain = two_stages(cell_data(TWO_POINT))
    once = chain_monte_carlo(chain, 2_500, seed=3, chunk_size=1_000)
    again = chain_monte_carlo(chain, 2_500, seed=3, chunk_size=100_000)
    assert once.model_dump() == again.model_dump()
    other = chain_monte_carlo(chain, 2_500, seed=4)
    assert other.limit_probability != once.limit_probability


def test_a_stage_draws_the_same_values_alone_and_in_the_chain() -> None:
    titer = {
        "value": "1e7 TU/mL",
        "uncertainty": {"kind": "uniform", "low": "5e6 TU/mL", "high": "2e7 TU/mL"},
    }
    chain = two_stages(cell_data(TWO_POINT), edit(vector_data(), "process.steps.1.titer", titer))
    (task,) = chain_tasks(chain, SAMPLES, seed=11)
    inside = simulate_chain(task).drawn
    for stage in chain.stages:
        alone = drawn_alone(stage.scenario, stage_seed(11, stage.name))
        assert inside[stage.name].keys()
        for path, values in inside[stage.name].items():
            np.testing.assert_array_equal(values, alone[path])
    assert stage_seed(11, "vector") != stage_seed(11, "cells")


FAILURE = {"value": 0.1, "uncertainty": {"kind": "uniform", "low": 0.0, "high": 0.2}}


def test_shared_parameters_draw_the_same_values_and_others_do_not() -> None:
    vector = edit(vector_data(), "economics.lot_failure_probability", FAILURE)
    cells = edit(cell_data(), "economics.lot_failure_probability", FAILURE)
    path = "economics.lot_failure_probability"
    apart = simulate_chain(chain_tasks(two_stages(cells, vector), 2_000, 5)[0]).drawn
    assert not np.array_equal(apart["vector"][path], apart["cells"][path])
    shared = (SharedDraw(parameter=path, stages=("cells", "vector")),)
    together = simulate_chain(chain_tasks(two_stages(cells, vector, shared=shared), 2_000, 5)[0])
    np.testing.assert_array_equal(together.drawn["vector"][path], together.drawn["cells"][path])
    np.testing.assert_array_equal(together.drawn["cells"][path], apart["cells"][path])


def test_a_sample_a_stage_cannot_deliver_treats_no_patient_and_stays_counted() -> None:
    # a fill volume of 1 L fills no container from the 100 mL bulk: no dose in that sample
    fill = {
        "value": "1 mL",
        "uncertainty": {"kind": "empirical", "values": ["1 mL", "1 mL", "1000 mL"]},
    }
    cells = edit(cell_data(), "process.steps.4.fill_volume", fill)
    chain = two_stages(cells)
    result = chain_monte_carlo(chain, 3_000, seed=2)
    volumes = drawn_alone(chain.stages[1].scenario, stage_seed(2, "cells"), 3_000)
    failed = int(np.sum(volumes["process.steps[4].fill_volume"] > 0.5))
    assert 800 < failed < 1200  # one sample in three
    assert result.failed_samples == failed
    assert sum(result.failed_by_stage["cells"].values()) == failed
    patients = result.results["patients_per_year"]
    assert patients.samples == 3_000 and patients.min == 0  # the failures stay in
    assert patients.mean == pytest.approx(350 * (3_000 - failed) / 3_000)
    assert result.results["cost_per_patient.total"].samples == 3_000 - failed
    assert result.limit_probability["cells"] == 1.0
    assert result.failed_examples[0].stage == "cells"


@settings(max_examples=8)
@given(
    suites=st.lists(st.integers(1, 60), min_size=2, max_size=4),
    titer=st.floats(0.2, 3.0),
)
def test_the_chain_never_treats_more_than_any_stage_alone_at_any_quantile(
    suites: list[int], titer: float
) -> None:
    counts = {"value": suites[0], "uncertainty": {"kind": "empirical", "values": suites}}
    spread = {
        "value": f"{1e7 * titer} TU/mL",
        "uncertainty": {
            "kind": "uniform",
            "low": f"{1e7 * titer} TU/mL",
            "high": f"{1e7 * (titer + 1)} TU/mL",
        },
    }
    vector = edit(vector_data(), "process.steps.1.titer", spread)
    result = chain_monte_carlo(two_stages(cell_data(counts), vector), 1_000, seed=1).results
    chain = result["patients_per_year"]
    for stage in ("vector", "cells"):
        alone = result[f"stage_patients_per_year.{stage}"]
        for p in ("p5", "p50", "p95"):
            assert getattr(chain, p) <= getattr(alone, p) * (1 + 2**-11)
