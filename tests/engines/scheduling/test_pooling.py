"""Several upstream lots pooled into one downstream lot (``made_from: {product, pooled: k}``,
as the campaign-planning literature's production factor below one: two upstream batches for
one downstream batch). Each case is worked out by hand on one upstream suite and one
downstream suite."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genofab.engines.scheduling.delivery_search import _Decoder
from genofab.engines.scheduling.lot_model import solve_lot_model
from genofab.engines.scheduling.montecarlo import FixedPlan, Multipliers, draw_samples, simulate
from genofab.engines.scheduling.rooms_needed import earliest_alone
from genofab.engines.scheduling.rules import earliest_due_date, place_lots
from genofab.engines.scheduling.run import schedule_plan
from genofab.engines.scheduling.solve import _profit_ceiling, plan_schedule
from genofab.engines.scheduling.timetable import Placement, Timetable, assess
from genofab.model.plan import Plan
from tests.engines.scheduling import simpy_plan
from tests.helpers import refused_by_schedule
from tests.schedule_plans import instance_of

Write = Callable[..., Path]


def pooled_plan(objective: str = "makespan", final: int = 2, crude: int = 4) -> dict[str, Any]:
    """Crude lots take 1 week in the USP suite, final lots 2 weeks in the DSP suite, each
    made from 2 crude lots; the platform demands `crude` crude lots, the market `final`
    final lots due at week 6 (sold at 100,000 EUR, crude lots cost 10,000, final 5,000)."""
    return {
        "format": "genofab-plan/1",
        "name": "pooled",
        "objective": objective,
        "time_step": "1 wk",
        "horizon": "20 wk",
        "products": [
            {"name": "crude", "phases": [{"name": "usp", "room": "usp", "duration": "1 wk"}],
             "cost_per_lot": "10000 EUR/lot"},
            {"name": "final", "phases": [{"name": "dsp", "room": "dsp", "duration": "2 wk"}],
             "made_from": {"product": "crude", "pooled": 2}, "cost_per_lot": "5000 EUR/lot"},
        ],
        "rooms": [{"name": "usp"}, {"name": "dsp"}],
        "demands": [
            {"sponsor": "platform", "product": "crude", "lots": crude, "due": "20 wk",
             "value_per_lot": "0 EUR/lot"},
            {"sponsor": "market", "product": "final", "lots": final, "due": "6 wk",
             "value_per_lot": "100000 EUR/lot", "lateness_penalty": "1000 EUR/lot/d"},
        ],
    }  # fmt: skip


def test_each_lot_is_fed_by_k_consecutive_upstream_lots() -> None:
    instance = instance_of(pooled_plan(final=3, crude=6))
    crude = [lot.index for lot in instance.lots if lot.product == 0]
    final = [lot for lot in instance.lots if lot.product == 1]
    assert [lot.feeders for lot in final] == [
        (crude[0], crude[1]),
        (crude[2], crude[3]),
        (crude[4], crude[5]),
    ]
    assert all(not instance.lots[lot].feeders for lot in crude)


# By hand (makespan): crude lots in weeks 0-1, 1-2, 2-3, 3-4; final-01 (fed by the first two)
# in weeks 2-4, final-02 (by the last two) in 4-6: makespan 6. Under lateness, both due at
# week 6: on time.
def test_the_rules_wait_for_every_feeder() -> None:
    instance = instance_of(pooled_plan())
    timetable = earliest_due_date(instance)
    judged = assess(instance, timetable)
    assert judged.feasible, judged.violations
    assert judged.makespan == 6
    starts = {p.lot: p.start for p in timetable.placements}
    final = [lot for lot in instance.lots if lot.product == 1]
    for lot in final:
        assert starts[lot.index] >= max(starts[f] + 1 for f in lot.feeders)


def test_the_assessment_refuses_a_lot_before_its_second_feeder() -> None:
    instance = instance_of(pooled_plan(final=1, crude=2))
    # crude lots 0 (weeks 0-1) and 1 (1-2); the final lot may start at week 2, not 1
    early = Timetable(
        (Placement(0, 0, 0, 0, 0, 1), Placement(1, 0, 0, 0, 1, 2), Placement(2, 0, 1, 0, 1, 3))
    )
    judged = assess(instance, early)
    assert not judged.feasible
    assert judged.violations == (
        "lot 2 starts at step 1, before lot 1 that feeds it is released (step 2)",
    )
    alone = Timetable((Placement(0, 0, 0, 0, 0, 1), Placement(2, 0, 1, 0, 1, 3)))
    judged = assess(instance, alone, all_lots=False)
    assert "lot 2 is made but lot 1, which feeds it, is not" in judged.violations


@pytest.mark.parametrize("objective", ["makespan", "lateness"])
def test_the_pipeline_and_the_lot_model_prove_the_optimum_by_hand(objective: str) -> None:
    instance = instance_of(pooled_plan(objective))
    expected = 6 if objective == "makespan" else 0
    solution = plan_schedule(instance, objective, time_limit=5, workers=1)  # type: ignore[arg-type]
    assert solution.status == "optimal" and solution.value == expected
    found = solve_lot_model(instance, objective, time_limit=30.0, work=5.0, workers=1)  # type: ignore[arg-type]
    assert found.run.status == "optimal" and found.run.objective == expected
    assert found.timetable is not None and assess(instance, found.timetable).feasible


def test_a_lot_is_left_out_with_its_feeders_named_when_one_of_them_is() -> None:
    instance = instance_of(pooled_plan("margin"))
    # crude-02 left out of the order: final-01, which both crude-01 and crude-02 feed, is not
    # made, nor is final-02 when crude-04 is left out too
    timetable = place_lots(instance, [0, 2, 4, 5], {})
    reasons = dict(timetable.left_out)
    final = [lot.index for lot in instance.lots if lot.product == 1]
    assert reasons[final[0]] == "not made: crude-02, which feeds it, is not made"
    placed = place_lots(instance, [0, 4, 5], {})
    assert dict(placed.left_out)[final[1]] == (
        "not made: crude-03, crude-04, which feed it, are not made"
    )


def test_the_delivery_search_makes_a_lot_only_with_all_its_feeders() -> None:
    instance = instance_of(pooled_plan("profit"))
    decode = _Decoder(instance, "profit")
    assert decode._made(4, {0, 1, 4}) and not decode._made(4, {0, 4})


def test_the_profit_ceiling_counts_k_feeders_per_lot_served() -> None:
    # a final lot earns 100,000 less 5,000 and draws on 2 crude lots at 10,000 each: 75,000;
    # both served: 150,000 (the crude lots are demanded at no value and never sold)
    instance = instance_of(pooled_plan("profit"))
    earliest = {lot.index: 0 for lot in instance.lots}
    assert _profit_ceiling(instance, earliest) == pytest.approx(2 * (100_000 - 5_000 - 20_000))
    solution = plan_schedule(instance, "profit", time_limit=5, workers=1)
    assert solution.value == pytest.approx(150_000)
    assert solution.assessment is not None
    assert set(solution.assessment.ledger.consumed) == {0, 1, 2, 3}


def test_the_monte_carlo_waits_for_the_last_feeder_as_its_reference_does() -> None:
    instance = instance_of(pooled_plan())
    plan = FixedPlan.of(instance, earliest_due_date(instance))
    uncertain = Multipliers((0.5, 1.0, 3.0), (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), None)
    samples = draw_samples(instance, plan, uncertain, 100, np.random.default_rng(5))
    fast = simulate(instance, plan, samples)
    np.testing.assert_allclose(
        fast.release, simpy_plan.simulate(instance, plan, samples), rtol=1e-9
    )
    column = {lot: i for i, lot in enumerate(fast.lots)}
    for lot in instance.lots:
        if lot.feeders:
            last = np.max(fast.release[:, [column[f] for f in lot.feeders]], axis=1)
            assert (fast.release[:, column[lot.index]] >= last + 2 * 0.5 - 1e-9).all()


def test_the_rooms_needed_floor_waits_for_every_feeder() -> None:
    # with rooms enough every crude lot is made at once (week 1), a final lot by week 3
    instance = instance_of(pooled_plan())
    assert earliest_alone(instance) == {0: 1, 1: 1, 2: 1, 3: 1, 4: 3, 5: 3}


@pytest.mark.parametrize(
    ("made_from", "field", "rule"),
    [
        ({"product": "crude", "pooled": 3}, "products[1].made_from.pooled",
         "that needs 6 lots of 'crude' but the demands ask for 4"),
        ({"product": "crude", "pooled": 2, "lots": 2}, "products[1].made_from.pooled",
         "not both"),
        ({"product": "crude", "pooled": 0}, "products[1].made_from.pooled", "below 1"),
    ],
)  # fmt: skip
def test_bad_pooling_is_refused_with_file_line_and_field_named(
    write: Write, tmp_path: Path, made_from: dict[str, Any], field: str, rule: str
) -> None:
    data = pooled_plan()
    data["products"][1]["made_from"] = made_from
    refused_by_schedule(write, tmp_path, data, field, rule)


def test_every_lot_of_a_larger_pooled_plan_is_placed_and_checked() -> None:
    # 12 final lots from 24 crude lots, due at week 6: a checked schedule of every lot
    instance = instance_of(pooled_plan("lateness", final=12, crude=24) | {"horizon": "60 wk"})
    solution = plan_schedule(instance, "lateness", time_limit=2, workers=1)
    assert solution.status in ("optimal", "feasible")
    assert solution.timetable is not None
    judged = assess(instance, solution.timetable)
    assert judged.feasible and len(judged.completion) == 36


def test_the_outputs_name_every_lot_pooled_into_one() -> None:
    result = schedule_plan(Plan.model_validate(pooled_plan()), "makespan", time_limit=2)
    rows = {row.lot: row for row in result.lots}
    assert rows["final-01"].fed_by == "crude-01, crude-02"
    assert rows["crude-02"].feeds == ("final-01",)
