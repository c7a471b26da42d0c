"""Helpers shared by the tests: a tiny scenario with round numbers, and ways to edit it."""

from __future__ import annotations

import copy
import importlib.util
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from genofab.errors import Issue, ScenarioError
from genofab.model import Scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def benchmark_module(name: str) -> Any:
    """A script of ``benchmarks/`` loaded as a module (its plan generators are test data)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def scenario_examples() -> list[Path]:
    """The examples in the scenario format ``genofab/1`` (plans, ``genofab-plan/1``, are not)."""
    return [
        path
        for path in sorted(EXAMPLES.glob("*.yaml"))
        if "format: genofab/1" in path.read_text(encoding="utf-8").splitlines()
    ]


def load_problems(load: Callable[[Path], object], path: Path) -> list[Issue]:
    """The problems ``load`` reports for ``path``; it must refuse the file and name it."""
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert caught.value.file == str(path)
    return list(caught.value.issues)


def load_only_problem(load: Callable[[Path], object], path: Path) -> Issue:
    """The one problem ``load`` reports for ``path``."""
    found = load_problems(load, path)
    assert len(found) == 1, [issue.render(None) for issue in found]
    return found[0]


def tiny_data() -> dict[str, Any]:
    """A scenario whose results are easy to work out by hand (see tests/engines)."""
    return {
        "format": "genofab/1",
        "name": "tiny",
        "product": {
            "name": "test vector",
            "modality": "lentiviral_vector",
            "unit": "TU",
            "dose": {"rule": "fixed", "amount": "1e9 TU"},
        },
        "process": {
            "steps": [
                {"name": "seed", "kind": "seed_train", "room": "seed_lab", "duration": "10 d"},
                {
                    "name": "make",
                    "kind": "production_bioreactor",
                    "room": "suite",
                    "duration": "5 d",
                    "working_volume": "10 L",
                    "titer": "1e7 TU/mL",
                },
                {
                    "name": "capture",
                    "kind": "chromatography",
                    "room": "suite",
                    "duration": "1 d",
                    "step_yield": 0.5,
                    "output_volume": "1 L",
                },
                {
                    "name": "concentrate",
                    "kind": "tff",
                    "room": "suite",
                    "duration": "1 d",
                    "step_yield": "80 %",
                    "output_volume": "100 mL",
                },
                {
                    "name": "fill",
                    "kind": "fill",
                    "room": "fill_room",
                    "duration": "1 d",
                    "fill_volume": "1 mL",
                },
                {
                    "name": "release",
                    "kind": "qc_release",
                    "room": "qc_lab",
                    "duration": "14 d",
                    "sample_vials": 10,
                },
            ]
        },
        "facility": {
            "name": "tiny plant",
            "operating_weeks_per_year": 50,
            "rooms": [
                {"kind": "seed_lab", "changeover": "0 d", "concurrent_lots": 2},
                {"kind": "suite", "changeover": "3 d"},
                {"kind": "fill_room", "changeover": "0 d"},
                {"kind": "qc_lab", "changeover": "0 d", "concurrent_lots": 2},
            ],
        },
        "demand": {"cohort_patients": 100, "patients_per_year": 2000},
    }


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML text of ``data`` (block style, keys in insertion order)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def edit(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` (``process.steps.2.step_yield``) set; ``...`` deletes."""
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    key: Any = int(last) if isinstance(node, list) else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


def tiny_scenario(*edits: tuple[str, Any]) -> Scenario:
    """The tiny scenario validated, after applying ``(path, value)`` edits in turn."""
    data = tiny_data()
    for path, value in edits:
        data = edit(data, path, value)
    return Scenario.model_validate(data)


def tiny_economics() -> dict[str, Any]:
    """Economics of the tiny scenario, with round numbers worked out in tests/engines."""
    return {
        "currency": "EUR",
        "materials": [
            {
                "name": "medium",
                "step": "make",
                "basis": "per_litre",
                "quantity": "1 L",
                "unit_price": "50 EUR/L",
            },
            {
                "name": "resin",
                "step": "capture",
                "category": "consumables",
                "unit_price": "10000 EUR",
                "reuse_cycles": 5,
            },
            {
                "name": "vials",
                "step": "fill",
                "category": "consumables",
                "basis": "per_vial",
                "unit_price": "2 EUR",
            },
        ],
        "qc_tests": [
            {"name": "sterility", "cost": "3000 EUR", "duration": "14 d", "sample_vials": 10}
        ],
        "staff": [{"role": "operators", "per_room": "suite", "fte": 5}, {"role": "QA", "fte": 2}],
        "cost_per_fte_year": "100000 EUR/yr",
        "areas": [
            {
                "name": "suite",
                "area": "100 m²",
                "cost_per_area": "5000 EUR/m²",
                "per_room": "suite",
            },
            {"name": "site", "area": "400 m²", "cost_per_area": "2500 EUR/m²"},
        ],
        "equipment": [{"name": "bioreactor", "cost": "500 kEUR", "per_room": "suite"}],
        "building_depreciation_years": 20,
        "equipment_depreciation_years": 10,
        "maintenance_rate": "2 %",
        "insurance_rate": "1 %",
        "utilities_per_area": "100 EUR/m²/yr",
        "overhead_rate": "10 %",
        "pricing": {
            "development_cost": "100 MEUR",
            "expected_patients": 10000,
            "distribution_per_patient": "10 kEUR",
            "pharmacovigilance_per_patient": "5 kEUR",
            "margin": "20 %",
        },
    }


def tiny_costed(*edits: tuple[str, Any]) -> Scenario:
    """The tiny scenario with its economics, after ``(path, value)`` edits."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    for path, value in edits:
        data = edit(data, path, value)
    return Scenario.model_validate(data)


def uncertain_tiny() -> Scenario:
    """:func:`uncertain_tiny_data` validated."""
    return Scenario.model_validate(uncertain_tiny_data())


def uncertain_tiny_data() -> dict[str, Any]:
    """The tiny scenario with economics, four uncertain parameters and a rank correlation."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    data = edit(
        data,
        "process.steps.1.titer",
        {
            "value": 1e7,
            "unit": "TU/mL",
            "uncertainty": {"kind": "lognormal", "median": 1e7, "gsd": 1.3},
        },
    )
    data = edit(
        data,
        "process.steps.2.step_yield",
        {"value": 0.5, "uncertainty": {"kind": "beta", "mean": 0.5, "sd": 0.1}},
    )
    data = edit(
        data,
        "process.steps.1.duration",
        {"value": 5, "unit": "d", "uncertainty": {"kind": "pert", "low": 4, "mode": 5, "high": 8}},
    )
    data["economics"]["lot_failure_probability"] = {
        "value": 0.05,
        "uncertainty": {"kind": "uniform", "low": 0.0, "high": 0.1},
    }
    data["uncertainty"] = {
        "correlations": [
            {"between": ["process.steps[1].titer", "process.steps[2].step_yield"], "rank": -0.5}
        ]
    }
    return data


def refused_by_schedule(
    write: Callable[..., Path], tmp_path: Path, data: dict[str, Any], field: str, rule: str
) -> None:
    """``genofab schedule`` on the plan ``data`` exits 2 naming the file, its line, ``field``
    and ``rule``, with no traceback and no output folder."""
    from typer.testing import CliRunner

    from genofab.views.cli import app

    plan = write(dump_yaml(data), "plan.yaml")
    folder = tmp_path / "out"
    result = CliRunner().invoke(app, ["schedule", str(plan), "-o", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = next(line for line in result.stderr.splitlines() if f": {field}:" in line)
    located = line.removeprefix("error: ")
    assert located.startswith(f"{plan}:"), line
    assert int(located.split(":")[1]) > 0
    assert rule in result.stderr, result.stderr
    assert not folder.exists()
