"""Batch records as genofab reads them: lots (one row a lot) and environment-monitoring
readings (one row a reading), their columns declared once, and the cleanroom limits of
EU GMP Annex 1 that readings are judged against.

A lot table has the fixed columns of :data:`LOT_COLUMNS` and any number of measured columns
headed ``name [unit]`` (``production_bioreactor.titer [TU/mL]``, ``clarification.step_yield
[%]``); replicate measurements of one lot are ``name#1 [unit]``, ``name#2 [unit]`` ... Values
are stored as written, in the column's unit; they are converted to a scenario's base unit only
when a distribution is fitted for it. Readers are in :mod:`genofab.io.records`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from genofab.errors import UsageError, did_you_mean

ColumnKind = Literal["text", "date", "datetime", "outcome", "number", "grade", "measure"]

#: Outcomes of a lot.
OUTCOMES: tuple[str, ...] = ("released", "failed")

#: Bounds on what one file may hold (rows, columns, bytes, text length, dates).
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_BYTES = 50 * 1024 * 1024
MAX_TEXT = 200
MAX_REPLICATES = 25
EARLIEST_DATE = date(1990, 1, 1)


@dataclass(frozen=True)
class Column:
    """One declared column of a records table."""

    name: str
    kind: ColumnKind
    required: bool
    description: str


#: The fixed columns of a lot table (every other column is a measurement).
LOT_COLUMNS: tuple[Column, ...] = (
    Column("product", "text", True, "the product made (one name per product)"),
    Column("site", "text", True, "the manufacturing site"),
    Column("lot_id", "text", True, "the lot's identifier, unique in the file"),
    Column("start_date", "date", True, "the day the lot started (YYYY-MM-DD), not in the future"),
    Column("end_date", "date", False, "the last day the lot held its room (default: start)"),
    Column("release_date", "date", False, "the day the lot was released or rejected"),
    Column("room", "text", False, "the production room (matched with environment monitoring)"),
    Column("outcome", "outcome", True, "released or failed"),
    Column("failure_reason", "text", False, "why a failed lot failed (required when failed)"),
    Column("failure_step", "text", False, "the step where the failure was found (when failed)"),
)

#: The measurement columns of a lot table in long form (one row a measurement), beside the lot
#: columns above (given on every row of the lot or on some; where given twice they agree).
LONG_COLUMNS: tuple[Column, ...] = (
    Column("parameter", "text", True, "what was measured (e.g. titer, or step.titer)"),
    Column("value", "number", True, "the measured value, in the row's unit"),
    Column("unit", "text", False, "the value's unit (the same dimension on every row)"),
    Column("step", "text", False, "the process step measured (the name becomes step.parameter)"),
    Column("replicate", "number", False, "the replicate number, 1, 2, ... (default 1)"),
    Column(
        "time",
        "datetime",
        False,
        "when the sample was taken: not in the future nor before the lot's start_date; orders"
        " the lots of a chart that started on the same day",
    ),
)

#: The columns of an environment-monitoring table (``alert``/``action`` override the limits).
MONITORING_COLUMNS: tuple[Column, ...] = (
    Column("time", "datetime", True, "when the reading was taken (YYYY-MM-DD HH:MM)"),
    Column("room", "text", True, "the room"),
    Column("grade", "grade", True, "the room's cleanroom grade: A, B, C or D"),
    Column("measure", "measure", True, "what was measured (see MEASURES)"),
    Column("value", "number", True, "the reading, in the measure's unit"),
    Column("alert", "number", False, "an alert level for this reading (overrides the default)"),
    Column("action", "number", False, "an action limit for this reading (overrides Annex 1)"),
)

#: What environment monitoring measures, and the unit each reading is in.
MEASURES: dict[str, str] = {
    "particles_0.5um": "particles/m³",
    "particles_5um": "particles/m³",
    "viable_air": "CFU/m³",
    "viable_settle": "CFU/4 h",
    "viable_contact": "CFU/plate",
    "pressure_differential": "Pa",
    "temperature": "°C",
    "humidity": "%RH",
}

#: Cleanroom grades.
GRADES: tuple[str, ...] = ("A", "B", "C", "D")

_MEASURED_HEADER = re.compile(
    r"^(?P<name>[A-Za-z_][\w.\-]*?)(?:#(?P<replicate>\d+))?\s*(?:\[(?P<unit>[^\]]*)\])?$"
)


@dataclass(frozen=True)
class MeasuredHeader:
    """A measured column's header read: the measurement's name, the replicate number (1 when
    there is none) and the unit as written ('' for none)."""

    name: str
    replicate: int
    unit: str


def read_measured_header(header: str) -> MeasuredHeader | None:
    """``titer#2 [TU/mL]`` → (titer, 2, TU/mL); ``None`` when the header is not of that form."""
    match = _MEASURED_HEADER.match(header.strip())
    if match is None:
        return None
    replicate = int(match["replicate"]) if match["replicate"] else 1
    return MeasuredHeader(match["name"], replicate, (match["unit"] or "").strip())


@dataclass(frozen=True)
class Measurement:
    """A measured quantity of every lot: its name, its unit as written and how many replicate
    columns it has."""

    name: str
    unit: str
    replicates: int = 1


@dataclass(frozen=True)
class LotRecord:
    """One lot: who made it where and when, how it ended, and what was measured (one tuple of
    replicate values per measurement, in the file's order; NaN where nothing was written).
    ``sampled``: when each measurement was first sampled (long form's ``time``; None where not
    given, empty when no time was given at all)."""

    product: str
    site: str
    lot_id: str
    start_date: date
    outcome: str
    values: tuple[tuple[float, ...], ...]
    end_date: date | None = None
    release_date: date | None = None
    room: str | None = None
    failure_reason: str | None = None
    failure_step: str | None = None
    row: int = 0
    sampled: tuple[datetime | None, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"

    def sampled_at(self, index: int) -> datetime | None:
        """When the measurement at ``index`` was first sampled (None when not given)."""
        return self.sampled[index] if index < len(self.sampled) else None


@dataclass(frozen=True)
class LotRecords:
    """The lots of one file, in the file's order, with the file they came from."""

    file: str
    sha256: str
    measurements: tuple[Measurement, ...]
    lots: tuple[LotRecord, ...]
    sheet: str | None = None

    def measurement_index(self, name: str) -> int:
        """Where a measurement sits among :attr:`measurements`; a clear error when unknown."""
        names = [m.name for m in self.measurements]
        if name not in names:
            known = ", ".join(names) or "none"
            raise UsageError(
                f"no measurement '{name}' in {self.file}{did_you_mean(name, names)};"
                f" measured: {known}"
            )
        return names.index(name)

    def sites(self) -> tuple[str, ...]:
        """The sites, in order of first appearance."""
        return tuple(dict.fromkeys(lot.site for lot in self.lots))

    def products(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(lot.product for lot in self.lots))

    def select(self, site: str | None = None, product: str | None = None) -> LotRecords:
        """The lots of one site and/or product (an unknown name is an error)."""
        lots = self.lots
        for label, wanted, known in (
            ("site", site, self.sites()),
            ("product", product, self.products()),
        ):
            if wanted is None:
                continue
            if wanted not in known:
                raise UsageError(
                    f"no {label} '{wanted}' in {self.file}{did_you_mean(wanted, list(known))};"
                    f" {label}s: {', '.join(known)}"
                )
            lots = tuple(lot for lot in lots if getattr(lot, label) == wanted)
        return LotRecords(self.file, self.sha256, self.measurements, lots, self.sheet)

    def in_order(self, name: str | None = None) -> tuple[LotRecord, ...]:
        """Lots by start date, the order of a control chart. Lots started the same day are
        ordered by when measurement ``name`` was sampled (the long form's ``time``; lots
        without one after those with one), then in file order."""
        index = None if name is None else self.measurement_index(name)

        def key(lot: LotRecord) -> tuple[date, bool, datetime, int]:
            moment = None if index is None else lot.sampled_at(index)
            return (lot.start_date, moment is None, moment or datetime.min, lot.row)

        return tuple(sorted(self.lots, key=key))

    def replicates(self, name: str) -> NDArray[np.float64]:
        """Lots × replicates of one measurement, lots in chart order (:meth:`in_order`); lots
        where it was not measured at all are left out (NaN where one replicate is missing)."""
        index = self.measurement_index(name)
        rows = [lot.values[index] for lot in self.in_order(name)]
        kept = [row for row in rows if not all(math.isnan(v) for v in row)]
        width = self.measurements[index].replicates
        return np.array(kept, dtype=float).reshape(len(kept), width)

    def values(self, name: str) -> NDArray[np.float64]:
        """One value a lot (the mean of its replicates), lots in chart order."""
        table = self.replicates(name)
        if table.size == 0:
            return np.zeros(0)
        return np.asarray(np.nanmean(table, axis=1))

    def span(self) -> tuple[date, date] | None:
        if not self.lots:
            return None
        days = [lot.start_date for lot in self.lots]
        return min(days), max(days)

    def describe(self, count: int | None = None) -> str:
        """``14 lots, site Évry, 2026-01 to 2026-11`` (the provenance of a fit)."""
        sites = self.sites()
        where = f"site {sites[0]}" if len(sites) == 1 else f"sites {', '.join(sites)}"
        span = self.span()
        when = f"{span[0]:%Y-%m} to {span[1]:%Y-%m}" if span else "no dates"
        lots = len(self.lots) if count is None else count
        return f"{lots} lot{'s' if lots != 1 else ''}, {where}, {when}"

    def failures(self) -> tuple[int, int]:
        """(failed lots, lots)."""
        return sum(lot.failed for lot in self.lots), len(self.lots)


@dataclass(frozen=True)
class Reading:
    """One environment-monitoring reading."""

    time: datetime
    room: str
    grade: str
    measure: str
    value: float
    alert: float | None = None
    action: float | None = None
    row: int = 0


@dataclass(frozen=True)
class MonitoringRecords:
    """The readings of one environment-monitoring file."""

    file: str
    sha256: str
    readings: tuple[Reading, ...]
    sheet: str | None = None


@dataclass(frozen=True)
class Limit:
    """Alert and action levels of one measure in one grade; a reading is out when it is above
    (``upper``) or below (not ``upper``) the level. ``None``: no limit set."""

    alert: float | None
    action: float | None
    upper: bool = True
    source: str = ""


_ANNEX1 = (
    "EU GMP Annex 1 (2022), {table}: action limit for grade {grade} {state}"
    " (docs/records.md, 'Environment monitoring')"
)
_ALERT = (
    "assumption: alert level at half the action limit; Annex 1 §9.26 leaves alert levels to"
    " the manufacturer's trend data (docs/records.md)"
)


def _particle_limits() -> dict[tuple[str, str], Limit]:
    # Annex 1 (2022) Table 5, maximum total particles per m³ "in operation" (grade D has no
    # in-operation limit: its "at rest" limit is used, and said so)
    table = {
        ("A", "particles_0.5um"): (3_520, "in operation"),
        ("B", "particles_0.5um"): (352_000, "in operation"),
        ("C", "particles_0.5um"): (3_520_000, "in operation"),
        ("D", "particles_0.5um"): (3_520_000, "at rest (no in-operation limit is set)"),
        ("B", "particles_5um"): (2_930, "in operation"),
        ("C", "particles_5um"): (29_300, "in operation"),
        ("D", "particles_5um"): (29_300, "at rest (no in-operation limit is set)"),
    }
    return {
        key: Limit(
            alert=action / 2,
            action=action,
            source=_ANNEX1.format(table="Table 5", grade=key[0], state=state) + "; " + _ALERT,
        )
        for key, (action, state) in table.items()
    }


def _viable_limits() -> dict[tuple[str, str], Limit]:
    # Annex 1 (2022) Table 6, in operation; grade A: "no growth" (any colony is an action)
    table = {
        "A": {"viable_air": 1, "viable_settle": 1, "viable_contact": 1},
        "B": {"viable_air": 10, "viable_settle": 5, "viable_contact": 5},
        "C": {"viable_air": 100, "viable_settle": 50, "viable_contact": 25},
        "D": {"viable_air": 200, "viable_settle": 100, "viable_contact": 50},
    }
    found: dict[tuple[str, str], Limit] = {}
    for grade, limits in table.items():
        for measure, action in limits.items():
            if grade == "A":
                source = (
                    "EU GMP Annex 1 (2022), Table 6: no growth in grade A, so a count of 1"
                    " or more is an action (docs/records.md)"
                )
                found[(grade, measure)] = Limit(alert=None, action=0.0, source=source)
                continue
            source = _ANNEX1.format(table="Table 6", grade=grade, state="in operation")
            found[(grade, measure)] = Limit(
                alert=action / 2, action=action, source=source + "; " + _ALERT
            )
    return found


def _room_limits() -> dict[tuple[str, str], Limit]:
    found: dict[tuple[str, str], Limit] = {}
    for grade in GRADES:
        found[(grade, "pressure_differential")] = Limit(
            alert=12.0,
            action=10.0,
            upper=False,
            source="EU GMP Annex 1 (2022) §4.29: 10 Pa guidance between adjacent grades"
            " (action below 10 Pa); assumption: alert below 12 Pa (docs/records.md)",
        )
        found[(grade, "temperature")] = Limit(
            alert=24.0,
            action=25.0,
            source="assumption: operator comfort range of 18–25 °C; Annex 1 sets no figure"
            " (docs/records.md)",
        )
        found[(grade, "humidity")] = Limit(
            alert=60.0,
            action=65.0,
            source="assumption: 30–65 %RH usual design range; Annex 1 sets no figure"
            " (docs/records.md)",
        )
    return found


#: Default limits by (grade, measure): EU GMP Annex 1 where it sets one, stated assumptions
#: where it does not. A reading's own ``alert``/``action`` columns override them.
ANNEX1_LIMITS: dict[tuple[str, str], Limit] = {
    **_particle_limits(),
    **_viable_limits(),
    **_room_limits(),
}


def limit_for(reading: Reading) -> Limit:
    """The limits a reading is judged against: its own, else the defaults of its grade."""
    default = ANNEX1_LIMITS.get((reading.grade, reading.measure), Limit(None, None))
    if reading.alert is None and reading.action is None:
        return default
    return Limit(
        alert=reading.alert if reading.alert is not None else default.alert,
        action=reading.action if reading.action is not None else default.action,
        upper=default.upper,
        source="the reading's own alert/action columns",
    )
