"""Sites compared in the units that matter: each lot's measured values propagated through the
scenario to doses per lot and cost per dose, then a TOST with a margin in doses or money."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from genofab.engines.records.consequences import lot_consequences
from genofab.engines.run import evaluate
from genofab.io.records import read_lots
from genofab.io.scenario_file import load_scenario, parse_scenario
from genofab.service.records import Margin, consequence_equivalence
from genofab.views.cli import app

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "lv-sickle-cell-current.yaml"
TITER = "process.steps[1].titer"
runner = CliRunner()

# two lots a site; only the titre is measured (in TU/mL: the scenario's 1.0e+6 × a factor)
LOTS = """\
product,site,lot_id,start_date,outcome,production_bioreactor.titer [TU/mL]
P,A,A1,2026-01-05,released,1000000
P,A,A2,2026-01-20,released,1500000
P,B,B1,2026-02-01,released,500000
P,B,B2,2026-02-15,released,1000000
"""


def doses_of_a_run_at(factor: float) -> tuple[float, float]:
    """Doses per lot and cost per dose of the scenario run deterministically (the scalar
    path: the file edited, validated and run) with its titre multiplied by ``factor``."""
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "        value: 1.0e+6\n        unit: TU/mL",
        f"        value: {factor * 1e6:g}\n        unit: TU/mL",
    )
    run = evaluate(parse_scenario(text, "edited").scenario)
    assert run.cogs_per_dose is not None
    return float(run.lot.doses_per_lot), float(run.cogs_per_dose)


def student2_sf(t: float) -> float:
    """P(T > t) for Student's t with 2 degrees of freedom, in closed form."""
    return 0.5 - t / (2 * math.sqrt(2 + t * t))


def test_each_lot_is_the_scenario_run_at_its_own_values() -> None:
    scenario = load_scenario(SCENARIO).scenario
    factors = [1.0, 1.5, 0.5]
    values, units, feasible = lot_consequences(
        scenario,
        {TITER: np.array(factors) * 1e9},  # TU/L, the base unit
    )
    expected = [doses_of_a_run_at(f) for f in factors]
    assert values["doses_per_lot"].tolist() == [d for d, _ in expected]
    assert values["cogs_per_dose"] == pytest.approx([c for _, c in expected], rel=1e-9)
    assert units == {"doses_per_lot": "doses", "cogs_per_dose": "EUR"} and feasible.all()


def test_tost_in_doses_per_lot_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "lots.csv"
    path.write_text(LOTS, encoding="utf-8")
    records = read_lots(path)
    scenario = load_scenario(SCENARIO).scenario
    a = [doses_of_a_run_at(f)[0] for f in (1.0, 1.5)]
    b = [doses_of_a_run_at(f)[0] for f in (0.5, 1.0)]
    # by hand: difference of means, pooled SD over 2 degrees of freedom, se = s·√(1/2 + 1/2)
    difference = (b[0] + b[1]) / 2 - (a[0] + a[1]) / 2
    pooled = math.sqrt(((a[0] - a[1]) ** 2 / 2 + (b[0] - b[1]) ** 2 / 2) / 2)
    se = pooled
    verdicts = {}
    for margin in (6.0, 10.0):
        found = consequence_equivalence(
            records, scenario, "A", {"doses_per_lot": Margin("amount", margin)}
        )
        (doses,) = [v for v in found if v.measurement == "doses_per_lot"]
        p = max(student2_sf((difference + margin) / se), student2_sf((margin - difference) / se))
        assert doses.scale == "difference" and doses.margin == (-margin, margin)
        assert doses.estimate == pytest.approx(difference, rel=1e-12)
        assert doses.p_value == pytest.approx(p, rel=1e-9)
        assert doses.unit == "doses" and doses.margin_source == f"stated: ±{margin:g} doses"
        verdicts[margin] = doses.equivalent
    # the demo's doses: A makes 4 and 7, B 2 and 4; a ±6 dose margin is too tight for 2 lots
    assert (a, b) == ([4.0, 7.0], [2.0, 4.0])
    assert verdicts == {6.0: False, 10.0: True}


def test_compare_takes_margins_in_doses_and_money_only_with_a_scenario(tmp_path: Path) -> None:
    path = tmp_path / "lots.csv"
    path.write_text(LOTS, encoding="utf-8")
    result = runner.invoke(app, ["records", "compare", str(path), "--margin", "doses_per_lot=2"])
    assert result.exit_code == 2
    assert "give --scenario" in result.stderr
    result = runner.invoke(
        app,
        [
            "records",
            "compare",
            str(path),
            "--scenario",
            str(SCENARIO),
            "-n",
            "500",
            "--margin",
            "cogs_per_dose=100000",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {v["measurement"]: v for v in json.loads(result.stdout)["consequences"]}
    assert rows["cogs_per_dose"]["margin"] == [-100000, 100000]
    assert rows["cogs_per_dose"]["unit"] == "EUR"
    assert "through" in rows["doses_per_lot"]["note"]
