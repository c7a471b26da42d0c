"""``scale`` on a chain: one stage's parameter varied through the whole therapy, worked by hand
on the two tiny stages of tests/engines/test_chain.py (a vector of 30 patients a lot, 35 lots a
year; a one-patient cell product, 35 lots a year), and invariants over any working volume."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.chain import evaluate_chain
from genofab.engines.chain_scale import chain_scale, default_scale_stage
from genofab.engines.run import evaluate
from genofab.errors import UsageError
from tests.engines.test_chain import cell_data, two_stages
from tests.helpers import edit

VOLUME = "process.steps[1].working_volume"
SUITES = "facility.rooms[1].count"


def test_scaling_the_vector_that_does_not_limit_leaves_the_patients_alone() -> None:
    chain = two_stages(cell_data())
    result = chain_scale(chain, "vector", VOLUME, np.array([5.0, 10.0, 20.0]))
    # 5 L: 2e8 TU a vial (1 L × 0.5 → 100 mL × 0.8), 5 vials a 1e9 TU dose: 90 ÷ 5 = 18 a lot;
    # 10 L: 4e8 TU a vial, 3 vials: 30 a lot; 20 L: 8e8 TU a vial, 2 vials: 45 a lot
    assert [p.patients_per_lot for p in result.points] == [18, 30, 45]
    # the cells allow 35 a year whatever the vector: 2, 2, 1 vector lots to start
    assert [p.patients_per_year for p in result.points] == pytest.approx([35, 35, 35])
    assert [p.lots_needed_per_year for p in result.points] == [2, 2, 1]
    for point in result.points:
        assert point.status == "ok"
        assert point.bottleneck is not None and point.bottleneck.stage == "cells"
        assert point.stage_patients_per_year is not None
        assert point.stage_patients_per_year["cells"] == pytest.approx(35)
        cost = point.cost_per_patient
        assert cost is not None and sum(cost.by_stage.values()) == pytest.approx(cost.total)
    # the vector's rooms allow 35 lots × its patients a lot
    assert result.points[2].stage_patients_per_year["vector"] == pytest.approx(35 * 45)
    # the cell stage's cost per patient does not depend on the vector's volume
    cells = {p.cost_per_patient.by_stage["cells"] for p in result.points if p.cost_per_patient}
    assert len({round(c, 6) for c in cells}) == 1


def test_scaling_the_limiting_stage_moves_the_patients_with_its_suites() -> None:
    # only the suite limits the cells (the seed lab, fill room and QC lab made roomy)
    cells = edit(cell_data(), "facility.rooms.0.concurrent_lots", 100)
    cells = edit(cells, "facility.rooms.2.count", 10)
    chain = two_stages(edit(cells, "facility.rooms.3.concurrent_lots", 100))
    result = chain_scale(chain, "cells", SUITES, np.array([1.0, 2.0, 3.0]))
    # each cell suite: 35 lots a year of one patient; the vector allows 1,050
    assert [p.patients_per_year for p in result.points] == pytest.approx([35, 70, 105])
    assert [p.lots_needed_per_year for p in result.points] == [35, 70, 105]
    assert all(p.bottleneck is not None and p.bottleneck.stage == "cells" for p in result.points)
    assert result.stage == "cells" and result.unit == ""


def test_the_stated_value_gives_the_chains_own_run() -> None:
    chain = two_stages(cell_data("20 %"))
    runs = {s.name: evaluate(s.scenario) for s in chain.stages}
    plain = evaluate_chain(chain, runs)
    point = chain_scale(chain, "vector", VOLUME, np.array([10.0])).points[0]
    assert point.patients_per_year == pytest.approx(plain.patients_per_year)  # 28: 35 × 0.8
    assert point.cost_per_patient is not None and plain.cost_per_patient is not None
    for name, value in plain.cost_per_patient.by_stage.items():
        assert point.cost_per_patient.by_stage[name] == pytest.approx(value)
    assert point.lots_needed_per_year == plain.stage("vector").lots_needed_per_year


def test_a_point_where_the_vector_makes_no_dose_says_so() -> None:
    # 0.01 L: 1e8 TU made, 4e7 TU after capture and TFF, 4e5 TU a vial: 90 vials hold 3.6e7 TU,
    # not one 1e9 TU dose
    chain = two_stages(cell_data())
    point = chain_scale(chain, "vector", VOLUME, np.array([0.01])).points[0]
    assert point.status.startswith("stage 'vector'")
    assert point.patients_per_year is None and point.cost_per_patient is None


def test_the_default_stage_is_the_most_upstream_and_a_bad_one_is_refused() -> None:
    chain = two_stages(cell_data())
    assert default_scale_stage(chain) == "vector"
    with pytest.raises(UsageError, match="'nowhere' is not a stage of the chain"):
        chain_scale(chain, "nowhere", VOLUME, np.array([10.0]))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0.5, 200.0), min_size=1, max_size=8))
def test_any_working_volume_keeps_the_chain_consistent(volumes: list[float]) -> None:
    chain = two_stages(cell_data("10 %"))
    for point in chain_scale(chain, "vector", VOLUME, np.asarray(volumes)).points:
        if point.status != "ok":
            continue
        assert point.stage_patients_per_year is not None
        assert point.patients_per_year is not None
        assert point.patients_per_year <= min(point.stage_patients_per_year.values()) * (1 + 1e-12)
        cost = point.cost_per_patient
        assert cost is not None
        assert sum(cost.by_stage.values()) == pytest.approx(cost.total, rel=1e-12)
