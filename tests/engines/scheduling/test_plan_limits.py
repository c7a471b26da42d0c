"""Plan quantities have upper bounds (issue 9, item 2): a plan that asks for a million lots,
ten thousand rooms, a billion places, money of 1e308, a start in year 9999 or a minute grid
over ten years is refused at once with the field named, instead of exhausting memory in the
schedulers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from genofab.io.plan_file import load_plan
from tests.helpers import dump_yaml, edit, load_only_problem
from tests.schedule_plans import benchmark_data

Write = Callable[..., Path]


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("demands.0.lots", 1e6, "demands[0].lots", "is above 5000"),
        ("demands.0.lots", "1e20", "demands[0].lots", "is above 5000"),
        ("rooms.0.count", 10_000, "rooms[0].count", "is above 100"),
        ("rooms.0.capacity", 1e9, "rooms[0].capacity", "is above 1000"),
        ("demands.0.value_per_lot", "1e308 EUR/lot", "demands[0].value_per_lot", "is above 1e+10"),
        ("products.0.cost_per_lot", "1e11 EUR/lot", "products[0].cost_per_lot", "is above 1e+10"),
        ("start", "9999-12-31", "start", "outside the years 1950–2200"),
        ("time_step", "5 min", "time_step", "more than the 100,000 the schedulers handle"),
        ("products.0.failure_probability", "100 %", "products[0].failure_probability",
         "a lot that always fails is never made"),
    ],
)  # fmt: skip
def test_implausibly_large_plan_quantities_are_named(
    write: Write, path: str, value: Any, field: str, message: str
) -> None:
    issue = load_only_problem(
        load_plan, write(dump_yaml(edit(benchmark_data(), path, value)), "p.yaml")
    )
    assert issue.path == field
    assert message in issue.message


def test_lots_are_bounded_across_demands(write: Write) -> None:
    data = benchmark_data()
    for demand in data["demands"]:
        demand["lots"] = 2_000
    issue = load_only_problem(load_plan, write(dump_yaml(data), "plan.yaml"))
    assert issue.path == "demands"
    assert "ask for 6,000 lots in all, more than the 5,000" in issue.message


def test_the_largest_allowed_values_still_load(write: Write) -> None:
    data = edit(benchmark_data(), "demands.0.lots", 4_986)  # 5,000 lots in all
    data = edit(data, "rooms.0.count", 100)
    data = edit(data, "products.0.failure_probability", "99 %")
    assert load_plan(write(dump_yaml(data), "plan.yaml")).plan.rooms[0].count.value == 100
