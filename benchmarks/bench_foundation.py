"""Speed of the foundation: lot + capacity in-process, and ``genofab run`` end to end.

Usage: ``python benchmarks/bench_foundation.py [--repeat N] [--runs M]``. Prints a Markdown
table of medians (and min–max) for BENCHMARKS.md. Targets (issue 2): lot + capacity well
under 50 ms in-process; ``genofab run`` under 1 s end to end.
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

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [  # scenarios only: plans (genofab-plan/1) are benchmarked in bench_schedule.py
    path
    for path in sorted((ROOT / "examples").glob("*.yaml"))
    if "format: genofab/1" in path.read_text(encoding="utf-8").splitlines()
]


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls (after one warm-up call)."""
    action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return samples


def row(label: str, samples: list[float], unit: float, suffix: str) -> str:
    median = statistics.median(samples) / unit
    low, high = min(samples) / unit, max(samples) / unit
    return f"| {label} | {median:.3g} {suffix} | {low:.3g}–{high:.3g} {suffix} | {len(samples)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="in-process repetitions")
    parser.add_argument("--runs", type=int, default=15, help="end-to-end process runs")
    args = parser.parse_args()

    from genofab.engines.capacity import capacity_result
    from genofab.engines.lot import lot_arrays, lot_result
    from genofab.io.scenario_file import load_scenario
    from genofab.model import Scenario

    print(
        f"Python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d')}\n"
    )
    print("| what | median | min–max | n |")
    print("|---|---|---|---|")
    for example in EXAMPLES:
        scenario = load_scenario(example).scenario

        def engines(scenario: Scenario = scenario) -> object:
            values = scenario.values()
            lot_result(scenario, values)
            return capacity_result(scenario, values, lot_arrays(scenario, values))

        print(
            row(
                f"lot + capacity, in-process, {example.name}",
                timings(engines, args.repeat),
                1e-3,
                "ms",
            )
        )
    for example in EXAMPLES[:1] + EXAMPLES[-1:]:
        print(
            row(
                f"load + validate {example.name}",
                timings(lambda example=example: load_scenario(example), args.repeat),
                1e-3,
                "ms",
            )
        )
    # the default run leads with its headline's spread (2,000 samples); --samples 0 is the
    # deterministic run alone: measured side by side, in turn
    for fmt, extra in (("json", []), ("json", ["--samples", "0"]), ("table", [])):
        command = [
            sys.executable,
            "-m",
            "genofab",
            "run",
            str(ROOT / "examples" / "lv-sickle-cell-industrial.yaml"),
            "--format",
            fmt,
            *extra,
        ]
        samples = timings(
            lambda command=command: subprocess.run(command, check=True, capture_output=True),
            args.runs,
        )
        print(
            row(
                f"`python -m genofab run lv-sickle-cell-industrial.yaml -f {fmt}"
                f"{' ' + ' '.join(extra) if extra else ''}`, end to end",
                samples,
                1.0,
                "s",
            )
        )


if __name__ == "__main__":
    main()
