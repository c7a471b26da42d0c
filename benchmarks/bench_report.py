"""CPU time of ``genofab report`` against ``genofab run --samples 10000`` on the same file,
measured side by side in one run (issue 9: the report under 3× the Monte Carlo run).

Usage: ``python benchmarks/bench_report.py [--rounds N] [--example FILE]``. Each round runs
both commands as fresh processes, alternately, and takes the CPU time (user + system) of each
from ``resource.getrusage(RUSAGE_CHILDREN)``; it prints a Markdown table of medians and the
ratio for BENCHMARKS.md. The report draws the same 10,000 samples (its default) plus the
tornado, the cost-per-dose curve and every figure, in PNG and SVG.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lv-sickle-cell-industrial.yaml"


def cpu_seconds(command: list[str]) -> float:
    """User + system CPU seconds of one child process running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of both commands")
    parser.add_argument("--example", type=Path, default=EXAMPLE, help="scenario file")
    args = parser.parse_args()
    genofab = [sys.executable, "-m", "genofab"]
    example = str(args.example)
    run = [*genofab, "run", example, "--samples", "10000", "--no-progress"]
    times: dict[str, list[float]] = {"run --samples 10000": [], "report": []}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            out = os.path.join(folder, f"report-{round_}")
            report = [*genofab, "report", example, "-o", out, "--no-progress"]
            times["run --samples 10000"].append(cpu_seconds(run))
            times["report"].append(cpu_seconds(report))
    today = time.strftime("%Y-%m-%d")
    print(f"Python {platform.python_version()} on {platform.machine()}, {today}")
    print(f"{args.example.name}, {args.rounds} rounds, CPU time (user + system) per process\n")
    print("| command | median CPU s | min–max |")
    print("|---|---|---|")
    for name, samples in times.items():
        print(
            f"| `genofab {name}` | {statistics.median(samples):.2f} |"
            f" {min(samples):.2f}–{max(samples):.2f} |"
        )
    ratio = statistics.median(times["report"]) / statistics.median(times["run --samples 10000"])
    print(f"\nreport ÷ run --samples 10000: {ratio:.2f}× (target: under 3×)")


if __name__ == "__main__":
    main()
