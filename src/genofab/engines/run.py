"""One deterministic run: the lot, the facility's capacity and, when the scenario has an
economics section, the cost of goods and the fair price; with the inputs used."""

from __future__ import annotations

from genofab import __version__
from genofab.engines.arrays import Values
from genofab.engines.capacity import capacity_arrays, capacity_result
from genofab.engines.economics import economics_result, sized_values
from genofab.engines.lot import lot_arrays, lot_result
from genofab.model.scenario import Scenario
from genofab.results.run import InputRow, RunResult, ScenarioInfo


def evaluate(scenario: Scenario, origin: ScenarioInfo | None = None) -> RunResult:
    """Lot, capacity and cost figures of ``scenario``; raises :class:`~genofab.InfeasibleError`
    when the lot or the facility cannot deliver. With ``facility_sizing: to_demand`` the room
    counts are those the yearly demand needs."""
    values: Values = scenario.values()
    lot = lot_result(scenario, values)
    arrays = lot_arrays(scenario, values)
    if scenario.economics is not None and scenario.economics.facility_sizing == "to_demand":
        values = sized_values(scenario, values, arrays, capacity_arrays(scenario, arrays, values))
    capacity = capacity_result(scenario, values, arrays)
    economics = None
    if scenario.economics is not None:
        economics = economics_result(
            scenario, values, arrays, capacity_arrays(scenario, arrays, values)
        )
    return RunResult(
        genofab_version=__version__,
        scenario=origin or ScenarioInfo(name=scenario.name),
        lot=lot,
        capacity=capacity,
        economics=economics,
        inputs=tuple(
            InputRow(path=path, value=p.value, unit=p.unit, given=p.given, source=p.source)
            for path, p in scenario.parameters()
        ),
    )
