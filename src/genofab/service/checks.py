"""Checking scenario and plan text the way ``genofab validate`` checks files: the same parser,
limits and messages (file, line, column, field and rule)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genofab.errors import GenofabError, InfeasibleError, Issue, ScenarioError
from genofab.io.plan_file import PlanFile, is_plan_document, validate_plan_document
from genofab.io.scenario_file import ScenarioFile, validate_document
from genofab.io.yaml_source import parse_yaml
from genofab.model.scenario import Scenario
from genofab.results.run import RunResult, ScenarioInfo


@dataclass(frozen=True)
class Problem:
    """One problem as shown in the editor: where it is and what rule it breaks."""

    line: int | None
    column: int | None
    path: str
    message: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "text": self.text,
        }


def problems_of(error: GenofabError, file: str) -> list[Problem]:
    """The problems of an error, each rendered as the command line prints it."""
    if isinstance(error, ScenarioError):
        return [
            Problem(issue.line, issue.column, issue.path, issue.message, issue.render(error.file))
            for issue in error.issues
        ]
    return [Problem(None, None, "", str(error), f"{file}: {error}")]


def evaluate_loaded(loaded: ScenarioFile) -> RunResult:
    """The deterministic run of a loaded scenario; a lot or facility that cannot deliver is
    reported at its field in the file (as :class:`ScenarioError`)."""
    from genofab.engines.run import evaluate

    origin = ScenarioInfo(name=loaded.scenario.name, file=loaded.path, sha256=loaded.sha256)
    try:
        return evaluate(loaded.scenario, origin)
    except InfeasibleError as error:
        raise loaded.locate(error) from None


def check_scenario(text: str | bytes, file: str) -> tuple[ScenarioFile, RunResult]:
    """Parse, validate and evaluate scenario text (an upload or the editor's content)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    loaded = validate_document(_plain_scenario(parse_yaml(raw, file)))
    return loaded, evaluate_loaded(loaded)


def check_plan(text: str | bytes, file: str, resolve: Callable[[str], Scenario]) -> PlanFile:
    """Parse and validate plan text; its products name stored scenarios (``name`` or
    ``name@version``), turned into scenarios by ``resolve``."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    document = parse_yaml(raw, file)
    if not is_plan_document(document):
        raise ScenarioError(
            [Issue("format", "a plan starts with 'format: genofab-plan/1'", 1, 1)], file
        )
    return validate_plan_document(document, None, resolve)


def _plain_scenario(document: Any) -> Any:
    if is_plan_document(document):
        raise ScenarioError(
            [Issue("format", "this is a plan (genofab-plan/1): save it as a plan", 1, 1)],
            document.file,
        )
    return document
