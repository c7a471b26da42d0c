"""genofab: plan and cost the manufacture of gene and cell therapies.

Public API::

    from genofab import load_scenario, evaluate
    scenario = load_scenario("examples/lv-sickle-cell-industrial.yaml")
    result = evaluate(scenario)
    result.patients_per_year
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "GenofabError",
    "InfeasibleError",
    "ScenarioError",
    "__version__",
    "evaluate",
    "load_scenario",
]

from genofab.errors import GenofabError, InfeasibleError, ScenarioError

if TYPE_CHECKING:
    from genofab.engines.run import evaluate
    from genofab.io.scenario_file import load_scenario


def __getattr__(name: str) -> Any:
    # Heavy modules are imported on first use so that `genofab --help` stays fast.
    if name == "load_scenario":
        from genofab.io.scenario_file import load_scenario

        return load_scenario
    if name == "evaluate":
        from genofab.engines.run import evaluate

        return evaluate
    raise AttributeError(f"module 'genofab' has no attribute {name!r}")
