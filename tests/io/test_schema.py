"""The JSON Schema of the format: up to date in docs/, and written without leftovers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genofab.errors import OutputError
from genofab.io.files import write_text_atomically
from genofab.io.schema import scenario_schema
from tests.helpers import ROOT


def test_the_committed_schema_is_up_to_date() -> None:
    committed = json.loads((ROOT / "docs" / "genofab-1.schema.json").read_text(encoding="utf-8"))
    assert committed == scenario_schema(), "run: genofab schema -o docs/genofab-1.schema.json"


def test_the_schema_lists_step_kinds_and_quantity_forms() -> None:
    text = json.dumps(scenario_schema())
    for kind in ("production_bioreactor", "chromatography", "qc_release", "cells_x_moi"):
        assert kind in text
    assert "citation, or 'assumption: <reason>'" in text


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "schema.json"
    with pytest.raises(OutputError, match="does not exist"):
        write_text_atomically(target, "{}")
    assert list(tmp_path.iterdir()) == []


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    target.write_text("old")
    write_text_atomically(target, "new")
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["schema.json"]


def test_schema_defaults_are_valid_file_values() -> None:
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "default" in node:
                found.append(node["default"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(scenario_schema())
    assert found, "the schema shows defaults"
    assert not [default for default in found if isinstance(default, dict)]
    assert "1 dose/patient" in found


def test_the_committed_plan_schema_is_up_to_date() -> None:
    from genofab.io.schema import plan_schema

    committed = json.loads(
        (ROOT / "docs" / "genofab-plan-1.schema.json").read_text(encoding="utf-8")
    )
    assert committed == plan_schema(), (
        "run: genofab schema --plan -o docs/genofab-plan-1.schema.json"
    )
    assert committed["title"] == "genofab plan (genofab-plan/1)"


def test_the_committed_chain_schema_is_up_to_date() -> None:
    from genofab.io.schema import chain_schema

    committed = json.loads(
        (ROOT / "docs" / "genofab-chain-1.schema.json").read_text(encoding="utf-8")
    )
    assert committed == chain_schema(), (
        "run: genofab schema --chain -o docs/genofab-chain-1.schema.json"
    )
    assert committed["title"] == "genofab chain (genofab-chain/1)"


def test_the_committed_outlook_schema_is_up_to_date() -> None:
    from genofab.io.schema import outlook_schema

    committed = json.loads(
        (ROOT / "docs" / "genofab-outlook-1.schema.json").read_text(encoding="utf-8")
    )
    assert committed == outlook_schema(), (
        "run: genofab schema --outlook -o docs/genofab-outlook-1.schema.json"
    )
    assert committed["title"] == "genofab outlook (genofab-outlook/1)"


def test_the_committed_network_schema_is_up_to_date() -> None:
    from genofab.io.schema import network_schema

    committed = json.loads(
        (ROOT / "docs" / "genofab-network-1.schema.json").read_text(encoding="utf-8")
    )
    assert committed == network_schema(), (
        "run: genofab schema --network -o docs/genofab-network-1.schema.json"
    )
