"""JSON Schema of the scenario, plan, chain, outlook and network formats, for editors' YAML
language servers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from genofab.model.chain import FORMAT as CHAIN_FORMAT
from genofab.model.chain import ChainSpec
from genofab.model.network import FORMAT as NETWORK_FORMAT
from genofab.model.network import Network
from genofab.model.outlook import FORMAT as OUTLOOK_FORMAT
from genofab.model.outlook import Outlook
from genofab.model.parameter import UNCERTAINTY_SCHEMA
from genofab.model.plan import FORMAT as PLAN_FORMAT
from genofab.model.plan import Plan
from genofab.model.scenario import FORMAT, Scenario
from genofab.model.uncertainty import uncertainty_schema

_PARAMETER_KEYS = {"value", "unit", "given", "source"}


def scenario_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab/1`` scenario."""
    return _schema(Scenario, FORMAT, "scenario")


def plan_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab-plan/1`` plan."""
    return _schema(Plan, PLAN_FORMAT, "plan")


def chain_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab-chain/1`` chain of stages."""
    return _schema(ChainSpec, CHAIN_FORMAT, "chain")


def outlook_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab-outlook/1`` outlook."""
    return _schema(Outlook, OUTLOOK_FORMAT, "outlook")


def network_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a ``genofab-network/1`` network."""
    return _schema(Network, NETWORK_FORMAT, "network")


def _schema(model: type[BaseModel], format_name: str, what: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://genofab.org/schema/{format_name.replace('/', '-')}.json"
    schema["title"] = f"genofab {what} ({format_name})"
    schema.setdefault("$defs", {})["Uncertainty"] = uncertainty_schema()
    _for_editors(schema)
    return schema


def _for_editors(node: Any) -> None:
    """Defaults as written in a file (``"1 dose/patient"``, never genofab's internal records);
    each quantity's uncertainty as a reference to the one shared definition."""
    if isinstance(node, dict):
        if node.get("uncertainty") == {UNCERTAINTY_SCHEMA: True}:
            node["uncertainty"] = {"$ref": "#/$defs/Uncertainty"}
        default = node.get("default")
        if isinstance(default, dict) and default.keys() >= _PARAMETER_KEYS:
            node["default"] = default["given"]
        for value in node.values():
            _for_editors(value)
    elif isinstance(node, list):
        for value in node:
            _for_editors(value)
