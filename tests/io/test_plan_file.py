"""Loading plan files: the examples load with a source for every stated number; each bad
input named in issue 5 gives a clear message with file, line and field; a plan may take a
product's phases from a scenario file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from genofab.errors import Issue
from genofab.io.plan_file import load_plan
from genofab.model.scenario import iter_parameters
from tests.helpers import EXAMPLES, dump_yaml, edit, load_only_problem, load_problems, tiny_data
from tests.schedule_plans import benchmark_data, two_stage_data

Write = Callable[..., Path]
PLANS = sorted(EXAMPLES.glob("schedule-*.yaml"))


def problems(path: Path) -> list[Issue]:
    return load_problems(load_plan, path)


def only_problem(path: Path) -> Issue:
    return load_only_problem(load_plan, path)


def test_there_are_the_benchmark_plans_and_the_large_one() -> None:
    assert [path.name for path in PLANS] == [
        "schedule-12-rooms.yaml",
        "schedule-4-suites-due-26.yaml",
        "schedule-4-suites-due-52.yaml",
        "schedule-4-suites.yaml",
        "schedule-lakhdar-2005.yaml",
        "schedule-profit-stock.yaml",
        "schedule-stages-profit.yaml",
        "schedule-stages.yaml",
    ]


@pytest.mark.parametrize("example", PLANS, ids=lambda p: p.name)
def test_benchmark_plans_load_with_sources(example: Path) -> None:
    plan = load_plan(example).plan
    stated = [
        (path, p)
        for path, p in iter_parameters(plan)
        if not (p.source or "").startswith("default:")
    ]
    assert stated
    assert [path for path, p in stated if not p.source] == []


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("rooms.0.capacity", 0, "rooms[0].capacity", "0 lot is below 1"),
        ("rooms.0.changeover", "-1 wk", "rooms[0].changeover", "is below 0"),
        ("rooms.0.cleaning", "-2 d", "rooms[0].cleaning", "is below 0"),
        ("rooms.0.count", 2.5, "rooms[0].count", "not a whole number"),
        ("products.0.phases.0.duration", "0 wk", "products[0].phases[0].duration", "above 0"),
        ("products.0.phases.0.duration", "3 L", "products[0].phases[0].duration", "a volume"),
        ("demands.0.lots", 0, "demands[0].lots", "below 1"),
        ("demands.0.product", "d", "demands[0].product", "'d' is not a product of the plan"),
        ("demands.0.due", "60 wk", "demands[0].due", "after the end of the 364 d horizon"),
        ("demands.0.due", "0 wk", "demands[0].due", "at or before the start of the horizon"),
        ("products.0.phases.0.room", "suit", "products[0].phases[0].room", "did you mean 'suite'"),
        ("time_step", "0 d", "time_step", "above 0"),
        ("rooms.0.products", ["a", "b", "c", "zz"], "rooms[0].products[3]", "'zz' is not a"),
        ("rooms.0.count", 0, "rooms[0].count", "0 is below 1"),  # rooms, not lots
        ("rooms.0.changeovers", [{"from": "a", "to": "a", "time": "3 wk"}],
         "rooms[0].changeovers[0].to", "lots of one product need no changeover"),
    ],
)  # fmt: skip
def test_bad_values_are_named(
    write: Write, path: str, value: Any, field: str, message: str
) -> None:
    text = dump_yaml(edit(benchmark_data(), path, value))
    issue = only_problem(write(text, "plan.yaml"))
    assert issue.path == field
    assert message in issue.message
    assert issue.line is not None
    if field == "rooms[0].count":
        assert "lot" not in issue.message


def test_a_product_no_room_can_make_is_named(write: Write) -> None:
    data = edit(benchmark_data(), "rooms.0.products", ["a", "b"])
    issue = only_problem(write(dump_yaml(data), "plan.yaml"))
    assert issue.path == "products[2].phases[0].room"
    assert "no room of kind 'suite' may make product 'c'" in issue.message


def test_a_demand_due_before_the_horizon_starts_is_named(write: Write) -> None:
    data = benchmark_data()
    data["start"] = "2027-01-04"
    data["demands"][1]["due"] = "2026-12-01"
    text = dump_yaml(data)
    path = write(text, "plan.yaml")
    issue = only_problem(path)
    assert issue.path == "demands[1].due"
    assert "2026-12-01 is before the horizon starts (2027-01-04)" in issue.message
    assert issue.render(str(path)).startswith(f"{path}:{issue.line}:")


def test_a_date_needs_a_start(write: Write) -> None:
    data = edit(benchmark_data(), "demands.0.due", "2027-06-30")
    issue = only_problem(write(dump_yaml(data), "plan.yaml"))
    assert "needs the plan's 'start' date" in issue.message


def test_every_problem_is_reported_at_once(write: Write) -> None:
    data = edit(benchmark_data(), "rooms.0.capacity", 0)
    data = edit(data, "rooms.0.changeover", "-1 wk")
    data = edit(data, "demands.2.product", "x")
    found = problems(write(dump_yaml(data), "plan.yaml"))
    assert {issue.path for issue in found} == {
        "rooms[0].capacity",
        "rooms[0].changeover",
    }  # cross-references are checked once every field is valid


def test_currencies_cannot_be_mixed(write: Write) -> None:
    data = two_stage_data()
    data["demands"][1]["value_per_lot"] = "200000 USD/lot"
    found = problems(write(dump_yaml(data), "plan.yaml"))
    assert any("use one currency" in issue.message for issue in found)


def test_an_unknown_key_gets_a_suggestion(write: Write) -> None:
    data = edit(benchmark_data(), "rooms.0.changover", "1 wk")
    issue = only_problem(write(dump_yaml(data), "plan.yaml"))
    assert "did you mean 'changeover'" in issue.message


def test_phases_come_from_a_scenario(write: Write) -> None:
    scenario = tiny_data()
    write(dump_yaml(scenario), "tiny.yaml")
    plan = benchmark_data()
    plan["products"] = [{"name": "vector", "scenario": "tiny.yaml"}]
    plan["rooms"] = [
        {"name": kind, "capacity": 2 if kind in {"seed_lab", "qc_lab"} else 1}
        for kind in ("seed_lab", "suite", "fill_room", "qc_lab")
    ]
    plan["demands"] = [{"sponsor": "s", "product": "vector", "lots": 3, "due": "20 wk"}]
    loaded = load_plan(write(dump_yaml(plan), "plan.yaml"))
    assert set(loaded.scenarios) == {"vector"}


def test_a_scenario_with_rooms_the_plan_lacks_is_named(write: Write) -> None:
    write(dump_yaml(tiny_data()), "tiny.yaml")
    plan = benchmark_data()
    plan["products"] = [{"name": "vector", "scenario": "tiny.yaml"}]
    plan["demands"] = [{"sponsor": "s", "product": "vector", "lots": 3, "due": "20 wk"}]
    issue = only_problem(write(dump_yaml(plan), "plan.yaml"))
    assert issue.path == "products[0].scenario"
    assert "fill_room" in issue.message


def test_a_missing_scenario_is_named(write: Write) -> None:
    plan = benchmark_data()
    plan["products"][0] = {"name": "a", "scenario": "nowhere.yaml"}
    issue = only_problem(write(dump_yaml(plan), "plan.yaml"))
    assert issue.path == "products[0].scenario"
    assert "cannot read the file" in issue.message


def test_a_plan_number_with_its_own_uncertainty_is_refused(write: Write) -> None:
    data = benchmark_data()
    data["rooms"][0]["changeover"] = {
        "value": 1,
        "unit": "wk",
        "uncertainty": {"kind": "uniform", "low": 0.5, "high": 2},
    }
    issue = only_problem(write(dump_yaml(data), "plan.yaml"))
    assert issue.path == "rooms[0].changeover.uncertainty"
    assert "the plan's own 'uncertainty' section" in issue.message
    assert issue.line is not None


def test_an_empty_plan_file_says_how_a_plan_starts(write: Write) -> None:
    issue = only_problem(write("", "plan.yaml"))
    assert "the file is empty" in issue.message
    assert "'format: genofab-plan/1' for a plan" in issue.message
