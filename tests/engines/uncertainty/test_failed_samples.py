"""A Monte Carlo sample whose lot cannot deliver a dose is a failed lot: zero patients, the
cost of what it consumed, and it stays in the statistics (practice review E6)."""

from __future__ import annotations

from genofab.engines.uncertainty.monte_carlo import monte_carlo
from genofab.model import Scenario
from tests.helpers import edit, tiny_data


def test_samples_that_make_no_dose_count_as_failed_lots() -> None:
    # the tiny lot releases 90 vials of 4e8 TU = 3.6e10 TU: a dose above that is never made,
    # so about (6e10 − 3.6e10) ÷ 5e10 = 48 % of the samples make no dose
    dose = {
        "value": "2e10 TU",
        "uncertainty": {"kind": "uniform", "low": "1e10 TU", "high": "6e10 TU", "source": "test"},
    }
    scenario = Scenario.model_validate(edit(tiny_data(), "product.dose.amount", dose))
    result = monte_carlo(scenario, 2000, seed=3, histograms=False)
    patients = result.results["patients_per_year"]
    assert patients.samples == 2000  # every sample counts, the failed lots as 0 patients
    assert patients.p5 == 0 and patients.min == 0
    assert 0.4 < sum(result.infeasible.values()) / 2000 < 0.56  # still reported by reason
    assert result.feasible_samples == 2000 - sum(result.infeasible.values())
    # the mean of the patients counts the zeros: below the mean of the samples that deliver
    assert patients.mean is not None and patients.p95 is not None
    assert patients.mean < 0.6 * patients.p95
