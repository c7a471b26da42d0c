"""Speed and memory of the Monte Carlo (issues 4 and 9), on
examples/lv-sickle-cell-industrial.yaml.

Usage::

    python benchmarks/bench_monte_carlo.py [--samples N] [--repeat R] [--loop-samples M]
        [--memory-samples K] [--sweep-points P] [--sweep-samples S] [--ceiling-samples C]
        [--rounds Q] [--skip-loop] [--skip-memory] [--skip-sweep] [--skip-ceiling]
        [--skip-commands]

Prints Markdown rows for BENCHMARKS.md:

- Side by side in CPU time (issue 9), alternating in ``--rounds`` rounds: the NumPy
  random-number ceiling (the same draws by NumPy's own generator methods, one call per
  uncertain input over all ``--ceiling-samples`` samples, and the binomial of failed lots),
  against the whole Monte Carlo of as many samples (draws, engines, statistics); medians and
  the ratio of the medians.
- Side by side in CPU time of the child processes: ``genofab run`` and
  ``genofab run --samples 10000`` on the example (start-up and imports included), alternating
  in ``--rounds`` rounds.

- Monte Carlo samples per second on one core (the process pins itself to one CPU): drawing
  the nine uncertain parameters (rank correlation included), lot, capacity and cost engines
  with failed lots drawn per lot, fair price, and the streaming statistics of every headline
  result; median and min–max of ``--repeat`` runs of ``--samples``.
- The same model evaluated by a straightforward per-sample Python loop (each sample drawn
  with the same distributions and evaluated alone by the same engines), measured in the same
  run, and the speed-up.
- Peak memory (maximum resident set size of a child process) of ``genofab run -n K``.
- A sweep of ``--sweep-points`` points × ``--sweep-samples`` samples on a 2-worker
  distributed.LocalCluster (processes), with the cluster's start-up time apart.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench_foundation import timings  # the same timing loop (this folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "lv-sickle-cell-industrial.yaml"


def rate_row(label: str, seconds: list[float], count: int) -> str:
    rates = sorted(count / s for s in seconds)
    return (
        f"| {label} | {statistics.median(rates):,.0f} samples/s | {rates[0]:,.0f}–{rates[-1]:,.0f}"
        f" | {len(seconds)} × {count:,} samples |"
    )


def per_sample_loop(scenario: object, count: int, seed: int) -> None:
    """The baseline: one sample at a time, drawn and evaluated by the same code, in Python."""
    from genofab.engines.uncertainty.chunks import DrawnFailures
    from genofab.engines.uncertainty.outputs import evaluate_samples, headline_outputs
    from genofab.engines.uncertainty.sampling import block_streams, engine_values, sampler
    from genofab.engines.uncertainty.sampling import sampling_plan as plan_of

    plan = plan_of(scenario)  # type: ignore[arg-type]
    outputs = headline_outputs(scenario)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed)
    draws = [(item.path, sampler(item.distribution), item.whole) for item in plan.inputs]
    streams = block_streams(seed, range(1))
    failures = DrawnFailures(streams, [1])
    results = []
    for _ in range(count):
        drawn = {}
        for path, sample, whole in draws:
            value = sample(rng, 1)
            drawn[path] = np.rint(value) if whole else value
        evaluation = evaluate_samples(scenario, engine_values(plan, drawn), failures, 1)  # type: ignore[arg-type]
        results.append(
            [float(np.asarray(output.read(evaluation)).ravel()[0]) for output in outputs]
        )
    assert len(results) == count


def numpy_ceiling(plan: object, lots_started: float) -> Callable[[int, int], object]:
    """NumPy drawing the same values as the Monte Carlo's inputs with its own methods (a
    truncated normal as the plain normal, cheaper), and the failed lots of each sample."""
    from genofab.model.distributions import (
        Beta,
        Empirical,
        LogNormal,
        Normal,
        Pert,
        Triangular,
        Uniform,
    )

    inputs = plan.inputs  # type: ignore[attr-defined]
    failure = next(
        (i for i, item in enumerate(inputs) if item.path == "economics.lot_failure_probability"),
        None,
    )

    def draw(samples: int, seed: int) -> object:
        rng = np.random.Generator(np.random.SFC64(seed))
        drawn = []
        for item in inputs:
            d = item.distribution
            if isinstance(d, Pert | Beta):
                a, b = d.beta_shapes() if isinstance(d, Pert) else (d.alpha, d.beta)
                drawn.append(d.low + (d.high - d.low) * rng.beta(a, b, samples))
            elif isinstance(d, Normal):
                drawn.append(rng.normal(d.mean, d.sd, samples))
            elif isinstance(d, Uniform):
                drawn.append(rng.uniform(d.low, d.high, samples))
            elif isinstance(d, Triangular):
                drawn.append(rng.triangular(d.low, d.mode, d.high, samples))
            elif isinstance(d, LogNormal):
                drawn.append(rng.lognormal(np.log(d.median), np.log(d.gsd), samples))
            elif isinstance(d, Empirical):
                drawn.append(rng.choice(np.asarray(d.values), samples))
        if failure is not None:
            drawn.append(rng.binomial(int(lots_started), drawn[failure]))
        return drawn

    return draw


def cpu_times(actions: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """CPU seconds of this process for each action, the actions alternating in each round
    (after one warm-up round), so that a change in the machine's load hits them alike."""
    for action in actions.values():
        action()
    found: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            start = time.process_time()
            action()
            found[name].append(time.process_time() - start)
    return found


def child_cpu(command: list[str]) -> float:
    """CPU seconds (user + system) of one child process running ``command``."""
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in paths if p)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ceiling_rows(scenario: object, samples: int, rounds: int) -> None:
    from genofab.engines.run import evaluate
    from genofab.engines.uncertainty.executors import SerialExecutor
    from genofab.engines.uncertainty.monte_carlo import monte_carlo
    from genofab.engines.uncertainty.sampling import sampling_plan

    economics = evaluate(scenario).economics  # type: ignore[arg-type]
    assert economics is not None
    ceiling = numpy_ceiling(sampling_plan(scenario), economics.lots_started_per_year)  # type: ignore[arg-type]
    times = cpu_times(
        {
            "ceiling": lambda: ceiling(samples, 1),
            "monte carlo": lambda: monte_carlo(
                scenario,  # type: ignore[arg-type]
                samples,
                1,
                executor=SerialExecutor(),
                histograms=False,
            ),
        },
        rounds,
    )
    for name, label in (
        ("ceiling", "NumPy ceiling: the same draws by NumPy's own methods, + failed lots"),
        ("monte carlo", "Monte Carlo: draws + lot, capacity, cost, price + statistics"),
    ):
        print(cpu_row(label, times[name], samples))
    ratio = statistics.median(times["ceiling"]) / statistics.median(times["monte carlo"])
    each = sorted(c / m for c, m in zip(times["ceiling"], times["monte carlo"], strict=True))
    print(
        f"| Monte Carlo ÷ ceiling (samples per CPU-second) | {ratio:.2f} |"
        f" {each[0]:.2f}–{each[-1]:.2f} per round | {rounds} rounds |"
    )


def cpu_row(label: str, seconds: list[float], count: int) -> str:
    rates = sorted(count / s for s in seconds)
    return (
        f"| {label} | {statistics.median(rates):,.0f} samples per CPU-s |"
        f" {rates[0]:,.0f}–{rates[-1]:,.0f} | {len(seconds)} × {count:,} samples |"
    )


def command_rows(rounds: int) -> None:
    plain = [sys.executable, "-m", "genofab", "run", str(EXAMPLE)]
    commands = {
        # A plain run leads with a 2,000-sample spread when the file carries distributions;
        # ``--samples 0`` is the deterministic run alone (what a plain run was before).
        "deterministic": ([*plain, "--samples", "0"], "`genofab run --samples 0`"),
        "plain": (plain, "`genofab run`"),
        "sampled": (
            [*plain, "--samples", "10000", "--no-progress"],
            "`genofab run --samples 10000`",
        ),
    }
    child_cpu(plain)  # warm the file system cache
    found: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, _label) in commands.items():
            found[name].append(child_cpu(command))
    for name, (_command, label) in commands.items():
        seconds = sorted(found[name])
        print(
            f"| {label}, CPU of the process | {statistics.median(seconds):.2f} s |"
            f" {seconds[0]:.2f}–{seconds[-1]:.2f} s | {rounds} |"
        )
    sampled = statistics.median(found["sampled"])
    for name in ("plain", "deterministic"):
        ratio = sampled / statistics.median(found[name])
        print(f"| `run --samples 10000` ÷ {commands[name][1]} | {ratio:.2f} | | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-samples", type=int, default=3_000)
    parser.add_argument("--memory-samples", type=int, default=100_000_000)
    parser.add_argument("--sweep-points", type=int, default=100)
    parser.add_argument("--sweep-samples", type=int, default=100_000)
    parser.add_argument("--ceiling-samples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-loop", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument("--skip-commands", action="store_true")
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})  # one core

    from genofab.engines.uncertainty.chunks import chunk_tasks, simulate
    from genofab.engines.uncertainty.executors import ClusterExecutor, SerialExecutor
    from genofab.engines.uncertainty.monte_carlo import monte_carlo
    from genofab.engines.uncertainty.sweep import sweep
    from genofab.io.scenario_file import load_scenario

    scenario = load_scenario(EXAMPLE).scenario
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()},"
        f" {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}, load average at start"
        f" {os.getloadavg()[0]:.2f}\n"
    )
    print("| what | median | min–max | runs |")
    print("|---|---|---|---|")

    if not args.skip_ceiling:
        ceiling_rows(scenario, args.ceiling_samples, args.rounds)

    if not args.skip_throughput:
        seconds = timings(
            lambda: monte_carlo(scenario, args.samples, 1, executor=SerialExecutor()),
            args.repeat,
        )
        vectorised = statistics.median(args.samples / s for s in seconds)
        print(
            rate_row(
                "Monte Carlo, one core: draws + lot, capacity, cost, price + statistics",
                seconds,
                args.samples,
            )
        )

        task = chunk_tasks(scenario, 100_000, 1)[0]
        engine = timings(lambda: simulate(task), args.repeat)
        print(
            rate_row(
                "of which draws + engines (one 100,000-sample chunk, no statistics)",
                engine,
                100_000,
            )
        )

    if not args.skip_throughput and not args.skip_loop:
        loop = timings(
            lambda: per_sample_loop(scenario, args.loop_samples, 1), max(1, args.repeat // 2)
        )
        looped = statistics.median(args.loop_samples / s for s in loop)
        print(
            rate_row(
                "per-sample Python loop, same draws and engines (baseline)",
                loop,
                args.loop_samples,
            )
        )
        speed_up = vectorised / looped
        print(f"| speed-up of the vectorised Monte Carlo over the loop | {speed_up:,.0f}× | | |")

    if not args.skip_memory:
        command = [
            sys.executable,
            "-m",
            "genofab",
            "run",
            str(EXAMPLE),
            "-n",
            str(args.memory_samples),
            "--force",
            "-f",
            "json",
            "--no-progress",
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB → MiB
        print(
            f"| peak memory, `genofab run -n {args.memory_samples:,}` (max RSS of the process)"
            f" | {peak:,.0f} MiB | {elapsed:,.0f} s wall | 1 |"
        )

    if not args.skip_sweep:
        from distributed import Client, LocalCluster

        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))  # both cores again
        values = np.linspace(0.3, 0.6, args.sweep_points).tolist()
        start = time.perf_counter()
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            started = time.perf_counter() - start
            client.run(lambda: __import__("genofab.engines.uncertainty.sweep"))  # warm imports
            begin = time.perf_counter()
            result = sweep(
                scenario,
                {"process.steps[4].step_yield": values},
                args.sweep_samples,
                1,
                executor=ClusterExecutor(client),
            )
            elapsed = time.perf_counter() - begin
        total = args.sweep_points * args.sweep_samples
        print(
            f"| sweep, {len(result.points)} points × {args.sweep_samples:,} samples, 2-worker"
            f" LocalCluster | {elapsed:.1f} s ({total / elapsed:,.0f} samples/s) | cluster start"
            f" {started:.1f} s | 1 |"
        )

    if not args.skip_commands:
        command_rows(args.rounds)

    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} (other work on the machine counts)")


if __name__ == "__main__":
    main()
