"""How many rooms a plan would need to be on time: a bounded heuristic search over the
rule-based schedule, worked by hand on small plans, stated as a heuristic in the outputs."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from genofab.engines.scheduling.rooms_needed import rooms_needed
from genofab.views.cli import app
from tests.helpers import EXAMPLES
from tests.schedule_plans import instance_of


def one_suite_plan(lots: int, due: str, duration: str = "2 wk") -> dict[str, Any]:
    return {
        "format": "genofab-plan/1",
        "name": "one product",
        "time_step": "1 wk",
        "horizon": "20 wk",
        "products": [
            {"name": "a", "phases": [{"name": "make", "room": "suite", "duration": duration}]}
        ],
        "rooms": [{"name": "suite"}],
        "demands": [{"sponsor": "s", "product": "a", "lots": lots, "due": due}],
    }


def test_six_two_week_lots_due_at_week_four_need_three_suites() -> None:
    # a suite makes two lots of 2 weeks by week 4: 6 lots need 3 suites, 2 suites leave 2 late
    found = rooms_needed(instance_of(one_suite_plan(6, "4 wk")))
    assert found.needed == (3,)
    assert found.unavoidable == 0
    assert "heuristic" in found.method


def test_a_plan_on_time_may_need_fewer_rooms_than_it_has() -> None:
    data = one_suite_plan(4, "8 wk")
    data["rooms"][0]["count"] = 5
    assert rooms_needed(instance_of(data)).needed == (1,)  # 4 lots × 2 wk in 8 weeks


def test_lateness_the_recipe_causes_is_not_charged_to_the_rooms() -> None:
    # each lot takes 5 weeks but is due at week 3: 2 weeks late with any number of suites
    found = rooms_needed(instance_of(one_suite_plan(2, "3 wk", duration="5 wk")))
    assert found.unavoidable == 2 * 2
    assert found.needed == (2,)


def test_the_search_stops_at_its_budget() -> None:
    found = rooms_needed(instance_of(one_suite_plan(6, "4 wk")), placements=6)
    assert found.tried == 1  # one schedule of six lots
    assert found.needed == (None,)


def test_json_and_console_give_the_rooms_needed() -> None:
    runner = CliRunner()
    plan = str(EXAMPLES / "schedule-4-suites-due-52.yaml")
    output = json.loads(runner.invoke(app, ["schedule", plan, "-f", "json"]).stdout)
    assert output["rooms_needed"] == [{"rooms": "suite", "kind": "suite", "count": 4, "needed": 3}]
    assert output["rooms_needed_method"].startswith("heuristic:")
    table = runner.invoke(app, ["schedule", plan]).stdout
    assert "Rooms needed to be on time (heuristic)" in table
