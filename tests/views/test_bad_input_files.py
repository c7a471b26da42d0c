"""Bad input files through the real commands: devices, FIFOs, folders and links where a
scenario or plan should be, and a plan's ``scenario:`` reaching outside its folder. Each is
refused with exit status 2, a message naming the file and the rule, and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.views.cli import app
from tests.helpers import dump_yaml, tiny_data
from tests.schedule_plans import benchmark_data

runner = CliRunner()
Write = Callable[..., Path]


def refused(args: list[str], *expected: str) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("target", "kind"),
    [("/dev/zero", "character device"), ("/dev/urandom", "character device")],
)
@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_device_is_refused_as_a_scenario(
    tmp_path: Path, target: str, kind: str, command: str
) -> None:
    link = tmp_path / "scenario.yaml"
    link.symlink_to(target)
    for given in (target, str(link)):
        refused([command, given], given, kind, "not a regular file")


def test_a_folder_is_refused_as_a_scenario(tmp_path: Path) -> None:
    refused(["run", str(tmp_path)], str(tmp_path), "it is a folder")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(  # before the fix, this waited for a writer forever
        [sys.executable, "-m", "genofab", "validate", str(fifo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "FIFO (named pipe), not a regular file" in done.stderr


def _plan(write: Write, scenario: str, name: str = "plan.yaml") -> Path:
    data = benchmark_data()
    data["products"][0] = {"name": "a", "scenario": scenario}
    return write(dump_yaml(data), name)


def test_a_plan_referring_to_a_fifo_or_a_device_is_refused(write: Write) -> None:
    plan = _plan(write, "pipe.yaml")
    os.mkfifo(plan.parent / "pipe.yaml")
    refused(["validate", str(plan)], "products[0].scenario", "FIFO (named pipe)")
    (plan.parent / "zero.yaml").symlink_to("/dev/zero")  # the link leaves the folder
    refused(["validate", str(_plan(write, "zero.yaml"))], "products[0].scenario", "outside")


@pytest.mark.parametrize(
    ("reference", "rule"),
    [
        ("/etc/passwd", "is an absolute path"),
        ("../outside.yaml", "climbs outside the folder with '..'"),
        ("sub/../../outside.yaml", "climbs outside the folder with '..'"),
        ("escape.yaml", "outside the folder"),
    ],
)
def test_a_plan_reference_stays_in_the_plan_folder(
    tmp_path: Path, reference: str, rule: str
) -> None:
    inside = tmp_path / "plans"
    inside.mkdir()
    secret = tmp_path / "outside.yaml"
    secret.write_text("root:x:0:0:secret-content\n")
    (inside / "escape.yaml").symlink_to(secret)
    data = benchmark_data()
    data["products"][0] = {"name": "a", "scenario": reference}
    plan = inside / "plan.yaml"
    plan.write_text(dump_yaml(data))
    message = refused(["validate", str(plan)], str(plan), "products[0].scenario", rule)
    assert "root:" not in message and "secret-content" not in message


def test_a_bad_referenced_scenario_is_located_but_not_quoted(write: Write) -> None:
    write("just some private text with a password hunter2\n", "notes.yaml")
    plan = _plan(write, "notes.yaml")
    message = refused(["validate", str(plan)], "products[0].scenario", "'notes.yaml' has a problem")
    assert "hunter2" not in message
    assert "run genofab validate on it" in message


def test_a_scenario_in_a_subfolder_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    data = tiny_data()
    (tmp_path / "scenarios" / "tiny.yaml").write_text(dump_yaml(data))
    plan = benchmark_data()
    plan["products"] = [{"name": "vector", "scenario": "scenarios/tiny.yaml"}]
    plan["rooms"] = [
        {"name": kind, "capacity": 2 if kind in {"seed_lab", "qc_lab"} else 1}
        for kind in ("seed_lab", "suite", "fill_room", "qc_lab")
    ]
    plan["demands"] = [{"sponsor": "s", "product": "vector", "lots": 3, "due": "20 wk"}]
    (tmp_path / "plan.yaml").write_text(dump_yaml(plan))
    result = runner.invoke(app, ["validate", str(tmp_path / "plan.yaml")])
    assert result.exit_code == 0, result.output
