"""Reading batch records from CSV and Excel: every cell checked against the declared columns of
:mod:`genofab.model.records`, every problem reported at once with its sheet, row and column,
and nothing returned unless the whole file is good (all or nothing).

Reading changes nothing anywhere, so importing the same file twice gives the same records (the
file's SHA-256 is kept with them). Excel workbooks are read with openpyxl without evaluating
anything: a formula cell is refused (its cached result may be stale), so is a merged cell (it
holds one value for several lots).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from genofab.errors import CellIssue, RecordsError
from genofab.model.records import (
    EARLIEST_DATE,
    GRADES,
    LOT_COLUMNS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_REPLICATES,
    MAX_ROWS,
    MAX_TEXT,
    MEASURES,
    MONITORING_COLUMNS,
    OUTCOMES,
    Column,
    LotRecord,
    LotRecords,
    Measurement,
    MonitoringRecords,
    Reading,
    read_measured_header,
)

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Cell:
    """One cell as the file holds it: its value, 1-based row and column, and whether it is a
    formula or part of a merged range (``merged``: the range, e.g. 'C4:C6')."""

    value: object
    row: int
    column: int
    formula: bool = False
    merged: str | None = None


@dataclass(frozen=True)
class Grid:
    """The cells of one sheet (or of a CSV file), row by row; the first row is the header."""

    file: str
    sha256: str
    sheet: str | None
    rows: tuple[tuple[Cell, ...], ...]


def column_letter(number: int) -> str:
    """1 → A, 27 → AA (as spreadsheets name columns)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_grid(path: str | Path, sheet: str | None = None, prefer: str = "lots") -> Grid:
    """The cells of a CSV file, or of one sheet of a workbook (``sheet``, else the sheet named
    ``prefer``, else the first)."""
    file = Path(path)
    name = str(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise RecordsError(
                [
                    CellIssue(
                        f"the file is {size / 2**20:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB"
                    )
                ],
                name,
            )
        raw = file.read_bytes()
    except OSError as error:
        raise RecordsError(
            [CellIssue(f"cannot read the file: {error.strerror or error}")], name
        ) from None
    digest = hashlib.sha256(raw).hexdigest()
    if file.suffix.lower() in EXCEL_SUFFIXES:
        return _excel_grid(raw, name, digest, sheet, prefer)
    if file.suffix.lower() not in {".csv", ".txt"}:
        raise RecordsError(
            [CellIssue(f"'{file.suffix}' files are not read: give a .csv or .xlsx file")], name
        )
    if sheet is not None:
        raise RecordsError([CellIssue("--sheet applies to Excel workbooks, not to CSV")], name)
    return _csv_grid(raw, name, digest)


def grid_of_bytes(
    raw: bytes, name: str, excel: bool, sheet: str | None = None, prefer: str = "lots"
) -> Grid:
    """The cells of an uploaded file's bytes, read as :func:`read_grid` reads a file (the same
    limits and messages); ``name`` only labels the problems, no file is opened."""
    if len(raw) > MAX_BYTES:
        size = len(raw) / 2**20
        raise RecordsError(
            [CellIssue(f"the file is {size:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB")], name
        )
    digest = hashlib.sha256(raw).hexdigest()
    if excel:
        return _excel_grid(raw, name, digest, sheet, prefer)
    if sheet is not None:
        raise RecordsError([CellIssue("a sheet applies to Excel workbooks, not to CSV")], name)
    return _csv_grid(raw, name, digest)


def _csv_grid(raw: bytes, name: str, digest: str) -> Grid:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordsError(
            [CellIssue(f"not UTF-8 text (byte {error.start + 1}): save the CSV as UTF-8")], name
        ) from None
    if "\0" in text:
        raise RecordsError([CellIssue("the file holds a NUL byte: it is not a CSV file")], name)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for r, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        if r > MAX_ROWS + 1:
            raise RecordsError([CellIssue(f"more than {MAX_ROWS:,} rows of records")], name)
        rows.append(tuple(Cell(v, r, c) for c, v in enumerate(values, start=1)))
    return Grid(name, digest, None, tuple(rows))


def _excel_grid(raw: bytes, name: str, digest: str, sheet: str | None, prefer: str) -> Grid:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise RecordsError([CellIssue(f"not a readable Excel workbook ({error})")], name) from None
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        raise RecordsError(
            [CellIssue(f"no sheet '{sheet}' in the workbook; sheets: {', '.join(names)}")], name
        )
    chosen = sheet or next((n for n in names if n.lower() == prefer), names[0])
    worksheet = book[chosen]
    if worksheet.max_row > MAX_ROWS + 1 or worksheet.max_column > MAX_COLUMNS:
        raise RecordsError(
            [
                CellIssue(
                    f"the sheet spans {worksheet.max_row:,} rows and {worksheet.max_column}"
                    f" columns; the limits are {MAX_ROWS:,} rows and {MAX_COLUMNS} columns",
                    sheet=chosen,
                )
            ],
            name,
        )
    merged: dict[tuple[int, int], str] = {}
    for cell_range in worksheet.merged_cells.ranges:
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for col in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(row, col)] = cell_range.coord
    rows = []
    for row in worksheet.iter_rows():
        cells = []
        for cell in row:
            r, c = cell.row, cell.column
            value = cell.value
            formula = getattr(cell, "data_type", None) == "f" or (
                isinstance(value, str) and value.startswith("=")
            )
            cells.append(Cell(value, r, c, formula=formula, merged=merged.get((r, c))))
        rows.append(tuple(cells))
    return Grid(name, digest, chosen, tuple(rows))


class _Problems:
    """Collects the issues of one grid."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.issues: list[CellIssue] = []

    def add(
        self,
        message: str,
        cell: Cell | None = None,
        header: str | None = None,
        row: int | None = None,
    ) -> None:
        self.issues.append(
            CellIssue(
                message,
                row=cell.row if cell is not None else row,
                column=column_letter(cell.column) if cell is not None else None,
                header=header,
                sheet=self.grid.sheet,
            )
        )

    def raise_if_any(self) -> None:
        if self.issues:
            raise RecordsError(self.issues, self.grid.file)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(grid: Grid, problems: _Problems) -> list[tuple[Cell, str]]:
    if not grid.rows:
        problems.add("the sheet is empty: the first row must name the columns")
        problems.raise_if_any()
    header = []
    seen: dict[str, Cell] = {}
    for cell in grid.rows[0]:
        if _blank(cell.value) and not cell.merged:
            continue
        if cell.formula or cell.merged:
            reason = "a formula" if cell.formula else f"merged ({cell.merged})"
            problems.add(f"the header is {reason}: write the column's name", cell)
            continue
        text = str(cell.value).strip()
        key = text.lower()
        if key in seen:
            problems.add(
                f"the column '{text}' is given twice (also column"
                f" {column_letter(seen[key].column)})",
                cell,
            )
            continue
        seen[key] = cell
        header.append((cell, text))
    if len(header) > MAX_COLUMNS:
        problems.add(f"{len(header)} columns; the limit is {MAX_COLUMNS}")
    return header


def _data_rows(grid: Grid) -> list[tuple[Cell, ...]]:
    """Rows after the header that hold anything."""
    return [
        row
        for row in grid.rows[1:]
        if any(not _blank(cell.value) or cell.formula or cell.merged for cell in row)
    ]


def _cells_by_column(row: tuple[Cell, ...], column: int, row_number: int) -> Cell:
    for cell in row:
        if cell.column == column:
            return cell
    return Cell(None, row_number, column)


def _refuse_kind(cell: Cell) -> str | None:
    if cell.formula:
        return (
            f"formula cell '{cell.value}': genofab does not evaluate formulas; paste the value"
            " (Paste Special → Values)"
        )
    if cell.merged:
        return (
            f"merged cell ({cell.merged}): one value would stand for several rows; unmerge the"
            " cells and write the value in each row"
        )
    return None


def _read_text(cell: Cell, column: Column, problems: _Problems, header: str) -> str | None:
    if _blank(cell.value):
        if column.required:
            problems.add(f"{column.name} is required: the cell is empty", cell, header)
        return None
    if isinstance(cell.value, float) and cell.value.is_integer():
        text = str(int(cell.value))
    else:
        text = str(cell.value).strip()
    if len(text) > MAX_TEXT:
        problems.add(f"{len(text)} characters; the limit is {MAX_TEXT}", cell, header)
        return None
    return text


def _read_date(
    cell: Cell, column: Column, problems: _Problems, header: str, today: date, with_time: bool
) -> datetime | None:
    value = cell.value
    if _blank(value):
        if column.required:
            problems.add(f"{column.name} is required: the cell is empty", cell, header)
        return None
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        shape = "YYYY-MM-DD HH:MM" if with_time else "YYYY-MM-DD"
        problems.add(f"'{value}' is not a date: write {shape}", cell, header)
        return None
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    if moment.date() > today:
        problems.add(
            f"{moment.date().isoformat()} is in the future (today is {today.isoformat()})",
            cell,
            header,
        )
        return None
    if moment.date() < EARLIEST_DATE:
        problems.add(
            f"{moment.date().isoformat()} is before {EARLIEST_DATE.isoformat()}: check the year",
            cell,
            header,
        )
        return None
    return moment


@dataclass
class _UnitOfColumn:
    """What a measured column's values are in: the header's unit, or the one its cells give."""

    header: str
    unit: str
    first_cell: Cell | None = None
    bare_cell: Cell | None = None

    def bare(self, cell: Cell, problems: _Problems) -> bool:
        """Note a plain number; False (and a problem) when the column's cells give a unit."""
        if self.first_cell is not None:
            problems.add(
                f"mixed units: {cell.value} has no unit but row {self.first_cell.row} is in"
                f" {self.unit}; give the unit in the header, or in every cell",
                cell,
                self.header,
            )
            return False
        if self.bare_cell is None and not self.unit:
            self.bare_cell = cell
        return True


def _measured_spec() -> Any:
    from genofab.model.parameter import QuantitySpec

    return QuantitySpec(
        what="a measured value",
        example="1.5e7 TU/mL",
        units=(),
        bare_unit="",
        any_dimension=True,
    )


def _read_number(cell: Cell, problems: _Problems, header: str, unit: _UnitOfColumn | None) -> float:
    """A number cell in its column's unit (NaN when blank); text with a unit must be in the
    column's unit ('mixed units' otherwise)."""
    from pydantic_core import PydanticCustomError

    value = cell.value
    if _blank(value):
        return math.nan
    if isinstance(value, bool):
        problems.add(f"the boolean {value} in a number column", cell, header)
        return math.nan
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            problems.add(f"{value} is not a finite number", cell, header)
            return math.nan
        return number if unit is None or unit.bare(cell, problems) else math.nan
    if isinstance(value, datetime | date):
        problems.add(f"a date ({value}) in a number column", cell, header)
        return math.nan
    text = str(value).strip()
    try:
        number = _finite(float(text))
    except ValueError:
        pass
    else:
        return number if unit is None or unit.bare(cell, problems) else math.nan
    spec = _measured_spec()
    try:
        parsed = spec.parse(text)
    except PydanticCustomError as error:
        message = error.message()
        if message.startswith("cannot read") and not text[:1].isdigit() and text[:1] not in "+-.":
            message = f"text '{text}' in a number column: write a number (and its unit)"
        problems.add(message, cell, header)
        return math.nan
    cell_unit = _unit_text(text)
    if unit is None:
        problems.add(f"'{text}' carries a unit in a column that takes plain numbers", cell, header)
        return math.nan
    if not unit.unit:
        if unit.bare_cell is not None:
            problems.add(
                f"mixed units: '{text}' is in {cell_unit} but row {unit.bare_cell.row} has no"
                " unit; give the unit in the header, or in every cell",
                cell,
                header,
            )
            return math.nan
        unit.unit, unit.first_cell = cell_unit, cell
    if cell_unit != unit.unit and not _same_unit(cell_unit, unit.unit):
        first = (
            f"the header says {unit.unit}"
            if unit.first_cell is None
            else f"row {unit.first_cell.row} is in {unit.unit}"
        )
        problems.add(
            f"mixed units: '{text}' is in {cell_unit} but {first}; write every value of a"
            " column in one unit (the header's)",
            cell,
            header,
        )
        return math.nan
    one = float(spec.parse(f"1 {unit.unit}").value) if unit.unit else 1.0
    return float(parsed.value) / one


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise ValueError(number)
    return number


def _unit_text(text: str) -> str:
    from genofab.model.parameter import _NUMBER_THEN_UNIT

    match = _NUMBER_THEN_UNIT.match(text)
    return match["unit"].strip() if match else ""


def _same_unit(a: str, b: str) -> bool:
    from genofab.units import registry

    try:
        ureg = registry()
        return bool(ureg.parse_units(a) == ureg.parse_units(b))
    except Exception:
        return False


def _check_unit(unit: str, cell: Cell, problems: _Problems, header: str) -> bool:
    if not unit:
        return True
    from genofab.units import registry

    try:
        registry().parse_units(unit)
    except Exception:
        problems.add(f"unknown unit '{unit}' in the header", cell, header)
        return False
    return True


def parse_lots(grid: Grid, today: date | None = None) -> LotRecords:
    """The lots of a grid, or a :class:`RecordsError` listing every problem."""
    today = today or date.today()
    problems = _Problems(grid)
    header = _header(grid, problems)
    fixed = {column.name: column for column in LOT_COLUMNS}
    found: dict[str, Cell] = {}
    measured: dict[str, dict[int, tuple[Cell, str]]] = {}
    units: dict[str, _UnitOfColumn] = {}
    for cell, text in header:
        key = text.lower()
        if key in fixed:
            found[key] = cell
            continue
        read = read_measured_header(text)
        if read is None:
            problems.add(
                f"'{text}' is neither a lot column ({', '.join(fixed)}) nor a measurement"
                " headed 'name [unit]' (e.g. 'production_bioreactor.titer [TU/mL]')",
                cell,
            )
            continue
        if read.replicate > MAX_REPLICATES:
            problems.add(f"replicate #{read.replicate}; the limit is {MAX_REPLICATES}", cell)
            continue
        if not _check_unit(read.unit, cell, problems, text):
            continue
        group = measured.setdefault(read.name, {})
        group[read.replicate] = (cell, text)
        known = units.get(read.name)
        if known is None:
            units[read.name] = _UnitOfColumn(text, read.unit)
        elif read.unit != known.unit:
            problems.add(
                f"mixed units: replicate #{read.replicate} of {read.name} is in"
                f" '{read.unit}' but another replicate is in '{known.unit}'",
                cell,
            )
    for column in LOT_COLUMNS:
        if column.required and column.name not in found:
            problems.add(f"the column '{column.name}' is missing ({column.description})")
    for name, group in measured.items():
        numbers = sorted(group)
        if numbers != list(range(1, len(numbers) + 1)):
            problems.add(
                f"replicates of {name} are numbered {numbers}: number them #1, #2, ... without"
                " gaps",
                group[numbers[0]][0],
            )
    problems.raise_if_any()
    rows = _data_rows(grid)
    if len(rows) > MAX_ROWS:
        problems.add(f"{len(rows):,} lots; the limit is {MAX_ROWS:,}")
        problems.raise_if_any()
    names = list(measured)
    lots: list[LotRecord] = []
    first_row: dict[str, int] = {}
    for row in rows:
        number = row[0].row if row else 0
        values: dict[str, Any] = {}
        for key, column in fixed.items():
            if key not in found:
                values[key] = None
                continue
            cell = _cells_by_column(row, found[key].column, number)
            header_text = str(found[key].value).strip()
            refused = _refuse_kind(cell)
            if refused:
                problems.add(refused, cell, header_text)
                values[key] = None
                continue
            if column.kind == "date":
                moment = _read_date(cell, column, problems, header_text, today, False)
                values[key] = moment.date() if moment else None
            elif column.kind == "outcome":
                outcome = _read_text(cell, column, problems, header_text)
                if outcome is not None and outcome.lower() not in OUTCOMES:
                    problems.add(
                        f"'{outcome}' is not an outcome: write {' or '.join(OUTCOMES)}",
                        cell,
                        header_text,
                    )
                    outcome = None
                values[key] = outcome.lower() if outcome else None
            else:
                values[key] = _read_text(cell, column, problems, header_text)
        measurements: list[tuple[float, ...]] = []
        for name in names:
            group = measured[name]
            replicate_values = []
            for replicate in sorted(group):
                head_cell, head_text = group[replicate]
                cell = _cells_by_column(row, head_cell.column, number)
                refused = _refuse_kind(cell)
                if refused:
                    problems.add(refused, cell, head_text)
                    replicate_values.append(math.nan)
                    continue
                replicate_values.append(_read_number(cell, problems, head_text, units[name]))
            measurements.append(tuple(replicate_values))
        lot_id = values["lot_id"]
        if lot_id is not None:
            if lot_id in first_row:
                problems.add(
                    f"duplicate lot id '{lot_id}': row {first_row[lot_id]} has it already;"
                    " each lot is one row",
                    _cells_by_column(row, found["lot_id"].column, number),
                    "lot_id",
                )
            else:
                first_row[lot_id] = number
        if (
            values["outcome"] == "failed"
            and "failure_reason" in found
            and not values.get("failure_reason")
        ):
            problems.add(
                "a failed lot needs its failure_reason", row=number, header="failure_reason"
            )
        if values["outcome"] == "failed" and "failure_reason" not in found:
            problems.add("a failed lot needs a failure_reason column", row=number)
        start = values["start_date"]
        for later in ("end_date", "release_date"):
            if start and values.get(later) and values[later] < start:
                problems.add(
                    f"{later} {values[later]} is before start_date {start}",
                    row=number,
                    header=later,
                )
        if any(values[c.name] is None for c in LOT_COLUMNS if c.required):
            continue
        lots.append(
            LotRecord(
                product=values["product"],
                site=values["site"],
                lot_id=lot_id,
                start_date=start,
                outcome=values["outcome"],
                values=tuple(measurements),
                end_date=values.get("end_date"),
                release_date=values.get("release_date"),
                room=values.get("room"),
                failure_reason=values.get("failure_reason"),
                failure_step=values.get("failure_step"),
                row=number,
            )
        )
    if not rows:
        problems.add("no lots: the sheet has a header but no rows")
    problems.raise_if_any()
    return LotRecords(
        file=grid.file,
        sha256=grid.sha256,
        measurements=tuple(
            Measurement(name, units[name].unit, len(measured[name])) for name in names
        ),
        lots=tuple(lots),
        sheet=grid.sheet,
    )


def parse_monitoring(grid: Grid, today: date | None = None) -> MonitoringRecords:
    """The environment-monitoring readings of a grid, or a :class:`RecordsError` listing
    every problem."""
    today = today or date.today()
    problems = _Problems(grid)
    header = _header(grid, problems)
    declared = {column.name: column for column in MONITORING_COLUMNS}
    found: dict[str, Cell] = {}
    for cell, text in header:
        if text.lower() in declared:
            found[text.lower()] = cell
        else:
            problems.add(f"'{text}' is not a monitoring column ({', '.join(declared)})", cell)
    for column in MONITORING_COLUMNS:
        if column.required and column.name not in found:
            problems.add(f"the column '{column.name}' is missing ({column.description})")
    problems.raise_if_any()
    readings = []
    for row in _data_rows(grid):
        number = row[0].row if row else 0
        values: dict[str, Any] = {}
        for key, cell_head in found.items():
            column = declared[key]
            cell = _cells_by_column(row, cell_head.column, number)
            refused = _refuse_kind(cell)
            if refused:
                problems.add(refused, cell, key)
                values[key] = None
                continue
            if column.kind == "datetime":
                values[key] = _read_date(cell, column, problems, key, today, True)
            elif column.kind == "number":
                number_value = _read_number(cell, problems, key, None)
                if column.required and math.isnan(number_value) and _blank(cell.value):
                    problems.add(f"{key} is required: the cell is empty", cell, key)
                values[key] = None if math.isnan(number_value) else number_value
            else:
                read = _read_text(cell, column, problems, key)
                allowed: Iterable[str] | None = (
                    GRADES
                    if column.kind == "grade"
                    else MEASURES
                    if column.kind == "measure"
                    else None
                )
                if read is not None and allowed is not None and read not in allowed:
                    problems.add(f"'{read}' is not a {key}: one of {', '.join(allowed)}", cell, key)
                    read = None
                values[key] = read
        if any(values.get(c.name) is None for c in MONITORING_COLUMNS if c.required):
            continue
        readings.append(
            Reading(
                time=values["time"],
                room=values["room"],
                grade=values["grade"],
                measure=values["measure"],
                value=values["value"],
                alert=values.get("alert"),
                action=values.get("action"),
                row=number,
            )
        )
    if not readings and not problems.issues:
        problems.add("no readings: the sheet has a header but no rows")
    problems.raise_if_any()
    return MonitoringRecords(grid.file, grid.sha256, tuple(readings), grid.sheet)


def is_monitoring(grid: Grid) -> bool:
    """Whether a grid's header is that of environment monitoring (it has 'measure')."""
    if not grid.rows:
        return False
    names = {str(cell.value).strip().lower() for cell in grid.rows[0] if not _blank(cell.value)}
    return {"measure", "grade"} <= names


#: How a lot table is laid out: ``wide`` (one row a lot), ``long`` (one row a measurement) or
#: ``auto`` (long when the header has 'parameter' and 'value', else wide).
LAYOUTS = ("auto", "wide", "long")


def lots_of(grid: Grid, today: date | None = None, layout: str = "auto") -> LotRecords:
    """The lots of a grid in either layout (all or nothing)."""
    from genofab.errors import UsageError
    from genofab.io.records_long import is_long, parse_long_lots

    if layout not in LAYOUTS:
        raise UsageError(f"layout '{layout}': choose {', '.join(LAYOUTS)}")
    if layout == "long" or (layout == "auto" and is_long(grid)):
        return parse_long_lots(grid, today)
    return parse_lots(grid, today)


def read_lots(
    path: str | Path, sheet: str | None = None, today: date | None = None, layout: str = "auto"
) -> LotRecords:
    """The lots of a CSV file or workbook sheet, one row a lot or one row a measurement
    (``layout``), all or nothing."""
    return lots_of(read_grid(path, sheet, "lots"), today, layout)


def read_monitoring(
    path: str | Path, sheet: str | None = None, today: date | None = None
) -> MonitoringRecords:
    """The environment-monitoring readings of a CSV file or workbook sheet."""
    return parse_monitoring(read_grid(path, sheet, "monitoring"), today)
