"""The statistics of one result, shared by the scenario's and the chain's Monte Carlo: one
public home, hand-worked spreads, and the same spread whatever the chunking."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.uncertainty.result_statistics import (
    ResultTotals,
    reduce_result,
    result_spread,
)
from genofab.engines.uncertainty.statistics import Tally

UNCERTAINTY = Path(__file__).parents[3] / "src" / "genofab" / "engines" / "uncertainty"


def _spread(values: np.ndarray, whole: bool, sizes: list[int]) -> object:
    totals = ResultTotals(Tally(whole))
    start = 0
    for size in sizes:
        chunk = values[start : start + size]
        totals.add(reduce_result(chunk, np.isfinite(chunk), whole, [size]))
        start += size
    return result_spread(totals, whole, None)


def test_the_monte_carlo_modules_import_no_private_name_of_each_other() -> None:
    for module in UNCERTAINTY.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("genofab"):
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
                assert not private, f"{module.name} imports {private} from {node.module}"


def test_the_spread_of_one_to_one_hundred_is_worked_by_hand() -> None:
    # whole numbers 1..100: mean 50.5; inverted CDF: P5 is the 5th value, P50 the 50th,
    # P95 the 95th; SD (n − 1) = sqrt(100 × 101 ÷ 12) = 29.01
    spread = _spread(np.arange(1.0, 101.0), True, [100])
    assert (spread.p5, spread.p50, spread.p95) == (5, 50, 95)
    assert spread.mean == 50.5 and spread.min == 1 and spread.max == 100
    assert spread.sd == pytest.approx((100 * 101 / 12) ** 0.5)
    assert spread.samples == 100


def test_a_sample_without_a_value_is_not_counted() -> None:
    spread = _spread(np.array([2.0, np.nan, 4.0, 6.0]), False, [4])
    assert spread.samples == 3 and spread.mean == 4.0 and spread.min == 2.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.01, 1e6), min_size=2, max_size=60),
    st.integers(1, 5),
)
def test_the_spread_is_the_same_for_any_chunking(values: list[float], parts: int) -> None:
    array = np.asarray(values)
    step = max(1, len(values) // parts)
    sizes = [step] * (len(values) // step)
    sizes[-1] += len(values) - sum(sizes)
    one = _spread(array, False, [len(values)])
    many = _spread(array, False, sizes)
    assert one.p5 == many.p5 and one.p50 == many.p50 and one.p95 == many.p95
    assert one.mean == pytest.approx(many.mean, rel=1e-12)
