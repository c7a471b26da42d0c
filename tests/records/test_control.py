"""Control charts: bias constants against Montgomery's tables, limits worked by hand, the run
rules on planted patterns, and the provisional-limit warning at 5 lots and not at 30."""

from __future__ import annotations

import math

import numpy as np
import pytest

from genofab.engines.records.control import (
    RULE_SETS,
    c4,
    choose_rules,
    d2,
    d3,
    false_alarm_rate,
    individuals_chart,
    run_rules,
    subgroup_chart,
)
from genofab.errors import UsageError

# Montgomery, Introduction to Statistical Quality Control (6th ed.), Appendix VI: d2, d3, c4
# and D4 = 1 + 3 d3/d2 for subgroups of 2, 3, 5, 10 and 25, as printed (3 or 4 decimals).
MONTGOMERY = {
    2: (1.128, 0.853, 0.7979, 3.267),
    3: (1.693, 0.888, 0.8862, 2.574),
    5: (2.326, 0.864, 0.9400, 2.114),
    10: (3.078, 0.797, 0.9727, 1.777),
    25: (3.931, 0.708, 0.9896, 1.541),
}


@pytest.mark.parametrize("n", sorted(MONTGOMERY))
def test_bias_constants_match_montgomerys_table(n: int) -> None:
    table_d2, table_d3, table_c4, table_d4 = MONTGOMERY[n]
    assert d2(n) == pytest.approx(table_d2, abs=6e-4)
    assert d3(n) == pytest.approx(table_d3, abs=6e-4)
    assert c4(n) == pytest.approx(table_c4, abs=6e-5)
    assert 1 + 3 * d3(n) / d2(n) == pytest.approx(table_d4, abs=1.1e-3)


def test_constants_for_pairs_match_their_closed_forms() -> None:
    # R of two standard normals is |N(0, 2)|: E R = 2/√π, Var R = 2 − 4/π
    assert d2(2) == pytest.approx(2 / math.sqrt(math.pi), rel=1e-7)
    assert d3(2) == pytest.approx(math.sqrt(2 - 4 / math.pi), rel=1e-4)
    assert c4(2) == pytest.approx(math.sqrt(2 / math.pi), rel=1e-12)


def test_individuals_limits_worked_by_hand() -> None:
    # x = 10, 12, 11, 13, 12: mean 11.6, moving ranges 2, 1, 2, 1 (MR̄ 1.5), σ = 1.5/d2(2)
    chart = individuals_chart(np.array([10, 12, 11, 13, 12.0]), rules=())
    sigma = 1.5 * math.sqrt(math.pi) / 2
    assert chart.location.center == pytest.approx(11.6)
    assert chart.sigma_within == pytest.approx(sigma, rel=1e-7)
    assert chart.location.upper == pytest.approx(11.6 + 3 * sigma, rel=1e-7)
    assert chart.location.lower == pytest.approx(11.6 - 3 * sigma, rel=1e-7)
    assert chart.spread.upper == pytest.approx(3.2665 * 1.5, rel=2e-4)


def test_limits_come_from_the_baseline_and_stay_frozen() -> None:
    values = np.array([10, 12, 11, 13, 12, 30.0, 31, 29])
    frozen = individuals_chart(values, baseline=5, rules=("nelson1",))
    assert frozen.location.center == pytest.approx(11.6)
    assert [s.index for s in frozen.signals] == [5, 6, 7]
    everything = individuals_chart(values, rules=("nelson1",))
    assert everything.location.center != pytest.approx(11.6)


def test_xbar_r_and_xbar_s_limits_worked_by_hand() -> None:
    # subgroups {a, a+2}: means 11, 12, 10, 13, 11 (x̿ 11.4); every range 2, every s √2
    table = np.array([[10, 12], [11, 13], [9, 11], [12, 14], [10, 12.0]])
    r_chart = subgroup_chart(table, spread="range", rules=())
    sigma = 2 / d2(2)
    assert r_chart.kind == "Xbar-R"
    assert r_chart.location.center == pytest.approx(11.4)
    assert r_chart.location.upper == pytest.approx(11.4 + 3 * sigma / math.sqrt(2))
    assert r_chart.spread.upper == pytest.approx((1 + 3 * d3(2) / d2(2)) * 2)
    s_chart = subgroup_chart(table, spread="sd", rules=())
    assert s_chart.kind == "Xbar-S"
    assert s_chart.sigma_within == pytest.approx(math.sqrt(2) / c4(2))
    assert s_chart.spread.upper == pytest.approx(
        (1 + 3 * math.sqrt(1 - c4(2) ** 2) / c4(2)) * math.sqrt(2)
    )


@pytest.mark.parametrize(
    ("rule", "z", "fires_at"),
    [
        ("nelson1", [0, 0, 3.5, 0, -3.2], [2, 4]),
        ("nelson2", [0.5] * 9 + [-0.5], [8]),
        ("nelson3", [0, 1, 2, 3, 4, 5, 4], [5]),
        ("nelson4", [(-1) ** i * 0.5 for i in range(14)], [13]),
        ("nelson5", [0, 2.5, 0.1, 2.2, 0], [3]),
        ("nelson6", [1.5, 1.2, 0, 1.1, 1.4], [4]),
        ("nelson7", [0.1] * 15, [14]),
        ("nelson8", [1.5, -1.5] * 4, [7]),
        ("we4", [0.2] * 8, [7]),
    ],
)
def test_each_rule_fires_at_the_end_of_its_pattern(
    rule: str, z: list[float], fires_at: list[int]
) -> None:
    assert [i for _, i in run_rules(np.array(z, dtype=float), (rule,))] == fires_at


def test_one_rule_short_of_its_pattern_does_not_fire() -> None:
    assert run_rules(np.array([0.5] * 8), ("nelson2",)) == []
    assert run_rules(np.array([0, 1, 2, 3, 4.0]), ("nelson3",)) == []
    assert run_rules(np.array([0.1] * 14), ("nelson7",)) == []


def test_rules_are_chosen_by_set_or_one_by_one() -> None:
    assert choose_rules(["western-electric"]) == ("we1", "we2", "we3", "we4")
    assert choose_rules(["nelson1", "nelson5", "nelson1"]) == ("nelson1", "nelson5")
    with pytest.raises(UsageError, match="'nelson9' is not a run rule"):
        choose_rules(["nelson9"])


def test_provisional_warning_at_5_lots_and_not_at_30() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(100, 5, 40)
    few = individuals_chart(values, baseline=5)
    many = individuals_chart(values, baseline=30)
    assert few.provisional and "PROVISIONAL" in few.note
    assert not many.provisional and "PROVISIONAL" not in many.note
    # shared/reference/anchors-workbench-records.md §2.3 D (20,000 simulated replicates):
    # 0.34 from 5 lots, 0.12 from 30; 0.053 with known limits
    assert few.false_alarm_next_20 == pytest.approx(0.34, abs=0.015)
    assert many.false_alarm_next_20 == pytest.approx(0.12, abs=0.015)
    assert few.false_alarm_next_20_known_limits == pytest.approx(
        1 - (1 - 0.0026998) ** 20, rel=1e-3
    )


def test_false_alarms_fall_with_more_baseline_lots() -> None:
    rates = [false_alarm_rate(m) for m in (5, 10, 20, 100)]
    assert rates == sorted(rates, reverse=True)
    assert rates[1] == pytest.approx(0.24, abs=0.015)  # §2.3 D, 10 lots


def test_too_few_baseline_lots_is_refused() -> None:
    with pytest.raises(UsageError, match="at least 3 lots"):
        individuals_chart(np.array([1.0, 2.0, 3.0]), baseline=2)


def test_xbar_chart_says_when_lot_to_lot_variation_dominates() -> None:
    rng = np.random.default_rng(2)
    lots = rng.normal(100, 10, 30)
    table = lots[:, None] + rng.normal(0, 0.5, (30, 3))
    chart = subgroup_chart(table, rules=())
    assert "lot-to-lot variation dominates" in chart.note
    calm = subgroup_chart(rng.normal(100, 1, (30, 3)), rules=())
    assert "dominates" not in calm.note


# Montgomery, Introduction to Statistical Quality Control (6th ed.), Table 6.3: inside
# diameters of forged piston rings (mm), 25 samples of 5, in sample order.
PISTON_RINGS = [
    [74.030, 74.002, 74.019, 73.992, 74.008],
    [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002],  # Montgomery: 73.988 (R̄ = 0.581 / 25)
    [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014],
    [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.000, 74.005],
    [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004],
    [73.998, 74.000, 73.990, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.990],
    [74.004, 74.000, 74.007, 74.000, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012],
    [74.006, 73.967, 73.994, 74.000, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007],
    [74.000, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007],
    [74.006, 74.010, 74.018, 74.003, 74.000],
    [73.984, 74.002, 74.003, 74.005, 73.997],
    [74.000, 74.010, 74.013, 74.020, 74.003],
    [73.982, 74.001, 74.015, 74.005, 73.996],
    [74.004, 73.999, 73.990, 74.006, 74.009],
    [74.010, 73.989, 73.990, 74.009, 74.014],
    [74.015, 74.008, 73.993, 74.000, 74.010],
    [73.982, 73.984, 73.995, 74.017, 74.013],
]


def test_piston_rings_give_montgomerys_published_xbar_r_and_xbar_s_limits() -> None:
    """Montgomery's worked examples on Table 6.3: x̿ = 74.00118, R̄ = 0.02324 and s̄ = 0.0094
    as published; the limits x̿ ± A2·R̄ and D4·R̄ (X̄-R), x̿ ± A3·s̄ and B4·s̄ (X̄-S) with his
    Appendix VI factors for n = 5 (A2 0.577, D4 2.114, A3 1.427, B4 2.089), to the rounding of
    those factors; he rounds them to 73.988 and 74.014, 0.049 and 0.0196. Every sample is in
    control, as in his trial limits."""
    table = np.array(PISTON_RINGS)
    r_chart = subgroup_chart(table, spread="range", rules=RULE_SETS["western-electric"])
    center, r_bar, s_bar = 74.00118, 0.02324, 0.0094
    assert r_chart.location.center == pytest.approx(center, abs=5e-6)
    assert r_chart.spread.center == pytest.approx(r_bar, abs=5e-6)
    assert r_chart.location.upper == pytest.approx(center + 0.577 * r_bar, abs=2e-5)
    assert r_chart.location.lower == pytest.approx(center - 0.577 * r_bar, abs=2e-5)
    assert r_chart.spread.upper == pytest.approx(2.114 * r_bar, abs=2e-5)
    assert (round(r_chart.location.lower, 3), round(r_chart.spread.upper, 3)) == (73.988, 0.049)
    assert r_chart.spread.lower == 0.0 and r_chart.signals == ()
    s_chart = subgroup_chart(table, spread="sd", rules=RULE_SETS["western-electric"])
    assert s_chart.spread.center == pytest.approx(s_bar, abs=5e-5)
    assert s_chart.location.upper == pytest.approx(center + 1.427 * s_bar, abs=1e-4)
    assert s_chart.location.lower == pytest.approx(center - 1.427 * s_bar, abs=1e-4)
    assert s_chart.spread.upper == pytest.approx(2.089 * s_bar, abs=1e-4)
    assert round(s_chart.spread.upper, 4) == 0.0196 and s_chart.signals == ()
    # the trial limits, frozen, judge later samples without moving
    later = np.vstack([table, table[:5] + 0.02])
    frozen = subgroup_chart(later, spread="range", baseline=25, rules=())
    assert frozen.location.upper == r_chart.location.upper
