"""An outlook end to end on tiny files: needs, the plan and its figures, and the Monte Carlo
reducing to the deterministic answer when nothing is uncertain."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from genofab.engines.demand.outlook import run_outlook
from genofab.io.outlook_file import load_outlook
from tests.helpers import dump_yaml, tiny_data, tiny_economics


def tiny_outlook() -> dict[str, Any]:
    """One indication: 1,000 patients at launch, none new, all addressable, adoption all but
    immediate; the tiny product (1,050 patients a suite-year) in 1 suite; no candidate."""
    return {
        "format": "genofab-outlook/1",
        "name": "tiny outlook",
        "start_year": 2030,
        "years": 3,
        "waiting_penalty": "1000 EUR/patient/yr",
        "indications": [
            {
                "name": "d",
                "region": "r",
                "prevalent_patients": "2000 patients",
                "incidence": "0 patient/yr",
                "eligible_share": "50 %",
                "adoption": {"model": "logistic", "midpoint": "0 yr", "steepness": 20},
            }
        ],
        "products": [{"name": "p", "indications": ["d"], "stages": [{"scenario": "tiny.yaml"}]}],
        "resources": [{"name": "suite", "existing": 1}],
    }


def write_outlook(
    folder: Path, outlook: dict[str, Any], scenario: dict[str, Any] | None = None
) -> Path:
    data = scenario or {**tiny_data(), "economics": tiny_economics()}
    (folder / "tiny.yaml").write_text(dump_yaml(data), encoding="utf-8")
    path = folder / "outlook.yaml"
    path.write_text(dump_yaml(outlook), encoding="utf-8")
    return path


def test_existing_suite_treats_the_backlog_by_hand(tmp_path: Path) -> None:
    """1,000 addressable patients all seek therapy in the first year; one suite treats 1,050
    a year, so all are treated in 2030 and nobody waits; later years need nobody."""
    loaded = load_outlook(write_outlook(tmp_path, tiny_outlook()))
    result = run_outlook(loaded.outlook, loaded.scenarios)
    case = result.cases[0]
    years = case.years
    assert [round(y.patients_needing, 3) for y in years] == pytest.approx(
        [1000.0, 0.0, 0.0], abs=1e-3
    )
    assert years[0].patients_treated == pytest.approx(1000.0, rel=1e-6)
    assert case.patient_years_waiting == pytest.approx(0.0, abs=1e-6)
    assert years[0].utilisation["suite"] == pytest.approx(1000 / 1050, rel=1e-6)
    assert case.build_plan == ()


def test_a_candidate_is_built_when_the_backlog_is_large(tmp_path: Path) -> None:
    """4,000 addressable patients at once and one suite (1,050 a year): without building,
    4,000 − 1,050 = 2,950 wait a year, 1,900 the next, 850 the third (5,700 patient-years).
    A second suite ready in a year (capital 0.1 M) halves the waiting from the second
    year on, well worth 1,000 a patient-year."""
    outlook = tiny_outlook()
    outlook["indications"][0]["prevalent_patients"] = "8000 patients"
    idle = load_outlook(write_outlook(tmp_path, outlook))
    waiting = [y.patients_waiting for y in run_outlook(idle.outlook, idle.scenarios).cases[0].years]
    assert waiting == pytest.approx([2950.0, 1900.0, 850.0], rel=1e-6)
    outlook["candidates"] = [
        {
            "name": "suite2",
            "type": "suite",
            "adds": {"suite": 1},
            "capital": "0.1 MEUR",
            "lead_time": "1 yr",
            "lifetime": "10 yr",
        }
    ]
    loaded = load_outlook(write_outlook(tmp_path, outlook))
    case = run_outlook(loaded.outlook, loaded.scenarios).cases[0]
    assert [(row.candidate, row.year, row.units) for row in case.build_plan] == [
        ("suite2", 2030, 1.0)
    ]
    assert [y.patients_waiting for y in case.years] == pytest.approx([2950.0, 850.0, 0.0], rel=1e-6)
    # waiting balances: what waited plus what arrived is what was treated plus what waits
    carried = 0.0
    for year in case.years:
        assert carried + year.patients_needing == pytest.approx(
            year.patients_treated + year.patients_waiting, rel=1e-9, abs=1e-6
        )
        carried = year.patients_waiting


def test_monte_carlo_of_certain_inputs_is_the_deterministic_answer(tmp_path: Path) -> None:
    outlook = tiny_outlook()
    outlook["indications"][0]["prevalent_patients"] = "8000 patients"
    loaded = load_outlook(write_outlook(tmp_path, outlook))
    result = run_outlook(loaded.outlook, loaded.scenarios, samples=50, seed=3)
    case = result.cases[0]
    assert case.spread is not None
    for year, drawn in zip(case.years, case.spread.years, strict=True):
        assert list(drawn.patients_waiting.values()) == pytest.approx([year.patients_waiting] * 3)
        assert drawn.probability_demand_met == (1.0 if year.patients_waiting < 1e-6 else 0.0)


def test_monte_carlo_spreads_uncertain_demand_on_common_numbers(tmp_path: Path) -> None:
    """An uncertain prevalence spreads the patients needing therapy; the same seed gives the
    same figures, and every case sees the same draws."""
    outlook = tiny_outlook()
    outlook["indications"][0]["prevalent_patients"] = {
        "value": 2000,
        "unit": "patients",
        "uncertainty": {"kind": "uniform", "low": 1000, "high": 3000},
    }
    outlook["products"].append(copy.deepcopy(outlook["products"][0]) | {"name": "q"})
    outlook["cases"] = [{"name": "a", "products": ["p"]}, {"name": "b", "products": ["q"]}]
    loaded = load_outlook(write_outlook(tmp_path, outlook))
    first = run_outlook(loaded.outlook, loaded.scenarios, samples=400, seed=7)
    again = run_outlook(loaded.outlook, loaded.scenarios, samples=400, seed=7)

    def figures(result: object) -> object:
        data = result.model_dump()  # type: ignore[attr-defined]
        for case in data["cases"]:
            del case["solve_cpu_seconds"]  # the only figure that is not a result
        return data

    assert figures(first) == figures(again)
    a, b = (case.spread for case in first.cases)
    assert a is not None and b is not None
    need = a.years[0].patients_needing
    assert need["p5"] < 1000 < need["p95"]  # addressable 500–1,500, mode 1,000
    assert need == b.years[0].patients_needing
    assert 0.0 < a.years[0].probability_demand_met < 1.0  # some samples need more than 1,050


def test_json_leads_with_figures_by_year(tmp_path: Path) -> None:
    loaded = load_outlook(write_outlook(tmp_path, tiny_outlook()))
    data = run_outlook(loaded.outlook, loaded.scenarios).to_json_dict()
    for key in (
        "patients_needing",
        "patients_treated",
        "patients_waiting",
        "cost_per_dose",
        "capital_spent",
    ):
        assert len(data[key]) == 3
    assert data["build_plan"] == []
    assert np.isfinite(data["cost_per_dose"][0])


def test_a_stage_sets_a_parameter_of_its_scenario(tmp_path: Path) -> None:
    """Setting the suite's changeover to 8 days makes a cycle of 7 + 8 = 15 days: 350 ÷ 15
    = 23 lots a suite-year (whole lots), 23 × 30 = 690 patients a suite-year."""
    outlook = tiny_outlook()
    outlook["products"][0]["stages"][0]["set"] = {"facility.rooms[1].changeover": "8 d"}
    loaded = load_outlook(write_outlook(tmp_path, outlook))
    case = run_outlook(loaded.outlook, loaded.scenarios, overrides=loaded.overrides).cases[0]
    assert case.product_rates[0].room_years_per_patient["suite"] == pytest.approx(1 / 690)
    assert case.years[0].patients_treated == pytest.approx(690.0, rel=1e-6)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("facility.rooms[1].changover", "8 d", "is not a parameter of the scenario (did you mean"),
        ("facility.rooms[1].changeover", "8 L", "expected a duration"),
        ("facility.rooms[1].changeover", "-1 d", "is below 0"),
    ],
)
def test_a_bad_setting_is_named(tmp_path: Path, key: str, value: str, message: str) -> None:
    from genofab.errors import ScenarioError

    outlook = tiny_outlook()
    outlook["products"][0]["stages"][0]["set"] = {key: value}
    with pytest.raises(ScenarioError) as caught:
        load_outlook(write_outlook(tmp_path, outlook))
    (issue,) = caught.value.issues
    assert issue.path == f"products[0].stages[0].set.{key}"
    assert message in issue.message and issue.line is not None


def test_patients_lost_while_waiting_by_year(tmp_path: Path) -> None:
    """4,000 addressable patients, one suite (1,050 a year), 10 % of those waiting at a
    year's end lost during the next: 2,950 wait after 2030; 295 are lost in 2031, 1,050 of
    the 2,655 left treated, 1,605 wait; 160.5 lost in 2032, 1,050 treated, 394.5 wait. The
    Monte Carlo of these certain inputs gives the same losses."""
    outlook = tiny_outlook()
    outlook["indications"][0]["prevalent_patients"] = "8000 patients"
    outlook["indications"][0]["waiting_loss_rate"] = {
        "value": 10,
        "unit": "%",
        "source": "assumption: a test",
    }
    loaded = load_outlook(write_outlook(tmp_path, outlook))
    result = run_outlook(loaded.outlook, loaded.scenarios, samples=20, seed=1)
    case = result.cases[0]
    assert [y.patients_lost_waiting for y in case.years] == pytest.approx([0.0, 295.0, 160.5])
    assert [y.patients_waiting for y in case.years] == pytest.approx([2950.0, 1605.0, 394.5])
    assert case.years[1].lost_by_indication == pytest.approx({"d": 295.0})
    assert case.patients_lost_waiting == pytest.approx(455.5)
    assert case.spread is not None
    lost = [y.patients_lost_waiting for y in case.spread.years]
    assert [row["p50"] for row in lost if row is not None] == pytest.approx([0.0, 295.0, 160.5])
    assert case.spread.patients_lost_waiting == pytest.approx(
        {"p5": 455.5, "p50": 455.5, "p95": 455.5}
    )


def _chain_folder(tmp_path: Path) -> None:
    """therapy/chain.yaml: a vector stage, then a cell stage consuming its TU (tiny costed
    scenarios beside it)."""
    from tests.helpers import edit

    therapy = tmp_path / "therapy"
    therapy.mkdir()
    costed = {**tiny_data(), "economics": tiny_economics()}
    (therapy / "vector.yaml").write_text(dump_yaml(costed), encoding="utf-8")
    cells = edit(copy.deepcopy(costed), "product.modality", "autologous_cells")
    (therapy / "cells.yaml").write_text(dump_yaml(cells), encoding="utf-8")
    chain = {
        "format": "genofab-chain/1",
        "name": "a therapy",
        "stages": [
            {"name": "vector", "scenario": "vector.yaml"},
            {
                "name": "cells",
                "scenario": "cells.yaml",
                "consumes": {"stage": "vector", "unit": "TU"},
            },
        ],
    }
    (therapy / "chain.yaml").write_text(dump_yaml(chain), encoding="utf-8")


def test_a_product_takes_its_stages_from_a_chain(tmp_path: Path) -> None:
    """A product naming therapy/chain.yaml gives the figures of the same product listing the
    chain's stage files (paths from the outlook's folder), upstream first."""
    _chain_folder(tmp_path)
    listed = tiny_outlook()
    listed["products"][0]["stages"] = [
        {"scenario": "therapy/vector.yaml"},
        {"scenario": "therapy/cells.yaml"},
    ]
    chained = tiny_outlook()
    chained["products"][0].pop("stages")
    chained["products"][0]["chain"] = "therapy/chain.yaml"
    results = []
    for name, outlook in (("listed", listed), ("chained", chained)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(dump_yaml(outlook), encoding="utf-8")
        loaded = load_outlook(path)
        results.append(run_outlook(loaded.outlook, loaded.scenarios).cases[0])
    by_list, by_chain = results
    assert by_chain.product_rates[0].scenarios == ("therapy/vector.yaml", "therapy/cells.yaml")
    assert by_chain.product_rates[0].room_years_per_patient == pytest.approx(
        by_list.product_rates[0].room_years_per_patient
    )
    assert by_chain.discounted_cost == pytest.approx(by_list.discounted_cost)
