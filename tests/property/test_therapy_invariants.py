"""Invariants of the whole therapy (hypothesis): the ex vivo dose basis, failures and the
chain of stages."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.capacity import FAILURE, capacity_arrays
from genofab.engines.chain import chain_arrays
from genofab.engines.lot import lot_arrays
from genofab.model import Scenario
from genofab.model.chain import Chain, Stage, StageLink
from tests.helpers import tiny_scenario
from tests.property.test_invariants import scenarios


@settings(max_examples=40, deadline=None)
@given(
    cells=st.floats(1e6, 1e10),
    moi=st.floats(0.1, 200),
    collections=st.integers(1, 4),
    hits=st.integers(1, 3),
    loss=st.floats(0.0, 0.5),
)
def test_doubling_the_moi_doubles_the_vector_per_patient(
    cells: float, moi: float, collections: int, hits: int, loss: float
) -> None:
    rule = {
        "rule": "cells_x_moi",
        "cells_at_transduction": f"{cells:.6g} cells",
        "collections": collections,
        "moi": moi,
        "transduction_hits": hits,
        "thaw_loss": loss,
    }
    scenario = tiny_scenario(("product.dose", rule))
    values: dict[str, Any] = dict(scenario.values())
    values["product.dose.moi"] = np.array(
        [values["product.dose.moi"], 2 * values["product.dose.moi"]]
    )
    dose = lot_arrays(scenario, values).dose_amount
    np.testing.assert_allclose(dose[1], 2 * dose[0], rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(scenario=scenarios(), failure=st.floats(0.0, 0.99))
def test_patients_per_year_after_failures_never_exceed_those_before(
    scenario: Scenario, failure: float
) -> None:
    values: dict[str, Any] = {**scenario.values(), FAILURE: failure}
    cap = capacity_arrays(scenario, lot_arrays(scenario, values), values)
    assert cap.patients_per_year_after_failures <= cap.patients_per_year
    assert cap.good_lots_per_year <= cap.lots_per_year


@settings(max_examples=30, deadline=None)
@given(
    upstream=scenarios(),
    downstream=scenarios(),
    failures=st.tuples(st.floats(0.0, 0.5), st.floats(0.0, 0.5)),
    same_site=st.booleans(),
)
def test_a_chain_never_treats_more_patients_than_any_stage(
    upstream: Scenario, downstream: Scenario, failures: tuple[float, float], same_site: bool
) -> None:
    stages = (
        Stage("vector", upstream, None, "site" if same_site else "vector"),
        Stage(
            "cells",
            downstream,
            StageLink(stage="vector", unit="TU"),
            "site" if same_site else "cells",
        ),
    )
    chain = Chain(name="drawn", description=None, stages=stages, demand=None)
    values = {
        stage.name: {**stage.scenario.values(), FAILURE: failure}
        for stage, failure in zip(stages, failures, strict=True)
    }
    arrays = chain_arrays(chain, values)
    for stage in arrays.stages:
        # stage.patients_per_year: the stage's own patients per year after failures ÷ m_s
        assert arrays.patients_per_year <= stage.patients_per_year * (1 + 1e-12)
        own = stage.run.capacity.patients_per_year_after_failures
        assert stage.patients_per_year * stage.doses_per_chain_patient == pytest.approx(own)
