"""Sweeps for every front end: a grid of parameter values read the way the scenario's fields
read them (units allowed, in the parameter's own unit and currency), and a sweep's table as
Parquet. The command line's ``genofab sweep --set`` and the workbench's sweep jobs share it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from genofab.errors import UsageError
from genofab.results.uncertainty import SweepResult

#: Statistics of each result in a sweep's table.
SPREAD_COLUMNS = ("mean", "sd", "p5", "p50", "p95")


def parse_grid(
    scenario: Any, entries: Mapping[str, Sequence[str]], option: str
) -> dict[str, list[float]]:
    """``{path: [value text, ...]}`` as ``{path: [values in base units]}``; ``option`` names
    where the values came from in messages (``--set`` on the command line). A path that does
    not exist is refused with the closest one suggested."""
    from pydantic_core import PydanticCustomError

    grid: dict[str, list[float]] = {}
    for path, items in entries.items():
        parameter, spec = scenario.parameter(path)
        values = []
        for item in items:
            try:
                parsed = spec.parse(item.strip()) if spec is not None else None
            except PydanticCustomError as error:
                raise UsageError(f"{option} {path}: {error.message()}") from None
            if parsed is None:
                try:
                    values.append(float(item))
                except ValueError:
                    raise UsageError(f"{option} {path}: '{item.strip()}' is not a number") from None
                continue
            if parsed.unit != parameter.unit:
                raise UsageError(
                    f"{option} {path}: '{item.strip()}' is in {parsed.unit or 'no unit'}; give it"
                    f" in {parameter.unit or 'no unit'}, like the parameter"
                )
            values.append(parsed.value)
        grid[path] = values
    return grid


def sweep_columns(result: SweepResult) -> dict[str, list[float | None]]:
    """A sweep's table, one row per point: the swept values, then each result's mean, SD, P5,
    P50 and P95, then the probability of meeting demand (None where a figure is undefined)."""
    columns: dict[str, list[float | None]] = {path: [] for path in result.parameters}
    names = list(result.result_units)
    for name in names:
        for stat in SPREAD_COLUMNS:
            columns[f"{name} {stat}"] = []
    columns["probability of meeting demand"] = []
    for point in result.points:
        for path in result.parameters:
            columns[path].append(point.values[path])
        for name in names:
            for stat in SPREAD_COLUMNS:
                columns[f"{name} {stat}"].append(getattr(point.results[name], stat))
        columns["probability of meeting demand"].append(point.probability_of_meeting_demand)
    return columns


def sweep_csv(result: SweepResult) -> str:
    """A sweep's table (:func:`sweep_columns`) as CSV text (an undefined figure left empty)."""
    import csv
    import io

    columns = sweep_columns(result)
    stream = io.StringIO()
    table = csv.writer(stream)
    table.writerow(list(columns))
    for row in zip(*columns.values(), strict=True):
        table.writerow(["" if value is None else value for value in row])
    return stream.getvalue()


def sweep_parquet(result: SweepResult) -> bytes:
    """A sweep's table (:func:`sweep_columns`) as a Parquet file, with the run's seed, samples,
    genofab version and units in its metadata."""
    import json

    from genofab.io.samples import parquet_bytes

    units = {path: result.units.get(path) or "" for path in result.parameters}
    units.update({name: unit or "" for name, unit in result.result_units.items()})
    metadata = {
        "genofab_version": result.genofab_version,
        "scenario": result.scenario.name,
        "samples": str(result.samples),
        "seed": str(result.seed),
        "units": json.dumps(units, ensure_ascii=False),
    }
    return parquet_bytes(sweep_columns(result), metadata)
