"""Load a ``genofab-plan/1`` file: parse, validate, resolve the scenarios it refers to, and
report every problem at once with file, line, column and field path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genofab.errors import GenofabError, ScenarioError
from genofab.io.references import FileReferenceError, referenced_path, referenced_problem
from genofab.io.scenario_file import load_scenario
from genofab.io.validation import issue_at, validate_root
from genofab.io.yaml_source import YamlDocument, read_yaml
from genofab.model.plan import FORMAT, Plan, plan_problems
from genofab.model.scenario import Scenario


@dataclass(frozen=True)
class PlanFile:
    """A validated plan, the file it came from, and the scenarios its products refer to."""

    path: str
    sha256: str
    plan: Plan
    scenarios: dict[str, Scenario] = field(default_factory=dict)


def load_plan(path: str | Path) -> PlanFile:
    """Read and validate a plan file; a :class:`ScenarioError` lists every problem."""
    return validate_plan_document(read_yaml(path), Path(path).parent)


def is_plan_document(document: YamlDocument) -> bool:
    """Whether parsed YAML declares the plan format (and not the scenario format)."""
    return isinstance(document.data, dict) and document.data.get("format") == FORMAT


def validate_plan_document(
    document: YamlDocument,
    folder: Path | None,
    resolve: Callable[[str], Scenario] | None = None,
) -> PlanFile:
    """Validate parsed YAML as a plan; scenario references are files relative to ``folder``,
    or, with ``resolve``, names it turns into scenarios (stored ones: no path is read)."""
    plan, issues = validate_root(
        document, Plan, plan_problems, "a plan", "format, name, products ..."
    )
    scenarios: dict[str, Scenario] = {}
    if plan is not None and not issues:
        kinds = sorted({room.room_kind for room in plan.rooms})
        for i, product in enumerate(plan.products):
            if product.scenario is None:
                continue
            path = f"products[{i}].scenario"
            try:
                if resolve is not None:
                    scenario = resolve(product.scenario)
                else:
                    assert folder is not None, "a plan read from a file has a folder"
                    file = referenced_path(folder, product.scenario)
                    scenario = load_scenario(file).scenario
            except FileReferenceError as error:
                issues.append(issue_at(document, path, str(error)))
                continue
            except GenofabError as error:
                issues.append(issue_at(document, path, referenced_problem(product.scenario, error)))
                continue
            missing = sorted({step.room for step in scenario.process.steps} - set(kinds))
            if missing:
                issues.append(
                    issue_at(
                        document,
                        path,
                        f"its steps use room kinds the plan has no room for: {', '.join(missing)}"
                        f" (the plan has: {', '.join(kinds)})",
                    )
                )
            scenarios[product.name] = scenario
    if issues or plan is None:
        raise ScenarioError(issues, document.file)
    return PlanFile(document.file, document.sha256, plan, scenarios)
