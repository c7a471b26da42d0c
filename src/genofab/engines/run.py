"""One deterministic run: the lot, then the facility's capacity, with the inputs used."""

from __future__ import annotations

from genofab import __version__
from genofab.engines.capacity import capacity_result
from genofab.engines.lot import lot_arrays, lot_result
from genofab.model.scenario import Scenario
from genofab.results.run import InputRow, RunResult, ScenarioInfo


def evaluate(scenario: Scenario, origin: ScenarioInfo | None = None) -> RunResult:
    """Lot and capacity figures of ``scenario``; raises :class:`~genofab.InfeasibleError`
    when the lot or the facility cannot deliver."""
    values = scenario.values()
    lot = lot_result(scenario, values)
    capacity = capacity_result(scenario, values, lot_arrays(scenario, values))
    return RunResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        lot=lot,
        capacity=capacity,
        inputs=tuple(
            InputRow(path=path, value=p.value, unit=p.unit, given=p.given, source=p.source)
            for path, p in scenario.parameters()
        ),
    )
