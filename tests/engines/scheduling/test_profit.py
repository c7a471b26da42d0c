"""The profit objective: deliveries earliest due first, finished lots waiting in the inventory
until their due date, waste when a lot outlives its shelf life, backlog and unmet-demand
penalties, worked by hand on a two-lot plan; invariants on random plans."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genofab.engines.scheduling.lot_model import solve_lot_model
from genofab.engines.scheduling.solve import plan_schedule
from genofab.engines.scheduling.timetable import Placement, Timetable, assess
from tests.schedule_plans import accounts_total, instance_of


def two_lot_plan(capacity: int | None = 2) -> dict[str, Any]:
    """One product (1 week in a suite, 1 week of QC release, keeps 3 weeks from the start of
    its release), one demand split over two dates: 1 lot at week 4, 1 at week 10."""
    inventory: dict[str, Any] = {"cost": "5 EUR/lot/d"}
    if capacity is not None:
        inventory["capacity"] = capacity
    return {
        "format": "genofab-plan/1",
        "name": "two lots",
        "objective": "profit",
        "time_step": "1 wk",
        "horizon": "16 wk",
        "products": [
            {
                "name": "a",
                "phases": [
                    {"name": "make", "room": "suite", "duration": "1 wk"},
                    {"name": "release", "room": "qc_lab", "duration": "1 wk"},
                ],
                "cost_per_lot": "100 EUR/lot",
                "shelf_life": "3 wk",
            }
        ],
        "rooms": [{"name": "suite"}, {"name": "qc_lab", "capacity": 2}],
        "inventory": inventory,
        "demands": [
            {
                "sponsor": "s",
                "product": "a",
                "deliveries": [
                    {"lots": 1, "due": "4 wk"},
                    {"lots": 1, "due": "10 wk", "value_per_lot": "1200 EUR/lot"},
                ],
                "value_per_lot": "1000 EUR/lot",
                "lateness_penalty": "10 EUR/lot/d",
                "unmet_penalty": "500 EUR/lot",
            }
        ],
    }


def lots(*starts: int) -> Timetable:
    """Lot i made from week starts[i] (1 week in the suite, then 1 week of release)."""
    placements = []
    for lot, start in enumerate(starts):
        placements += [
            Placement(lot, 0, 0, 0, start, start + 1),
            Placement(lot, 1, 1, 0, start + 1, start + 2),
        ]
    return Timetable(tuple(placements))


def test_a_lot_made_too_early_expires_and_its_demand_is_unmet() -> None:
    # lot 0 released at week 2, delivered at its due week 4 (2 weeks in stock, within its
    # shelf life: release starts at 1, keeps until 1 + 3 = 4); lot 1 released at week 3
    # would wait for week 10 but expires at 2 + 3 = 5: wasted, held weeks 3 to 5
    instance = instance_of(two_lot_plan())
    assessment = assess(instance, lots(0, 1), all_lots=False, inventory=True)
    ledger = assessment.ledger
    assert assessment.feasible
    assert ledger.delivered == {0: (0, 4)}
    assert ledger.wasted == {1: 5}
    assert ledger.unmet == (1,)
    assert ledger.sales == 1000
    assert assessment.production_cost == 200
    assert ledger.inventory_lot_steps == 2 + 2
    assert ledger.inventory_cost == 4 * 35  # 5 EUR a lot a day
    assert ledger.backlog_cost == 0
    assert ledger.unmet_cost == 500
    assert ledger.waste_cost == 100
    assert assessment.profit == 1000 - 200 - 140 - 500  # 160


def test_a_late_lot_pays_its_backlog_and_sells() -> None:
    # lot 1 released at week 12, two weeks after its due week 10: 14 days × 10 EUR
    instance = instance_of(two_lot_plan())
    assessment = assess(instance, lots(0, 10), all_lots=False, inventory=True)
    ledger = assessment.ledger
    assert ledger.delivered == {0: (0, 4), 1: (1, 12)}
    assert ledger.wasted == {}
    assert ledger.backlog_cost == 140
    assert ledger.inventory_cost == 2 * 35
    assert assessment.profit == 1000 + 1200 - 200 - 70 - 140  # 1790


def test_a_product_s_own_inventory_cost_replaces_the_plan_s_for_its_lots() -> None:
    data = two_lot_plan()
    data["products"][0]["inventory_cost"] = "20 EUR/lot/d"
    instance = instance_of(data)
    assert instance.inventory_cost_of(0) == 140  # a week of 20 EUR a day
    # as in test_a_late_lot_pays_its_backlog_and_sells: lot 0 waits 2 weeks, now at 20 a day
    assessment = assess(instance, lots(0, 10), all_lots=False, inventory=True)
    assert assessment.ledger.inventory_cost == 2 * 140
    assert assessment.profit == 1000 + 1200 - 200 - 280 - 140  # 1580


def test_each_product_waits_at_its_own_cost() -> None:
    # two products made in one suite, a week each, both due at week 4 (released after a
    # week of QC): one waits a week. The plan's inventory is free; b's own costs 100 a day,
    # so a is made first and waits (free), b just in time: 2 × (1000 - 100) = 1800
    data = two_lot_plan()
    b = dict(data["products"][0], name="b", inventory_cost="100 EUR/lot/d")
    data["products"].append(b)
    data["inventory"] = {"cost": "0 EUR/lot/d"}
    data["demands"] = [
        {"sponsor": "s", "product": name, "lots": 1, "due": "4 wk", "value_per_lot": "1000 EUR/lot",
         "lateness_penalty": "1000 EUR/lot/d"}
        for name in ("a", "b")
    ]  # fmt: skip
    instance = instance_of(data)
    solution = plan_schedule(instance, "profit", time_limit=5)
    assert solution.status == "optimal" and solution.value == 1800
    assert solution.timetable is not None
    starts = {
        instance.lots[p.lot].product: p.start for p in solution.timetable.placements if p.phase == 0
    }
    assert starts[1] == 2 and starts[0] < 2  # b just in time, a before it (week 0 or 1)


def test_the_lot_model_keeps_a_product_s_own_inventory_capacity() -> None:
    # both lots due at week 10, the suite shut from week 2 to 14: made in weeks 0 and 1 both
    # would wait together (free: no inventory cost), which a's own capacity of one forbids;
    # so one waits and the other is made after the shutdown (weeks 14-15, released at 16):
    # 6 weeks late, 42 days × 10
    data = two_lot_plan(capacity=None)
    data["inventory"] = {"cost": "0 EUR/lot/d"}
    data["products"][0] |= {"inventory_capacity": 1, "shelf_life": "20 wk"}
    data["products"][0]["phases"][0]["max_wait"] = "0 wk"  # no waiting before the release
    data["rooms"][0]["shutdowns"] = [{"start": "2 wk", "end": "14 wk"}]
    data["demands"][0]["deliveries"] = [{"lots": 2, "due": "10 wk"}]
    instance = instance_of(data)
    found = solve_lot_model(instance, "profit", time_limit=5, workers=1)
    assert found.timetable is not None and found.run.status == "optimal"
    assessment = assess(instance, found.timetable, all_lots=False, inventory=True)
    assert assessment.feasible and assessment.ledger.inventory_peak == 1
    assert assessment.profit == 2 * 1000 - 2 * 100 - 42 * 10
    # both made first thing would break it
    assert not assess(instance, lots(0, 1), all_lots=False, inventory=True).feasible


def test_the_inventory_capacity_is_a_rule_under_profit() -> None:
    instance = instance_of(two_lot_plan(capacity=1))
    both_early = lots(0, 1)  # lots 0 and 1 both in stock at week 3
    assert not assess(instance, both_early, all_lots=False, inventory=True).feasible
    assert assess(instance, both_early, all_lots=False).feasible  # delivered at release
    assert assess(instance, lots(0, 10), all_lots=False, inventory=True).feasible


def test_the_planner_finds_the_best_two_lot_schedule() -> None:
    # best: lot 0 released at its due week 4, lot 1 at its due week 10: no stock, no backlog
    solution = plan_schedule(instance_of(two_lot_plan()), "profit", time_limit=5)
    assert solution.value == 1000 + 1200 - 200
    assert solution.status == "optimal"  # the plan's own bound: every lot's value less cost


@st.composite
def profit_plans(draw: st.DrawFn) -> dict[str, Any]:
    products = []
    demands = []
    for name in ("p", "q")[: draw(st.integers(1, 2))]:
        make, release = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        product: dict[str, Any] = {
            "name": name,
            "phases": [
                {"name": "make", "room": "suite", "duration": f"{make} wk"},
                {"name": "release", "room": "qc_lab", "duration": f"{release} wk"},
            ],
            "cost_per_lot": f"{draw(st.integers(0, 500))} EUR/lot",
        }
        if draw(st.booleans()):
            product["shelf_life"] = f"{release + draw(st.integers(1, 6))} wk"
        products.append(product)
        parts = [
            {"lots": draw(st.integers(1, 3)), "due": f"{draw(st.integers(1, 24))} wk"}
            for _ in range(draw(st.integers(1, 3)))
        ]
        demands.append(
            {
                "sponsor": "s",
                "product": name,
                "deliveries": parts,
                "value_per_lot": f"{draw(st.integers(0, 1000))} EUR/lot",
                "lateness_penalty": f"{draw(st.integers(0, 50))} EUR/lot/d",
                "unmet_penalty": f"{draw(st.integers(0, 800))} EUR/lot",
            }
        )
    return {
        "format": "genofab-plan/1",
        "name": "random profit",
        "objective": "profit",
        "time_step": "1 wk",
        "horizon": "26 wk",
        "products": products,
        "rooms": [
            {"name": "suite", "count": draw(st.integers(1, 2)), "changeover": "1 wk"},
            {"name": "qc_lab", "capacity": 2},
        ],
        "inventory": {
            "capacity": draw(st.integers(0, 3)),
            "cost": f"{draw(st.integers(0, 20))} EUR/lot/d",
        },
        "demands": demands,
    }


def rule_based(data: dict[str, Any]) -> Any:
    return plan_schedule(
        instance_of(data),
        "profit",
        time_limit=5,
        lot_model="never",
        campaign_level=False,
        search=False,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profit_plans())
def test_profit_is_sales_less_costs_and_nothing_outlives_its_shelf_life(
    data: dict[str, Any],
) -> None:
    instance = instance_of(data)
    solution = rule_based(data)
    assessment = solution.assessment
    assert solution.timetable is not None and assessment is not None  # always an answer
    assert assessment.feasible
    ledger = assessment.ledger
    assert assessment.profit == accounts_total(assessment)
    assert solution.bound is not None and solution.value is not None
    assert solution.value <= solution.bound + 1e-6
    by_lot = solution.timetable.by_lot()
    for lot, (demand, when) in ledger.delivered.items():
        product = instance.products[instance.lots[lot].product]
        assert when >= assessment.completion[lot]
        assert when >= instance.lots[demand].due
        if product.shelf_life is not None:
            assert when <= by_lot[lot][-1].start + product.shelf_life
    served = [demand for demand, _ in ledger.delivered.values()]
    assert len(served) == len(set(served))
    assert len(served) + len(ledger.unmet) == len(instance.lots)
    assert ledger.inventory_peak <= (instance.inventory_capacity or 0) or (
        instance.inventory_capacity is None
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profit_plans(), st.integers(1, 4))
def test_more_inventory_never_lowers_the_rule_based_profit(data: dict[str, Any], more: int) -> None:
    larger = {**data, "inventory": {**data["inventory"]}}
    larger["inventory"]["capacity"] = data["inventory"]["capacity"] + more
    small, large = rule_based(data), rule_based(larger)
    assert small.value is not None and large.value is not None
    assert large.value >= small.value - 1e-6


def waiting_plan() -> dict[str, Any]:
    """Three lots of 2 weeks in one suite then 1 week of QC (2 places); one lot due at week 5,
    two at week 12; a finished lot costs 10 EUR a week in stock, a lot waiting between its
    phases nothing."""
    return {
        "format": "genofab-plan/1",
        "name": "wait rather than stock",
        "objective": "profit",
        "time_step": "1 wk",
        "horizon": "20 wk",
        "products": [
            {
                "name": "a",
                "phases": [
                    {"name": "make", "room": "suite", "duration": "2 wk"},
                    {"name": "release", "room": "qc_lab", "duration": "1 wk"},
                ],
                "cost_per_lot": "100 EUR/lot",
            }
        ],
        "rooms": [{"name": "suite"}, {"name": "qc_lab", "capacity": 2}],
        "inventory": {"capacity": 1, "cost": "10 EUR/lot/wk"},
        "demands": [
            {
                "sponsor": "s",
                "product": "a",
                "deliveries": [
                    {"lots": 1, "due": "5 wk"},
                    {"lots": 2, "due": "12 wk", "value_per_lot": "800 EUR/lot"},
                ],
                "value_per_lot": "500 EUR/lot",
                "lateness_penalty": "7 EUR/lot/d",
            }
        ],
    }


def test_the_lot_model_weighs_the_inventory() -> None:
    # the two lots due at week 12 are made at weeks 7-9 and 9-11 in the one suite; the first
    # waits (free) between its phases so that both are released at week 12 together: no
    # stock, nothing late: 500 + 2 × 800 − 3 × 100. The rule-based schedules cannot wait
    # between phases: the best of them stocks or is late.
    instance = instance_of(waiting_plan())
    solution = plan_schedule(instance, "profit", time_limit=5)
    assert solution.value == 1800
    assert solution.status == "optimal"
    assert solution.source == "lot-level model (CP-SAT)"
    assert rule_based(waiting_plan()).value < 1800


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profit_plans())
def test_no_profit_exceeds_its_bound(data: dict[str, Any]) -> None:
    solution = plan_schedule(instance_of(data), "profit", time_limit=1)
    assert solution.assessment is not None and solution.assessment.feasible
    assert solution.value is not None and solution.bound is not None
    assert solution.value <= solution.bound + 1e-6


def test_the_lot_model_may_leave_out_a_lot_due_before_its_recipe_can_end() -> None:
    # one lot of 2 weeks due at week 1 that sells for nothing and costs 100 EUR: the best is
    # not to make it (margin and profit 0); the lot model used to have to make it (its
    # lateness counted even when left out, so a lot left out had to end by its due date)
    from genofab.engines.scheduling.lot_model import solve_lot_model

    data = two_lot_plan()
    data["demands"] = [{"sponsor": "s", "product": "a", "lots": 1, "due": "1 wk"}]
    instance = instance_of(data)
    for objective in ("margin", "profit"):
        solved = solve_lot_model(instance, objective, time_limit=10.0, work=20.0, workers=1)
        assert solved.run.status == "optimal"
        assert solved.run.objective == 0 and solved.run.bound == 0
        assert solved.timetable is not None and not solved.timetable.placements
