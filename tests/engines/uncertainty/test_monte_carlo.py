"""The Monte Carlo: a scenario with nothing uncertain reproduces the deterministic engine
exactly; the same seed gives the same result for any chunk size and executor; infeasible
samples are data; failed lots are binomial around the deterministic expectation."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from scipy import stats

from genofab.engines.run import evaluate
from genofab.engines.uncertainty.chunks import DrawnFailures, chunk_tasks
from genofab.engines.uncertainty.executors import LocalDaskExecutor, SerialExecutor
from genofab.engines.uncertainty.monte_carlo import MAX_SAMPLES, check_samples, monte_carlo
from genofab.engines.uncertainty.sampling import BLOCK, block_streams
from genofab.engines.uncertainty.statistics import QUANTILE_ERROR
from genofab.errors import SettingError, UsageError
from genofab.io.scenario_file import load_scenario
from tests.helpers import EXAMPLES, tiny_costed, uncertain_tiny

IGT = EXAMPLES / "lv-sickle-cell-industrial.yaml"


def test_a_scenario_with_nothing_uncertain_reproduces_the_deterministic_run() -> None:
    scenario = tiny_costed()
    run = evaluate(scenario).to_json_dict()
    result = monte_carlo(scenario, 2_500, 1, chunk_size=1_000)
    assert result.uncertain_inputs == ()
    for name, spread in result.results.items():
        node: Any = run
        for part in name.split("."):
            node = node[part]
        assert spread.value == node, name  # the deterministic engine's figure, exactly
        assert spread.mean == spread.p5 == spread.p50 == spread.p95 == spread.min == node, name
        assert spread.sd == 0.0 and spread.samples == 2_500
    assert result.probability_of_meeting_demand == float(run["capacity"]["meets_demand"])


def test_fixed_distributions_are_not_drawn() -> None:
    scenario = tiny_costed(
        (
            "process.steps.1.titer",
            {
                "value": 1e7,
                "unit": "TU/mL",
                "uncertainty": {"kind": "fixed", "source": "assumption: a qualified process"},
            },
        )
    )
    result = monte_carlo(scenario, 1_000, 1)
    assert result.uncertain_inputs == ()
    assert result.results["doses_per_lot"].sd == 0.0


@pytest.mark.slow
def test_the_same_seed_gives_the_same_result_for_chunks_of_1000_and_100000() -> None:
    scenario = load_scenario(IGT).scenario
    small = monte_carlo(scenario, 120_500, 42, chunk_size=1_000)
    large = monte_carlo(scenario, 120_500, 42, chunk_size=100_000)
    threads = monte_carlo(
        scenario, 120_500, 42, chunk_size=7_000, executor=LocalDaskExecutor(workers=2)
    )
    assert small.model_dump() == large.model_dump() == threads.model_dump()
    assert small.distributions == large.distributions
    other = monte_carlo(scenario, 120_500, 43, chunk_size=100_000)
    assert other.results["cogs_per_dose"].mean != small.results["cogs_per_dose"].mean


def test_the_spread_is_recorded_with_its_seed_inputs_and_version() -> None:
    scenario = uncertain_tiny()
    result = monte_carlo(scenario, 3_000, 7)
    assert (result.samples, result.seed, result.block_size) == (3_000, 7, BLOCK)
    assert [item.path for item in result.uncertain_inputs] == [
        "process.steps[1].duration",
        "process.steps[1].titer",
        "process.steps[2].step_yield",
        "economics.lot_failure_probability",
    ]
    assert result.correlations[0].rank == -0.5
    spread = result.results["cogs_per_dose"]
    assert spread.p5 < spread.p50 < spread.p95  # type: ignore[operator]
    assert result.results["lot_duration_days"].value == 32.0


def test_infeasible_samples_are_data_with_the_inputs_that_caused_them() -> None:
    # a titer that can be far too low: some lots make no whole dose
    scenario = tiny_costed(
        (
            "process.steps.1.titer",
            {
                "value": 1e7,
                "unit": "TU/mL",
                "uncertainty": {"kind": "uniform", "low": 1e4, "high": 2e7},
            },
        )
    )
    result = monte_carlo(scenario, 5_000, 3, chunk_size=2_000)
    bad = result.samples - result.feasible_samples
    assert 0 < bad < result.samples
    assert result.infeasible == {"no whole dose per lot": bad}
    assert len(result.infeasible_examples) == 10
    first = result.infeasible_examples[0]
    assert first.status == "no whole dose per lot"
    assert first.inputs["process.steps[1].titer"] < 1e10 * 0.2  # a low titer caused it
    # a lot that makes no dose is a failed lot: it stays in the statistics with no dose
    assert result.results["doses_per_lot"].samples == result.samples
    assert result.results["doses_per_lot"].min == 0
    # ... and its cost per dose has no value (no dose is made)
    assert result.results["cogs_per_dose"].samples == result.feasible_samples


def test_failed_lots_are_binomial_around_the_expected_number() -> None:
    sizes = [BLOCK] * 100
    failures = DrawnFailures(block_streams(1, range(100)), sizes)
    failed = failures(np.array(20.0), np.array(0.2))
    assert abs(failed.mean() - 20 * 0.2) < 4 * np.sqrt(20 * 0.2 * 0.8 / failed.size)
    assert failed.var() == pytest.approx(20 * 0.2 * 0.8, rel=0.03)
    assert set(np.unique(failed)) <= set(range(21))


def test_the_probability_of_meeting_demand_counts_the_failed_lots() -> None:
    # 2000 patients a year need 67 good lots of 30; at 10 % failure the plan starts
    # ⌈67 / 0.9⌉ = 75 lots (the facility, 100 lots a year, can); the demand is met when at
    # most 8 of them fail
    scenario = tiny_costed(
        ("economics.lot_failure_probability", 0.1),
        ("facility.rooms.0.count", 2),
        ("facility.rooms.1.count", 3),
        ("facility.rooms.3.count", 2),
    )
    assert evaluate(scenario).economics.lots_started_per_year == 75  # type: ignore[union-attr]
    result = monte_carlo(scenario, 20_000, 5)
    exact = stats.binom(75, 0.1).cdf(8)
    assert result.probability_of_meeting_demand == pytest.approx(
        exact, abs=4 * np.sqrt(exact * (1 - exact) / 20_000)
    )


@pytest.mark.parametrize("samples", [0, -5, MAX_SAMPLES + 1])
def test_bad_sample_counts_are_refused(samples: int) -> None:
    with pytest.raises(UsageError, match="samples"):
        check_samples(samples)


def test_the_cap_gives_way_to_force() -> None:
    check_samples(MAX_SAMPLES + 1, force=True)
    with pytest.raises(SettingError, match="above the cap") as refused:
        check_samples(MAX_SAMPLES * 10)
    assert refused.value.overridable


def test_chunks_are_whole_blocks() -> None:
    with pytest.raises(UsageError, match="multiple of 1000"):
        chunk_tasks(tiny_costed(), 10_000, 1, chunk_size=1_500)
    tasks = chunk_tasks(tiny_costed(), 10_500, 1, chunk_size=4_000)
    assert [(t.first_block, t.blocks) for t in tasks] == [(0, 4), (4, 4), (8, 3)]
    assert tasks[-1].sizes == [1000, 1000, 500]


def test_raw_samples_come_in_order_with_inputs_results_and_status() -> None:
    scenario = uncertain_tiny()
    chunks: list[dict[str, Any]] = []
    result = monte_carlo(
        scenario, 2_500, 2, chunk_size=1_000, raw=chunks.append, executor=SerialExecutor()
    )
    sample = np.concatenate([c["sample"] for c in chunks])
    assert sample.tolist() == list(range(2_500))
    duration = np.concatenate([c["lot_duration_days"] for c in chunks])
    assert duration.mean() == pytest.approx(result.results["lot_duration_days"].mean, rel=1e-12)
    assert set(chunks[0]) >= {"process.steps[1].titer", "status", "cogs_per_dose"}


def test_the_spread_is_the_5th_50th_and_95th_percentile_of_the_samples() -> None:
    scenario = uncertain_tiny()
    chunks: list[dict[str, Any]] = []
    result = monte_carlo(scenario, 4_000, 11, chunk_size=2_000, raw=chunks.append)
    for name, spread in result.results.items():
        values = np.concatenate([np.broadcast_to(c[name], c["sample"].shape) for c in chunks])
        values = values[np.isfinite(values)]
        assert spread.samples == values.size, name
        if not values.size:
            continue
        found = (spread.p5, spread.p50, spread.p95)
        exact = np.quantile(values, [0.05, 0.5, 0.95], method="inverted_cdf")
        assert found == pytest.approx(exact, rel=QUANTILE_ERROR, abs=1e-12), name
        assert (spread.min, spread.max) == (values.min(), values.max()), name
    # a continuous result with a real spread: P10 and P90 are far outside the tolerance
    cost = np.concatenate([c["cogs_per_dose"] for c in chunks])
    p10, p90 = np.quantile(cost, [0.1, 0.9], method="inverted_cdf")
    spread = result.results["cogs_per_dose"]
    assert spread.p5 < p10 * (1 - QUANTILE_ERROR) and spread.p95 > p90 * (1 + QUANTILE_ERROR)  # type: ignore[operator]


def test_a_run_where_no_sample_can_deliver_reports_it_without_failing() -> None:
    scenario = tiny_costed(
        (
            "product.dose.amount",
            {
                "value": 1e9,
                "unit": "TU",
                "uncertainty": {"kind": "uniform", "low": 1e9, "high": 1e17},
            },
        )
    )
    result = monte_carlo(scenario, 2_000, 1, chunk_size=1_000)
    assert result.feasible_samples == 0 and result.infeasible == {"no whole dose per lot": 2_000}
    spread = result.results["cogs_per_dose"]
    assert spread.value is not None  # the deterministic run can deliver
    assert (spread.samples, spread.mean, spread.p50) == (0, None, None)
    assert result.probability_of_meeting_demand == 0.0
    json.dumps(result.model_dump(mode="json"), allow_nan=False)  # no NaN reaches the JSON
