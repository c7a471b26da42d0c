"""Schedule a plan: compile it onto its grid, plan, and summarise (the engine behind
``genofab schedule``)."""

from __future__ import annotations

from genofab.engines.scheduling.instance import compile_plan
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.summary import summarise
from genofab.engines.scheduling.timetable import Objective
from genofab.errors import InfeasibleError
from genofab.model.plan import Plan
from genofab.model.scenario import Scenario
from genofab.results.schedule import PlanInfo, ScheduleResult


def schedule_plan(
    plan: Plan,
    objective: Objective,
    *,
    scenarios: dict[str, Scenario] | None = None,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    origin: PlanInfo | None = None,
) -> ScheduleResult:
    """The best schedule of ``plan`` for ``objective`` found within ``time_limit`` seconds,
    with its bound and gap; an infeasible plan gives status ``infeasible`` and the reasons."""
    if not time_limit > 0:
        raise InfeasibleError("time_limit", f"must be above 0 s, got {time_limit:g}")
    instance = compile_plan(plan, scenarios)
    solution = plan_schedule(instance, objective, time_limit=time_limit, workers=workers, seed=seed)
    return summarise(instance, solution, origin or PlanInfo(name=plan.name), plan.start)
