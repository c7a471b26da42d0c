"""A chain on the command line beyond a plain run: ``run --samples`` (its JSON and table), shared
draws refused when they cannot be shared, and bad options answered with exit 2 and a message
naming the option (no traceback, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genofab.views.cli import app
from tests.helpers import EXAMPLES, dump_yaml, edit, tiny_data

runner = CliRunner()
CHAIN = str(EXAMPLES / "sickle-cell-gene-therapy.yaml")
FAILURE = {"value": 0.1, "uncertainty": {"kind": "uniform", "low": 0.0, "high": 0.2}}


def write_chain(folder: Path, cells_failure: Any = FAILURE, **extra: Any) -> Path:
    vector = edit(tiny_data(), "economics", {"currency": "EUR", "lot_failure_probability": FAILURE})
    cells = edit(tiny_data(), "product.modality", "autologous_cells")
    cells = edit(cells, "economics", {"currency": "EUR", "lot_failure_probability": cells_failure})
    (folder / "vector.yaml").write_text(dump_yaml(vector), encoding="utf-8")
    (folder / "cells.yaml").write_text(dump_yaml(cells), encoding="utf-8")
    chain = {
        "format": "genofab-chain/1",
        "name": "a therapy",
        "stages": [
            {"name": "vector", "scenario": "vector.yaml"},
            {
                "name": "cells",
                "scenario": "cells.yaml",
                "consumes": {"stage": "vector", "unit": "TU"},
            },
        ],
        **extra,
    }
    path = folder / "chain.yaml"
    path.write_text(dump_yaml(chain), encoding="utf-8")
    return path


def test_run_samples_on_a_chain_leads_with_the_spread() -> None:
    result = runner.invoke(app, ["run", CHAIN, "--samples", "2000", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:3] == ["patients_per_year", "limit_probability", "cost_per_patient"]
    spread = data["patients_per_year"]
    assert spread["p5"] <= spread["p50"] <= spread["p95"] and spread["samples"] == 2000
    assert sum(data["limit_probability"].values()) == pytest.approx(1.0)
    assert set(data["cost_per_patient"]["by_stage"]) == {"vector", "cell_product"}
    assert data["monte_carlo"]["stage_seeds"].keys() == {"vector", "cell_product"}
    assert data["deterministic"]["patients_per_year"] == spread["value"]
    table = runner.invoke(app, ["run", CHAIN, "--samples", "2000", "--no-progress"])
    assert table.exit_code == 0, table.output
    assert "median [P5–P95] over 2,000 samples" in table.stdout
    assert "What limits the patients" in table.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--samples", "-3"], "--samples must be a positive whole number"),
        (["--samples", "20000000"], "add --force"),
        (["--samples", "100", "--seed", "-1"], "--seed must be a whole number"),
        (["--samples", "100", "--raw", "out.parquet"], "--raw is not available for a chain"),
    ],
)
def test_bad_monte_carlo_options_on_a_chain(
    options: list[str], message: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["run", CHAIN, *options])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out.parquet").exists()


def test_shared_draws_run_and_a_bad_share_is_refused(tmp_path: Path) -> None:
    shared = {
        "shared": [
            {
                "parameter": "economics.lot_failure_probability",
                "stages": ["vector", "cells"],
                "source": "assumption: one cause",
            }
        ]
    }
    path = write_chain(tmp_path, uncertainty=shared)
    result = runner.invoke(app, ["run", str(path), "--samples", "1000", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["monte_carlo"]["shared"] == [
        ["economics.lot_failure_probability", ["vector", "cells"]]
    ]
    other = {"value": 0.1, "uncertainty": {"kind": "uniform", "low": 0.0, "high": 0.3}}
    path = write_chain(tmp_path, cells_failure=other, uncertainty=shared)
    result = runner.invoke(app, ["run", str(path), "--samples", "1000"])
    assert result.exit_code == 2
    assert "uncertainty.shared[0].parameter" in result.stderr
    assert "drawn differently in stage 'cells'" in result.stderr
    assert str(path) in result.stderr
    unknown = {
        "shared": [
            {"parameter": "economics.lot_failure_probability", "stages": ["vector", "nowhere"]}
        ]
    }
    result = runner.invoke(app, ["validate", str(write_chain(tmp_path, uncertainty=unknown))])
    assert result.exit_code == 2 and "'nowhere' is not a stage of the chain" in result.stderr
