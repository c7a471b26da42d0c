"""Chain engine: two tiny stages worked out by hand (rates, failures, shared rooms, costs),
and the shipped sickle-cell chain as transduction suites are added."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from genofab.engines.capacity import YEARLY_DEMAND
from genofab.engines.chain import chain_arrays
from genofab.engines.run import run_arrays
from genofab.io.chain_file import load_chain
from genofab.model import Scenario
from genofab.model.chain import Chain, Stage, StageLink
from tests.helpers import EXAMPLES, edit, tiny_data, tiny_economics


def vector_data() -> dict[str, Any]:
    """The tiny scenario: 30 patients a lot, 35 lots a year (the suite: 10 d a lot)."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    return data


def cell_data(failure: str = "0 %") -> dict[str, Any]:
    """The tiny process as an autologous product: one patient a lot, 35 lots a year."""
    data = edit(vector_data(), "product.modality", "autologous_cells")
    return edit(data, "economics.lot_failure_probability", failure)


def two_stages(cell: dict[str, Any], same_site: bool = False) -> Chain:
    vector = Scenario.model_validate(vector_data())
    product = Scenario.model_validate(cell)
    return Chain(
        name="tiny therapy",
        description=None,
        stages=(
            Stage("vector", vector, None, "site" if same_site else "vector"),
            Stage(
                "cells",
                product,
                StageLink(stage="vector", unit="TU"),
                "site" if same_site else "cells",
            ),
        ),
        demand=None,
    )


def run(chain: Chain) -> Any:
    return chain_arrays(chain, {stage.name: stage.scenario.values() for stage in chain.stages})


def test_the_scarcest_stage_limits_the_patients() -> None:
    arrays = run(two_stages(cell_data()))
    vector, cells = arrays.stages
    assert float(vector.patients_per_year) == pytest.approx(1050)  # 35 lots × 30 patients
    assert float(cells.patients_per_year) == pytest.approx(35)  # 35 lots × 1 patient
    assert float(arrays.patients_per_year) == pytest.approx(35)
    assert arrays.limit_name(int(arrays.limit)) == ("cells", "suite", ())
    assert int(vector.lots_needed_per_year) == 2  # ⌈35 ÷ 30⌉


def test_failed_cell_lots_consume_vector_and_cut_the_patients() -> None:
    arrays = run(two_stages(cell_data("20 %")))
    vector = arrays.stages[0]
    # 35 cell lots, one in five fails: 28 patients; each patient treated took 1.25 cell lots
    assert float(arrays.patients_per_year) == pytest.approx(28)
    assert float(vector.doses_per_chain_patient) == pytest.approx(1.25)
    assert float(vector.patients_per_year) == pytest.approx(1050 / 1.25)
    assert int(vector.lots_needed_per_year) == 2  # ⌈28 × 1.25 ÷ 30⌉ = ⌈35 ÷ 30⌉


def test_stages_on_one_site_share_its_rooms() -> None:
    arrays = run(two_stages(cell_data(), same_site=True))
    suite = next(room for room in arrays.shared_rooms if room.kind == "suite")
    # the suite (10 d a lot): 10 ÷ 30 room-days per patient for the vector, 10 for the cells
    assert float(suite.room_days_per_patient) == pytest.approx(10 / 30 + 10)
    assert float(arrays.patients_per_year) == pytest.approx(350 / (10 / 30 + 10))
    assert arrays.limit_name(int(arrays.limit)) == (None, "suite", ("vector", "cells"))


def test_cost_per_patient_by_stage_is_each_stages_annual_cost_at_the_chains_rate() -> None:
    chain = two_stages(cell_data("20 %"))
    arrays = run(chain)
    assert arrays.cost_per_patient is not None
    for stage, multiplier in zip(chain.stages, (1.25, 1.0), strict=True):
        values = {**stage.scenario.values(), YEARLY_DEMAND: 28 * multiplier}
        cost = run_arrays(stage.scenario, values).cost
        assert cost is not None
        assert float(arrays.cost_per_patient[stage.name]) == pytest.approx(float(cost.total) / 28)


def test_adding_transduction_suites_moves_the_bottleneck_to_the_vector() -> None:
    chain = load_chain(EXAMPLES / "sickle-cell-gene-therapy.yaml").chain
    base = {stage.name: dict(stage.scenario.values()) for stage in chain.stages}
    qc = {
        name: next(
            f"facility.rooms[{i}].count"
            for i, room in enumerate(stage.scenario.facility.rooms)
            if room.kind == "qc_lab"
        )
        for name, stage in ((s.name, s) for s in chain.stages)
    }
    for name, path in qc.items():
        base[name][path] = 30.0  # enough QC laboratories: the suites are what we add
    suites = "facility.rooms[0].count"  # the cell-processing suites
    vector_alone = None
    limits = []
    for count in range(2, 80):
        values = {name: dict(v) for name, v in base.items()}
        values["cell_product"][suites] = float(count)
        arrays = chain_arrays(chain, values)
        vector_alone = float(arrays.stages[0].patients_per_year)
        cells_alone = float(arrays.stages[1].patients_per_year)
        stage, _, _ = arrays.limit_name(int(arrays.limit))
        limits.append(stage)
        # each suite: 2 workstations × ⌊350 ÷ 7⌋ lots, 4 % fail
        assert cells_alone == pytest.approx(count * 100 * 0.96)
        assert float(arrays.patients_per_year) == pytest.approx(min(cells_alone, vector_alone))
        if stage == "vector":
            break
    assert limits[0] == "cell_product" and limits[-1] == "vector"
    assert vector_alone is not None and len(limits) == int(np.ceil(vector_alone / 96)) - 1
