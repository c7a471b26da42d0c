"""Chain files: the shipped chain loads; each bad input is refused with file, line, field and
rule, and the command line exits 2 writing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genofab.io.chain_file import load_chain
from genofab.views.cli import app
from tests.helpers import EXAMPLES, dump_yaml, edit, load_only_problem, tiny_data

runner = CliRunner()


def write_chain(folder: Path, stages: list[dict[str, Any]]) -> Path:
    chain = {"format": "genofab-chain/1", "name": "a therapy", "stages": stages}
    path = folder / "chain.yaml"
    path.write_text(dump_yaml(chain), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "vector.yaml").write_text(dump_yaml(tiny_data()), encoding="utf-8")
    cells = edit(tiny_data(), "product.modality", "autologous_cells")
    (tmp_path / "cells.yaml").write_text(dump_yaml(cells), encoding="utf-8")
    return tmp_path


def vector_then_cells(unit: str = "TU") -> list[dict[str, Any]]:
    return [
        {"name": "vector", "scenario": "vector.yaml"},
        {"name": "cells", "scenario": "cells.yaml", "consumes": {"stage": "vector", "unit": unit}},
    ]


def test_the_shipped_chain_loads_upstream_first() -> None:
    chain = load_chain(EXAMPLES / "sickle-cell-gene-therapy.yaml").chain
    assert [stage.name for stage in chain.stages] == ["vector", "cell_product"]
    assert chain.stage("cell_product").consumes is not None


def test_stages_are_ordered_upstream_first_whatever_the_file_order(folder: Path) -> None:
    path = write_chain(folder, list(reversed(vector_then_cells())))
    assert [stage.name for stage in load_chain(path).chain.stages] == ["vector", "cells"]


def test_a_missing_stage_file(folder: Path) -> None:
    stages = vector_then_cells()
    stages[1]["scenario"] = "nowhere.yaml"
    issue = load_only_problem(load_chain, write_chain(folder, stages))
    assert issue.path == "stages[1].scenario" and "does not exist" in issue.message
    assert issue.line is not None


def test_a_stage_that_is_not_a_scenario(folder: Path) -> None:
    (folder / "plan.yaml").write_text("format: genofab-plan/1\nname: x\n", encoding="utf-8")
    stages = vector_then_cells()
    stages[0]["scenario"] = "plan.yaml"
    issue = load_only_problem(load_chain, write_chain(folder, stages))
    assert issue.path == "stages[0].scenario" and "is not a scenario" in issue.message


def test_a_stage_scenario_with_problems_is_reported_with_its_own_file(folder: Path) -> None:
    (folder / "vector.yaml").write_text(
        dump_yaml(edit(tiny_data(), "process.steps.2.step_yield", 1.4)), encoding="utf-8"
    )
    issue = load_only_problem(load_chain, write_chain(folder, vector_then_cells()))
    assert issue.path == "stages[0].scenario"
    assert "vector.yaml" in issue.message and "process.steps[2].step_yield" in issue.message


def test_a_cycle_of_stages(folder: Path) -> None:
    stages = vector_then_cells()
    stages[0]["consumes"] = {"stage": "cells", "unit": "TU"}
    issue = load_only_problem(load_chain, write_chain(folder, stages))
    assert issue.path.endswith("consumes.stage") and "cycle" in issue.message


def test_vg_offered_where_tu_are_needed(folder: Path) -> None:
    (folder / "vector.yaml").write_text(
        dump_yaml(
            edit(
                edit(edit(tiny_data(), "product.unit", "vg"), "process.steps.1.titer", "1e7 vg/mL"),
                "product.dose.amount",
                "1e9 vg",
            )
        ),
        encoding="utf-8",
    )
    issue = load_only_problem(load_chain, write_chain(folder, vector_then_cells("TU")))
    assert issue.path == "stages[1].consumes.unit"
    assert issue.message == (
        "stage 'cells' needs TU but stage 'vector' makes a product counted in vg"
    )


@pytest.mark.parametrize("reference", ["../vector.yaml", "/etc/passwd", "sub/../../x.yaml"])
def test_a_stage_outside_the_chain_files_folder(folder: Path, reference: str) -> None:
    inner = folder / "chains"
    inner.mkdir()
    stages = vector_then_cells()
    stages[0]["scenario"] = reference
    stages[1]["scenario"] = "../cells.yaml"
    path = write_chain(inner, stages)
    from genofab.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        load_chain(path)
    first = caught.value.issues[0]
    assert first.path == "stages[0].scenario"
    assert "outside" in first.message or "absolute" in first.message


def test_a_link_to_an_unknown_stage_and_a_repeated_name(folder: Path) -> None:
    stages = vector_then_cells()
    stages[1]["consumes"]["stage"] = "vectr"
    issue = load_only_problem(load_chain, write_chain(folder, stages))
    assert issue.path == "stages[1].consumes.stage" and "'vectr' is not a stage" in issue.message
    stages = vector_then_cells()
    stages[1]["name"] = "vector"
    stages[1]["consumes"]["stage"] = "vector"
    messages = [issue.message for issue in load_problems_of(write_chain(folder, stages))]
    assert "repeats the name 'vector' of stages[0]" in messages


def load_problems_of(path: Path) -> list[Any]:
    from tests.helpers import load_problems

    return load_problems(load_chain, path)


def test_the_command_line_refuses_a_bad_chain_with_exit_2_and_no_traceback(folder: Path) -> None:
    stages = vector_then_cells()
    stages[0]["consumes"] = {"stage": "cells", "unit": "TU"}
    path = write_chain(folder, stages)
    before = sorted(p.name for p in folder.iterdir())
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr and "stages[0].consumes.stage" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == before


def test_run_json_of_the_shipped_chain() -> None:
    result = runner.invoke(
        app, ["run", str(EXAMPLES / "sickle-cell-gene-therapy.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["bottleneck"] == {
        "stage": "cell_product",
        "room": "cell_processing_suite",
        "shared_by": [],
    }
    stages = {stage["name"]: stage for stage in data["stages"]}
    assert data["patients_per_year"] == min(s["patients_per_year"] for s in stages.values())
    assert {"lots_per_year", "patients_per_year"} <= stages["vector"].keys()
    cost = data["cost_per_patient"]
    assert sum(cost["by_stage"].values()) == pytest.approx(cost["total"], rel=1e-12)
    validated = runner.invoke(app, ["validate", str(EXAMPLES / "sickle-cell-gene-therapy.yaml")])
    assert validated.exit_code == 0 and "valid chain (2 stages)" in validated.stdout
