"""JSON Schema of the scenario and plan formats, for editors' YAML language servers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from genofab.model.plan import FORMAT as PLAN_FORMAT
from genofab.model.plan import Plan
from genofab.model.scenario import FORMAT, Scenario

_PARAMETER_KEYS = {"value", "unit", "given", "source"}


def scenario_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab/1`` scenario."""
    return _schema(Scenario, FORMAT, "scenario")


def plan_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab-plan/1`` plan."""
    return _schema(Plan, PLAN_FORMAT, "plan")


def _schema(model: type[BaseModel], format_name: str, what: str) -> dict[str, Any]:
    """Defaults are shown as they would be written in a file (``"1 dose/patient"``), never as
    genofab's internal records."""
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://genofab.org/schema/{format_name.replace('/', '-')}.json"
    schema["title"] = f"genofab {what} ({format_name})"
    _write_defaults_as_text(schema)
    return schema


def _write_defaults_as_text(node: Any) -> None:
    if isinstance(node, dict):
        default = node.get("default")
        if isinstance(default, dict) and default.keys() >= _PARAMETER_KEYS:
            node["default"] = default["given"]
        for value in node.values():
            _write_defaults_as_text(value)
    elif isinstance(node, list):
        for value in node:
            _write_defaults_as_text(value)
