"""Bad inputs of the profit fields (inventory, shelf life, deliveries at several dates,
unmet-demand penalties) through the real command: exit status 2, file, line, field and rule
named, no traceback, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genofab.io.plan_file import load_plan
from genofab.views.cli import app
from tests.engines.scheduling.test_profit import two_lot_plan
from tests.helpers import EXAMPLES, dump_yaml, edit, refused_by_schedule

runner = CliRunner()
Write = Callable[..., Path]


@pytest.mark.parametrize(
    ("path", "value", "field", "rule"),
    [
        ("inventory.capacity", -1, "inventory.capacity", "is below 0"),
        ("inventory.cost", "-5 EUR/lot/d", "inventory.cost", "is below 0"),
        ("products.0.inventory_cost", "-5 EUR/lot/d", "products[0].inventory_cost", "is below 0"),
        ("products.0.inventory_cost", "5 USD/lot/d", "products[0].inventory_cost", "one currency"),
        ("products.0.inventory_cost", "5 EUR/lot", "products[0].inventory_cost", "EUR/lot/d"),
        ("products.0.inventory_capacity", -1, "products[0].inventory_capacity", "is below 0"),
        ("products.0.shelf_life", "1 wk", "products[0].shelf_life", "not longer than the release"),
        ("products.0.shelf_life", "0 wk", "products[0].shelf_life", "above 0"),
        ("demands.0.deliveries.1.due", "20 wk", "demands[0].deliveries[1].due", "after the end"),
        ("demands.0.deliveries.0.due", "0 wk", "demands[0].deliveries[0].due", "at or before"),
        ("demands.0.deliveries.0.lots", 0, "demands[0].deliveries[0].lots", "below 1"),
        ("demands.0.unmet_penalty", "-1 EUR/lot", "demands[0].unmet_penalty", "is below 0"),
        ("demands.0.lots", 3, "demands[0]", "not both"),
        ("demands.0.deliveries", [], "demands[0]", "at least one delivery"),
        ("objective", "profits", "objective", "profit"),
        ("products.0.min_campaign", 3, "products[0].min_campaign", "above the 2 lots the"),
        ("products.0.min_campaign", 0, "products[0].min_campaign", "below 1"),
    ],
)
def test_a_bad_profit_field_exits_2_naming_file_line_field_and_rule(
    write: Write, tmp_path: Path, path: str, value: Any, field: str, rule: str
) -> None:
    refused_by_schedule(write, tmp_path, edit(two_lot_plan(), path, value), field, rule)


def test_a_demand_needs_its_dates(write: Write) -> None:
    data = two_lot_plan()
    del data["demands"][0]["deliveries"]
    result = runner.invoke(app, ["schedule", str(write(dump_yaml(data), "plan.yaml"))])
    assert result.exit_code == 2
    assert "demands[0]" in result.stderr and "give lots and due, or deliveries" in result.stderr


def test_delivery_dates_must_follow_the_start(write: Write) -> None:
    data = two_lot_plan()
    data["start"] = "2027-01-04"
    data["demands"][0]["deliveries"][1]["due"] = "2026-12-01"
    result = runner.invoke(app, ["schedule", str(write(dump_yaml(data), "plan.yaml"))])
    assert result.exit_code == 2
    assert "demands[0].deliveries[1].due" in result.stderr
    assert "is before the horizon starts (2027-01-04)" in result.stderr


def test_the_profit_example_runs_and_balances() -> None:
    result = runner.invoke(
        app, ["schedule", str(EXAMPLES / "schedule-profit-stock.yaml"), "-f", "json",
              "--time-limit", "2"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import json

    output = json.loads(result.stdout)
    profit = output["profit"]
    costs = ("production_cost", "changeover_cost", "storage_cost", "inventory_cost",
             "backlog_cost", "unmet_cost")  # fmt: skip
    assert profit["profit"] == pytest.approx(profit["sales"] - sum(profit[c] for c in costs))
    assert output["objective_value"] == pytest.approx(profit["profit"])
    assert profit["inventory_peak"] <= profit["inventory_capacity"]
    assert sum(row["lots_due"] for row in output["deliveries"]) == output["lots_demanded"]
    assert load_plan(EXAMPLES / "schedule-profit-stock.yaml").plan.objective == "profit"


def test_campaign_sizes_must_be_ordered_and_split_the_demand(write: Write) -> None:
    data = two_lot_plan()
    data["products"][0].update({"min_campaign": 2, "max_campaign": 1})
    result = runner.invoke(app, ["schedule", str(write(dump_yaml(data), "plan.yaml"))])
    assert result.exit_code == 2
    assert "products[0].min_campaign: 2 lots is above max_campaign (1 lot)" in result.stderr
    data["demands"][0]["deliveries"][0]["lots"] = 3  # 4 lots: 2 campaigns of 2..3 need 4
    data["products"][0].update({"min_campaign": 3, "max_campaign": 3})
    result = runner.invoke(app, ["schedule", str(write(dump_yaml(data), "plan.yaml"))])
    assert result.exit_code == 2
    assert "the 4 lots demanded cannot be split into campaigns of 3 to 3 lots" in (result.stderr)
