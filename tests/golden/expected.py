"""Golden outputs: every example is run and compared with ``examples/expected/<name>.json``.

``python -m tests.golden.expected`` prints, figure by figure, what regenerating would change
and writes nothing; ``python -m tests.golden.expected --reason "why"`` writes the new files
and appends the reason and the changed figures to ``tests/golden/CHANGES.md`` (quote that
entry in the commit message). Each changed figure must be explained by the stated change.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genofab.engines.run import evaluate
from genofab.io.scenario_file import load_scenario
from genofab.results.run import ScenarioInfo
from tests.helpers import EXAMPLES, ROOT, scenario_examples

EXPECTED = EXAMPLES / "expected"
#: Where the reasons for regenerating the golden files are kept, newest last.
CHANGELOG = Path(__file__).with_name("CHANGES.md")
#: Keys that change without the figures changing (release number, bytes of the file).
VOLATILE = ("genofab_version",)
#: Two numbers closer than this (relative) are the same figure (as the golden test compares).
REL_TOL, ABS_TOL = 1e-9, 1e-12
#: Changed figures listed per file in the changelog (all are printed).
LOGGED_PER_FILE = 30
_MISSING = object()


def chain_examples() -> list[Path]:
    """The examples in the chain format ``genofab-chain/1``."""
    return [
        path
        for path in sorted(EXAMPLES.glob("*.yaml"))
        if "format: genofab-chain/1" in path.read_text(encoding="utf-8").splitlines()
    ]


def run_chain_example(path: Path) -> dict[str, Any]:
    """The JSON output of one chain example, as ``genofab run --format json`` prints it (files
    named relative to the repository)."""
    from genofab.views.chain_command import evaluate_chain_file

    _, result = evaluate_chain_file(path)
    output = result.to_json_dict()
    files = [output["chain"]] + [stage["scenario"] for stage in output["stages"]]
    files += [stage["result"]["scenario"] for stage in output["stages"]]
    for info in files:
        info["file"] = Path(info["file"]).resolve().relative_to(ROOT).as_posix()
    for key in VOLATILE:
        output.pop(key)
        for stage in output["stages"]:
            stage["result"].pop(key)
    return output


def profit_plan_examples() -> list[Path]:
    """The plan examples under the profit objective: their rule-based schedule is golden."""
    return [
        path
        for path in sorted(EXAMPLES.glob("*.yaml"))
        if {"format: genofab-plan/1", "objective: profit"}
        <= set(path.read_text(encoding="utf-8").splitlines())
    ]


def run_plan_example(path: Path) -> dict[str, Any]:
    """The JSON of ``genofab schedule --format json`` on a plan, from the rule-based schedules
    only (no solver and no search: the same figures on any machine; the rooms-needed search
    has a fixed budget), without run times."""
    from genofab.engines.scheduling.instance import compile_plan
    from genofab.engines.scheduling.rooms_needed import rooms_needed
    from genofab.engines.scheduling.solve import plan_schedule
    from genofab.engines.scheduling.summary import rooms_needed_fields, summarise
    from genofab.io.plan_file import load_plan
    from genofab.results.schedule import PlanInfo

    loaded = load_plan(path)
    instance = compile_plan(loaded.plan, loaded.scenarios)
    solution = plan_schedule(
        instance,
        loaded.plan.objective,
        time_limit=10.0,
        lot_model="never",
        campaign_level=False,
        search=False,
    )
    origin = PlanInfo(name=loaded.plan.name, file=path.relative_to(ROOT).as_posix())
    result = summarise(instance, solution, origin, loaded.plan.start)
    needed = rooms_needed_fields(instance, rooms_needed(instance))
    output = result.model_copy(update=needed).to_json_dict()
    for key in (*VOLATILE, "seconds"):
        output.pop(key)
    return output


def run_example(path: Path) -> dict[str, Any]:
    """The JSON output of one example (a scenario, a chain or a profit plan), as ``genofab
    run --format json`` (or ``schedule``) prints it."""
    if path in chain_examples():
        return run_chain_example(path)
    if path in profit_plan_examples():
        return run_plan_example(path)
    loaded = load_scenario(path)
    origin = ScenarioInfo(name=loaded.scenario.name, file=path.relative_to(ROOT).as_posix())
    output = evaluate(loaded.scenario, origin).to_json_dict()
    for key in VOLATILE:
        output.pop(key)
    return output


def expected_path(example: Path, folder: Path = EXPECTED) -> Path:
    return folder / f"{example.stem}.json"


def same_figure(actual: Any, expected: Any) -> bool:
    """Whether two leaf values are the same figure (floats within :data:`REL_TOL`)."""
    numbers = (int, float)
    if isinstance(expected, float) and isinstance(actual, numbers) and not isinstance(actual, bool):
        return math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return type(actual) is type(expected) and actual == expected


def figures(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON document with its path (``lot.steps[2].amount``)."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from figures(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list) and node:
        for i, value in enumerate(node):
            yield from figures(value, f"{where}[{i}]")
    else:
        yield where, node


@dataclass(frozen=True)
class FigureChange:
    """One figure that differs: its path, the committed value and the new one."""

    path: str
    old: Any
    new: Any

    def render(self) -> str:
        if self.old is _MISSING:
            return f"+ {self.path}: {_show(self.new)}"
        if self.new is _MISSING:
            return f"- {self.path}: {_show(self.old)}"
        change = f"{self.path}: {_show(self.old)} → {_show(self.new)}"
        if _is_number(self.old) and _is_number(self.new) and self.old:
            change += f" ({(self.new - self.old) / abs(self.old):+.3%})"
        return change


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def figure_changes(old: Any, new: Any) -> list[FigureChange]:
    """The figures that differ between a committed output and a new one, in document order."""
    before, after = dict(figures(old)), dict(figures(new))
    changes = [
        FigureChange(path, value, after.get(path, _MISSING))
        for path, value in before.items()
        if path not in after or not same_figure(after[path], value)
    ]
    changes += [
        FigureChange(path, _MISSING, value) for path, value in after.items() if path not in before
    ]
    return changes


def golden_text(output: dict[str, Any]) -> str:
    return json.dumps(output, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def main(
    argv: Sequence[str] | None = None,
    folder: Path = EXPECTED,
    changelog: Path = CHANGELOG,
    examples: Sequence[Path] | None = None,
) -> int:
    """Show what regenerating the golden files changes; write them only with a reason."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.golden.expected",
        description="Show, figure by figure, what the current code changes in the golden"
        " outputs; write them (and log the reason) only with --reason.",
    )
    parser.add_argument("--reason", help="why the figures change (kept in tests/golden/CHANGES.md)")
    arguments = parser.parse_args(argv)
    reason = (arguments.reason or "").strip()
    chosen = examples or [*scenario_examples(), *chain_examples(), *profit_plan_examples()]
    outputs = {path: run_example(path) for path in chosen}
    changed: dict[Path, list[FigureChange]] = {}
    for example, output in outputs.items():
        target = expected_path(example, folder)
        committed = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        changes = figure_changes(committed, output)
        if (
            changes
            or not target.exists()
            or target.read_text(encoding="utf-8") != golden_text(output)
        ):
            changed[target] = changes
    for target, changes in changed.items():
        print(f"{_shown(target)}: {len(changes)} figure(s) changed")
        for change in changes:
            print(f"  {change.render()}")
    if not changed:
        print("the golden outputs are up to date: nothing to write")
        return 0
    if not reason:
        print(
            'not written: state why these figures change with --reason "..."',
            file=sys.stderr,
        )
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    for example, output in outputs.items():
        target = expected_path(example, folder)
        if target in changed:
            target.write_text(golden_text(output), encoding="utf-8")
            print(f"wrote {_shown(target)}")
    entry = changelog_entry(reason, changed)
    with changelog.open("a", encoding="utf-8") as log:
        if log.tell() == 0:
            log.write(CHANGELOG_HEADER)
        log.write(entry)
    print(f"\nlogged in {_shown(changelog)} (quote it in the commit message):\n\n{entry}")
    return 0


CHANGELOG_HEADER = """# Why the golden outputs changed

Each entry is appended by `python -m tests.golden.expected --reason "..."`: the date, the
stated reason, and the figures that changed (old → new) in `examples/expected/`.
"""


def changelog_entry(reason: str, changed: dict[Path, list[FigureChange]]) -> str:
    """A changelog entry: the date, the reason and each file's changed figures."""
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    lines = [f"\n## {today}: {reason}\n"]
    for target, changes in changed.items():
        lines.append(f"- `{target.name}`: {len(changes)} figure(s)")
        lines += [f"  - `{change.render()}`" for change in changes[:LOGGED_PER_FILE]]
        if len(changes) > LOGGED_PER_FILE:
            lines.append(f"  - and {len(changes) - LOGGED_PER_FILE} more")
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
