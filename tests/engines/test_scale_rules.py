"""Scale rules: when ``genofab scale`` changes what enters a downstream step, its output
volume follows the volume or the amount entering (``scales_with``), and what hangs on the
volumes follows — materials per litre processed, containers, equipment sized by a step's
volume. Worked by hand on the tiny plant (tests/helpers.py): 10 L at 1e7 TU/mL make 1e11 TU;
capture keeps half in 1 L; concentrate 80 % in 100 mL; 1 mL vials, 10 taken by QC; a dose of
1e9 TU takes 3 vials of 4e8 TU: 30 doses a lot, 35 lots a year."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.run import evaluate
from genofab.engines.scale import scale
from genofab.errors import ScenarioError
from tests.helpers import tiny_costed

VOLUME = "process.steps[1].working_volume"
TITER = "process.steps[1].titer"
BUFFER = {
    "name": "diafiltration buffer",
    "step": "concentrate",
    "basis": "per_litre_processed",
    "quantity": "2 L",
    "unit_price": "10 EUR/L",
}
SKID = {
    "name": "TFF skid",
    "cost": "100 kEUR",
    "reference_size": "100 mL",
    "size_from_step": "concentrate",
}


def ruled(capture: str | None = "volume", concentrate: str | None = "volume", *more: Any) -> Any:
    """The tiny plant at capacity with scale rules on its two downstream steps."""
    edits: list[tuple[str, Any]] = [("demand.patients_per_year", ...)]
    if capture:
        edits.append(("process.steps.2.scales_with", capture))
    if concentrate:
        edits.append(("process.steps.3.scales_with", concentrate))
    return tiny_costed(*edits, *more)


def test_doubling_upstream_doubles_the_downstream_volumes_and_their_materials() -> None:
    scenario = ruled(
        None,
        "volume",
        ("process.steps.2.scales_with", "volume"),
        ("economics.materials", [BUFFER]),
        ("economics.equipment", [SKID]),
    )
    base, double = scale(scenario, VOLUME, np.array([10.0, 20.0])).points  # L
    assert base.step_volumes == pytest.approx({"capture": 1.0, "concentrate": 0.1})
    assert double.step_volumes == pytest.approx({"capture": 2.0, "concentrate": 0.2})
    # 200 vials, 190 released, 3 a dose: 63 doses (30 at 10 L)
    assert (base.patients_per_lot, double.patients_per_lot) == (30, 63)
    # the same point is a run with the volumes typed in
    typed = evaluate(
        tiny_costed(
            ("demand.patients_per_year", ...),
            ("process.steps.1.working_volume", "20 L"),
            ("process.steps.2.output_volume", "2 L"),
            ("process.steps.3.output_volume", "200 mL"),
            ("economics.materials", [BUFFER]),
            ("economics.equipment", [SKID]),
        )
    ).economics
    assert typed is not None
    assert double.cost_per_dose == pytest.approx(typed.cogs_per_dose)
    # the buffer: 2 L per litre of capture's eluate × 10 EUR: 20 EUR a lot, then 40
    buffer = next(line for line in typed.cost_lines if line.name == "diafiltration buffer")
    assert buffer.per_lot == pytest.approx(40)
    # the skid sized by the concentrate's 200 mL: 100 k × 2^0.6 (six-tenths)
    assert typed.capital["equipment"] == pytest.approx(100_000 * 2**0.6)


def test_without_rules_the_downstream_volumes_stay_as_stated() -> None:
    base, double = scale(ruled(None, None), VOLUME, np.array([10.0, 20.0])).points
    assert base.step_volumes == double.step_volumes == {}
    # the concentrate stays 100 mL: 100 vials of 8e8 TU, 2 a dose, 45 doses
    assert double.patients_per_lot == 45


def test_a_rule_by_amount_follows_the_product_not_the_volume() -> None:
    titer = np.array([1e10, 2e10])  # TU/L: 1e7 and 2e7 TU/mL
    by_amount = scale(ruled("amount", None), TITER, titer).points
    by_volume = scale(ruled("volume", None), TITER, titer).points
    assert [p.step_volumes for p in by_amount] == [{"capture": 1.0}, {"capture": 2.0}]
    assert [p.step_volumes for p in by_volume] == [{"capture": 1.0}, {"capture": 1.0}]


def test_a_stated_run_is_unchanged_by_its_rules() -> None:
    plain, with_rules = evaluate(ruled(None, None)), evaluate(ruled())
    assert with_rules.lot == plain.lot
    assert with_rules.economics == plain.economics


def test_sweeping_a_ruled_volume_itself_moves_it() -> None:
    first, second = scale(ruled(), "process.steps[2].output_volume", np.array([1.0, 3.0])).points
    assert first.step_volumes == pytest.approx({"capture": 1.0, "concentrate": 0.1})
    # capture takes the swept 3 L; the concentrate follows the 3 L entering it
    assert second.step_volumes == pytest.approx({"capture": 3.0, "concentrate": 0.3})


def test_a_rule_without_an_output_volume_is_refused() -> None:
    with pytest.raises((ScenarioError, ValueError), match="scales_with goes with output_volume"):
        tiny_costed(
            ("process.steps.2.output_volume", ...),
            ("process.steps.2.output_concentration", "5e10 TU/L"),
            ("process.steps.2.scales_with", "amount"),
        )


@settings(max_examples=25, deadline=None)
@given(
    volume=st.floats(2.0, 500.0),
    titer=st.floats(3e6, 1e9),
    factor=st.integers(2, 4),
)
def test_cost_per_dose_never_rises_when_upstream_and_its_linked_volumes_scale_up(
    volume: float, titer: float, factor: int
) -> None:
    """At capacity, with the downstream volumes following the upstream one and equipment on
    the six-tenths rule, a whole-number multiple of the volume never makes a dose dearer:
    doses grow at least in proportion (⌊kx⌋ ≥ k⌊x⌋), volume costs in proportion, the rest
    less."""
    scenario = ruled(
        "volume",
        "volume",
        ("process.steps.1.titer", f"{titer} TU/mL"),
        ("economics.materials", [BUFFER]),
        ("economics.equipment.0.reference_size", "10 L"),
        ("economics.equipment.0.size_from_step", "make"),
    )
    points = np.array([volume, volume * factor])  # L
    small, large = scale(scenario, VOLUME, points).points
    if small.cost_per_dose is None:
        return
    assert large.cost_per_dose is not None
    assert large.cost_per_dose <= small.cost_per_dose * (1 + 1e-12)
