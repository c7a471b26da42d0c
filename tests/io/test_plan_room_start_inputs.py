"""Bad inputs of a room's state at the start (``set_up_for``, ``startup``, ``startup_cost``,
``startups``) through the real command: exit status 2, file, line, field and rule named, no
traceback, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.engines.scheduling.test_room_start import one_suite
from tests.helpers import edit, refused_by_schedule

Write = Callable[..., Path]


@pytest.mark.parametrize(
    ("path", "value", "field", "rule"),
    [
        ("rooms.0.set_up_for", "c", "rooms[0].set_up_for", "not a product these rooms may make"),
        ("rooms.0.startup", "-1 wk", "rooms[0].startup", "is below 0"),
        ("rooms.0.startup", "2 EUR", "rooms[0].startup", "expected a duration"),
        ("rooms.0.startup_cost", "-3 EUR", "rooms[0].startup_cost", "is below 0"),
        ("rooms.0.startup_cost", "3 USD", "demands[0].value_per_lot",
         "rooms[0].startup_cost is in USD: use one currency"),
        ("rooms.0.startups", [{"product": "x", "time": "1 wk"}], "rooms[0].startups[0].product",
         "not a product these rooms may make"),
        ("rooms.0.startups", [{"product": "a", "time": "1 wk"}, {"product": "a", "time": "2 wk"}],
         "rooms[0].startups[1].product", "given twice"),
        ("rooms.0.startups", [{"product": "a", "time": "-1 d"}], "rooms[0].startups[0].time",
         "is below 0"),
        ("rooms.0.set_up_for", 3, "rooms[0].set_up_for", "expected text"),
    ],
)  # fmt: skip
def test_a_bad_start_of_a_room_exits_2_naming_file_line_field_and_rule(
    write: Write, tmp_path: Path, path: str, value: Any, field: str, rule: str
) -> None:
    data = one_suite()
    data["demands"][0]["value_per_lot"] = "1000 EUR/lot"
    refused_by_schedule(write, tmp_path, edit(data, path, value), field, rule)


def test_rooms_set_up_for_a_product_do_not_also_start_clean(write: Write, tmp_path: Path) -> None:
    data = one_suite(set_up_for="a", startup="1 wk")
    refused_by_schedule(write, tmp_path, data, "rooms[0].set_up_for", "not both")


def test_a_room_that_holds_several_lots_has_no_startup(write: Write, tmp_path: Path) -> None:
    data = one_suite(startup="1 wk", capacity=2)
    refused_by_schedule(write, tmp_path, data, "rooms[0].startup", "no changeovers")


def test_a_room_may_be_set_up_only_for_a_product_it_makes(write: Write, tmp_path: Path) -> None:
    data = one_suite(set_up_for="b", products=["a", "b"])
    data["rooms"].append({"name": "other", "kind": "suite", "products": ["a"], "set_up_for": "b"})
    refused_by_schedule(write, tmp_path, data, "rooms[1].set_up_for", "they may make: a")
