"""The lateness bound of large stages with and without HiGHS's root node (issue 12).

Each plan is scheduled twice at the same time limit under lateness: with CP-SAT's cut bound
only (as before HiGHS took part: ``solve.HIGHS_FROM`` set out of reach) and with HiGHS's
root node on the longer cut beside it (the default from a 30 s limit). Prints a Markdown
table: value, bound, gap and CPU seconds of each (with the other processes it ran), and
each cut bound's run (bound, seconds, whether its guard stopped it).

Usage: ``python benchmarks/bench_cut_bound.py [--time-limit S] [--seeds 10,16,19]
[--guard-factor F]`` (the 12-room example first, then the generated family's seeds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule_family import FAMILY, ROOT, children_cpu, family_plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seeds", default="10,16,19", help="family seeds (comma-separated)")
    parser.add_argument("--guard-factor", type=float, default=3.0)
    args = parser.parse_args()

    import genofab.engines.scheduling.solve as solve
    from genofab.engines.scheduling.instance import compile_plan
    from genofab.io.plan_file import load_plan
    from genofab.model.plan import Plan

    plans: list[tuple[str, Any]] = [
        ("schedule-12-rooms.yaml", load_plan(ROOT / "examples" / "schedule-12-rooms.yaml").plan)
    ]
    for seed in (int(s) for s in args.seeds.split(",") if s):
        _, lots, suites = FAMILY[seed]
        plans.append((f"family seed {seed}: {lots} lots", Plan.model_validate(family_plan(
            seed, lots, suites))))  # fmt: skip
    highs_from = solve.HIGHS_FROM
    today = time.strftime("%Y-%m-%d")
    print(f"time limit {args.time_limit:g} s, guard {args.guard_factor:g} x, {today}")
    print()
    print("| plan | bound from | value | bound | gap | CPU s | cut bounds (bound, s, guarded) |")
    print("|---|---|---|---|---|---|---|")
    for label, plan in plans:
        instance = compile_plan(plan)
        for how, start in (("CP-SAT cut", float("inf")), ("CP-SAT + HiGHS root", highs_from)):
            solve.HIGHS_FROM = start
            cpu = time.process_time() + children_cpu()
            solution = solve.plan_schedule(
                instance,
                "lateness",
                time_limit=args.time_limit,
                guard=args.time_limit * args.guard_factor,
            )
            cpu = time.process_time() + children_cpu() - cpu  # HiGHS may run elsewhere
            assert solution.assessment is not None, f"{label}: no schedule"
            value = solution.assessment.total_lateness
            cuts = "; ".join(
                f"{'HiGHS' if 'HiGHS' in run.model else 'CP-SAT'} {run.bound:g},"
                f" {run.seconds:.1f} s{', guarded' if run.guarded else ''}"
                for run in solution.runs
                if "bound over the first" in run.model and run.bound is not None
            )
            gap = 1 - solution.bound / value if value else 0.0
            print(
                f"| {label} | {how} | {value:g} | {solution.bound:g} | {gap:.0%} | {cpu:.1f} |"
                f" {cuts} |"
            )
    solve.HIGHS_FROM = highs_from


if __name__ == "__main__":
    main()
