"""The lateness bound that counts changeovers: the arc-flow model cut to its first steps
(lots optional, lateness counted only before the cut), solved by CP-SAT and by HiGHS (the
bound the pipeline states, cut_bound.py). Worked by hand on one room and two products, and
never above the optimum that brute force finds on tiny plans."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from scipy.optimize import Bounds, LinearConstraint, milp

from genofab.engines.scheduling import solve
from genofab.engines.scheduling.campaign import arc_flow, stages
from genofab.engines.scheduling.cut_bound import (
    NotLinearError,
    cut_bound,
    linear_program,
    whole_bound,
)
from genofab.engines.scheduling.instance import Instance
from genofab.engines.scheduling.rules import earliest_due_date
from genofab.engines.scheduling.run import schedule_plan
from genofab.model.plan import Plan
from tests.property.test_schedule_invariants import plans
from tests.schedule_plans import instance_of


def two_products() -> dict[str, Any]:
    """One room; a and b take 1 wk each, 2 wk to change from one to the other; one lot of
    each due at week 1."""
    return {
        "format": "genofab-plan/1",
        "name": "two products, one room",
        "objective": "lateness",
        "time_step": "1 wk",
        "horizon": "10 wk",
        "products": [
            {"name": name, "phases": [{"name": "make", "room": "suite", "duration": "1 wk"}]}
            for name in ("a", "b")
        ],
        "rooms": [{"name": "suite", "changeover": "2 wk"}],
        "demands": [
            {"sponsor": "s", "product": name, "lots": 1, "due": "1 wk"} for name in ("a", "b")
        ],
    }


def by_cp_sat(instance: Instance, until: int) -> float:
    plan = arc_flow(instance, stages(instance)[0], "lateness", time_limit=30.0, work=5.0,
                    until=until)  # fmt: skip
    assert plan.run.status == "optimal"
    assert plan.run.bound is not None
    return plan.run.bound


def by_highs(instance: Instance, until: int, nodes: int = 10_000) -> float:
    run = cut_bound(instance, stages(instance)[0], until, nodes=nodes, time_limit=30.0)
    assert not run.guarded
    assert run.bound is not None
    return run.bound


ROOT = Path(__file__).resolve().parents[3]
SOLVERS = pytest.mark.parametrize("bound_of", [by_cp_sat, by_highs], ids=["cp-sat", "highs"])


@SOLVERS
def test_one_room_two_products_by_hand(bound_of: Any) -> None:
    # The first lot ends at week 1, on time. The second waits for the 2-week changeover:
    # it runs in week 3 and ends at week 4, 3 weeks late. Each product alone is on time, so
    # only a bound that sees the changeover finds the 3 weeks: cut at week 4 it counts them
    # all (late at weeks 1, 2 and 3), cut at week 3 two of them, at week 1 none.
    instance = instance_of(two_products())
    assert bound_of(instance, 4) == 3
    assert bound_of(instance, 3) == 2
    assert bound_of(instance, 1) == 0
    assert bound_of(instance, 10) == 3


def test_the_root_alone_bounds_the_hand_worked_plan() -> None:
    # the pipeline's setting (solve.CUT_NODES = 1): the root's bound is valid and, on this
    # plan, already the optimum
    instance = instance_of(two_products())
    assert by_highs(instance, 4, nodes=1) == 3


def test_the_linear_program_is_the_cp_sat_model() -> None:
    # min 2x + y + 3z + 1 with x + y >= 2, the clause (z or not y), x in 0..4, y, z in 0..1.
    # By hand: without the clause x = y = 1 would give 4; with it y = 1 needs z = 1 (7), so
    # x = 2, y = 0 gives 5. A clause or a row read wrongly changes the answer.
    model = cp_model.CpModel()
    x = model.new_int_var(0, 4, "x")
    y = model.new_bool_var("y")
    z = model.new_bool_var("z")
    model.add(x + y >= 2)
    model.add_bool_or([z, y.negated()])
    model.minimize(2 * x + y + 3 * z + 1)
    program = linear_program(model)
    result = milp(
        program.costs,
        constraints=LinearConstraint(program.matrix, program.row_lower, program.row_upper),
        integrality=[1] * len(program.costs),
        bounds=Bounds(program.lower, program.upper),
    )
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert result.fun + program.offset == solver.objective_value == 5


def test_a_constraint_a_linear_program_cannot_state_is_refused() -> None:
    model = cp_model.CpModel()
    x = model.new_int_var(0, 4, "x")
    model.add_multiplication_equality(x, [x, x])
    with pytest.raises(NotLinearError):
        linear_program(model)


def brute_force(instance: Instance) -> float | None:
    """Least first-in-first-out lateness over every assignment of lots to rooms and order
    (left-shifted: a lot starts when its room is clean and changed over); None when no
    schedule fits the horizon."""
    room = instance.rooms[0]
    lots = [lot.index for lot in instance.lots]
    best: float | None = None
    for order in set(itertools.permutations([instance.lots[i].product for i in lots])):
        for rooms in itertools.product(range(room.count), repeat=len(order)):
            free = [0] * room.count
            last = [-1] * room.count
            done: dict[int, list[int]] = {}
            fits = True
            for product, r in zip(order, rooms, strict=True):
                change = room.changeover[last[r]][product] if last[r] >= 0 else 0
                start = free[r] + change
                end = start + instance.products[product].phases[0].duration
                free[r], last[r] = end + room.cleaning, product
                fits = fits and free[r] <= instance.horizon
                done.setdefault(product, []).append(end)
            if not fits:
                continue
            late = sum(
                max(0, end - lot.due)
                for product, ends in done.items()
                for end, lot in zip(sorted(ends), instance.lots_of(product), strict=True)
            )
            best = late if best is None else min(best, late)
    return best


@SOLVERS
@settings(max_examples=25, deadline=None)
@given(data=plans(stages=1), cut=st.integers(1, 30))
def test_the_cut_bound_is_never_above_the_optimum(
    bound_of: Any, data: dict[str, Any], cut: int
) -> None:
    for demand in data["demands"]:
        demand["lots"] = min(demand["lots"], 2)  # brute force stays small
    data["rooms"][0]["count"] = min(data["rooms"][0]["count"], 2)
    instance = instance_of(data)
    optimum = brute_force(instance)
    if optimum is None:
        return
    assert bound_of(instance, cut) <= optimum + 1e-9


def test_highs_writes_nothing_to_standard_output() -> None:
    # HiGHS writes a banner to the process's standard output the first time a solver is
    # made; `genofab schedule -f json` prints JSON there, so the bound must keep it quiet
    code = (
        "from tests.engines.scheduling.test_changeover_bound import by_highs, two_products\n"
        "from tests.schedule_plans import instance_of\n"
        "import sys\n"
        "sys.stderr.write(str(by_highs(instance_of(two_products()), 4)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout == ""
    assert done.stderr == "3.0"


def test_a_dual_bound_is_rounded_up_to_whole_lot_steps_past_tolerances_only() -> None:
    assert whole_bound(19.5) == 20  # lateness is whole: above 19 means at least 20
    assert whole_bound(19.0000005) == 19  # HiGHS's tolerance, not a fraction
    assert whole_bound(1500.0009) == 1500  # relative to the bound's size
    assert whole_bound(1500.01) == 1501
    assert whole_bound(-0.3) == 0


def test_highs_root_beside_the_next_stages_bounds_as_it_does_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # with two workers the root runs in another process while the order search goes on;
    # its bound and its place among the runs are those it has when run in the campaign level
    monkeypatch.setattr(solve, "MAX_FLOW_ARCS", 0)  # the cut model, as on large stages
    instance = instance_of(two_products())
    outcomes = {}
    for workers in (1, 2):
        solution = solve.plan_schedule(
            instance, "lateness", time_limit=solve.HIGHS_FROM, workers=workers
        )
        outcomes[workers] = (
            solution.value,
            solution.bound,
            solution.status,
            [(run.model, run.bound) for run in solution.runs],
        )
    assert outcomes[1] == outcomes[2]
    value, bound, status, runs = outcomes[2]
    assert (value, bound, status) == (3, 3, "optimal")
    assert [model.split("(")[-1] for model, _ in runs[:2]] == [
        "changeovers counted; CP-SAT)",
        "changeovers counted; HiGHS root node and cuts)",
    ]
    assert runs[1][1] == 3


def test_with_two_workers_the_root_runs_in_another_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solve, "MAX_FLOW_ARCS", 0)
    instance = instance_of(two_products())
    hint, deadline = earliest_due_date(instance), time.perf_counter() + 60.0
    level = {
        workers: solve._campaign_level(
            instance,
            "lateness",
            stages(instance),
            0.0,
            hint,
            deadline,
            0,
            3.0,
            solve.HIGHS_FROM,
            workers,
        )
        for workers in (1, 2)
    }
    assert level[1].rooted is None and len(level[1].runs) == 2  # CP-SAT's cut, then HiGHS
    assert level[2].rooted is not None and len(level[2].runs) == 1  # HiGHS elsewhere
    run = level[2].rooted.result(time.perf_counter() + 60.0)
    assert run.bound == 3 and run == replace(level[1].runs[-1], seconds=run.seconds)


def test_a_root_made_here_instead_of_elsewhere_says_why_and_bounds_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no other process can start: the root is made in this process after the order search,
    # with the same bound, and the run says so in the JSON and on the console's solver line
    monkeypatch.setattr(solve, "MAX_FLOW_ARCS", 0)
    plan = Plan.model_validate(two_products())
    elsewhere = schedule_plan(plan, "lateness", time_limit=solve.HIGHS_FROM, rooms_search=False)
    monkeypatch.setattr(sys, "executable", str(Path("/nonexistent") / "python"))
    here = schedule_plan(plan, "lateness", time_limit=solve.HIGHS_FROM, rooms_search=False)
    (root,) = [run for run in here.runs if "HiGHS" in run.model]
    assert root.note.startswith("made in this process: another process could not start (")
    assert "/nonexistent/python" in root.note
    assert f"({root.note})" in here.solver
    assert here.model_dump(mode="json")["runs"][1]["note"] == root.note
    assert [run.note for run in elsewhere.runs] == [""] * len(elsewhere.runs)
    assert (here.objective_value, here.bound, here.status) == (3, 3, "optimal")
    assert [(r.model, r.bound) for r in here.runs] == [(r.model, r.bound) for r in elsewhere.runs]
