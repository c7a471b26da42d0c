"""Work is counted, not timed (issue 12): the same plan, seed and time limit give the same
schedule, and a run the wall-clock guard cut short says so. No timing is asserted here: the
idle-against-loaded comparison is a benchmark (benchmarks/bench_schedule_determinism.py)."""

from __future__ import annotations

from pathlib import Path

from genofab.engines.scheduling.run import schedule_plan
from genofab.io.plan_file import load_plan
from genofab.results.schedule import ScheduleResult

PLANS = Path(__file__).parent / "plans"


def run(time_limit: float, guard: float) -> ScheduleResult:
    # 25 lots, two products, four suites with changeovers: the arc-flow model, the order and
    # sequence searches and the lot model all run
    loaded = load_plan(PLANS / "repro-unknown.yaml")
    return schedule_plan(
        loaded.plan,
        loaded.plan.objective,
        scenarios=loaded.scenarios,
        time_limit=time_limit,
        guard=guard,
        rooms_search=False,
    )


def test_same_plan_seed_and_limit_give_the_same_schedule() -> None:
    # a guard far beyond what the counted work needs: the counted work decides both runs
    first, second = run(2.0, 200.0), run(2.0, 200.0)
    assert [row.model_dump() for row in first.lots] == [row.model_dump() for row in second.lots]
    assert first.objective_value == second.objective_value
    models = [row.model for row in first.runs]
    assert any("sequence search" in model for model in models)
    assert any("lot-level" in model for model in models)
    # and no run was cut short by the wall clock
    assert not any(row.guarded for row in first.runs + second.runs)
    assert "wall-clock guard" not in first.solver


def test_a_run_cut_short_by_the_guard_says_so() -> None:
    # 10 s of counted work under a guard of 50 ms: the searches stop on the wall clock
    result = run(10.0, 0.05)
    assert result.lots  # still a checked schedule (the rule-based floor)
    guarded = [row.model for row in result.runs if row.guarded]
    assert any("order search" in model for model in guarded)
    assert "(stopped by the wall-clock guard)" in result.solver
    assert result.model_dump(mode="json")["runs"][0].keys() >= {"guarded"}
