"""Work is counted, not timed (issue 12): each plan is scheduled twice at the default guard
(the wall clock at the time limit), once on the machine as it is and once beside CPU-burning
processes, and the two schedules are compared lot row by lot row.

Plans: the three plans of issue 12 and the generated family of
``bench_schedule_family.py`` at ``--time-limit`` (default 10 s), and
``examples/schedule-12-rooms.yaml`` at ``--time-limit`` and at ``--large-limit`` (default
60 s). Usage: ``python benchmarks/bench_schedule_determinism.py [--time-limit S]
[--large-limit S] [--family N] [--burners K]``. Printed as a Markdown table: value of each
run, whether the lot rows are identical, the CPU seconds of the first run (all threads,
``time.process_time``) against the limit and those of the other processes it ran (the second
search chain, HiGHS's root), the wall seconds of the loaded run and the share of
a core each run got (its CPU seconds ÷ wall seconds: 0.5 is a machine twice as loaded for
a single-threaded search; the machine may be shared, so the first run is not idle either),
and how many solver runs the wall-clock guard cut short in each (``runs[].guarded``). The
burners are ``K`` (default 2) Python busy loops started for each loaded run and stopped
after it.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule_family import FAMILY, children_cpu, measured_plans, timed_schedule

#: A busy loop that ends when the benchmark does (its parent gone).
BURN = (
    "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n"
    "    for _ in range(1_000_000):\n        pass\n"
)


def plans(args: argparse.Namespace) -> list[tuple[str, Any, Any, float]]:
    return measured_plans(args.time_limit, args.large_limit, args.family)


def solve(plan: Any, scenarios: Any, limit: float) -> tuple[Any, float, float, float]:
    """The result, its CPU seconds here and in the other processes it ran (the second
    search chain, HiGHS's root: waited for, so counted by ``RUSAGE_CHILDREN``), its wall
    seconds."""
    before = children_cpu()
    result, wall, cpu = timed_schedule(plan, scenarios, limit, rooms_search=False)
    return result, cpu, children_cpu() - before, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--large-limit", type=float, default=60.0)
    parser.add_argument("--family", type=int, default=len(FAMILY))
    parser.add_argument("--burners", type=int, default=2)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the burners on the way out

    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load average"
        f" {os.getloadavg()[0]:.1f} at the start; {args.burners} busy loops beside each loaded run"
    )
    print()
    print(
        "| plan | limit s | value | value, loaded | same schedule | CPU s | CPU ÷ limit |"
        " CPU s, other processes | wall s, loaded | core share (loaded) |"
        " guarded runs (loaded) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    same_count = total = 0
    ratios = []
    for label, plan, scenarios, limit in plans(args):
        idle, cpu, elsewhere, idle_wall = solve(plan, scenarios, limit)
        burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(args.burners)]
        try:
            time.sleep(0.5)  # let the burners start
            loaded, loaded_cpu, _, wall = solve(plan, scenarios, limit)
        finally:
            for burner in burners:
                burner.kill()
            for burner in burners:
                burner.wait()
        same = [row.model_dump() for row in idle.lots] == [row.model_dump() for row in loaded.lots]
        same_count += same
        total += 1
        ratios.append(cpu / limit)
        unit = idle.objective_unit

        def shown(result: Any, unit: str = unit) -> str:
            if result.objective_value is None:
                return f"– ({result.status})"
            return f"{result.objective_value:g} {unit}"

        print(
            f"| {label} | {limit:g} | {shown(idle)} | {shown(loaded)} |"
            f" {'yes' if same else '**no**'} | {cpu:.1f} | {cpu / limit:.0%} |"
            f" {elsewhere:.1f} | {wall:.1f} |"
            f" {cpu / idle_wall:.2f} ({loaded_cpu / wall:.2f}) |"
            f" {sum(r.guarded for r in idle.runs)} ({sum(r.guarded for r in loaded.runs)}) |",
            flush=True,
        )
    ratios.sort()
    print()
    print(
        f"{same_count} of {total} plans gave the same schedule idle and loaded; CPU ÷ limit:"
        f" median {ratios[len(ratios) // 2]:.0%}, largest {ratios[-1]:.0%}"
    )


if __name__ == "__main__":
    main()
