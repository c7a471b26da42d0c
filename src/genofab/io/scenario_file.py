"""Load a ``genofab/1`` scenario file: parse, validate, and report every problem at once.

Each problem names the file, line, column and field path, and the rule broken, e.g.
``lv.yaml:14:7: process.steps[3].step_yield: 1.4 is above 1``. Nothing is computed from a
file with problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from genofab.errors import InfeasibleError, Issue, ScenarioError
from genofab.io.validation import issue_at, validation_issues
from genofab.io.yaml_source import YamlDocument, parse_yaml, read_yaml
from genofab.model.base import DEFER_CHECKS
from genofab.model.demand import Demand
from genofab.model.economics import Economics
from genofab.model.facility import Facility
from genofab.model.parameter import describe_value
from genofab.model.plan import FORMAT as PLAN_FORMAT
from genofab.model.process import Process
from genofab.model.product import Product
from genofab.model.scenario import Scenario, room_problems, scenario_problems

SectionT = TypeVar("SectionT", bound=BaseModel)


@dataclass(frozen=True)
class ScenarioFile:
    """A validated scenario and the file it came from (path, SHA-256 of its bytes, and where
    each field stands in it)."""

    path: str
    sha256: str
    scenario: Scenario
    document: YamlDocument

    def locate(self, error: InfeasibleError) -> ScenarioError:
        """The error of a lot or facility that cannot deliver, placed at its field in the file."""
        return ScenarioError([issue_at(self.document, error.path, error.message)], self.path)


def load_scenario(path: str | Path) -> ScenarioFile:
    """Read, parse and validate a scenario file; a :class:`ScenarioError` lists every problem."""
    return validate_document(read_yaml(path))


def parse_scenario(text: str | bytes, file: str = "<scenario>") -> ScenarioFile:
    """Validate scenario text (as from an upload) the same way as a file."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return validate_document(parse_yaml(raw, file))


def validate_document(document: YamlDocument) -> ScenarioFile:
    """Validate parsed YAML as a scenario, mapping every problem to its place in the file."""
    data = document.data
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Issue(
                    "",
                    "a scenario is a mapping of sections (format, name, product ...),"
                    f" got {describe_value(data)}",
                    1,
                    1,
                )
            ],
            document.file,
        )
    if data.get("format") == PLAN_FORMAT:
        raise ScenarioError(
            [
                issue_at(
                    document,
                    "format",
                    f"this is a plan ({PLAN_FORMAT}), not a scenario: schedule it with"
                    " genofab schedule, check it with genofab validate",
                )
            ],
            document.file,
        )
    issues: list[Issue] = []
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data, context={DEFER_CHECKS: True})
    except ValidationError as error:
        issues += validation_issues(error, document, Scenario)
    product = scenario.product if scenario else _section(Product, data.get("product"))
    process = scenario.process if scenario else _section(Process, data.get("process"))
    facility = scenario.facility if scenario else _section(Facility, data.get("facility"))
    economics = scenario.economics if scenario else _section(Economics, data.get("economics"))
    demand = scenario.demand if scenario else _section(Demand, data.get("demand"))
    cross = scenario_problems(product, process, facility, economics, demand)
    if process is None or facility is None:
        cross += room_problems(*_raw_rooms(data))
    if scenario is not None:
        cross += scenario.uncertainty_problems()
    reported = {issue.path for issue in issues}
    for path, message in cross:
        if path in reported:
            continue
        issues.append(issue_at(document, path, message))
    if issues or scenario is None:
        raise ScenarioError(issues, document.file)
    return ScenarioFile(document.file, document.sha256, scenario, document)


def _raw_rooms(data: dict[str, Any]) -> tuple[list[object], list[str]]:
    """Step rooms and facility room kinds as written, for the room check of a file whose
    process or facility failed validation for other reasons."""
    process, facility = data.get("process"), data.get("facility")
    steps = process.get("steps") if isinstance(process, dict) else None
    rooms = facility.get("rooms") if isinstance(facility, dict) else None
    if not isinstance(steps, list) or not isinstance(rooms, list):
        return [], []
    written = [room.get("kind") for room in rooms if isinstance(room, dict)]
    kinds = [kind for kind in written if isinstance(kind, str)]
    if len(kinds) != len(written):
        return [], []
    return [step.get("room") if isinstance(step, dict) else None for step in steps], kinds


def _section(model: type[SectionT], data: object) -> SectionT | None:
    """A section validated on its own, so cross-section checks still run when another failed."""
    try:
        return model.model_validate(data, context={DEFER_CHECKS: True})
    except ValidationError:
        return None
