"""One gate for every command: a scenario with an input so large its results would be
infinite, or whose lots cannot deliver, is refused by every command that computes from it
(exit status 2, file, line and field named, nothing written); every option has a range."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.engines.run import evaluate
from genofab.errors import InfeasibleError
from genofab.io.scenario_file import load_scenario
from genofab.model.parameter import Parameter
from genofab.views.cli import app
from tests.helpers import EXAMPLES, dump_yaml, edit, tiny_data

runner = CliRunner()
Write = Callable[..., Path]
IGT = EXAMPLES / "lv-sickle-cell-industrial.yaml"


def _commands(file: str, out: Path) -> dict[str, list[str]]:
    fast = ["-n", "64", "--no-progress"]
    return {
        "run": ["run", file],
        "run json": ["run", file, "-f", "json"],
        "run -n": ["run", file, "-n", "64", "--no-progress"],
        "compare": ["compare", file, str(IGT)],
        "scale": ["scale", file, "--vary", "demand.patients_per_year=10..1000", "--points", "3"],
        "report": ["report", file, "-o", str(out), "-n", "64"],
        "sweep": ["sweep", file, "--set", "demand.patients_per_year=10,20", *fast, "-o", str(out)],
        "sensitivity": ["sensitivity", file, "-n", "64", "--sobol-samples", "8", "-o", str(out)],
    }


COMMANDS = list(_commands("x", Path("y")))


@pytest.mark.parametrize("command", COMMANDS)
def test_an_input_that_would_make_results_infinite_is_named(tmp_path: Path, command: str) -> None:
    text = IGT.read_text(encoding="utf-8").replace(
        "quantity: {value: 2, unit: L,", "quantity: {value: 1.7e308, unit: L,", 1
    )
    file = tmp_path / "huge.yaml"
    file.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "1.7e308" in row)
    out = tmp_path / "out"
    result = runner.invoke(app, _commands(str(file), out)[command])
    assert result.exit_code == 2, result.output
    assert f"{file}:{line}:7: economics.materials[0].quantity:" in result.stderr
    assert "is too large for an amount" in result.stderr
    assert "inf" not in result.stdout and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.yaml"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_scenario_whose_lots_cannot_deliver_is_refused_by_every_command(
    write: Write, tmp_path: Path, command: str
) -> None:
    data = edit(tiny_data(), "process.steps.5.sample_vials", 100)
    data["demand"]["patients_per_year"] = 100  # the sweep and scale paths exist
    file = write(dump_yaml(data))
    out = tmp_path / "out"
    args = _commands(str(file), out)[command]
    if command == "sensitivity":
        return  # needs uncertain parameters: checked below on a scenario that has them
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "process.steps[5].sample_vials: QC takes 100 containers" in result.stderr
    assert not out.exists()


def test_sensitivity_and_sweep_refuse_a_lot_that_cannot_deliver(tmp_path: Path) -> None:
    text = IGT.read_text(encoding="utf-8")
    assert "fill_volume: {value: 2, unit: mL" in text
    file = tmp_path / "big-vials.yaml"
    file.write_text(
        text.replace("fill_volume: {value: 2, unit: mL", "fill_volume: {value: 900, unit: mL")
    )
    out = tmp_path / "out"
    for command in ("sensitivity", "sweep", "scale"):
        result = runner.invoke(app, _commands(str(file), out)[command])
        assert result.exit_code == 2, (command, result.output)
        assert "process.steps[" in result.stderr
    assert not out.exists()


def test_a_number_beyond_floating_point_is_named(tmp_path: Path) -> None:
    text = IGT.read_text(encoding="utf-8").replace(
        "quantity: {value: 2, unit: L,", "quantity: {value: 1.8e308, unit: L,", 1
    )
    file = tmp_path / "overflow.yaml"
    file.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["run", str(file), "-f", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "economics.materials[0].quantity.value: '1.8e308' is beyond the largest number" in (
        result.stderr
    )


def test_the_finite_check_names_the_input_farthest_from_one() -> None:
    """An input beyond what validation allows (set past it on purpose): evaluate refuses
    the infinite result and names the input, instead of returning inf."""
    scenario = load_scenario(IGT).scenario
    economics = scenario.economics
    assert economics is not None
    material = economics.materials[0]
    huge = Parameter(value=1.7e308, unit="m**3", given="1.7e308 m**3")
    materials = (material.model_copy(update={"quantity": huge}), *economics.materials[1:])
    planted = scenario.model_copy(
        update={"economics": economics.model_copy(update={"materials": materials})}
    )
    with pytest.raises(InfeasibleError) as refused:
        evaluate(planted)
    assert refused.value.path == "economics.materials[0].quantity"
    assert "not a finite number" in refused.value.message
    assert evaluate(scenario).economics is not None  # the example itself is finite


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", str(IGT), "-n", "10", "--seed", str(2**64)], "--seed must be a whole number"),
        (["run", str(IGT), "-n", "10", "--seed", "-1"], "--seed must be a whole number"),
        (["run", str(IGT), "-n", str(10**12), "--force"], "the most any run takes"),
        (["compare", str(IGT), str(IGT), "-n", "0"], "--samples must be a positive"),
        (["report", str(IGT), "-o", "out", "-n", "-3"], "--samples must be a positive"),
        (
            ["sensitivity", str(IGT), "--sobol-samples", str(2**40)],
            "--sobol-samples 1,099,511,627,776",
        ),
        (
            ["sensitivity", str(IGT), "--sobol-samples", "100"],
            "--sobol-samples must be a power of 2",
        ),
        (["sensitivity", str(IGT), "-n", str(2 * 10**6)], "rank correlations keep every sample"),
        (
            ["scale", str(IGT), "--vary", "demand.patients_per_year=1..9", "--points", "1"],
            "--points must be between 2",
        ),
        (
            ["scale", str(IGT), "--vary", "demand.patients_per_year=1..1e30"],
            "demand.patients_per_year",
        ),
        (
            ["sweep", str(IGT), "--set", "demand.patients_per_year=1e300"],
            "--set demand.patients_per_year",
        ),
    ],
)
def test_every_option_has_a_range(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
