"""Lot records in long form: one row a measurement (``lot_id, parameter, value, unit`` and
optionally ``step``, ``replicate`` and ``time``), as a LIMS or a historian exports them,
read into the same :class:`~genofab.model.records.LotRecords` as the one-row-a-lot form.

The lot's own columns (product, site, start_date, outcome, ...) may be given on every row of
the lot or on some of them; where given twice they must agree. A measurement is named
``step.parameter`` when a step is given (``production_bioreactor`` + ``titer`` →
``production_bioreactor.titer``), else ``parameter``. The same lot, measurement and replicate
twice is refused (a duplicate, not a replicate: number replicates in a ``replicate`` column).
Units follow the house's unit registry: rows of one measurement in different units of the same
dimension (TU/mL and TU/L) are converted to the unit of its first row; units of different
dimensions, or a unit on some rows and none on others, are refused. A sample's ``time`` may
not be before its lot's start date; it orders the lots of a chart that started on the same
day (:meth:`~genofab.model.records.LotRecords.in_order`). Every problem is reported at once
with its sheet, row and column; nothing is returned unless the whole file is good.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from genofab.io.records import (
    Cell,
    Grid,
    _blank,
    _cells_by_column,
    _check_unit,
    _data_rows,
    _header,
    _Problems,
    _read_date,
    _read_number,
    _read_text,
    _refuse_kind,
)
from genofab.model.records import (
    LONG_COLUMNS,
    LOT_COLUMNS,
    MAX_REPLICATES,
    MAX_ROWS,
    OUTCOMES,
    LotRecord,
    LotRecords,
    Measurement,
    read_measured_header,
)


def is_long(grid: Grid) -> bool:
    """Whether a lot table's header is the long form's (it has 'parameter' and 'value')."""
    if not grid.rows:
        return False
    names = {str(cell.value).strip().lower() for cell in grid.rows[0] if not _blank(cell.value)}
    return {"parameter", "value"} <= names


@dataclass
class _Lot:
    """What the rows of one lot said so far: each lot column's value and the row it came
    from, and the values by (measurement, replicate)."""

    first_row: int
    fixed: dict[str, tuple[Any, int]] = field(default_factory=dict)
    values: dict[tuple[str, int], float] = field(default_factory=dict)
    times: dict[str, list[tuple[datetime, Cell]]] = field(default_factory=dict)


@dataclass
class _Unit:
    """The unit of one measurement: the unit of its first row, and that row."""

    unit: str
    row: int


def _factor(unit: str, into: str) -> float | None:
    """How many ``into`` one ``unit`` is; None when they measure different things."""
    from genofab.units import registry

    try:
        ureg = registry()
        return float(ureg.Quantity(1.0, unit).to(into).magnitude)
    except Exception:
        return None


def parse_long_lots(grid: Grid, today: date | None = None) -> LotRecords:
    """The lots of a long-form grid, or a :class:`RecordsError` listing every problem."""
    today = today or date.today()
    problems = _Problems(grid)
    header = _header(grid, problems)
    fixed = {column.name: column for column in LOT_COLUMNS}
    extra = {column.name: column for column in LONG_COLUMNS}
    found: dict[str, Cell] = {}
    for cell, text in header:
        key = text.lower()
        if key in fixed or key in extra:
            found[key] = cell
        else:
            problems.add(
                f"'{text}' is not a column of the long form (one row a measurement): lot columns"
                f" {', '.join(fixed)}; measurement columns {', '.join(extra)}",
                cell,
            )
    for column in (*LOT_COLUMNS, *LONG_COLUMNS):
        if column.required and column.name not in found:
            problems.add(f"the column '{column.name}' is missing ({column.description})")
    problems.raise_if_any()
    rows = _data_rows(grid)
    if len(rows) > MAX_ROWS:
        problems.add(f"{len(rows):,} rows; the limit is {MAX_ROWS:,}")
        problems.raise_if_any()
    lots: dict[str, _Lot] = {}
    units: dict[str, _Unit] = {}
    names: list[str] = []
    seen: dict[tuple[str, str, int], int] = {}
    for row in rows:
        number = row[0].row if row else 0
        read = _read_row(row, number, found, problems, today)
        if read is None:
            continue
        lot_id, values, name, given_replicate, value, unit, sampled = read
        replicate = given_replicate or 1
        lot = lots.setdefault(lot_id, _Lot(number))
        for key, given in values.items():
            if given is None:
                continue
            earlier = lot.fixed.get(key)
            if earlier is None:
                lot.fixed[key] = (given, number)
            elif earlier[0] != given:
                problems.add(
                    f"lot {lot_id}: {key} is '{given}' here but '{earlier[0]}' in row"
                    f" {earlier[1]}; a lot's columns must agree on every row",
                    _cells_by_column(row, found[key].column, number),
                    key,
                )
        if name is None or value is None:
            continue
        duplicate = seen.get((lot_id, name, replicate))
        if duplicate is not None:
            problems.add(
                f"duplicate: lot {lot_id}, {name}"
                + (f" replicate {replicate}" if given_replicate else "")
                + f" is in row {duplicate} already; a lot has one value of a measurement (number"
                " replicates in a 'replicate' column)",
                _cells_by_column(row, found["parameter"].column, number),
                "parameter",
            )
            continue
        seen[(lot_id, name, replicate)] = number
        converted = _in_unit(name, unit, value, units, row, number, found, problems)
        if converted is None:
            continue
        if name not in names:
            names.append(name)
        lot.values[(name, replicate)] = converted
        if sampled is not None:
            cell = _cells_by_column(row, found["time"].column, number)
            lot.times.setdefault(name, []).append((sampled, cell))
    replicates = _replicate_counts(seen, names, problems)
    records = _lot_records(lots, names, replicates, problems)
    if not rows:
        problems.add("no lots: the sheet has a header but no rows")
    problems.raise_if_any()
    return LotRecords(
        file=grid.file,
        sha256=grid.sha256,
        measurements=tuple(Measurement(name, units[name].unit, replicates[name]) for name in names),
        lots=tuple(records),
        sheet=grid.sheet,
    )


def _read_row(
    row: tuple[Cell, ...],
    number: int,
    found: dict[str, Cell],
    problems: _Problems,
    today: date,
) -> tuple[str, dict[str, Any], str | None, int | None, float | None, str, datetime | None] | None:
    """One row read: (lot id, lot columns given, measurement name, replicate, value, unit,
    sample time); None when the row has no lot id. Problems are added as found."""
    fixed = {column.name: column for column in LOT_COLUMNS}
    extra = {column.name: column for column in LONG_COLUMNS}
    values: dict[str, Any] = {}
    read: dict[str, Any] = {}
    for key, head in found.items():
        cell = _cells_by_column(row, head.column, number)
        refused = _refuse_kind(cell)
        if refused:
            problems.add(refused, cell, key)
            continue
        column = fixed.get(key) or extra[key]
        # a lot column may be left blank on some rows of its lot; lot_id never
        optional = column.required and key not in {"lot_id", "parameter", "value"}
        if optional and _blank(cell.value):
            continue
        if column.kind == "date":
            moment = _read_date(cell, column, problems, key, today, False)
            given: Any = moment.date() if moment else None
        elif column.kind == "datetime":
            given = _read_date(cell, column, problems, key, today, True)
        elif column.kind == "outcome":
            outcome = _read_text(cell, column, problems, key)
            if outcome is not None and outcome.lower() not in OUTCOMES:
                problems.add(
                    f"'{outcome}' is not an outcome: write {' or '.join(OUTCOMES)}", cell, key
                )
                outcome = None
            given = outcome.lower() if outcome else None
        elif key == "value":
            given = _read_number(cell, problems, key, None)
            if _blank(cell.value):
                problems.add("value is required: the cell is empty", cell, key)
            given = None if math.isnan(given) else given
        elif key == "replicate":
            given = _replicate(cell, problems)
        else:
            given = _read_text(cell, column, problems, key)
        if key in fixed:
            values[key] = given
        else:
            read[key] = given
    lot_id = values.pop("lot_id", None)
    if lot_id is None:
        return None
    name = _measurement_name(read, row, number, found, problems)
    unit = read.get("unit") or ""
    if unit and not _check_unit(
        unit, _cells_by_column(row, found["unit"].column, number), problems, "unit"
    ):
        name = None
    return lot_id, values, name, read.get("replicate"), read.get("value"), unit, read.get("time")


def _replicate(cell: Cell, problems: _Problems) -> int | None:
    if _blank(cell.value):
        return None
    text = str(cell.value).strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not (number.is_integer() and 1 <= number <= MAX_REPLICATES):
        problems.add(
            f"replicate '{text}': a whole number from 1 to {MAX_REPLICATES}", cell, "replicate"
        )
        return None
    return int(number)


def _measurement_name(
    read: dict[str, Any],
    row: tuple[Cell, ...],
    number: int,
    found: dict[str, Cell],
    problems: _Problems,
) -> str | None:
    parameter = read.get("parameter")
    if parameter is None:
        return None
    step = read.get("step")
    name = f"{step}.{parameter}" if step else parameter
    parsed = read_measured_header(name)
    if parsed is None or parsed.name != name:
        problems.add(
            f"'{name}' is not a measurement name: letters, digits, '_', '-' and '.' (the unit"
            " goes in the unit column, the replicate in a replicate column)",
            _cells_by_column(row, found["parameter"].column, number),
            "parameter",
        )
        return None
    return name


def _in_unit(
    name: str,
    unit: str,
    value: float,
    units: dict[str, _Unit],
    row: tuple[Cell, ...],
    number: int,
    found: dict[str, Cell],
    problems: _Problems,
) -> float | None:
    """A value in the unit of its measurement's first row (converted when the dimension is
    the same); None, with a problem, when it cannot be."""
    first = units.get(name)
    if first is None:
        units[name] = _Unit(unit, number)
        return value
    if unit == first.unit:
        return value
    place = _cells_by_column(row, found["unit"].column, number) if "unit" in found else None
    if not unit or not first.unit:
        given = f"in {unit}" if unit else "without a unit"
        problems.add(
            f"mixed units: {name} is {given} here but"
            f" {'in ' + first.unit if first.unit else 'without a unit'} in row {first.row}; give"
            " the unit on every row of a measurement",
            place,
            "unit",
        )
        return None
    factor = _factor(unit, first.unit)
    if factor is None:
        problems.add(
            f"mixed units: {name} is in {unit} here but in {first.unit} in row {first.row}, and"
            f" {unit} cannot be converted to {first.unit} (they measure different things)",
            place,
            "unit",
        )
        return None
    return value * factor


def _replicate_counts(
    seen: dict[tuple[str, str, int], int], names: list[str], problems: _Problems
) -> dict[str, int]:
    """How many replicates each measurement has (its replicates numbered 1, 2, ... without
    gaps across the file)."""
    numbers: dict[str, set[int]] = {name: set() for name in names}
    for _, name, replicate in seen:
        if name in numbers:
            numbers[name].add(replicate)
    counts = {}
    for name, used in numbers.items():
        ordered = sorted(used)
        if ordered != list(range(1, len(ordered) + 1)):
            problems.add(
                f"replicates of {name} are numbered {ordered}: number them 1, 2, ... without gaps"
            )
        counts[name] = max(ordered, default=1)
    return counts


def _lot_records(
    lots: dict[str, _Lot], names: list[str], replicates: dict[str, int], problems: _Problems
) -> list[LotRecord]:
    records = []
    for lot_id, lot in lots.items():
        given = {key: value for key, (value, _) in lot.fixed.items()}
        missing = [
            c.name for c in LOT_COLUMNS if c.required and c.name != "lot_id" and c.name not in given
        ]
        if missing:
            problems.add(f"lot {lot_id}: no row gives its {', '.join(missing)}", row=lot.first_row)
            continue
        if given["outcome"] == "failed" and not given.get("failure_reason"):
            problems.add(
                f"lot {lot_id} failed: a failed lot needs its failure_reason",
                row=lot.first_row,
                header="failure_reason",
            )
        start = given["start_date"]
        for later in ("end_date", "release_date"):
            if given.get(later) and given[later] < start:
                problems.add(
                    f"lot {lot_id}: {later} {given[later]} is before start_date {start}",
                    row=lot.fixed[later][1],
                    header=later,
                )
        for name, samples in lot.times.items():
            for moment, cell in samples:
                if moment.date() < start:
                    problems.add(
                        f"lot {lot_id}: {name} sampled at {moment:%Y-%m-%d %H:%M}, before the"
                        f" lot's start_date {start}; a sample cannot be taken before its lot"
                        " started",
                        cell,
                        "time",
                    )
        values = tuple(
            tuple(
                lot.values.get((name, replicate), math.nan)
                for replicate in range(1, replicates[name] + 1)
            )
            for name in names
        )
        sampled = tuple(
            min((moment for moment, _ in lot.times.get(name, [])), default=None) for name in names
        )
        records.append(
            LotRecord(
                product=given["product"],
                site=given["site"],
                lot_id=lot_id,
                start_date=start,
                outcome=given["outcome"],
                values=values,
                end_date=given.get("end_date"),
                release_date=given.get("release_date"),
                room=given.get("room"),
                failure_reason=given.get("failure_reason"),
                failure_step=given.get("failure_step"),
                row=lot.first_row,
                sampled=sampled if any(sampled) else (),
            )
        )
    return records
