"""Campaign sizes at scale: ``examples/schedule-12-rooms.yaml`` with every product in campaigns
of ``--sizes LOW:HIGH`` lots (default 2:6), under lateness, at each ``--limits`` (default 20
and 60 s), beside the rule-based floor alone (campaigns by due date, least loaded room) and
the plan without sizes.

Usage: ``python benchmarks/bench_campaign_sizes.py [--sizes 2:6] [--limits 20,60]``. Printed as
a Markdown table: lots made, value, bound, the schedule's source and the CPU seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_schedule_family import ROOT, timed_schedule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2:6")
    parser.add_argument("--limits", default="20,60")
    args = parser.parse_args()
    low, high = (int(part) for part in args.sizes.split(":"))

    from genofab.engines.scheduling.campaign_rules import campaign_sized
    from genofab.engines.scheduling.instance import compile_plan
    from genofab.engines.scheduling.timetable import assess
    from genofab.model.plan import Plan

    data = YAML(typ="safe").load(ROOT / "examples" / "schedule-12-rooms.yaml")
    plain = Plan.model_validate(data)
    for product in data["products"]:
        product["min_campaign"], product["max_campaign"] = low, high
    sized = Plan.model_validate(data)
    print(f"{time.strftime('%Y-%m-%d')}: 12-room example, campaigns of {low}-{high} lots")
    print()
    print("| plan | limit s | lots made | value | bound | schedule from | CPU s |")
    print("|---|---|---|---|---|---|---|")
    cpu = time.process_time()
    instance = compile_plan(sized)
    timetable = campaign_sized(instance)
    floor = assess(instance, timetable)
    cpu = time.process_time() - cpu
    made = len(timetable.by_lot())
    print(
        f"| sizes {low}-{high}, floor alone | – | {made} | {floor.total_lateness} lot·wk | – |"
        f" rule: campaigns of the plan's sizes | {cpu:.1f} |"
    )
    for limit in (float(x) for x in args.limits.split(",")):
        for label, plan in ((f"sizes {low}-{high}", sized), ("no sizes", plain)):
            result, _, cpu = timed_schedule(plan, None, limit)
            print(
                f"| {label} | {limit:g} | {result.lots_made} |"
                f" {result.objective_value:g} {result.objective_unit} |"
                f" {result.bound:g} | {result.schedule_source} | {cpu:.1f} |"
            )


if __name__ == "__main__":
    main()
