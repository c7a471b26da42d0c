"""Plain typed result objects; each serialises to JSON."""

from genofab.results.capacity import CapacityResult, RoomCapacity
from genofab.results.lot import LotResult, StepBalance
from genofab.results.run import InputRow, RunResult, ScenarioInfo

__all__ = [
    "CapacityResult",
    "InputRow",
    "LotResult",
    "RoomCapacity",
    "RunResult",
    "ScenarioInfo",
    "StepBalance",
]
