"""genofab: plan and cost the manufacture of gene and cell therapies.

Public API (run from the repository's root)::

    >>> from genofab import evaluate, load_scenario
    >>> loaded = load_scenario("examples/lv-sickle-cell-industrial.yaml")
    >>> result = evaluate(loaded.scenario)
    >>> result.patients_per_lot, result.lots_per_year, result.patients_per_year
    (400, 24, 9600)

A bad file raises :class:`ScenarioError`, whose ``issues`` list every problem, each with
its ``path``, ``message``, ``line`` and ``column``::

    >>> from genofab import ScenarioError, parse_scenario
    >>> try:
    ...     parse_scenario("format: genofab/1\\nname: x\\n")
    ... except ScenarioError as error:
    ...     for issue in error.issues:
    ...         print(f"line {issue.line}: {issue.path}: {issue.message}")
    line 1: facility: 'facility' is required
    line 1: process: 'process' is required
    line 1: product: 'product' is required

A setting of a computation outside its range raises :class:`SettingError`, a
:class:`UsageError` that names the ``setting``, the ``rule`` it breaks, and whether a stated
override (the command line's ``--force``) lifts it (``overridable``)::

    >>> from genofab import SettingError
    >>> from genofab.engines.uncertainty.monte_carlo import check_samples
    >>> try:
    ...     check_samples(20_000_000)
    ... except SettingError as error:
    ...     print(f"{error.setting} | {error.overridable} | {error}")
    samples | True | samples 20,000,000 is above the cap of 10,000,000 ...

The public names are listed with what they are for in :data:`ENTRY_POINTS`; ``__all__``
is checked against it on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Every public name with what it is for, in one table (``__all__`` is built from it).
ENTRY_POINTS: tuple[tuple[str, str], ...] = (
    ("load_scenario", "read and validate a scenario file: a LoadedScenario (.scenario, .path)"),
    ("parse_scenario", "validate scenario text (YAML), as from an upload"),
    ("evaluate", "run a Scenario: a RunResult (lot, capacity, economics, inputs)"),
    ("GenofabError", "root of the errors genofab raises on purpose"),
    ("ScenarioError", "a file breaks the format's rules; .issues lists every problem"),
    ("InfeasibleError", "valid inputs that cannot deliver; .path names the parameter"),
    ("UsageError", "a name or option value that names nothing known or breaks its rules"),
    ("SettingError", "a UsageError: a computation's setting out of range (.setting, .rule)"),
    ("OutputError", "an output path that cannot be used"),
    ("Issue", "one problem of a ScenarioError: path, message, line, column"),
    ("__version__", "the version of genofab"),
)

__all__ = [
    "GenofabError",
    "InfeasibleError",
    "Issue",
    "OutputError",
    "ScenarioError",
    "SettingError",
    "UsageError",
    "__version__",
    "evaluate",
    "load_scenario",
    "parse_scenario",
]

from genofab.errors import (  # noqa: E402
    GenofabError,
    InfeasibleError,
    Issue,
    OutputError,
    ScenarioError,
    SettingError,
    UsageError,
)

if TYPE_CHECKING:
    from genofab.engines.run import evaluate
    from genofab.io.scenario_file import load_scenario, parse_scenario

#: Heavy modules are imported on first use so that ``genofab --help`` stays fast.
_LAZY = {
    "load_scenario": "genofab.io.scenario_file",
    "parse_scenario": "genofab.io.scenario_file",
    "evaluate": "genofab.engines.run",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'genofab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


assert sorted(__all__) == sorted(name for name, _ in ENTRY_POINTS), "__all__ ≠ ENTRY_POINTS"
assert {name for name in __all__ if name not in _LAZY} <= set(globals()), "a name is missing"
