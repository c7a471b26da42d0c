"""Finance helpers against spreadsheet and textbook values."""

from __future__ import annotations

import numpy as np
import pytest

from genofab.engines.finance import (
    capital_recovery_factor,
    net_present_value,
    straight_line_depreciation,
)


def test_straight_line_depreciation_matches_sln() -> None:
    # Excel's SLN help: cost 30,000, salvage 7,500, life 10 years → 2,250 a year
    assert float(straight_line_depreciation(30_000, 7_500, 10)) == pytest.approx(2_250)


def test_capital_recovery_factor_matches_tables() -> None:
    # interest tables: (A/P, 10 %, 10) = 0.16275, (A/P, 8 %, 20) = 0.10185
    assert float(capital_recovery_factor(0.10, 10)) == pytest.approx(0.16275, abs=5e-6)
    assert float(capital_recovery_factor(0.08, 20)) == pytest.approx(0.10185, abs=5e-6)
    assert float(capital_recovery_factor(0.0, 4)) == pytest.approx(0.25)
    # Excel's PMT help: 10,000 at 8 %/12 over 10 months → 1,037.03 a month
    assert 10_000 * float(capital_recovery_factor(0.08 / 12, 10)) == pytest.approx(
        1_037.03, abs=0.01
    )


def test_capital_recovery_works_on_arrays() -> None:
    factors = capital_recovery_factor(np.array([0.0, 0.1]), np.array([4.0, 10.0]))
    assert factors == pytest.approx([0.25, 0.16275], abs=5e-6)


def test_net_present_value_matches_npv() -> None:
    # Excel's NPV help: rate 10 %, −10,000 then 3,000, 4,200, 6,800 → 1,188.44
    assert net_present_value(0.10, [-10_000, 3_000, 4_200, 6_800]) == pytest.approx(
        1_188.44, abs=0.01
    )


def test_recovering_capital_leaves_no_value() -> None:
    payment = 1_000_000 * float(capital_recovery_factor(0.07, 12))
    assert net_present_value(0.07, [payment] * 12) == pytest.approx(1_000_000)
