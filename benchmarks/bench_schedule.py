"""Speed of scheduling (issue 5): closed-form capacity, campaign plan, the public benchmark's
lot schedules proven optimal, the large instance, and the plan Monte Carlo.

Usage: ``python benchmarks/bench_schedule.py [--runs N]``. Prints a Markdown table of
medians (and min–max) for BENCHMARKS.md. Targets: capacity for 20 rooms × 50 products
< 50 ms; campaign plan proven optimal for 10 rooms × 10 products × 3 years < 1 s; the public
instance's lot schedule proven optimal < 1 s median, the tight variant < 5 s; Monte Carlo
≥ 100,000 facility-years per second. Every solver run here must end proven optimal (or, for
the large instance, feasible within its time limit); the script stops otherwise.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
#: Generated 10 × 10 × 3 campaign instances, and the time each may take.
CAMPAIGN_SEEDS = (4, 5, 6, 7, 8, 9)
CAMPAIGN_LIMIT = 1.0
#: A wider sample of the same generator, each solved once: how often the target is met.
CAMPAIGN_SAMPLE = range(60)


def capacity_plan(rooms: int, products: int, seed: int = 3) -> dict[str, Any]:
    """``rooms`` single suites, each licensed for a random half of ``products`` products of
    one or two phases (suite, then QC), one year."""
    rng = np.random.default_rng(seed)
    names = [f"p{i:02d}" for i in range(products)]
    return {
        "format": "genofab-plan/1",
        "name": f"{rooms} rooms × {products} products",
        "time_step": "1 d",
        "horizon": "365 d",
        "products": [
            {"name": name, "phases": [
                {"name": "make", "room": "suite", "duration": f"{int(rng.integers(7, 40))} d"},
                {"name": "release", "room": "qc_lab", "duration": f"{int(rng.integers(14, 29))} d"},
            ]}
            for name in names
        ],
        "rooms": [
            {"name": f"suite_{r:02d}", "kind": "suite", "changeover": "5 d", "cleaning": "2 d",
             "products": sorted(rng.choice(names, size=products // 2, replace=False).tolist())}
            for r in range(rooms)
        ] + [{"name": "qc_lab", "capacity": 8}],
        "demands": [
            {"sponsor": f"s{i % 7}", "product": name, "lots": int(rng.integers(1, 4)),
             "due": "300 d"}
            for i, name in enumerate(names)
        ],
    }  # fmt: skip


def campaign_plan(rooms: int, products: int, years: int, seed: int = 4) -> dict[str, Any]:
    """``rooms`` identical suites, ``products`` single-phase products, ``years`` of demand
    at about three quarters of the suites' time, weekly grid."""
    rng = np.random.default_rng(seed)
    weeks = 52 * years
    durations = rng.integers(2, 9, size=products)
    share = rng.dirichlet(np.ones(products))
    lots = np.maximum(1, np.floor(0.75 * rooms * weeks * share / durations)).astype(int)
    return {
        "format": "genofab-plan/1",
        "name": f"{rooms} suites × {products} products × {years} years",
        "time_step": "1 wk",
        "horizon": f"{weeks} wk",
        "products": [
            {"name": f"p{i:02d}",
             "phases": [{"name": "make", "room": "suite", "duration": f"{int(d)} wk"}]}
            for i, d in enumerate(durations)
        ],
        "rooms": [{"name": "suite", "count": rooms, "changeover": "1 wk"}],
        "demands": [
            {"sponsor": "s", "product": f"p{i:02d}", "lots": int(n), "due": f"{weeks} wk"}
            for i, n in enumerate(lots)
        ],
    }  # fmt: skip


def timings(action: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` calls (after one warm-up call)."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def row(label: str, samples: list[float], note: str = "") -> str:
    median = statistics.median(samples)
    unit, scale = ("ms", 1e3) if median < 1 else ("s", 1.0)
    low, high = min(samples) * scale, max(samples) * scale
    return (
        f"| {label} | {median * scale:.3g} {unit} | {low:.3g}–{high:.3g} {unit}"
        f" | {len(samples)} | {note} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9, help="repetitions of each solve")
    args = parser.parse_args()

    from genofab.engines.scheduling.aggregate import aggregate_plan
    from genofab.engines.scheduling.campaign import stages
    from genofab.engines.scheduling.capacity import plan_capacity
    from genofab.engines.scheduling.instance import compile_plan
    from genofab.engines.scheduling.montecarlo import Multipliers, robustness, study
    from genofab.engines.scheduling.solve import plan_schedule
    from genofab.engines.scheduling.timetable import assess
    from genofab.io.plan_file import load_plan
    from genofab.model.plan import Plan

    print(
        f"Python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d')}"
    )
    print()
    print("| what | median | min–max | n | result |")
    print("|---|---|---|---|---|")

    capacity = compile_plan(Plan.model_validate(capacity_plan(20, 50)))
    answer = plan_capacity(capacity)
    print(row("capacity, 20 rooms × 50 products (closed form)",
              timings(lambda: plan_capacity(capacity), 200),
              f"bottleneck {answer.bottleneck}"))  # fmt: skip

    for seed in CAMPAIGN_SEEDS:
        campaign = compile_plan(Plan.model_validate(campaign_plan(10, 10, 3, seed=seed)))
        stage = stages(campaign)[0]
        outcome: list[str] = []

        def campaign_solve(
            campaign: Any = campaign, stage: Any = stage, outcome: list[str] = outcome
        ) -> None:
            run = aggregate_plan(campaign, stage, time_limit=CAMPAIGN_LIMIT).run
            outcome.append(f"{run.status}: makespan {run.objective:g} wk, bound {run.bound:g}")

        samples = timings(campaign_solve, 3)
        print(row(f"campaign plan, 10 suites × 10 products × 3 years, seed {seed}"
                  f" ({len(campaign.lots)} lots), limit {CAMPAIGN_LIMIT:g} s",
                  samples, outcome[-1]))  # fmt: skip

    missed, seconds = [], []
    for seed in CAMPAIGN_SAMPLE:
        campaign = compile_plan(Plan.model_validate(campaign_plan(10, 10, 3, seed=seed)))
        start = time.perf_counter()
        run = aggregate_plan(campaign, stages(campaign)[0], time_limit=CAMPAIGN_LIMIT).run
        seconds.append(time.perf_counter() - start)
        if run.status != "optimal" or seconds[-1] >= CAMPAIGN_LIMIT:
            missed.append(f"{seed} ({run.status} {run.objective:g}, bound {run.bound:g})")
    print(row(f"campaign plan, seeds {CAMPAIGN_SAMPLE.start}–{CAMPAIGN_SAMPLE.stop - 1}"
              f" of the same generator, limit {CAMPAIGN_LIMIT:g} s", seconds,
              f"proven optimal within the limit: {len(seconds) - len(missed)} of"
              f" {len(seconds)}; not: {', '.join(missed) or 'none'}"))  # fmt: skip

    for name, objective, expected in (
        ("schedule-4-suites.yaml", "makespan", 27),
        ("schedule-4-suites-due-52.yaml", "lateness", 0),
        ("schedule-4-suites-due-26.yaml", "lateness", 11),
    ):
        instance = compile_plan(load_plan(EXAMPLES / name).plan)

        def solve(instance: Any = instance, objective: str = objective) -> Any:
            solution = plan_schedule(instance, objective, time_limit=30, seed=0)
            assert solution.status == "optimal", solution.status
            return solution

        solution = solve()
        assert solution.value == expected
        print(row(f"lot schedule proven optimal, {name} ({objective})",
                  timings(solve, args.runs),
                  f"{solution.value:g}, bound {solution.bound:g}"))  # fmt: skip

        def forced(instance: Any = instance, objective: str = objective) -> Any:
            solution = plan_schedule(instance, objective, time_limit=60, lot_model="always")
            assert solution.status == "optimal" and solution.runs[-1].status == "optimal"
            return solution

        print(row(f"same, lot-level CP-SAT model run as well (seeded), {name}",
                  timings(forced, 3), "optimal"))  # fmt: skip

    large = compile_plan(load_plan(EXAMPLES / "schedule-12-rooms.yaml").plan)
    results: list[str] = []

    def large_solve() -> None:
        solution = plan_schedule(large, "lateness", time_limit=10)
        assert solution.status in {"feasible", "optimal"}
        assert solution.timetable is not None and assess(large, solution.timetable).feasible
        results.append(
            f"{solution.value:g} lot·wk, bound {solution.bound:g}, gap {solution.gap:.0%}"
        )

    samples = timings(large_solve, 3)
    print(row(f"large instance, 12 rooms × 10 products × 2 years ({len(large.lots)} lots),"
              " time limit 10 s", samples, results[-1]))  # fmt: skip

    plan = load_plan(EXAMPLES / "schedule-4-suites.yaml").plan
    instance = compile_plan(plan)
    timetable = plan_schedule(instance, "makespan", time_limit=30).timetable
    assert timetable is not None
    multipliers = Multipliers.of(plan.uncertainty)
    replications = 100_000

    def monte_carlo() -> None:
        robustness(instance, study(instance, timetable, multipliers, replications, seed=1))

    samples = timings(monte_carlo, 5)
    years = replications * instance.horizon * instance.step_days / 365.25
    rate = years / statistics.median(samples)
    print(row(f"Monte Carlo of the benchmark plan, {replications:,} replications of 52 weeks",
              samples, f"{rate:,.0f} facility-years/s"))  # fmt: skip

    def end_to_end(name: str) -> Callable[[], object]:
        command = [sys.executable, "-m", "genofab", "schedule", str(EXAMPLES / name), "-f", "json"]
        return lambda: subprocess.run(command, check=True, capture_output=True)

    for name in ("schedule-4-suites.yaml", "schedule-4-suites-due-26.yaml"):
        print(row(f"`genofab schedule {name} -f json`, end to end",
                  timings(end_to_end(name), 5)))  # fmt: skip


if __name__ == "__main__":
    main()
