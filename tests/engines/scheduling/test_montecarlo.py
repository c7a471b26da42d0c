"""The plan Monte Carlo: the vectorised engine against a plain SimPy discrete-event reference
on the same seeds (release times equal run by run; means and percentiles within 1 %), and
against what can be worked out by hand. The plans simulated are rule-based schedules (no
solver, no time limit), so the tests do not depend on how loaded the machine is."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.montecarlo import (
    Distribution,
    FixedPlan,
    Multipliers,
    Outcome,
    draw_samples,
    robustness,
    simulate,
    study,
)
from genofab.engines.scheduling.rules import earliest_due_date
from genofab.engines.scheduling.timetable import assess
from tests.engines.scheduling import simpy_plan
from tests.schedule_plans import benchmark_data, instance_of, two_stage_data

UNCERTAIN = Multipliers((0.9, 1.0, 1.5), (0.5, 1.0, 2.0), (1.0, 1.5, 3.0), "qc_lab")


def with_failures(instance: Instance, probability: float) -> Instance:
    products = tuple(
        dataclasses.replace(product, failure_probability=probability)
        for product in instance.products
    )
    return dataclasses.replace(instance, products=products)


def scheduled(instance: Instance) -> FixedPlan:
    return FixedPlan.of(instance, earliest_due_date(instance, switch_penalty=1.0))


@pytest.mark.parametrize(
    "data", [benchmark_data(52, "lateness"), two_stage_data()], ids=["benchmark", "two-stage"]
)
def test_vectorised_engine_matches_the_simpy_reference(data: dict[str, object]) -> None:
    instance = with_failures(instance_of(data), 0.05)
    plan = scheduled(instance)
    for seed in (1, 2):
        samples = draw_samples(instance, plan, UNCERTAIN, 300, np.random.default_rng(seed))
        fast = simulate(instance, plan, samples).release
        reference = simpy_plan.simulate(instance, plan, samples)
        np.testing.assert_allclose(fast, reference, rtol=1e-9)
        ours = robustness(instance, Outcome(plan.lots, fast))
        theirs = robustness(instance, Outcome(plan.lots, reference))
        for mine, other in (
            (ours.lots_per_year, theirs.lots_per_year),
            (ours.total_lateness, theirs.total_lateness),
        ):
            for field in ("mean", "p5", "p50", "p95"):
                a, b = getattr(mine, field), getattr(other, field)
                assert a == pytest.approx(b, rel=0.01, abs=1e-9)
        assert ours.sponsor_on_time == pytest.approx(theirs.sponsor_on_time, rel=0.01)


def test_without_uncertainty_the_plan_runs_as_scheduled() -> None:
    instance = instance_of(benchmark_data(26, "lateness"))
    timetable = earliest_due_date(instance, switch_penalty=1.0)
    assessment = assess(instance, timetable)
    assert assessment.feasible
    outcome = study(instance, timetable, Multipliers.of(None), 50, seed=3)
    completion = assessment.completion
    expected = np.array([completion[lot] for lot in outcome.lots], dtype=float)
    np.testing.assert_array_equal(outcome.release, np.broadcast_to(expected, outcome.release.shape))
    result = robustness(instance, outcome)
    assert result.total_lateness.mean == assessment.total_lateness > 0
    assert result.sponsor_by_horizon == {"sponsor_a": 1.0, "sponsor_b": 1.0, "sponsor_c": 1.0}


def test_failures_cost_their_expected_room_time() -> None:
    """One suite making 10 lots of 2 weeks back to back, each failing with p = 0.2: the last
    release is 2 × (lots + expected remakes) = 2 × 10 ÷ 0.8 = 25 weeks on average."""
    data = benchmark_data()
    data["rooms"][0]["count"] = 1
    data["demands"] = [{"sponsor": "s", "product": "a", "lots": 10, "due": "52 wk"}]
    instance = with_failures(instance_of(data), 0.2)
    timetable = earliest_due_date(instance)  # back to back from week 0
    assert assess(instance, timetable).makespan == 20
    outcome = study(instance, timetable, Multipliers.of(None), 40_000, seed=5)
    last = outcome.release.max(axis=1)
    assert last.mean() == pytest.approx(25.0, rel=0.01)


def test_same_seed_same_outcome_and_percentiles_are_ordered() -> None:
    instance = with_failures(instance_of(two_stage_data()), 0.05)
    timetable = earliest_due_date(instance)
    first = study(instance, timetable, UNCERTAIN, 20_000, seed=7)
    again = study(instance, timetable, UNCERTAIN, 20_000, seed=7)
    np.testing.assert_array_equal(first.release, again.release)
    summary = robustness(instance, first).total_lateness
    assert isinstance(summary, Distribution)
    assert summary.p5 <= summary.p50 <= summary.p95
