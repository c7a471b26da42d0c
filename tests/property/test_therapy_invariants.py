"""Invariants of the whole therapy (hypothesis): the ex vivo dose basis, failures and the
chain of stages."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.lot import lot_arrays
from tests.helpers import tiny_scenario


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
