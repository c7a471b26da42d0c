"""Scheduling answers (issue 12): the three plans of the issue at ``--time-limit 10``, the
12-room plan twice (same schedule?), and a family of generated plans of 20–600 lots in 2–12
suites (cleaning, product changeovers, shutdowns, a lot's two consecutive phases in one suite,
a fill room, a QC lab of limited places): status, value, bound and gap of each.

Usage: ``python benchmarks/bench_schedule_family.py [--time-limit S] [--family N]
[--guard-factor F]``. Prints Markdown tables for BENCHMARKS.md. With ``--guard-factor`` the
wall-clock guard is F × the time limit, so that on a loaded machine the result is the one the
counted work of the time limit gives (what an idle machine gives within the limit). Every
schedule printed is checked by ``assess``; the
script stops if a plan gets no schedule at all.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ISSUE_PLANS = ROOT / "tests" / "engines" / "scheduling" / "plans"
SOURCE = "assumption: generated benchmark instance (benchmarks/bench_schedule_family.py)"


def family_plan(seed: int, lots: int, suites: int) -> dict[str, Any]:
    """A generated plan: ``lots`` lots of 2–6 products over ``suites`` suites, on a daily grid
    over a horizon sized to load the suites to about 70 % before changeovers."""
    rng = np.random.default_rng(seed)
    count = int(rng.integers(2, 7))
    names = [f"p{i}" for i in range(count)]
    products = []
    suite_days = []
    for name in names:
        upstream, downstream = int(rng.integers(5, 15)), int(rng.integers(2, 7))
        two = bool(rng.random() < 0.5)  # upstream and downstream in one suite, back to back
        phases = (
            [{"name": "upstream", "room": "suite", "duration": f"{upstream} d"},
             {"name": "downstream", "room": "suite", "duration": f"{downstream} d"}]
            if two
            else [{"name": "make", "room": "suite", "duration": f"{upstream + downstream} d"}]
        )  # fmt: skip
        phases += [
            {"name": "fill", "room": "fill_room", "duration": "1 d"},
            {"name": "release", "room": "qc_lab", "duration": f"{int(rng.integers(14, 36))} d"},
        ]
        products.append({"name": name, "phases": phases})
        suite_days.append(upstream + downstream + 1)
    share = rng.dirichlet(np.ones(count))
    per_product = np.maximum(1, np.round(share * lots)).astype(int)
    work = float(np.dot(per_product, suite_days))
    horizon = int(max(120, work / (0.7 * suites) + 60))
    qc_places = max(2, int(np.ceil(lots * 30 / horizon / 0.7)))
    demands = [
        {"sponsor": f"s{i}", "product": name, "lots": int(n),
         "due": f"{int(horizon * rng.uniform(0.6, 0.95))} d", "spread": "even"}
        for i, (name, n) in enumerate(zip(names, per_product, strict=True))
    ]  # fmt: skip
    shutdown_at = int(horizon * rng.uniform(0.3, 0.6))
    return {
        "format": "genofab-plan/1",
        "name": f"family seed {seed}: {int(per_product.sum())} lots, {suites} suites",
        "objective": "lateness",
        "time_step": "1 d",
        "horizon": f"{horizon} d",
        "products": products,
        "rooms": [
            {"name": "suite", "count": suites, "cleaning": "1 d",
             "changeover": f"{int(rng.integers(3, 15))} d",
             "shutdowns": [{"start": f"{shutdown_at} d", "end": f"{shutdown_at + 7} d",
                            "reason": SOURCE}]},
            {"name": "fill_room", "count": max(1, suites // 4), "cleaning": "1 d"},
            {"name": "qc_lab", "capacity": qc_places},
        ],
        "demands": demands,
    }  # fmt: skip


#: (seed, lots, suites) of the family: 20 plans, 20–600 lots, 2–12 suites.
FAMILY = [
    (i, lots, suites)
    for i, (lots, suites) in enumerate(
        [(20, 2), (30, 2), (40, 3), (50, 3), (60, 4), (80, 4), (100, 5), (120, 5), (150, 6),
         (180, 6), (200, 7), (240, 8), (280, 8), (320, 9), (360, 10), (400, 10), (450, 11),
         (500, 12), (550, 12), (600, 12)]
    )
]  # fmt: skip


def timed_schedule(
    plan: Any,
    scenarios: Any,
    limit: float,
    guard_factor: float | None = None,
    rooms_search: bool = True,
) -> tuple[Any, float, float]:
    """``schedule_plan`` of the plan's own objective at seed 0 and ``limit`` seconds (the
    guard ``guard_factor`` × the limit, or the default), with its wall and CPU seconds."""
    from genofab.engines.scheduling.run import schedule_plan

    wall, cpu = time.perf_counter(), time.process_time()
    result = schedule_plan(
        plan,
        plan.objective,
        scenarios=scenarios,
        time_limit=limit,
        seed=0,
        guard=None if guard_factor is None else limit * guard_factor,
        rooms_search=rooms_search,
    )
    return result, time.perf_counter() - wall, time.process_time() - cpu


def children_cpu() -> float:
    """CPU seconds of this process's finished children so far: the other processes a
    schedule runs (the second search chain, HiGHS's root), which it waits for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_plans(
    time_limit: float, large_limit: float, family: int
) -> list[tuple[str, Any, Any, float]]:
    """The plans the scheduling benchmarks measure, as (label, plan, scenarios, time limit):
    the issue's three plans and the 12-room example at ``time_limit``, the 12-room example
    again at ``large_limit`` (when above 0), and the first ``family`` generated plans."""
    from genofab.io.plan_file import load_plan
    from genofab.model.plan import Plan

    chosen: list[tuple[str, Any, Any, float]] = []
    for name in ("repro-unknown.yaml", "platform-2027.yaml", "mini2.yaml"):
        loaded = load_plan(ISSUE_PLANS / name)
        chosen.append((f"issue 12: {name}", loaded.plan, loaded.scenarios, time_limit))
    large = load_plan(ROOT / "examples" / "schedule-12-rooms.yaml")
    chosen.append(("schedule-12-rooms.yaml", large.plan, None, time_limit))
    if large_limit > 0:
        chosen.append(("schedule-12-rooms.yaml", large.plan, None, large_limit))
    for seed, lots, suites in FAMILY[:family]:
        plan = Plan.model_validate(family_plan(seed, lots, suites))
        chosen.append((plan.name, plan, None, time_limit))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--family", type=int, default=len(FAMILY), help="plans of the family")
    parser.add_argument("--large-limit", type=float, default=60.0)
    parser.add_argument("--guard-factor", type=float, default=1.0)
    parser.add_argument(
        "--large-runs", type=int, default=2, help="runs of the 12-room plan (median CPU s)"
    )
    parser.add_argument(
        "--large-only",
        action="store_true",
        help="the 12-room plan only (no issue plans, no family)",
    )
    args = parser.parse_args()

    from genofab.io.plan_file import load_plan
    from genofab.model.plan import Plan

    print(f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print()
    print("| plan | lots | status | made | value | bound | gap | wall s | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")

    def line(label: str, plan: Any, scenarios: Any, limit: float) -> Any:
        result, wall, cpu = timed_schedule(plan, scenarios, limit, args.guard_factor)
        assert result.lots, f"{label}: no schedule"
        value = "–" if result.objective_value is None else f"{result.objective_value:g}"
        bound = "–" if result.bound is None else f"{result.bound:g}"
        gap = "–" if result.gap is None else f"{result.gap:.0%}"
        print(
            f"| {label} | {result.lots_demanded} | {result.status} | {result.lots_made} |"
            f" {value} {result.objective_unit} | {bound} | {gap} | {wall:.1f} | {cpu:.1f} |"
        )
        return result

    if not args.large_only:
        for name in ("repro-unknown.yaml", "platform-2027.yaml", "mini2.yaml"):
            loaded = load_plan(ISSUE_PLANS / name)
            line(f"issue 12: {name}, limit {args.time_limit:g} s", loaded.plan,
                 loaded.scenarios, args.time_limit)  # fmt: skip
    large = load_plan(ROOT / "examples" / "schedule-12-rooms.yaml")
    results, cpus = [], []
    for run in range(1, args.large_runs + 1):
        cpu = time.process_time()
        results.append(line(f"schedule-12-rooms.yaml, limit {args.large_limit:g} s, run {run}",
                            large.plan, None, args.large_limit))  # fmt: skip
        cpus.append(time.process_time() - cpu)
    schedules = [[row.model_dump() for row in result.lots] for result in results]
    same = all(schedule == schedules[0] for schedule in schedules)
    if results:
        median = float(np.median(cpus))
        verdict = "the same" if same else "different"
        print(f"| the {len(results)} runs give {verdict} schedules; median {median:.1f} CPU s |")
    if args.large_only:
        return
    for seed, lots, suites in FAMILY[: args.family]:
        plan = Plan.model_validate(family_plan(seed, lots, suites))
        line(plan.name, plan, None, args.time_limit)


if __name__ == "__main__":
    main()
