"""Capability indices: NIST StRD certified values, intervals worked by hand, one-sided
specifications, and non-normal data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from genofab.engines.records.capability import capability, quantile_type6
from genofab.errors import UsageError

# NIST Statistical Reference Datasets, univariate summary statistics, "Michelso" (Michelson's
# 1879 speed-of-light measurements, km/s − 299,000 scaled; 100 values, public domain):
# https://www.itl.nist.gov/div898/strd/univ/michelso.html — certified mean 299.852400000000,
# certified standard deviation 0.0790105478190518.
MICHELSO = [
    299.85, 299.74, 299.90, 300.07, 299.93, 299.85, 299.95, 299.98, 299.98, 299.88,
    300.00, 299.98, 299.93, 299.65, 299.76, 299.81, 300.00, 300.00, 299.96, 299.96,
    299.96, 299.94, 299.96, 299.94, 299.88, 299.80, 299.85, 299.88, 299.90, 299.84,
    299.83, 299.79, 299.81, 299.88, 299.88, 299.83, 299.80, 299.79, 299.76, 299.80,
    299.88, 299.88, 299.88, 299.86, 299.72, 299.72, 299.62, 299.86, 299.97, 299.95,
    299.88, 299.91, 299.85, 299.87, 299.84, 299.84, 299.85, 299.84, 299.84, 299.84,
    299.89, 299.81, 299.81, 299.82, 299.80, 299.77, 299.76, 299.74, 299.75, 299.76,
    299.91, 299.92, 299.89, 299.86, 299.88, 299.72, 299.84, 299.85, 299.85, 299.78,
    299.89, 299.84, 299.78, 299.81, 299.76, 299.81, 299.79, 299.81, 299.82, 299.85,
    299.87, 299.87, 299.81, 299.74, 299.81, 299.94, 299.95, 299.80, 299.81, 299.87,
]  # fmt: skip
MICHELSO_MEAN = 299.852400000000
MICHELSO_SD = 0.0790105478190518


def test_nist_michelso_certified_mean_sd_and_the_pp_they_give() -> None:
    result = capability(np.array(MICHELSO), lower=299.6, upper=300.1)
    assert result.mean == pytest.approx(MICHELSO_MEAN, rel=1e-13)
    assert result.sigma_overall == pytest.approx(MICHELSO_SD, rel=1e-12)
    assert result.pp.estimate == pytest.approx(0.5 / (6 * MICHELSO_SD), rel=1e-12)
    ppk = min(300.1 - MICHELSO_MEAN, MICHELSO_MEAN - 299.6) / (3 * MICHELSO_SD)
    assert result.ppk.estimate == pytest.approx(ppk, rel=1e-12)


def test_nist_numacc1_needs_no_cancellation() -> None:
    # NIST StRD "NumAcc1": 10000001, 10000003, 10000002; certified mean 10000002, SD 1
    values = np.array([10000001, 10000003, 10000002] * 2, dtype=float)
    result = capability(values, lower=10000002 - 3, upper=10000002 + 3)
    assert result.mean == 10000002
    assert result.sigma_overall == pytest.approx(math.sqrt(4 / 5), rel=1e-12)


def test_intervals_worked_by_hand() -> None:
    # Montgomery ch. 8: Cp interval exact from χ², Cpk by Bissell; n = 30 around x̄ = 97
    rng = np.random.default_rng(3)
    x = rng.normal(97, 1.6, 30)
    result = capability(x, lower=90, upper=100)
    mean, s = x.mean(), x.std(ddof=1)
    ppk = min(100 - mean, mean - 90) / (3 * s)
    half = 1.96 * math.sqrt(1 / (9 * 30 * ppk**2) + 1 / (2 * 29))
    assert result.ppk.estimate == pytest.approx(ppk)
    assert result.ppk.lower == pytest.approx(ppk * (1 - half), rel=1e-4)
    assert result.ppk.upper == pytest.approx(ppk * (1 + half), rel=1e-4)
    pp = 10 / (6 * s)
    assert result.pp.lower == pytest.approx(pp * math.sqrt(stats.chi2.ppf(0.025, 29) / 29))
    assert result.pp.upper == pytest.approx(pp * math.sqrt(stats.chi2.ppf(0.975, 29) / 29))
    within = np.mean(np.abs(np.diff(x))) / (2 / math.sqrt(math.pi))
    assert result.sigma_within == pytest.approx(within, rel=1e-6)
    assert result.cpk.estimate == pytest.approx(min(100 - mean, mean - 90) / (3 * within))


def test_one_sided_specs_have_no_cp_and_use_their_own_side() -> None:
    x = np.array([5.0, 6, 7, 6, 5, 6, 7, 6])
    upper_only = capability(x, upper=10)
    assert upper_only.pp.estimate is None and upper_only.cp.estimate is None
    assert upper_only.ppk.estimate == pytest.approx((10 - 6) / (3 * x.std(ddof=1)))
    lower_only = capability(x, lower=4)
    assert lower_only.ppk.estimate == pytest.approx((6 - 4) / (3 * x.std(ddof=1)))


def test_lognormal_and_boxcox_judge_skewed_data_on_their_own_scale() -> None:
    rng = np.random.default_rng(11)
    x = rng.lognormal(math.log(1e6), 0.3, 60)
    log_result = capability(x, lower=3e5, method="lognormal")
    logs = np.log(x)
    expected = (logs.mean() - math.log(3e5)) / (3 * logs.std(ddof=1))
    assert log_result.ppk.estimate == pytest.approx(expected)
    box = capability(x, lower=3e5, method="boxcox")
    y, lam = stats.boxcox(x)
    low = (3e5**lam - 1) / lam
    assert box.ppk.estimate == pytest.approx((y.mean() - low) / (3 * y.std(ddof=1)), rel=1e-9)
    assert f"λ = {lam:.3g}" in box.note


def test_percentile_method_needs_enough_values_and_uses_type6_quantiles() -> None:
    with pytest.raises(UsageError, match="at least 740"):
        capability(np.arange(1.0, 101.0), lower=0, upper=200, method="percentile")
    assert quantile_type6(np.array([1.0, 2, 3, 4]), 0.5) == 2.5
    assert quantile_type6(np.array([1.0, 2, 3, 4]), 0.25) == 1.25  # R's type 7 gives 1.75
    x = np.random.default_rng(5).normal(0, 1, 2000)
    result = capability(x, lower=-4, upper=4, method="percentile")
    assert result.pp.estimate == pytest.approx(8 / 6, rel=0.1)


def test_bad_specifications_are_refused() -> None:
    x = np.arange(10.0)
    with pytest.raises(UsageError, match="needs a specification"):
        capability(x)
    with pytest.raises(UsageError, match="not below"):
        capability(x, lower=5, upper=5)
    with pytest.raises(UsageError, match="at least 5"):
        capability(x[:4], upper=20)
    with pytest.raises(UsageError, match="positive"):
        capability(x, lower=1, upper=20, method="lognormal")


def test_values_without_spread_have_no_index_and_no_normality_test(tmp_path: Path) -> None:
    """Six identical lots: no σ, so no index, and nothing an Anderson-Darling test could judge
    (it used to print A² nan and 'no evidence against'; --format json then failed)."""
    import json

    from typer.testing import CliRunner

    from genofab.engines.records.goodness import anderson_darling
    from genofab.views.cli import app

    found = capability(np.full(6, 5.0), lower=1.0, upper=9.0)
    assert found.cp.estimate is None and found.ppk.estimate is None
    assert found.normality is None and "normality of the values not tested" in found.note
    with pytest.raises(UsageError, match="all 6 values are 5"):
        anderson_darling("normal", np.full(6, 5.0))
    rows = "".join(f"P,A,L{i},2026-01-0{i},released,5\n" for i in range(1, 7))
    path = tmp_path / "same.csv"
    path.write_text("product,site,lot_id,start_date,outcome,x [g]\n" + rows, encoding="utf-8")
    done = CliRunner().invoke(
        app, ["records", "capability", str(path), "-p", "x", "--lower", "1", "--format", "json"]
    )
    assert done.exit_code == 0, done.output
    [entry] = json.loads(done.stdout)
    assert entry["normality"] is None and entry["observed_out_of_spec"] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yield", "S: write MEASUREMENT=LOW:HIGH (e.g. yield=35:70)"),
        ("=1:2", "S: write MEASUREMENT=LOW:HIGH (e.g. yield=35:70)"),
        ("yeild=1:2", "W: no measurement 'yeild' (did you mean 'yield'?)"),
        ("yield=a:2", "W: 'a' is not a number"),
        ("yield=1:inf", "W: 'inf' is not a finite number"),
        ("yield=:", "W: give a lower limit, an upper limit or both"),
        ("yield=70:35", "W: the lower limit is not below the upper limit"),
    ],
)
def test_a_bad_specification_names_its_rule(text: str, message: str) -> None:
    """One parser for `--spec` and the workbench's specification lines."""
    from genofab.errors import UsageError
    from genofab.service.records import parse_specification

    with pytest.raises(UsageError) as raised:
        parse_specification(text, "W", names=["yield", "titer"], shape_where="S")
    assert str(raised.value) == message


def test_a_specification_with_one_side() -> None:
    from genofab.service.records import Specification, parse_specification

    assert parse_specification(" yield = 35 : ", "W") == ("yield", Specification(35.0, None))
    assert parse_specification("yield=:70", "W") == ("yield", Specification(None, 70.0))
