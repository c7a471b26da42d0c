"""Speed of the outlook and network engines on generated problems.

Usage: ``python benchmarks/bench_outlook.py [--runs N]``. Prints a Markdown table for
BENCHMARKS.md: CPU seconds (medians of N runs, min–max) of

- a 20-year expansion plan with 3 products and 10 candidates (suites, facilities, CDMO
  slots), solved to proven optimality (target: under 10 s);
- a 1,000-patient network (5 centres, 6 sites of three sizes, 2 modes) and the same at
  3,000 patients (target: 1,000 patients under 10 s).

Problems are generated with a fixed seed and built directly in engine terms, so the times
are the solvers' and the model building's, not file reading.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

from genofab.engines.demand.expansion import (
    CandidateSpec,
    ExpansionProblem,
    ProductSpec,
    solve_expansion,
)
from genofab.engines.network import LaneSpec, NetworkProblem, SiteSpec, even_arrivals, solve_network
from genofab.engines.network_run import apportion


def expansion_problem(seed: int = 1) -> ExpansionProblem:
    """20 years, 3 indications with rising demand, 3 products over 2 resources, 10
    candidates (6 suites, 2 facilities, 2 CDMO slot offers)."""
    rng = np.random.default_rng(seed)
    years = 20
    ramp = 1 - np.exp(-np.arange(1, years + 1) / 6)
    need = np.stack([rng.uniform(300, 1500) * ramp for _ in range(3)])
    products = tuple(
        ProductSpec(
            f"p{p}",
            (p,),
            {"vector": rng.uniform(0.001, 0.02), "cell": rng.uniform(0.005, 0.015)},
            rng.uniform(10_000, 40_000),
            1.0,
        )
        for p in range(3)
    )
    candidates = []
    for c in range(6):
        kind = "vector" if c % 2 else "cell"
        candidates.append(
            CandidateSpec(
                f"suite{c}",
                "suite",
                {kind: 1.0},
                rng.uniform(2e6, 8e6),
                rng.uniform(1e6, 3e6),
                rng.integers(1, 3),
                1.0,
                15.0,
                10,
                0,
                years - 1,
            )
        )
    for c in range(2):
        candidates.append(
            CandidateSpec(
                f"plant{c}",
                "facility",
                {"vector": 4.0, "cell": 8.0},
                rng.uniform(40e6, 80e6),
                rng.uniform(10e6, 20e6),
                3.0,
                1.0,
                20.0,
                2,
                0,
                years - 1,
            )
        )
    for c in range(2):
        kind = "vector" if c else "cell"
        candidates.append(
            CandidateSpec(
                f"cdmo{c}",
                "cdmo",
                {kind: 1.0},
                0.0,
                rng.uniform(3e6, 6e6),
                1.0,
                0.0,
                1.0,
                5,
                0,
                years - 1,
            )
        )
    return ExpansionProblem(
        years=years,
        need=need,
        resources=("vector", "cell"),
        existing=np.array([2.0, 2.0]),
        existing_fixed_cost=np.array([2.5e6, 1.5e6]),
        products=products,
        candidates=tuple(candidates),
        discount_rate=0.08,
        waiting_penalty=100_000.0,
    )


def network_problem(patients: int, seed: int = 1) -> NetworkProblem:
    """5 centres, 6 candidate sites of 4, 10 and 31 places (S35's sizes), 2 modes, a year."""
    rng = np.random.default_rng(seed)
    centres = tuple(f"c{k}" for k in range(5))
    shares = rng.dirichlet(np.ones(5))
    counts = apportion(patients, [float(share) for share in shares])
    arrivals = tuple(even_arrivals(count, 365, (k + 1) / 6) for k, count in enumerate(counts))
    sizes = (4, 31, 10, 4, 31, 10)
    daily = {4: 23_136, 10: 57_840, 31: 173_521}
    sites = tuple(
        SiteSpec(f"m{s}", False, size, 7, 7, daily[size] * 365.25, 0.0, 19_788.0)
        for s, size in enumerate(sizes)
    )
    lanes = []
    for centre in centres:
        for site in sites:
            for mode, days, low, high in (("fast", 1, 1040, 3500), ("slow", 2, 100, 1053)):
                lanes.append(LaneSpec(centre, site.name, mode, days, rng.uniform(low, high)))
                lanes.append(LaneSpec(site.name, centre, mode, days, rng.uniform(low, high)))
    return NetworkProblem(
        centres=centres,
        arrivals=arrivals,
        sites=sites,
        lanes=tuple(lanes),
        horizon_days=365,
        vein_to_vein_max=18,
        collection_days=1,
        max_sites=2,
    )


def cpu(action: Callable[[], object], runs: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = action()
        samples.append(time.process_time() - start)
    return samples, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {args.runs} runs each")
    print()
    print("| problem | CPU s, median (min–max) | status | result |")
    print("|---|---|---|---|")
    samples, solution = cpu(lambda: solve_expansion(expansion_problem()), args.runs)
    built = int(solution.units.sum())  # type: ignore[attr-defined]
    print(
        f"| expansion: 20 years, 3 products, 10 candidates | {statistics.median(samples):.2f}"
        f" ({min(samples):.2f}–{max(samples):.2f}) | {solution.status}, gap"  # type: ignore[attr-defined]
        f" {solution.gap:.1e} | {built} units started |"  # type: ignore[attr-defined]
    )
    for patients in (1000, 3000):
        samples, found = cpu(lambda p=patients: solve_network(network_problem(p)), args.runs)
        served = sum(found.served.values())  # type: ignore[attr-defined]
        assert served <= patients, (served, patients)
        print(
            f"| network: {patients:,} patients, 5 centres, 6 candidate sites, 2 modes |"
            f" {statistics.median(samples):.2f} ({min(samples):.2f}–{max(samples):.2f}) |"
            f" {found.status}, gap {found.gap:.1e} | {served:,} of {patients:,} served |"  # type: ignore[attr-defined]
        )


if __name__ == "__main__":
    main()
