"""A room's state at the start of the horizon: set up for a product (a first lot of another
product pays the changeover from it), or clean with a startup (a first campaign's lead time,
as in the campaign-planning literature). Every scheduler keeps it, the assessment judges it,
and each case is worked out by hand on one suite."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.aggregate import AggregatePlan, decode_aggregate
from genofab.engines.scheduling.campaign import SolverRun, arc_flow, decode, stages
from genofab.engines.scheduling.improve import improve
from genofab.engines.scheduling.instance import rounding_notes
from genofab.engines.scheduling.lot_model import solve_lot_model
from genofab.engines.scheduling.montecarlo import (
    FixedPlan,
    Multipliers,
    draw_samples,
    simulate,
)
from genofab.engines.scheduling.rooms_needed import earliest_alone, rooms_needed
from genofab.engines.scheduling.rules import earliest_due_date, place_lots
from genofab.engines.scheduling.sequence_search import _Search, search_sequences, sequence_shape
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import START, Placement, Timetable, assess
from genofab.model.plan import Plan
from tests.engines.scheduling import simpy_plan
from tests.schedule_plans import instance_of

FAR = 60.0


def one_suite(objective: str = "lateness", **room: Any) -> dict[str, Any]:
    """One suite (changeover 1 wk), one lot of `a` due at week 2 and one of `b` at week 10,
    2 weeks each: with nothing to do before the first lot, a then b are both on time."""
    product = {"phases": [{"name": "make", "room": "suite", "duration": "2 wk"}]}
    return {
        "format": "genofab-plan/1",
        "name": "room start",
        "objective": objective,
        "time_step": "1 wk",
        "horizon": "20 wk",
        "products": [{"name": "a", **product}, {"name": "b", **product}],
        "rooms": [{"name": "suite", "changeover": "1 wk", **room}],
        "demands": [
            {"sponsor": "s", "product": "a", "lots": 1, "due": "2 wk",
             "value_per_lot": "1000 EUR/lot"},
            {"sponsor": "s", "product": "b", "lots": 1, "due": "10 wk",
             "value_per_lot": "1000 EUR/lot"},
        ],
    }  # fmt: skip


# By hand: set up for b, a first waits for the changeover b→a (1 wk): a in weeks 1-3 (1 late),
# b after another changeover in weeks 4-6; b first: a in weeks 3-5 (3 late). Optimum 1.
# Clean with a 2-week startup: a in weeks 2-4 (2 late). With a's own startup of 0 (the
# room's 3 weeks for the others): a in weeks 0-2, on time.
CASES = [
    pytest.param({}, 0, id="nothing-before-the-first-lot"),
    pytest.param({"set_up_for": "b"}, 1, id="set-up-for-b"),
    pytest.param({"set_up_for": "a"}, 0, id="set-up-for-a"),
    pytest.param({"startup": "2 wk"}, 2, id="clean-startup"),
    pytest.param(
        {"startup": "3 wk", "startups": [{"product": "a", "time": "0 wk"}]}, 0, id="per-product"
    ),
]


def test_the_instance_takes_the_row_of_the_product_the_rooms_are_set_up_for() -> None:
    data = one_suite(set_up_for="b")
    data["rooms"][0]["changeovers"] = [{"from": "b", "to": "a", "time": "3 wk", "cost": "7 EUR"}]
    room = instance_of(data).rooms[0]
    assert room.startup == (3, 0) and room.startup_cost == (7.0, 0.0)
    assert room.change(-1, 0) == 3 and room.change(-1, 1) == 0
    assert room.change(1, 0) == 3 and room.change_cost(-1, 0) == 7.0
    own = [{"product": "b", "time": "4 d", "cost": "1 EUR"}]
    clean = instance_of(one_suite(startup="2 wk", startup_cost="5 EUR", startups=own)).rooms[0]
    assert clean.startup == (2, 1) and clean.startup_cost == (5.0, 1.0)
    assert instance_of(one_suite()).rooms[0].startup == ()


def test_a_startup_alone_makes_a_room_sequenced() -> None:
    data = one_suite(startup="1 wk")
    data["rooms"][0]["changeover"] = "0 wk"
    assert instance_of(data).rooms[0].sequenced
    data["rooms"][0].pop("startup")
    assert not instance_of(data).rooms[0].sequenced


def test_the_assessment_judges_the_first_lot_of_each_room() -> None:
    instance = instance_of(one_suite(startup="2 wk", startup_cost="300 EUR"))
    early = Timetable((Placement(0, 0, 0, 0, 1, 3), Placement(1, 0, 0, 0, 4, 6)))
    judged = assess(instance, early)
    assert not judged.feasible
    assert any("startup needs 2" in v for v in judged.violations)
    on_time = Timetable((Placement(0, 0, 0, 0, 2, 4), Placement(1, 0, 0, 0, 5, 7)))
    judged = assess(instance, on_time)
    assert judged.feasible, judged.violations
    first = judged.changeovers[0]
    assert (first.after_lot, first.before_lot, first.start, first.steps, first.cost) == (
        START,
        0,
        0,
        2,
        300.0,
    )
    # the startup is paid like a changeover: 2000 of sales, 300 of startup, and the a→b
    # changeover of 1 week costs nothing
    assert judged.changeover_cost == 300.0
    assert judged.margin == pytest.approx(2000 - 300)


@pytest.mark.parametrize(("room", "lateness"), CASES)
def test_the_pipeline_proves_the_optimum_by_hand(room: dict[str, Any], lateness: int) -> None:
    instance = instance_of(one_suite(**room))
    solution = plan_schedule(instance, "lateness", time_limit=5)
    assert solution.status == "optimal"
    assert solution.value == lateness
    assert assess(instance, solution.timetable).feasible


@pytest.mark.parametrize(("room", "lateness"), CASES)
def test_the_lot_model_keeps_the_state_at_the_start(room: dict[str, Any], lateness: int) -> None:
    instance = instance_of(one_suite(**room))
    found = solve_lot_model(instance, "lateness", time_limit=30.0, work=5.0, workers=1)
    assert found.run.status == "optimal" and found.timetable is not None
    achieved = assess(instance, found.timetable)
    assert achieved.feasible, achieved.violations
    assert achieved.total_lateness == lateness == found.run.objective


@pytest.mark.parametrize(("room", "lateness"), CASES)
def test_the_campaign_model_keeps_the_state_at_the_start(
    room: dict[str, Any], lateness: int
) -> None:
    instance = instance_of(one_suite(**room))
    stage = stages(instance)[0]
    plan = arc_flow(instance, stage, "lateness", time_limit=30.0, work=5.0)
    assert plan.run.status == "optimal" and plan.run.objective == lateness
    achieved = assess(instance, decode(instance, stage, plan))
    assert achieved.feasible, achieved.violations
    assert achieved.total_lateness == lateness


@pytest.mark.parametrize(("room", "lateness"), CASES)
def test_the_rules_and_the_sequence_search_keep_it(room: dict[str, Any], lateness: int) -> None:
    instance = instance_of(one_suite(**room))
    start = earliest_due_date(instance)
    assert assess(instance, start).feasible
    found = search_sequences(
        instance, "lateness", start, moves=200, deadline=time.perf_counter() + FAR
    )
    assert found is not None
    achieved = assess(instance, found.timetable)
    assert achieved.feasible, achieved.violations
    assert achieved.total_lateness == lateness


def test_the_neighbourhood_search_moves_a_lot_first_only_after_the_startup() -> None:
    instance = instance_of(one_suite(set_up_for="b"))
    poor = place_lots(instance, [1, 0], {})  # b first: a in weeks 3-5, 3 weeks late
    assert assess(instance, poor).total_lateness == 3
    result = improve(instance, "lateness", poor, work=1.0, deadline=time.perf_counter() + FAR)
    assert result is not None
    assert result.assessment.feasible
    assert result.assessment.total_lateness == 1  # a after the changeover from b


def test_a_startup_cost_is_a_margin_the_models_count() -> None:
    # a startup of 1 week and 600 EUR: the lot of a (due at week 2) is then at least 1 week
    # late at 200 EUR a day (1,400 for a sale of 1,000), so it is not made; b is, and pays the
    # startup: 1000 - 600 (both made: 2000 - 600 - 1400 = 0; without the startup, 2000)
    data = one_suite("margin", startup="1 wk", startup_cost="600 EUR")
    data["demands"][0]["lateness_penalty"] = "200 EUR/lot/d"
    instance = instance_of(data)
    solution = plan_schedule(instance, "margin", time_limit=5)
    assert solution.status == "optimal"
    assert solution.value == pytest.approx(1000 - 600)
    assert {p.lot for p in solution.timetable.placements} == {1}
    flows = arc_flow(instance, stages(instance)[0], "margin", time_limit=30.0, work=5.0)
    assert flows.run.status == "optimal" and flows.run.objective == pytest.approx(400)
    found = solve_lot_model(instance, "margin", time_limit=30.0, work=5.0, workers=1)
    assert found.run.objective == pytest.approx(400)
    assert found.timetable is not None
    assert {p.lot for p in found.timetable.placements} == {1}


def test_the_monte_carlo_waits_for_the_startup_as_its_reference_does() -> None:
    instance = instance_of(one_suite(startup="2 wk"))
    plan = FixedPlan.of(instance, earliest_due_date(instance))
    changeovers = Multipliers((1.0, 1.0, 1.0), (1.0, 1.5, 3.0), (1.0, 1.0, 1.0), None)
    samples = draw_samples(instance, plan, changeovers, 50, np.random.default_rng(3))
    fast = simulate(instance, plan, samples).release
    np.testing.assert_allclose(fast, simpy_plan.simulate(instance, plan, samples), rtol=1e-9)
    # a's release: its startup (2 weeks × the changeover multiplier) and 2 weeks of work
    first = plan.lots.index(0)
    np.testing.assert_allclose(fast[:, first], 2 * samples.changeover_multiplier[:, 0] + 2)


def test_the_sequence_search_times_a_first_lot_after_the_startup() -> None:
    instance = instance_of(one_suite(startup="3 wk", startups=[{"product": "b", "time": "1 wk"}]))
    shape = sequence_shape(instance)
    assert shape is not None
    state = _Search(instance, "lateness", shape)
    # a first: its startup of 3 weeks, then b after the changeover; b first: its own 1 week
    assert state.time_room(0, [0, 1])[0] == [3, 6]
    assert state.time_room(0, [1, 0])[0] == [1, 4]


def test_the_aggregate_plan_numbers_lots_by_their_start_after_each_rooms_startup() -> None:
    # two suites, one lot of a each; suite_x starts clean with 3 weeks of startup, suite_y
    # has none: the first lot (due first) is the one suite_y makes at once
    data = one_suite(startup="3 wk")
    data["rooms"][0]["name"] = "suite_x"
    data["rooms"][0]["kind"] = "suite"
    data["rooms"].append({"name": "suite_y", "kind": "suite"})
    data["demands"] = [{"sponsor": "s", "product": "a", "lots": 2, "due": "4 wk", "spread": "even"}]
    instance = instance_of(data)
    run = SolverRun("aggregate", "optimal", 2.0, 2.0, 0.0, 1.0, 0)
    timetable = decode_aggregate(
        instance, stages(instance)[0], AggregatePlan(run, {(0, 0): {0: 1}, (1, 0): {0: 1}})
    )
    achieved = assess(instance, timetable)
    assert achieved.feasible, achieved.violations
    rooms = {p.lot: p.group for p in timetable.placements}
    assert rooms == {0: 1, 1: 0} and achieved.total_lateness == 1  # a-02 ends at week 5


def test_the_grid_notes_a_startup_and_a_changeover_it_rounds() -> None:
    data = one_suite(startup="4 d", startups=[{"product": "b", "time": "1 wk"}])
    data["rooms"][0]["changeovers"] = [{"from": "a", "to": "b", "time": "10 d"}]
    notes = rounding_notes(Plan.model_validate(data), {})
    assert notes == [
        "rooms[0].changeovers[0] (suite, a to b): 10 d becomes 2 wk on the 1 wk grid",
        "rooms[0].startup (suite): 4 d becomes 1 wk on the 1 wk grid",
    ]


def test_a_lot_left_out_by_a_startup_says_so() -> None:
    instance = instance_of(one_suite(startup="25 wk"))
    solution = plan_schedule(instance, "lateness", time_limit=2)
    assert solution.status == "infeasible"
    assert solution.timetable is not None
    reasons = {instance.lot_name(lot): why for lot, why in solution.timetable.left_out}
    assert "the room's startup before a first lot takes 25 wk" in reasons["a-01"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    objective=st.sampled_from(["makespan", "lateness", "margin", "profit"]),
    state=st.sampled_from(["a", "b", 0, 1, 3]),
    rooms=st.integers(1, 2),
    lots=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    due=st.integers(3, 12),
    qc=st.booleans(),
)
def test_every_objective_keeps_random_states_at_the_start(
    objective: str, state: str | int, rooms: int, lots: tuple[int, int], due: int, qc: bool
) -> None:
    # one suite kind of `rooms` rooms set up for a product, or clean with a startup of
    # `state` weeks (1 EUR); a QC release after the suite or not
    start: dict[str, Any] = (
        {"set_up_for": state} if isinstance(state, str) else
        {"startup": f"{state} wk", "startup_cost": "1000 EUR"}
    )  # fmt: skip
    data = one_suite(objective, count=rooms, **start)
    data["horizon"] = "30 wk"
    for demand, count in zip(data["demands"], lots, strict=True):
        demand.update(lots=count, due=f"{due} wk", spread="even")
        demand["lateness_penalty"] = "100 EUR/lot/d"
    if qc:
        for product in data["products"]:
            product["phases"].append({"name": "release", "room": "qc_lab", "duration": "1 wk"})
        data["rooms"].append({"name": "qc_lab", "capacity": 1})
    instance = instance_of(data)
    solution = plan_schedule(instance, objective, time_limit=0.5, workers=1)  # type: ignore[arg-type]
    assert solution.status in ("optimal", "feasible"), solution.infeasibility
    assert solution.timetable is not None
    judged = assess(
        instance,
        solution.timetable,
        all_lots=objective not in ("margin", "profit"),
        inventory=objective == "profit",
    )
    assert judged.feasible, judged.violations
    firsts: dict[int, Placement] = {}
    for placement in solution.timetable.placements:
        if placement.group == 0 and (
            placement.room not in firsts or placement.start < firsts[placement.room].start
        ):
            firsts[placement.room] = placement
    room = instance.rooms[0]
    for first in firsts.values():
        assert first.start >= room.change(-1, instance.lots[first.lot].product)
    if solution.bound is not None and solution.value is not None:
        worse = (
            solution.value < solution.bound
            if objective in ("margin", "profit")
            else (solution.value > solution.bound)
        )
        assert worse or solution.value == pytest.approx(solution.bound)


@pytest.mark.parametrize("room", [{"startup": "1 wk"}, {"set_up_for": "b"}])
def test_the_rooms_needed_count_the_startup_no_room_count_removes(room: dict[str, Any]) -> None:
    # a (due at week 2, 2 weeks) waits 1 week for any fresh suite's startup (or the b→a
    # changeover): 1 lot-week late with any number of suites; one suite is enough for that
    instance = instance_of(one_suite(**room))
    found = rooms_needed(instance)
    assert found.unavoidable == 1 and found.needed == (1,)


def test_the_rooms_needed_count_the_lot_feeding_a_lot() -> None:
    data = one_suite()
    data["products"][1]["made_from"] = {"product": "a", "lots": 1}
    data["demands"][1]["due"] = "3 wk"  # b: after a (week 2), 2 weeks: week 4 at the soonest
    instance = instance_of(data)
    assert earliest_alone(instance) == {0: 2, 1: 4}
    assert rooms_needed(instance).unavoidable == 1


def test_the_aggregate_plan_starts_a_room_with_the_product_it_is_set_up_for() -> None:
    # one suite set up for b makes one lot of a and one of b: b first needs no changeover
    # before it (b, then a after the changeover: weeks 0-2 and 3-5), a first would wait for
    # the changeover from b (weeks 1-3, then b in 4-6)
    data = one_suite(set_up_for="b")
    instance = instance_of(data)
    run = SolverRun("aggregate", "optimal", 5.0, 5.0, 0.0, 1.0, 0)
    timetable = decode_aggregate(
        instance, stages(instance)[0], AggregatePlan(run, {(0, 0): {0: 1, 1: 1}})
    )
    achieved = assess(instance, timetable)
    assert achieved.feasible and achieved.makespan == 5


def test_an_aggregate_plan_that_leaves_a_room_empty_is_decoded() -> None:
    # found by fuzzing: a room of the plan without lots made the decoding fail
    data = one_suite()
    data["rooms"].append({"name": "spare", "kind": "suite", "products": ["a"], "startup": "1 wk"})
    data["rooms"][0]["kind"] = "suite"
    instance = instance_of(data)
    run = SolverRun("aggregate", "optimal", 5.0, 5.0, 0.0, 1.0, 0)
    plan = AggregatePlan(run, {(0, 0): {0: 1, 1: 1}, (1, 0): {}})
    timetable = decode_aggregate(instance, stages(instance)[0], plan)
    assert assess(instance, timetable).feasible
    solution = plan_schedule(
        instance_of(data | {"objective": "makespan"}), "makespan", time_limit=2
    )
    assert solution.status == "optimal"
