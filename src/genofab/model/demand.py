"""Demand: a cohort to treat and/or patients to treat each year."""

from __future__ import annotations

from pydantic import model_validator

from genofab.model.base import Frozen
from genofab.model.quantities import PatientCount, PatientRate


class Demand(Frozen):
    """Patients to treat: a one-off cohort, a yearly rate, or both."""

    cohort_patients: PatientCount | None = None
    patients_per_year: PatientRate | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Demand:
        if self.cohort_patients is None and self.patients_per_year is None:
            raise ValueError("give cohort_patients, patients_per_year, or both")
        return self
