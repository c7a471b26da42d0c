"""How result keys, units and inputs read in tables and figures.

JSON keeps its snake_case keys and base units; a person reads ``patients per year``, ``m²``
and a titre in the unit its file gave (or the conventional one: TU/mL, EUR/L). The display
unit of an input comes from what was written: the factor between the base-unit value and the
number written is the factor for every other value of that input (its distribution, its
tornado ends).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: Readable names of result keys (the JSON's snake_case keys), where the plain words are not
#: enough; any other key reads as its words.
LABELS = {
    "cogs_per_lot": "cost of goods per lot",
    "cogs_per_dose": "cost of goods per dose",
    "cogs_per_patient": "cost of goods per patient",
    "fair_price_per_patient": "fair price per patient",
    "fair_price_per_patient.total": "fair price per patient",
    "lot_duration_days": "lot duration, first step to release",
    "suite_occupancy_days": "suite occupancy per lot",
    "suite_cycle_days": "suite occupancy + changeover",
    "vials_per_lot": "containers released per lot",
    "years_to_treat_cohort": "years to treat the cohort",
    "years_to_release_cohort": "years to release the cohort",
    "lots_for_cohort": "lots for the cohort",
    "amount_made": "amount made per lot",
    "overall_yield": "overall yield",
    "dose_amount": "amount per dose",
    "qc": "QC",
    "qc_release": "QC release",
    "tff": "TFF",
    # a chain of stages (genofab-chain/1)
    "cost_per_patient.total": "cost per patient: total",
    "fair_price.total": "fair price per patient (whole therapy)",
}
#: Prefixes of nested keys (``cost_breakdown.labour``) and how they read.
PREFIXES = {
    "cost_breakdown": "cost",
    "fair_price_per_patient.components": "fair price",
    "lots_per_room_year": "lots per room a year",
    "rooms_needed": "rooms needed",
    "cost_per_patient.by_stage": "cost per patient",
    "upstream_lots_per_year": "lots to start a year",
    "stage_patients_per_year": "patients per year this stage alone allows",
}
#: Prefixes followed by a name the user chose (a room kind, a stage), shown as written.
AS_WRITTEN = {
    "lots_per_room_year",
    "rooms_needed",
    "cost_per_patient.by_stage",
    "upstream_lots_per_year",
    "stage_patients_per_year",
}


def label(key: str) -> str:
    """A result key as words: ``patients_per_year`` → ``patients per year``,
    ``cost_breakdown.qc`` → ``cost: QC``."""
    if key in LABELS:
        return LABELS[key]
    for prefix, words in PREFIXES.items():
        if key.startswith(prefix + "."):
            rest = key[len(prefix) + 1 :]
            # a room kind is the user's own name: shown as written
            shown = rest if prefix in AS_WRITTEN else label(rest)
            return f"{words}: {shown}"
    return key.replace("_", " ")


_POWERS = {"**2": "²", "**3": "³", "**-1": "⁻¹"}


def pretty_unit(unit: str) -> str:
    """A pint unit as people write it: ``EUR/m**2`` → ``EUR/m²``."""
    for power, superscript in _POWERS.items():
        unit = unit.replace(power, superscript)
    return unit


#: Conventional display units for base units people do not use: (factor, unit), the value in
#: the display unit being the base value times the factor. ``{X}`` is any product or currency.
CONVENTIONAL = (
    (re.compile(r"^(\w+)/m\*\*3$"), 1e-3, "{X}/L"),
    (re.compile(r"^(\w+)/L$"), 1e-3, "{X}/mL"),
)

_GIVEN = re.compile(r"^\s*(?P<number>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(?P<unit>.*?)\s*$")


@dataclass(frozen=True)
class DisplayUnit:
    """A unit to show an input's values in: value shown = base value × ``factor``."""

    factor: float
    unit: str

    def show(self, base_value: float | None) -> float | None:
        return None if base_value is None else base_value * self.factor


def display_unit(value: float, unit: str, given: str | None = None) -> DisplayUnit:
    """The unit an input was written in (``54 EUR/L``, ``8 %``), read from its text ``given``;
    failing that, a conventional unit for its base unit; failing that, the base unit."""
    match = _GIVEN.match(given or "")
    if match and float(match["number"]) and value:
        factor = float(match["number"]) / value
        if match["unit"]:
            return DisplayUnit(factor, pretty_unit(match["unit"]))
        if abs(factor - 1) < 1e-9:  # a bare number in the field's own unit
            return DisplayUnit(1.0, pretty_unit(unit))
    for pattern, factor, template in CONVENTIONAL:
        match = pattern.match(unit)
        if match:
            return DisplayUnit(factor, template.replace("{X}", match[1]))
    return DisplayUnit(1.0, pretty_unit(unit))


def display_units(scenario: Any) -> dict[str, DisplayUnit]:
    """The display unit of every parameter of a scenario, by path."""
    return {
        path: display_unit(parameter.value, parameter.unit, parameter.given)
        for path, parameter in scenario.parameters()
    }


def unit_of(path: str, unit: str, units: dict[str, DisplayUnit] | None) -> DisplayUnit:
    """The display unit of the input at ``path`` (base unit ``unit``): as its file wrote it if
    ``units`` knows it, else a conventional one."""
    if units and path in units:
        return units[path]
    return display_unit(0.0, unit)
