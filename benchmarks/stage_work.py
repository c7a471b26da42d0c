"""CPU seconds of each stage of the scheduling pipeline (issue 12: work is counted, not
timed): how much CPU time each stage's counted work takes, per plan, against the time limit.

Usage: ``python benchmarks/stage_work.py [--time-limit S] [--large-limit S] [--family N]
[--guard-factor F] [--plans LIST]``. Each plan is solved once with the wall-clock guard at F ×
the time limit (default 20, so that the counted work ends before the guard even on a loaded
machine); the CPU time of each stage (``time.process_time``, all threads, exclusive of the
stages it calls) is printed as a Markdown table, with each CP-SAT stage's deterministic
seconds and the CPU seconds its solves took. Stages: compile (the plan onto its grid), rules
(the rule-based schedules), campaign level (aggregate decisions, arc-flow models: building,
solving and decoding), order, sequence searches, lot model, neighbourhood search (improve),
assess (schedules judged by the pipeline), summary and rooms needed (after the solve, outside
the time limit). Profiling hooks wrap the functions; they change no result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule_family import FAMILY, measured_plans, timed_schedule

#: (module, function name, stage label) wrapped by the profiler.
HOOKS = [
    ("run", "compile_plan", "compile"),
    ("run", "summarise", "summary"),
    ("run", "rooms_needed", "rooms needed"),
    ("solve", "earliest_due_date", "rules"),
    ("solve", "campaign_order", "rules"),
    ("solve", "profit_schedules", "rules"),
    ("solve", "campaign_sized", "rules"),
    ("solve", "_campaign_level", "campaign level"),
    ("solve", "aggregate_plan", "aggregate"),
    ("solve", "arc_flow", "arc-flow"),
    ("solve", "decode", "decode"),
    ("solve", "decode_aggregate", "decode"),
    ("solve", "search_orders", "order search"),
    ("solve", "search_sequences", "sequence search"),
    ("solve", "solve_lot_model", "lot model"),
    ("solve", "improve", "neighbourhood"),
    ("solve", "assess", "assess"),
]
#: Columns of the table, in pipeline order.
COLUMNS = [
    "compile",
    "rules",
    "aggregate",
    "arc-flow",
    "campaign level",
    "decode",
    "order search",
    "sequence search",
    "lot model",
    "neighbourhood",
    "assess",
    "other",
    "summary",
    "rooms needed",
]


class Profiler:
    """Exclusive CPU seconds per stage label, and CP-SAT's work per label."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []  # [label, start, children's CPU]
        self.cp_solve: dict[str, float] = defaultdict(float)
        self.cp_deterministic: dict[str, float] = defaultdict(float)
        self.cp_budget: dict[str, float] = defaultdict(float)
        self.cp_guarded: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.stack.append([label, time.process_time(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                name, start, children = self.stack.pop()
                total = time.process_time() - start
                self.cpu[name] += total - children
                if self.stack:
                    self.stack[-1][2] += total

        return wrapped

    def current(self) -> str:
        # the innermost stage that is not a helper shared by stages (assess, decode)
        for label, *_ in reversed(self.stack):
            if label not in ("assess", "decode"):
                return label
        return "other"


def hooked(profiler: Profiler) -> Iterator[None]:
    from ortools.sat.python import cp_model

    from genofab.engines.scheduling import run, solve

    modules = {"run": run, "solve": solve}
    saved = []
    for module, name, label in HOOKS:
        target = modules[module]
        original = getattr(target, name)
        saved.append((target, name, original))
        setattr(target, name, profiler.wrap(label, original))
    original_solve = cp_model.CpSolver.solve

    def solve_recorded(self: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        label = profiler.current()
        before = time.process_time()
        code = original_solve(self, model, *args, **kwargs)
        profiler.cp_solve[label] += time.process_time() - before
        response = self.response_proto
        profiler.cp_deterministic[label] += response.deterministic_time
        limit = self.parameters.max_deterministic_time
        profiler.cp_budget[label] += limit
        if code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and (
            response.deterministic_time < 0.98 * limit
        ):
            profiler.cp_guarded[label] += 1
        return code

    cp_model.CpSolver.solve = solve_recorded  # type: ignore[method-assign]
    try:
        yield
    finally:
        cp_model.CpSolver.solve = original_solve  # type: ignore[method-assign]
        for target, name, original in saved:
            setattr(target, name, original)


def plans(args: argparse.Namespace) -> list[tuple[str, Any, Any, float]]:
    chosen = measured_plans(args.time_limit, args.large_limit, args.family)
    if args.plans:
        wanted = {int(i) for i in args.plans.split(",")}
        chosen = [entry for i, entry in enumerate(chosen) if i in wanted]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--large-limit", type=float, default=60.0)
    parser.add_argument("--family", type=int, default=len(FAMILY))
    parser.add_argument("--guard-factor", type=float, default=20.0)
    parser.add_argument("--plans", default="", help="indices of the plans to run (0-based)")
    parser.add_argument("--json", default="", help="also write the rows to this file")
    args = parser.parse_args()

    from contextlib import contextmanager

    print(f"load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")
    print()
    header = ["plan", "limit s", "value / bound", *COLUMNS, "solve CPU s", "CPU/limit"]
    print("| " + " | ".join([*header, "CP-SAT det s (CPU s)", "guarded"]) + " |")
    print("|---" * (len(COLUMNS) + 7) + "|")
    rows = []
    for label, plan, scenarios, limit in plans(args):
        profiler = Profiler()
        with contextmanager(hooked)(profiler):
            result, wall, cpu = timed_schedule(plan, scenarios, limit, args.guard_factor)
        profiler.cpu["other"] = cpu - sum(profiler.cpu.values())
        solving = cpu - sum(profiler.cpu[k] for k in ("compile", "summary", "rooms needed"))
        cp = ", ".join(
            f"{name} {profiler.cp_deterministic[name]:.2f}/{profiler.cp_budget[name]:.2f}"
            f" ({profiler.cp_solve[name]:.2f})"
            for name in sorted(profiler.cp_solve)
        )
        guarded = sum(profiler.cp_guarded.values())
        value = "–" if result.objective_value is None else f"{result.objective_value:g}"
        value += " / " + ("–" if result.bound is None else f"{result.bound:g}")
        print(
            f"| {label} | {limit:g} | {value} | "
            + " | ".join(f"{profiler.cpu[c]:.2f}" for c in COLUMNS)
            + f" | {solving:.2f} | {solving / limit:.0%} | {cp} | {guarded} |",
            flush=True,
        )
        rows.append(
            {
                "plan": label,
                "limit": limit,
                "value": result.objective_value,
                "bound": result.bound,
                "status": result.status,
                "wall": wall,
                "cpu": cpu,
                "solve_cpu": solving,
                "stages": dict(profiler.cpu),
                "cp_solve": dict(profiler.cp_solve),
                "cp_deterministic": dict(profiler.cp_deterministic),
                "cp_budget": dict(profiler.cp_budget),
                "cp_guarded": dict(profiler.cp_guarded),
                "runs": [run.model for run in result.runs],
            }
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
