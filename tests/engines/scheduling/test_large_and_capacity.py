"""The larger generated instance (12 suites, 10 products, 2 years, QC lab) gives a checked
schedule with its gap (how long the solver takes is the benchmark's business, never a test's);
the committed file is the generator's output;
the closed-form capacity gives the reference's lots per suite per year."""

from __future__ import annotations

import io

import pytest
from ruamel.yaml import YAML

from genofab.engines.scheduling.capacity import plan_capacity
from genofab.engines.scheduling.instance import compile_plan
from genofab.engines.scheduling.lot_model import MAX_ARCS, arc_count
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import assess
from genofab.io.plan_file import load_plan
from tests.helpers import EXAMPLES, benchmark_module
from tests.schedule_plans import benchmark_data, instance_of

LARGE = EXAMPLES / "schedule-12-rooms.yaml"


def test_the_committed_large_plan_is_the_generators_output() -> None:
    committed = YAML(typ="safe", pure=True).load(io.StringIO(LARGE.read_text(encoding="utf-8")))
    assert committed == benchmark_module("large_plan").large_plan_data()


def test_large_plan_has_the_size_the_issue_asks_for() -> None:
    instance = compile_plan(load_plan(LARGE).plan)
    assert sum(room.count for room in instance.rooms if room.kind == "suite") == 12
    assert len(instance.products) == 10
    assert 280 <= len(instance.lots) <= 320
    assert instance.horizon == 104
    assert any(room.kind == "qc_lab" and room.places > 1 for room in instance.rooms)


@pytest.mark.slow
def test_large_plan_gets_a_checked_schedule_and_its_gap() -> None:
    instance = compile_plan(load_plan(LARGE).plan)
    solution = plan_schedule(instance, "lateness", time_limit=4.0, seed=1)
    assert solution.status in {"feasible", "optimal"}
    assert solution.timetable is not None
    assert assess(instance, solution.timetable).feasible
    assert solution.value is not None and solution.bound is not None and solution.gap is not None
    assert solution.bound <= solution.value


def test_capacity_is_the_references_lots_per_suite_per_year() -> None:
    """Scheduling reference 2.2: a dedicated suite makes 26 A, 17.3 B or 6.5 C lots a year
    (whole lots: 26, 17, 6); the demand needs 102 of the 208 suite-weeks."""
    capacity = plan_capacity(instance_of(benchmark_data()))
    assert capacity.lots_per_room_year.tolist() == [[26, 17, 6]]
    assert capacity.demanded.tolist() == [102]
    assert capacity.available.tolist() == [208]
    assert capacity.bottleneck == "suite"


@pytest.mark.slow
def test_the_same_plan_seed_and_limit_give_the_same_schedule() -> None:
    """Every stage counts its work (CP-SAT's deterministic time, orders decoded, moves,
    packing steps): with a wall-clock guard far beyond what the work needs, two runs of the
    12-room plan give the same schedule, value and bound however loaded the machine is."""
    instance = compile_plan(load_plan(LARGE).plan)
    runs = [
        plan_schedule(instance, "lateness", time_limit=1.0, seed=2, guard=600.0) for _ in range(2)
    ]
    assert runs[0].timetable == runs[1].timetable
    assert runs[0].value == runs[1].value and runs[0].bound == runs[1].bound
    assert runs[0].timetable is not None and assess(instance, runs[0].timetable).feasible


def test_a_lot_model_too_large_to_build_is_reported_skipped_not_left_unsaid() -> None:
    instance = compile_plan(load_plan(LARGE).plan)
    assert arc_count(instance) > MAX_ARCS
    solution = plan_schedule(instance, "lateness", time_limit=1.0, campaign_level=False)
    (skipped,) = (run for run in solution.runs if run.model.startswith("lot-level"))
    assert skipped.status == "skipped"
    assert f"its {arc_count(instance):,} circuit arcs are more than the 60,000" in skipped.model
    assert skipped.model.endswith("its share of the time limit went to the searches")
