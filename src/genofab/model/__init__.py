"""The validated, immutable domain model: the ``genofab/1`` scenario format."""

from genofab.model.demand import Demand
from genofab.model.facility import Facility, Room
from genofab.model.parameter import Parameter
from genofab.model.process import Process
from genofab.model.product import (
    CellsTimesMoiDose,
    FixedDose,
    Modality,
    PerKgDose,
    Product,
    VialUse,
)
from genofab.model.scenario import FORMAT, Scenario
from genofab.model.steps import (
    FillStep,
    ProcessingStep,
    ProductionStep,
    QCReleaseStep,
    Step,
    TimedStep,
)

__all__ = [
    "FORMAT",
    "CellsTimesMoiDose",
    "Demand",
    "Facility",
    "FillStep",
    "FixedDose",
    "Modality",
    "Parameter",
    "PerKgDose",
    "Process",
    "ProcessingStep",
    "Product",
    "ProductionStep",
    "QCReleaseStep",
    "Room",
    "Scenario",
    "Step",
    "TimedStep",
    "VialUse",
]
