"""The three plans of issue 12 that got no schedule or cut lots in half: each now gets a
checked schedule, and a lot's consecutive phases in one kind of room run back to back in one
room. (The acceptance check at ``--time-limit 10`` is in benchmarks/bench_schedule.py; here
small limits keep the suite quick.)"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from genofab.engines.scheduling.instance import compile_plan, rounding_notes
from genofab.engines.scheduling.rules import earliest_due_date
from genofab.engines.scheduling.run import schedule_plan
from genofab.engines.scheduling.timetable import assess
from genofab.io.plan_file import load_plan
from genofab.model.plan import Plan
from genofab.results.schedule import LotRow, ScheduleResult
from tests.schedule_plans import benchmark_data

PLANS = Path(__file__).parent / "plans"


def run(name: str, time_limit: float) -> ScheduleResult:
    loaded = load_plan(PLANS / name)
    return schedule_plan(
        loaded.plan, loaded.plan.objective, scenarios=loaded.scenarios, time_limit=time_limit
    )


def whole(rows: tuple[LotRow, ...], first: str, second: str) -> None:
    """Each lot's ``first`` phase is followed at once, in the same room, by its ``second``,
    and no other lot holds that room in between."""
    by_lot: dict[str, dict[str, LotRow]] = defaultdict(dict)
    for row in rows:
        by_lot[row.lot][row.phase] = row
    pairs = [(phases[first], phases[second]) for phases in by_lot.values() if first in phases]
    assert pairs
    for a, b in pairs:
        assert a.room == b.room and a.end == b.start, (a, b)
        assert not [r for r in rows if r.room == a.room and r.lot != a.lot and r.start < b.end
                    and a.start < r.end]  # fmt: skip


def test_mini2_keeps_each_aav_lot_whole() -> None:
    result = run("mini2.yaml", 2)
    assert result.status == "optimal" and result.lots_made == 4
    whole(result.lots, "upstream", "downstream")


def test_the_25_lot_plan_gets_every_lot_scheduled() -> None:
    result = run("repro-unknown.yaml", 3)
    assert result.status in {"optimal", "feasible"}
    assert result.lots_made == 25 and result.left_out == ()
    whole(result.lots, "upstream", "downstream")
    assert result.lots[0].start_date is not None


def test_the_25_lot_plan_is_proven_optimal_at_the_issues_limit() -> None:
    # the plan is small enough for the exact lot model, which then takes part of the sequence
    # search's work (solve.EXACT_SHIFT); with its own share alone it ended `feasible` at 20
    # lot-weeks with a bound of 19 (the guard lets the counted work finish on a loaded machine)
    loaded = load_plan(PLANS / "repro-unknown.yaml")
    result = schedule_plan(
        loaded.plan, loaded.plan.objective, time_limit=10, guard=600, rooms_search=False
    )
    assert result.status == "optimal"
    assert result.objective_value == result.bound == 20
    assert result.lots_made == 25


def test_the_60_lot_plan_gets_a_schedule_and_a_reason_per_missing_lot() -> None:
    result = run("platform-2027.yaml", 3)
    assert result.status in {"optimal", "feasible", "partial"}
    assert result.lots_made + len(result.left_out) == 60
    assert result.lots_made >= 50
    assert all(row.reason for row in result.left_out)
    whole(result.lots, "upstream", "downstream")


def test_the_60_lot_plan_gets_all_60_lots_at_the_issues_limit() -> None:
    # under lateness the searches leave one lot out (the QC lab, 83 % loaded over the year,
    # is full at its end); a search of the shortest makespan packs it and places all 60 (the
    # guard lets the counted work of 10 s finish on a loaded machine)
    loaded = load_plan(PLANS / "platform-2027.yaml")
    result = schedule_plan(
        loaded.plan,
        loaded.plan.objective,
        scenarios=loaded.scenarios,
        time_limit=10,
        guard=600,
        rooms_search=False,
    )
    assert result.status == "feasible"
    assert result.lots_made == 60 and result.left_out == ()
    whole(result.lots, "upstream", "downstream")


def test_the_rule_based_schedule_of_the_60_lot_plan_is_checked_feasible() -> None:
    loaded = load_plan(PLANS / "platform-2027.yaml")
    instance = compile_plan(loaded.plan, loaded.scenarios)
    timetable = earliest_due_date(instance)
    assert assess(instance, timetable, all_lots=False).feasible
    assert len({p.lot for p in timetable.placements}) + len(timetable.left_out) == 60


def _suite_lab_suite(split: bool) -> dict[str, object]:
    return {
        "format": "genofab-plan/1", "name": "x", "time_step": "1 d", "horizon": "20 wk",
        "products": [
            {"name": "a", "phases": [
                {"name": "up", "room": "suite", "duration": "5 d", "split": split},
                {"name": "down", "room": "suite", "duration": "3 d"},
                {"name": "test", "room": "lab", "duration": "2 d"},
                {"name": "polish", "room": "suite", "duration": "1 d"},
            ]},
            {"name": "b", "phases": [{"name": "make", "room": "suite", "duration": "4 d"}]},
        ],
        "rooms": [{"name": "suite", "count": 2, "cleaning": "1 d", "changeover": "2 d"},
                  {"name": "lab"}],
        "demands": [{"sponsor": "s", "product": "a", "lots": 4, "due": "10 wk"},
                    {"sponsor": "t", "product": "b", "lots": 3, "due": "10 wk"}],
    }  # fmt: skip


def test_consecutive_phases_in_one_kind_of_room_are_one_unless_split() -> None:
    joined = compile_plan(Plan.model_validate(_suite_lab_suite(False)))
    assert [(p.name, p.duration) for p in joined.products[0].phases] == [
        ("up+down", 8),
        ("test", 2),
        ("polish", 1),
    ]
    assert joined.products[0].phases[0].sections == (("up", 5), ("down", 3))
    split = compile_plan(Plan.model_validate(_suite_lab_suite(True)))
    assert [p.name for p in split.products[0].phases] == ["up", "down", "test", "polish"]


@pytest.mark.parametrize("split", [False, True])
def test_a_lot_returning_to_a_kind_of_room_gets_a_feasible_rule_schedule(split: bool) -> None:
    # the rule-based scheme once let a lot's later phase overlap its own earlier one
    instance = compile_plan(Plan.model_validate(_suite_lab_suite(split)))
    timetable = earliest_due_date(instance)
    assessment = assess(instance, timetable)
    assert assessment.feasible, assessment.violations


def test_an_infeasibility_the_grid_causes_names_the_rounding() -> None:
    # a weekly grid turns a 12-hour fill and a day of cleaning into 2 weeks of fill room
    data = benchmark_data()
    for product in data["products"]:
        product["phases"].append({"name": "fill", "room": "fill_room", "duration": "12 h"})
    data["rooms"].append({"name": "fill_room", "cleaning": "1 d"})
    result = schedule_plan(Plan.model_validate(data), "makespan", time_limit=2)
    assert result.status == "infeasible"
    assert "products[0].phases[1] (a fill): 12 h becomes 1 wk on the 1 wk grid" in result.grid_notes
    assert "rooms[1].cleaning (fill_room): 1 d becomes 1 wk on the 1 wk grid" in result.grid_notes
    assert any(
        reason.startswith("the time grid may cause this: rooms[1].cleaning")
        for reason in result.infeasibility
    )


def test_under_margin_lots_that_do_not_fit_are_left_out_not_the_schedule() -> None:
    data = benchmark_data(objective="margin")
    data["demands"][2]["lots"] = 40  # 40 lots of c cannot all be made in the year
    for demand in data["demands"]:
        demand["value_per_lot"] = "1e6 EUR/lot"
    result = schedule_plan(Plan.model_validate(data), "margin", time_limit=2)
    assert result.status in {"optimal", "feasible"}
    assert result.margin is not None and result.margin.margin > 0
    assert result.lots_made + len(result.left_out) == 70
    assert result.left_out and all(row.reason for row in result.left_out)


def test_the_grid_notes_every_duration_and_due_date_it_changes() -> None:
    # on a weekly grid: a 3-day maximum wait becomes no wait at all, a 10-day shelf life one
    # week, a one-day shutdown a whole week, a 10-day due date week 1; a horizon of 367 days
    # becomes 52 weeks (1 %: not noted), and the 52-week due dates stay
    data = benchmark_data()
    data["horizon"] = "367 d"
    product = data["products"][0]
    product["phases"][0]["max_wait"] = "3 d"
    product["phases"].append({"name": "release", "room": "qc_lab", "duration": "1 wk"})
    product["shelf_life"] = "10 d"
    data["rooms"].append({"name": "qc_lab", "capacity": 2})
    data["rooms"][0]["shutdowns"] = [{"start": "70 d", "end": "71 d"}]
    data["demands"][0]["due"] = "10 d"
    result = schedule_plan(Plan.model_validate(data), "makespan", time_limit=1)
    assert list(result.grid_notes) == [
        "products[0].shelf_life (a): 10 d becomes 1 wk on the 1 wk grid",
        "products[0].phases[0].max_wait (a production): 3 d becomes 0 wk on the 1 wk grid",
        "rooms[0].shutdowns[0] (suite, its length): 1 d becomes 1 wk on the 1 wk grid",
        "demands[0].due (sponsor_a, a): 10 d becomes 1 wk on the 1 wk grid",
    ]


def test_the_grid_notes_a_horizon_it_shortens() -> None:
    data = benchmark_data()
    data["horizon"] = "10 d"
    for demand in data["demands"]:
        demand["due"] = "7 d"
    notes = rounding_notes(Plan.model_validate(data), {})
    assert notes[0] == "horizon: 10 d becomes 1 wk on the 1 wk grid"
    assert len(notes) == 1  # due dates of whole weeks are not moved
