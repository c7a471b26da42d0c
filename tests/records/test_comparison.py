"""Sites compared: TOST worked by hand, its power against the simulated table of the
reference, and on the demo the shifted site not equivalent on titre, with per-site
predictions and P(B better)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from genofab.engines.records.comparison import compare_sites, lots_needed, tost, tost_power
from genofab.views.cli import app
from tests.helpers import EXAMPLES


def test_tost_worked_by_hand() -> None:
    a, b = np.array([10.0, 11, 12, 13]), np.array([11.0, 12, 13, 14])
    difference, interval, p = tost(a, b, (-3.0, 3.0))
    se = math.sqrt(np.var(a, ddof=1)) * math.sqrt(0.5)  # equal variances: pooled = each
    t = stats.t.ppf(0.95, 6)
    assert difference == 1.0
    assert interval == pytest.approx((1 - t * se, 1 + t * se))
    assert p == pytest.approx(stats.t.cdf((1 - 3) / se, 6))


@pytest.mark.parametrize(
    ("lots", "simulated"), [(3, 0.15), (5, 0.42), (8, 0.77), (10, 0.89), (15, 0.98)]
)
def test_power_matches_the_simulated_table(lots: int, simulated: float) -> None:
    # shared/reference/anchors-workbench-records.md §2.3 A: identical sites, margin ±1.5 SD
    # known exactly, 20,000 simulated replicates each (so ±0.01)
    assert tost_power(lots, lots, 1.0, (-1.5, 1.5)) == pytest.approx(simulated, abs=0.012)


def test_power_falls_with_a_true_shift_and_lots_needed_reach_80_percent() -> None:
    assert tost_power(10, 10, 1.0, (-1.5, 1.5), difference=1.0) < 0.35
    needed = lots_needed(1.0, (-1.5, 1.5))
    assert needed is not None
    assert tost_power(needed, needed, 1.0, (-1.5, 1.5)) >= 0.8
    assert tost_power(needed - 1, needed - 1, 1.0, (-1.5, 1.5)) < 0.8


def test_ratio_scale_compares_logarithms() -> None:
    a = np.array([1.0, 1.2, 0.9, 1.1, 1.05]) * 1e6
    result = compare_sites(
        a,
        a * 0.5,
        measurement="titer",
        unit="TU/mL",
        names=("A", "B"),
        scale="ratio",
        margin=(0.8, 1.25),
    )
    assert result.estimate == pytest.approx(0.5)
    assert not result.equivalent and result.margin == pytest.approx((0.8, 1.25))


def test_compare_on_the_demo_reports_the_shifted_site(demo_folder: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "records",
            "compare",
            str(demo_folder / "lots.csv"),
            "--by",
            "site",
            "-p",
            "production_bioreactor.titer",
            "-p",
            "tff.step_yield",
            "--scenario",
            str(EXAMPLES / "lv-sickle-cell-current.yaml"),
            "--samples",
            "2000",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    titer, tff = report["equivalence"]
    assert titer["site"] == "Lyon" and not titer["equivalent"] and titer["scale"] == "ratio"
    assert 0 < titer["power"] <= 1 and titer["estimate"] < 0.8
    assert tff["equivalent"]
    (block,) = report["predictions"]
    rows = {row["result"]: row for row in block["results"]}
    assert set(rows) >= {"patients_per_year", "cogs_per_dose"}
    assert rows["patients_per_year"]["mean_site"] < rows["patients_per_year"]["mean_reference"]
    assert 0 <= rows["cogs_per_dose"]["site_better"] <= 1
    assert "process.steps[1].titer" in block["common_inputs"]
