"""Profit plans at scale: the delivery search against the pipeline without it, side by side.

Plans: the generated medium-term plans of ``profit_plan.py`` (2 and 3 suites, with and without
campaign sizes) and the shipped profit examples. Each is scheduled at each ``--limits``
(default 10 and 60 s) by the engine's pipeline with its searches (the delivery search) and
without them (rules, campaign level, lot model), seed 0, and, with ``--loaded``, once more
beside ``--burners`` busy loops to compare the lot rows (work is counted, not timed).

Usage: ``python benchmarks/bench_profit.py [--limits 10,60] [--loaded] [--burners 2]``.
Printed as a Markdown table: profit of each, the bound, the gap, the schedule's source, CPU
seconds (``time.process_time``) and wall seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule_determinism import BURN
from bench_schedule_family import ROOT
from profit_plan import plan as generated


def plans() -> list[tuple[str, Any]]:
    from ruamel.yaml import YAML

    from genofab.engines.scheduling.instance import compile_plan
    from genofab.model.plan import Plan

    found = []
    for suites, scale in ((2, 0.8), (3, 0.9)):
        for sizes in (True, False):
            label = f"generated, {suites} suites" + (", sizes 2-8" if sizes else "")
            data = generated(suites, scale, sizes=sizes)
            found.append((label, compile_plan(Plan.model_validate(data))))
    for name in (
        "schedule-profit-stock.yaml",
        "schedule-stages-profit.yaml",
        "schedule-lakhdar-2005.yaml",
    ):
        data = YAML(typ="safe").load(ROOT / "examples" / name)
        found.append((f"examples/{name}", compile_plan(Plan.model_validate(data))))
    return found


def run(instance: Any, limit: float, search: bool) -> tuple[Any, float, float]:
    from genofab.engines.scheduling.solve import plan_schedule

    wall, cpu = time.perf_counter(), time.process_time()
    solution = plan_schedule(instance, "profit", time_limit=limit, seed=0, search=search)
    return solution, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limits", default="10,60")
    parser.add_argument("--loaded", action="store_true")
    parser.add_argument("--burners", type=int, default=2)
    args = parser.parse_args()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, load average {Path('/proc/loadavg').read_text()[:14]}"
    )
    print()
    header = (
        "| plan | lots | limit s | without searches | with the delivery search | bound | gap |"
        " from | CPU s | wall s |"
    )
    if args.loaded:
        header += " loaded: same lot rows | loaded wall s |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for label, instance in plans():
        for limit in (float(x) for x in args.limits.split(",")):
            plain, _, _ = run(instance, limit, search=False)
            full, cpu, wall = run(instance, limit, search=True)
            row = (
                f"| {label} | {len(instance.lots)} | {limit:g} | {plain.value:,.0f} |"
                f" {full.value:,.0f} | {full.bound:,.0f} | {100 * full.gap:.1f} % |"
                f" {full.source} | {cpu:.1f} | {wall:.1f} |"
            )
            if args.loaded:
                burners = [
                    subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(args.burners)
                ]
                try:
                    loaded, _, loaded_wall = run(instance, limit, search=True)
                finally:
                    for burner in burners:
                        burner.kill()
                same = loaded.timetable == full.timetable
                row += f" {'yes' if same else 'NO'} | {loaded_wall:.1f} |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
