"""Published job-shop instances as plans: what genofab's makespan scheduling finds against
their proven optima.

A job shop is the plainest case of a plan: each job (a product with one lot) visits every
machine (a room of one place, a kind of its own) once in its own order, each visit (a phase)
of a fixed duration, and the makespan is the end of the last job. The classic instances of
Fisher and Thompson (case FisherThompson1963) and Lawrence (case Lawrence1984), as OR-Library
distributes them, have proven optimal makespans: a plan format and a scheduler that claim
generality should find them, and a bound should never cross them.

    python benchmarks/jobshop.py [--time-limit 10] [--instances ft06,la01,...]

How an instance becomes a plan: a job is a product ``jobNN`` with one lot due at the end of
the horizon, its operations are phases in the rooms ``mK`` (one per machine, no cleaning, no
changeover), durations in days on a 1-day grid, so the makespan in days is the instance's.
The horizon is the makespan of a plain dispatch (each job's k-th operation in job order, as
early as possible: a feasible schedule, so the plan is feasible), and the objective is
makespan. Prints a Markdown table: the published optimum, genofab's status,
value and bound, the gap between its value and the optimum, and the seconds of the whole
``schedule_plan`` call (CPU and wall). Every schedule is checked by ``assess``; the script
stops if a bound crosses the optimum.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

#: Instance → (case cited, published optimal makespan, one row per job: machine, duration, ...).
INSTANCES: dict[str, tuple[str, int, str]] = {
    "ft06": ("FisherThompson1963", 55, """
        2 1 0 3 1 6 3 7 5 3 4 6
        1 8 2 5 4 10 5 10 0 10 3 4
        2 5 3 4 5 8 0 9 1 1 4 7
        1 5 0 5 2 5 3 3 4 8 5 9
        2 9 1 3 4 5 5 4 0 3 3 1
        1 3 3 3 5 9 0 10 4 4 2 1"""),
    "la01": ("Lawrence1984", 666, """
        1 21 0 53 4 95 3 55 2 34
        0 21 3 52 4 16 2 26 1 71
        3 39 4 98 1 42 2 31 0 12
        1 77 0 55 4 79 2 66 3 77
        0 83 3 34 2 64 1 19 4 37
        1 54 2 43 4 79 0 92 3 62
        3 69 4 77 1 87 2 87 0 93
        2 38 0 60 1 41 3 24 4 83
        3 17 1 49 4 25 0 44 2 98
        4 77 3 79 2 43 1 75 0 96"""),
    "la06": ("Lawrence1984", 926, """
        1 21 2 34 4 95 0 53 3 55
        3 52 4 16 1 71 2 26 0 21
        2 31 0 12 1 42 3 39 4 98
        3 77 1 77 4 79 0 55 2 66
        4 37 3 34 2 64 1 19 0 83
        2 43 1 54 0 92 3 62 4 79
        0 93 3 69 1 87 4 77 2 87
        0 60 1 41 2 38 4 83 3 24
        2 98 3 17 4 25 0 44 1 49
        0 96 4 77 3 79 1 75 2 43
        4 28 2 35 0 95 3 76 1 7
        0 61 4 10 2 95 1 9 3 35
        4 59 3 16 1 91 2 59 0 46
        4 43 1 52 0 28 2 27 3 50
        0 87 1 45 2 39 4 9 3 41"""),
    "la11": ("Lawrence1984", 1222, """
        2 34 1 21 0 53 3 55 4 95
        0 21 3 52 1 71 4 16 2 26
        0 12 1 42 2 31 4 98 3 39
        2 66 3 77 4 79 0 55 1 77
        0 83 4 37 3 34 1 19 2 64
        4 79 2 43 0 92 3 62 1 54
        0 93 4 77 2 87 1 87 3 69
        4 83 3 24 1 41 2 38 0 60
        4 25 1 49 0 44 2 98 3 17
        0 96 1 75 2 43 4 77 3 79
        0 95 3 76 1 7 4 28 2 35
        4 10 2 95 0 61 1 9 3 35
        1 91 2 59 4 59 0 46 3 16
        2 27 1 52 4 43 0 28 3 50
        4 9 0 87 3 41 2 39 1 45
        1 54 0 20 4 43 3 14 2 71
        4 33 1 28 3 26 0 78 2 37
        1 89 0 33 2 8 3 66 4 42
        4 84 0 69 2 94 1 74 3 27
        4 81 2 45 1 78 3 69 0 96"""),
    "la16": ("Lawrence1984", 945, """
        1 21 6 71 9 16 8 52 7 26 2 34 0 53 4 21 3 55 5 95
        4 55 2 31 5 98 9 79 0 12 7 66 1 42 8 77 6 77 3 39
        3 34 2 64 8 62 1 19 4 92 9 79 7 43 6 54 0 83 5 37
        1 87 3 69 2 87 7 38 8 24 9 83 6 41 0 93 5 77 4 60
        2 98 0 44 5 25 6 75 7 43 1 49 4 96 9 77 3 17 8 79
        2 35 3 76 5 28 9 10 4 61 6 9 0 95 8 35 1 7 7 95
        3 16 2 59 0 46 1 91 9 43 8 50 6 52 5 59 4 28 7 27
        1 45 0 87 3 41 4 20 6 54 9 43 8 14 5 9 2 39 7 71
        4 33 2 37 8 66 5 33 3 26 7 8 1 28 6 89 9 42 0 78
        8 69 9 81 2 94 4 96 3 27 0 69 7 45 6 78 1 74 5 84"""),
    "la21": ("Lawrence1984", 1046, """
        2 34 3 55 5 95 9 16 4 21 6 71 0 53 8 52 1 21 7 26
        3 39 2 31 0 12 1 42 9 79 8 77 6 77 5 98 4 55 7 66
        1 19 0 83 3 34 4 92 6 54 9 79 8 62 5 37 2 64 7 43
        4 60 2 87 8 24 5 77 3 69 7 38 1 87 6 41 9 83 0 93
        8 79 9 77 2 98 4 96 3 17 0 44 7 43 6 75 1 49 5 25
        8 35 7 95 6 9 9 10 2 35 1 7 5 28 4 61 0 95 3 76
        4 28 5 59 3 16 9 43 0 46 8 50 6 52 7 27 2 59 1 91
        5 9 4 20 2 39 6 54 1 45 7 71 0 87 3 41 9 43 8 14
        1 28 5 33 0 78 3 26 2 37 7 8 8 66 6 89 9 42 4 33
        2 94 5 84 6 78 9 81 1 74 3 27 8 69 0 69 7 45 4 96
        1 31 4 24 0 20 2 17 9 25 8 81 5 76 3 87 7 32 6 18
        5 28 9 97 0 58 4 45 6 76 3 99 2 23 1 72 8 90 7 86
        5 27 9 48 8 27 7 62 4 98 6 67 3 48 0 42 1 46 2 17
        1 12 8 50 0 80 2 50 9 80 3 19 5 28 6 63 4 94 7 98
        4 61 3 55 6 37 5 14 2 50 8 79 1 41 9 72 7 18 0 75"""),
    "ft10": ("FisherThompson1963", 930, """
        0 29 1 78 2 9 3 36 4 49 5 11 6 62 7 56 8 44 9 21
        0 43 2 90 4 75 9 11 3 69 1 28 6 46 5 46 7 72 8 30
        1 91 0 85 3 39 2 74 8 90 5 10 7 12 6 89 9 45 4 33
        1 81 2 95 0 71 4 99 6 9 8 52 7 85 3 98 9 22 5 43
        2 14 0 6 1 22 5 61 3 26 4 69 8 21 7 49 9 72 6 53
        2 84 1 2 5 52 3 95 8 48 9 72 0 47 6 65 4 6 7 25
        1 46 0 37 3 61 2 13 6 32 5 21 9 32 8 89 7 30 4 55
        2 31 0 86 1 46 5 74 4 32 6 88 8 19 9 48 7 36 3 79
        0 76 1 69 3 76 5 51 2 85 9 11 6 40 7 89 4 26 8 74
        1 85 0 13 2 61 6 7 8 64 9 76 5 47 3 52 4 90 7 45"""),
    "ft20": ("FisherThompson1963", 1165, """
        0 29 1 9 2 49 3 62 4 44
        0 43 1 75 3 69 2 46 4 72
        1 91 0 39 2 90 4 12 3 45
        1 81 0 71 4 9 2 85 3 22
        2 14 1 22 0 26 3 21 4 72
        2 84 1 52 4 48 0 47 3 6
        1 46 0 61 2 32 3 32 4 30
        2 31 1 46 0 32 3 19 4 36
        0 76 3 76 2 85 1 40 4 26
        1 85 2 61 0 64 3 47 4 90
        1 78 3 36 0 11 4 56 2 21
        2 90 0 11 1 28 3 46 4 30
        0 85 2 74 1 10 3 89 4 33
        2 95 0 99 1 52 3 98 4 43
        0 6 1 61 4 69 2 49 3 53
        1 2 0 95 3 72 4 65 2 25
        0 37 2 13 1 21 3 89 4 55
        0 86 1 74 4 88 2 48 3 79
        1 69 2 51 0 11 3 89 4 74
        0 13 1 7 2 76 3 52 4 45"""),
}  # fmt: skip


def jobs(name: str) -> list[list[tuple[int, int]]]:
    """The instance's jobs: each a list of (machine, duration) in its order."""
    rows = [[int(x) for x in line.split()] for line in INSTANCES[name][2].strip().splitlines()]
    return [list(zip(row[0::2], row[1::2], strict=True)) for row in rows]


def dispatch(routes: list[list[tuple[int, int]]]) -> int:
    """Makespan of a plain feasible schedule: the jobs' k-th operations in job order, for k =
    1, 2, …, each as early as its job and machine allow."""
    job_ready = [0] * len(routes)
    machine_ready: dict[int, int] = {}
    for k in range(max(len(route) for route in routes)):
        for j, route in enumerate(routes):
            if k < len(route):
                machine, duration = route[k]
                start = max(job_ready[j], machine_ready.get(machine, 0))
                job_ready[j] = machine_ready[machine] = start + duration
    return max(job_ready)


def jobshop_plan(name: str) -> dict[str, Any]:
    """The instance as a ``genofab-plan/1`` plan (see the module doc)."""
    case, _, _ = INSTANCES[name]
    cited = f"case {case}, instance {name} (OR-Library jobshop1.txt)"
    routes = jobs(name)
    total = dispatch(routes)
    machines = sorted({machine for route in routes for machine, _ in route})

    def days(value: int, what: str) -> dict[str, Any]:
        return {"value": value, "unit": "d", "source": f"{cited}: {what}"}

    products = [
        {
            "name": f"job{j:02d}",
            "phases": [
                {
                    "name": f"op{k}",
                    "room": f"m{machine}",
                    "duration": days(duration, f"job {j}, operation {k}"),
                }
                for k, (machine, duration) in enumerate(route)
            ],
        }
        for j, route in enumerate(routes)
    ]
    demands = [
        {
            "sponsor": "shop",
            "product": f"job{j:02d}",
            "lots": {"value": 1, "source": f"{cited}: each job once"},
            "due": days(total, "no due date: makespan"),
        }
        for j in range(len(routes))
    ]
    return {
        "format": "genofab-plan/1",
        "name": f"Job shop {name} ({len(routes)} jobs × {len(machines)} machines)",
        "description": f"Transcribed by benchmarks/jobshop.py from {cited}.",
        "objective": "makespan",
        "time_step": {"value": 1, "unit": "d", "source": f"{cited}: durations are whole units"},
        "horizon": days(total, "the makespan of a plain dispatch (feasible)"),
        "products": products,
        "rooms": [{"name": f"m{machine}"} for machine in machines],
        "demands": demands,
    }


def main() -> None:
    from genofab.engines.scheduling.run import schedule_plan
    from genofab.model.plan import Plan

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--instances", default=",".join(INSTANCES))
    args = parser.parse_args()
    print(
        "| instance | jobs × machines | optimum | status | value | bound | above the optimum"
        " | CPU s | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.instances.split(","):
        optimum = INSTANCES[name][1]
        routes = jobs(name)
        plan = Plan.model_validate(jobshop_plan(name))
        cpu, wall = time.process_time(), time.perf_counter()
        result = schedule_plan(plan, "makespan", time_limit=args.time_limit)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        assert result.status in ("optimal", "feasible"), (name, result.status)
        assert result.objective_value is not None
        if result.bound is not None and result.bound > optimum:
            raise SystemExit(f"{name}: bound {result.bound} crosses the optimum {optimum}")
        above = (result.objective_value - optimum) / optimum
        bound = "–" if result.bound is None else f"{result.bound:g}"
        print(
            f"| {name} | {len(routes)} × {len(routes[0])} | {optimum} | {result.status}"
            f" | {result.objective_value:g} | {bound}"
            f" | {above:.1%} | {cpu:.1f} | {wall:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
