"""Schedule a plan: compile it onto its grid, plan, and summarise (the engine behind
``genofab schedule``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from genofab.engines.scheduling.instance import Instance, compile_plan
from genofab.engines.scheduling.montecarlo import Multipliers, robustness, study
from genofab.engines.scheduling.rooms_needed import rooms_needed
from genofab.engines.scheduling.solve import Progress, plan_schedule
from genofab.engines.scheduling.summary import robustness_result, rooms_needed_fields, summarise
from genofab.engines.scheduling.timetable import Objective
from genofab.errors import UsageError
from genofab.model.plan import Plan
from genofab.model.scenario import Scenario
from genofab.results.schedule import PlanInfo, ScheduleResult

#: Longest time limit (s), most replications, largest seed (CP-SAT and NumPy take it).
MAX_TIME_LIMIT = 86_400.0
MAX_REPLICATIONS = 1_000_000
MAX_SEED = 2**31 - 1


def schedule_plan(
    plan: Plan,
    objective: Objective,
    *,
    scenarios: dict[str, Scenario] | None = None,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    origin: PlanInfo | None = None,
    replications: int = 0,
    simulation_seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    rooms_search: bool = True,
    guard: float | None = None,
) -> ScheduleResult:
    """The best schedule of ``plan`` for ``objective`` found within ``time_limit`` seconds,
    with its bound and gap; an infeasible plan gives status ``infeasible`` and the reasons.
    With ``replications``, the schedule is also simulated as a fixed plan (Monte Carlo).
    ``progress`` is told the best value and bound (in the result's unit) after each stage.
    With ``rooms_search``, the result says how many rooms of each group would make every lot
    on time (a heuristic search, outside the time limit but with its own fixed budget).
    ``guard``: wall-clock seconds after which the searches stop whatever their counted work
    (by default the time limit)."""
    if not 0 < time_limit <= MAX_TIME_LIMIT:
        raise UsageError(
            f"time_limit: must be above 0 s and at most {MAX_TIME_LIMIT:g} s, got {time_limit:g}"
        )
    if not 0 <= replications <= MAX_REPLICATIONS:
        raise UsageError(f"replications: must be 0 to {MAX_REPLICATIONS:,}, got {replications}")
    for name, value in (("seed", seed), ("simulation_seed", simulation_seed)):
        if not 0 <= value <= MAX_SEED:
            raise UsageError(f"{name}: must be 0 to {MAX_SEED:,}, got {value}")
    instance = compile_plan(plan, scenarios)
    relay = None if progress is None else _in_plan_units(instance, objective, progress)
    solution = plan_schedule(
        instance,
        objective,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        progress=relay,
        guard=guard,
    )
    result = summarise(instance, solution, origin or PlanInfo(name=plan.name), plan.start)
    if rooms_search:
        result = result.model_copy(update=rooms_needed_fields(instance, rooms_needed(instance)))
    if replications > 0 and solution.timetable is not None:
        started = time.perf_counter()
        multipliers = Multipliers.of(plan.uncertainty)
        outcome = study(instance, solution.timetable, multipliers, replications, simulation_seed)
        summary = robustness(instance, outcome)
        seconds = time.perf_counter() - started
        result = result.model_copy(
            update={
                "robustness": robustness_result(
                    instance, summary, seed=simulation_seed, seconds=seconds
                )
            }
        )
    return result


def _in_plan_units(
    instance: Instance, objective: Objective, progress: Callable[[Progress], None]
) -> Callable[[Progress], None]:
    """``progress`` told values in the result's units (weeks or days, lot·weeks, money)."""
    if objective in ("margin", "profit"):
        scale, unit = 1.0, instance.currency
    else:
        scale = instance.unit_steps
        unit = instance.step_unit if objective == "makespan" else f"lot·{instance.step_unit}"

    def relay(report: Progress) -> None:
        value = None if report.value is None else report.value / scale
        bound = None if report.bound is None else report.bound / scale
        progress(replace(report, value=value, bound=bound, unit=unit))

    return relay
