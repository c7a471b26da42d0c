"""The build decision: availability of a unit over the years, decisions whose optimum is
worked out by hand, and the monotone properties of an optimal plan."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.demand.expansion import (
    CandidateSpec,
    ExpansionProblem,
    ProductSpec,
    availability,
    capital_recovery,
    discount_factors,
    in_service,
    solve_expansion,
)


def test_availability_by_hand() -> None:
    """Lead 1 yr, ramp 1 yr, life 10 yr: nothing in year 0, half a room-year in year 1 (the
    ramp's mean), full from year 2, nothing after year 10 (retired at 1 + 10 = 11)."""
    shares = [availability(offset, 1.0, 1.0, 10.0) for offset in range(13)]
    assert shares == pytest.approx([0, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0])
    assert availability(1.0, 1.5, 0.0, 10.0) == pytest.approx(0.5)  # ready mid-year
    assert in_service(1.0, 1.5, 10.0) == pytest.approx(0.5)
    assert availability(-1.0, 0.0, 0.0, 5.0) == 0.0


def test_capital_recovery_by_hand() -> None:
    assert capital_recovery(0.0, 10.0) == pytest.approx(0.1)
    # 8 % over 2 years: 0.08 ÷ (1 − 1.08⁻²) = 0.560769…
    assert capital_recovery(0.08, 2.0) == pytest.approx(0.08 / (1 - 1 / 1.08**2))


def _suite(**changes: object) -> CandidateSpec:
    fields: dict[str, object] = {
        "name": "suite",
        "kind": "suite",
        "adds": {"suite": 1.0},
        "capital": 1e6,
        "fixed_cost": 0.0,
        "lead_time": 1.0,
        "ramp_up": 0.0,
        "lifetime": 10.0,
        "max_units": 2,
        "first": 0,
        "last": 1,
    }
    fields.update(changes)
    return CandidateSpec(**fields)  # type: ignore[arg-type]


def _problem(penalty: float, **changes: object) -> ExpansionProblem:
    """Two years; 100 patients need therapy in year 1; a patient takes 0.01 suite-years (100
    a suite-year); no suite exists; one candidate suite, ready a year after it is started."""
    fields: dict[str, object] = {
        "years": 2,
        "need": np.array([[0.0, 100.0]]),
        "resources": ("suite",),
        "existing": np.array([0.0]),
        "existing_fixed_cost": np.array([0.0]),
        "products": (ProductSpec("p", (0,), {"suite": 0.01}, 0.0, 1.0),),
        "candidates": (_suite(),),
        "waiting_penalty": penalty,
    }
    fields.update(changes)
    return ExpansionProblem(**fields)  # type: ignore[arg-type]


def test_two_year_decision_builds_when_waiting_costs_more() -> None:
    """Started in year 0, the suite treats all 100 in year 1. Its cost: capital 1 M less its
    book value at the end of the horizon, 9 of its 10 years left: 0.1 M. Waiting instead
    costs 100 patient-years × penalty: at 2,000 a patient-year (0.2 M) it builds."""
    solution = solve_expansion(_problem(2000.0))
    assert solution.status == "optimal"
    assert solution.units[0].tolist() == [1.0, 0.0]
    assert solution.treated[0, 0].tolist() == pytest.approx([0.0, 100.0])
    assert solution.waiting.sum() == pytest.approx(0.0)
    assert solution.objective_value == pytest.approx(0.1e6)
    assert solution.capital_spent.tolist() == [1e6, 0.0]


def test_two_year_decision_waits_when_building_costs_more() -> None:
    """At 500 a patient-year, waiting (50,000) beats the suite's net 100,000: nothing is built
    and the 100 patients wait."""
    solution = solve_expansion(_problem(500.0))
    assert solution.units.sum() == 0.0
    assert solution.waiting[0].tolist() == pytest.approx([0.0, 100.0])
    assert solution.objective_value == pytest.approx(50_000.0)


def test_a_suite_started_too_late_helps_nobody() -> None:
    """A suite may only be started in year 1: ready in year 2, after the horizon. Nothing is
    built whatever the penalty."""
    solution = solve_expansion(_problem(1e9, candidates=(_suite(first=1, last=1),)))
    assert solution.units.sum() == 0.0


def test_rented_rooms_cost_by_the_year() -> None:
    """A CDMO suite rented for year 1 at 30,000 a suite-year treats 100 patients for 30,000
    (less than their 50,000 of waiting at 500 each)."""
    cdmo = _suite(kind="cdmo", capital=0.0, fixed_cost=30_000.0, lead_time=0.0, max_units=5)
    solution = solve_expansion(_problem(500.0, candidates=(cdmo,)))
    assert solution.units[0].tolist() == pytest.approx([0.0, 1.0])
    assert solution.objective_value == pytest.approx(30_000.0)


def test_a_given_build_plan_is_evaluated() -> None:
    """The plan 'one suite in year 0' is kept even where waiting would be cheaper."""
    solution = solve_expansion(_problem(500.0, builds={(0, 0): 1.0}))
    assert solution.units[0].tolist() == [1.0, 0.0]
    assert solution.waiting.sum() == pytest.approx(0.0)


def test_patients_objective_uses_the_budget() -> None:
    """Objective 'patients' with a budget of one suite's capital: it builds one suite (all
    100 treated); with half that budget it builds nothing."""
    enough = solve_expansion(_problem(0.0, objective="patients", capital_budget=1e6))
    assert enough.units.sum() == 1.0 and enough.waiting.sum() == pytest.approx(0.0)
    short = solve_expansion(_problem(0.0, objective="patients", capital_budget=0.5e6))
    assert short.units.sum() == 0.0


def _random_problem(
    need: list[float], existing: float, penalty: float, capital: float
) -> ExpansionProblem:
    years = len(need)
    return ExpansionProblem(
        years=years,
        need=np.array([need]),
        resources=("suite",),
        existing=np.array([existing]),
        existing_fixed_cost=np.array([0.0]),
        products=(ProductSpec("p", (0,), {"suite": 0.01}, 10.0, 1.0),),
        candidates=(
            _suite(capital=capital, last=years - 1, max_units=3, lead_time=1.0, ramp_up=0.5),
            _suite(
                name="rent",
                kind="cdmo",
                capital=0.0,
                fixed_cost=capital / 4,
                lead_time=0.0,
                last=years - 1,
                max_units=1,
            ),
        ),
        discount_rate=0.05,
        waiting_penalty=penalty,
    )


needs = st.lists(st.floats(0.0, 300.0), min_size=2, max_size=5)


@settings(max_examples=25)
@given(needs, st.floats(0.0, 2.0), st.floats(0.0, 2.0), st.floats(100.0, 1e5), st.floats(1e4, 2e6))
def test_more_existing_rooms_never_leave_more_patients_waiting(
    need: list[float], existing: float, extra: float, penalty: float, capital: float
) -> None:
    """Adding capacity never increases untreated patients (patient-years waited)."""
    base = solve_expansion(_random_problem(need, existing, penalty, capital))
    more = solve_expansion(_random_problem(need, existing + extra, penalty, capital))
    assert more.waiting.sum() <= base.waiting.sum() + 1e-6 * (1 + base.waiting.sum())


@settings(max_examples=25)
@given(needs, st.floats(0.0, 2.0), st.floats(100.0, 1e5), st.floats(1.0, 10.0), st.floats(1e4, 2e6))
def test_a_higher_penalty_never_builds_less(
    need: list[float], existing: float, penalty: float, factor: float, capital: float
) -> None:
    """Raising the penalty per untreated patient never lowers what the plan spends on
    capacity (capital, running and rent, discounted) nor raises patient-years waited: an
    exchange argument on the two optima, C(x₂) ≥ C(x₁) and W(x₂) ≤ W(x₁)."""
    low_problem = _random_problem(need, existing, penalty, capital)
    high_problem = _random_problem(need, existing, penalty * factor, capital)
    low, high = solve_expansion(low_problem), solve_expansion(high_problem)

    def spent(problem: ExpansionProblem, objective: float | None, waiting: np.ndarray) -> float:
        """The objective less its waiting penalty: what the plan costs."""
        discount = discount_factors(problem.discount_rate, problem.years)
        assert objective is not None
        return objective - problem.waiting_penalty * float(discount @ waiting.sum(axis=0))

    low_spent = spent(low_problem, low.objective_value, low.waiting)
    high_spent = spent(high_problem, high.objective_value, high.waiting)
    assert high_spent >= low_spent - 1e-6 * (1 + abs(low_spent))
    assert high.waiting.sum() <= low.waiting.sum() + 1e-6 * (1 + low.waiting.sum())


def _no_rooms(loss: float, **changes: object) -> ExpansionProblem:
    """Three years, 100 patients needing therapy in year 0, no room and nothing to build."""
    fields: dict[str, object] = {
        "need": np.array([[100.0, 0.0, 0.0]]),
        "years": 3,
        "candidates": (),
        "loss_rate": np.array([loss]),
    }
    fields.update(changes)
    return _problem(500.0, **fields)


def test_waiting_patients_lost_by_hand() -> None:
    """10 % of those waiting at a year's end are lost in the next: 100 wait at the end of
    year 0, 10 are lost in year 1 (90 wait), 9 in year 2 (81 wait). The objective: 500 a
    patient-year for 100 + 90 + 81 = 271 patient-years, and each patient lost counts as
    waiting to the horizon's end (10 × 2 + 9 × 1 = 29 more): 500 × 300 = 150,000, what the
    wait would cost if nobody were lost."""
    solution = solve_expansion(_no_rooms(0.1))
    assert solution.waiting[0].tolist() == pytest.approx([100.0, 90.0, 81.0])
    assert solution.lost[0].tolist() == pytest.approx([0.0, 10.0, 9.0])
    assert solution.objective_value == pytest.approx(150_000.0)
    # a stated loss penalty of 1,000 a patient instead: 135,500 + 19,000
    stated = solve_expansion(_no_rooms(0.1, loss_penalty=1000.0))
    assert stated.objective_value == pytest.approx(500 * 271 + 1000 * 19)


def test_losses_over_two_years_with_half_the_patients_treated_each_year() -> None:
    """Half a suite exists (50 patients a year), 100 need therapy in year 0: 50 treated, 50
    wait; 5 of them (10 %) are lost in year 1, the 45 others treated."""
    problem = _problem(
        500.0,
        need=np.array([[100.0, 0.0]]),
        existing=np.array([0.5]),
        candidates=(),
        loss_rate=np.array([0.1]),
    )
    solution = solve_expansion(problem)
    assert solution.treated[0, 0].tolist() == pytest.approx([50.0, 45.0])
    assert solution.lost[0].tolist() == pytest.approx([0.0, 5.0])
    assert solution.waiting[0].tolist() == pytest.approx([50.0, 0.0])


@settings(max_examples=15)
@given(needs, st.floats(0.0, 2.0), st.floats(100.0, 1e5), st.floats(1e4, 2e6))
def test_no_loss_is_the_model_without_losses(
    need: list[float], existing: float, penalty: float, capital: float
) -> None:
    """A waiting loss rate of zero gives the plan and figures of the model without one."""
    base = _random_problem(need, existing, penalty, capital)
    without = solve_expansion(base)
    zero = solve_expansion(replace(base, loss_rate=np.zeros(1)))
    assert zero.objective_value == pytest.approx(without.objective_value)
    assert np.allclose(zero.waiting, without.waiting) and not zero.lost.any()
