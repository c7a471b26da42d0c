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
    # only the suite limits the cells: 35 lots a suite-year (the other rooms: 2,500 and more)
    cells = edit(cells, "facility.rooms.0.concurrent_lots", 100)
    cells = edit(cells, "facility.rooms.2.count", 10)
    cells = edit(cells, "facility.rooms.3.concurrent_lots", 100)
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


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


ONE_MORE_SUITE = "cells:facility.rooms[1].count=2"


def test_compare_a_chain_with_itself_and_one_more_cell_suite(tmp_path: Path) -> None:
    chain = str(write_chain(tmp_path))
    data = run_json("compare", chain, chain, "--set", ONE_MORE_SUITE, "--samples", "500")
    rows = {row["metric"]: row for row in data["rows"]}
    # one suite: 35 lots, 10 % fail: 31.5 patients a year; two: 63 (the vector allows 945)
    assert rows["patients_per_year"]["a"] == pytest.approx(31.5)
    assert rows["patients_per_year"]["b"] == pytest.approx(63)
    assert rows["patients_per_year"]["ratio"] == pytest.approx(2)
    assert rows["stage_patients_per_year.vector"]["ratio"] == pytest.approx(1)
    assert "cells:facility.rooms[1].count = 2" in data["b"]["name"]
    # common random numbers: each sample's B treats twice A's patients, so B always wins
    chances = {c["result"]: c for c in data["monte_carlo"]["chances"]}
    assert chances["patients_per_year"]["b_better"] == 1.0
    assert chances["patients_per_year"]["mean_b"] == pytest.approx(
        2 * chances["patients_per_year"]["mean_a"]
    )
    assert "cells:economics.lot_failure_probability" in data["monte_carlo"]["common_inputs"]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["compare", "{chain}", "{scenario}"], "compare takes two scenarios or two chains"),
        (["compare", "{scenario}", "{scenario}", "--set", "x=1"], "--set applies to chain"),
        (["compare", "{chain}", "{chain}", "--set", "nowhere:x=1"], "'nowhere' is not a stage"),
        (
            ["compare", "{chain}", "{chain}", "--set", "cells:facility.rooms[1].count=2,3"],
            "compare takes one",
        ),
        (
            ["compare", "{chain}", "{chain}", "--set", "cells:facility.rooms[1].count=-1"],
            "facility.rooms[1].count",
        ),
        (
            ["scale", "{chain}", "--stage", "nowhere", "--vary", "x=1..2"],
            "--stage nowhere: 'nowhere' is not a stage of the chain (it has: vector, cells)",
        ),
        (
            ["scale", "{scenario}", "--stage", "cells", "--vary", "facility.rooms[1].count=1..2"],
            "is a scenario, not a chain",
        ),
        (
            ["scale", "{chain}", "--stage", "cells", "--vary", "facility.rooms[1].count=0..2"],
            "facility.rooms[1].count",
        ),
        (["sensitivity", "{chain}", "--all-inputs"], "--all-inputs takes a scenario"),
        (["sweep", "{chain}", "--set", "cells:nowhere=1"], "is not a numeric parameter"),
    ],
)
def test_chain_commands_refuse_what_makes_no_sense(
    command: list[str], message: str, tmp_path: Path
) -> None:
    chain = write_chain(tmp_path)
    files = {"chain": str(chain), "scenario": str(tmp_path / "cells.yaml")}
    result = runner.invoke(app, [part.format(**files) for part in command])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_report_of_a_chain_leads_with_the_therapy_and_its_spread(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out"
    result = runner.invoke(app, ["report", CHAIN, "-o", str(out), "-n", "1000", "--no-progress"])
    assert result.exit_code == 0, result.output
    page = (out / "sickle-cell-gene-therapy.html").read_text(encoding="utf-8")
    assert page.index("The therapy") < page.index("Stages (each at the chain")
    assert "P50 [P5–P95]" in page and "Share of samples each stage" in page
    assert "Cost per patient by stage (EUR)" in page and "S29" in page
    book = load_workbook(out / "sickle-cell-gene-therapy.xlsx")
    assert {"Run", "Headline", "Stages", "Inputs", "Spread", "Limits"} <= set(book.sheetnames)
    headline = {row[0]: row for row in book["Headline"].iter_rows(min_row=2, values_only=True)}
    # 2 HSC suites × 2 workstations × ⌊350 ÷ 7⌋ lots × (1 − 4 %) (docs/method.md)
    assert headline["patients per year (after lot failures)"][2] == pytest.approx(192)
    by_stage = [row[2] for name, row in headline.items() if name.startswith("cost per patient: ")]
    assert sum(by_stage[1:]) == pytest.approx(by_stage[0])  # the stages sum to the total
    assert (out / "figures" / "sickle-cell-gene-therapy-cost-by-stage.png").exists()


def test_sensitivity_of_a_chain_names_the_stage_input_that_moves_the_patients(
    tmp_path: Path,
) -> None:
    data = run_json(
        "sensitivity", str(write_chain(tmp_path)), "-n", "500", "--sobol-samples", "256"
    )
    bars = {bar["path"]: bar for bar in data["tornado"]["patients_per_year"]["bars"]}
    # the cells limit: their failure rate from its P10 (2 %) to its P90 (18 %) costs
    # 35 × 16 % patients a year; the vector's failure rate moves nothing
    top = data["tornado"]["patients_per_year"]["bars"][0]
    assert top["path"] == "cells:economics.lot_failure_probability"
    assert top["swing"] == pytest.approx(35 * 0.16)
    assert bars["vector:economics.lot_failure_probability"]["swing"] == pytest.approx(0)
    assert data["spearman"]["patients_per_year"][top["path"]] == pytest.approx(-1)
    # Sobol: patients = 35 × (1 − the cells' rate), so that rate carries all the variance
    assert data["sobol_runs"] == 256 * 4
    sobol = {index["path"]: index for index in data["sobol"]["patients_per_year"]}
    assert sobol[top["path"]]["total"] == pytest.approx(1, abs=0.1)
    assert sobol["vector:economics.lot_failure_probability"]["total"] == pytest.approx(0)


def test_sweep_of_a_chain_runs_a_monte_carlo_at_each_point(tmp_path: Path) -> None:
    data = run_json(
        "sweep",
        str(write_chain(tmp_path)),
        "--set",
        "cells:facility.rooms[1].count=1,2",
        "-n",
        "500",
        "--no-progress",
    )
    one, two = (point["results"]["patients_per_year"] for point in data["points"])
    assert data["parameters"] == ["cells:facility.rooms[1].count"]
    assert two["p50"] == pytest.approx(2 * one["p50"], rel=1e-3)  # same draws, twice the suites


def test_scale_on_a_chain_gives_the_therapy_at_every_value(tmp_path: Path) -> None:
    chain = str(write_chain(tmp_path))
    data = run_json(
        "scale",
        chain,
        "--stage",
        "cells",
        "--vary",
        "facility.rooms[1].count=1..3",
        "--points",
        "3",
    )
    assert data["stage"] == "cells" and data["stage_chosen"] == "--stage"
    # each cell suite: 35 lots a year, 10 % fail: 31.5 patients; the vector allows 945
    patients = [point["patients_per_year"] for point in data["points"]]
    assert patients == pytest.approx([31.5, 63, 94.5])
    for point in data["points"]:
        cost = point["cost_per_patient"]
        assert sum(cost["by_stage"].values()) == pytest.approx(cost["total"])
        assert point["bottleneck"]["stage"] == "cells"
    vector = run_json(
        "scale", chain, "--vary", "process.steps[1].working_volume=10 L..20 L", "--points", "2"
    )
    assert vector["stage"] == "vector" and vector["stage_chosen"].startswith("default")
    # the vector does not limit: the patients stay where the cells put them
    assert [p["patients_per_year"] for p in vector["points"]] == pytest.approx([31.5, 31.5])
    table = runner.invoke(
        app, ["scale", chain, "--vary", "process.steps[1].working_volume=10 L..20 L"]
    )
    assert table.exit_code == 0, table.output
    assert "scaled stage: vector (default: the most upstream stage" in table.stdout
