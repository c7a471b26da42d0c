"""Regenerating the golden outputs shows each changed figure and writes nothing without a
stated reason; the reason and the figures are kept in a changelog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.expected import figure_changes, golden_text, main, run_example
from tests.helpers import EXAMPLES

EXAMPLE = EXAMPLES / "car-t-autologous.yaml"


def test_figure_changes_name_each_figure_with_old_and_new_values() -> None:
    old = {"a": 1.0, "lot": {"steps": [{"amount": 2.0}, {"amount": 4.0}]}, "gone": "x", "n": 3}
    new = {"a": 1.0 + 1e-12, "lot": {"steps": [{"amount": 2.0}, {"amount": 5.0}]}, "n": 3, "b": 1}
    rendered = [change.render() for change in figure_changes(old, new)]
    assert rendered == ["lot.steps[1].amount: 4.0 → 5.0 (+25.000%)", '- gone: "x"', "+ b: 1"]
    assert figure_changes(old, old) == []


def test_regeneration_refuses_without_a_reason_and_logs_it_with_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, log = tmp_path / "expected", tmp_path / "CHANGES.md"
    target = folder / "car-t-autologous.json"

    def regenerate(*argv: str) -> int:
        return main(list(argv), folder=folder, changelog=log, examples=[EXAMPLE])

    assert regenerate() == 2  # a new golden file is a change too
    assert not target.exists() and not log.exists()
    assert "not written: state why" in capsys.readouterr().err
    assert regenerate("--reason", "first output of the CAR-T example") == 0
    assert target.read_text(encoding="utf-8") == golden_text(run_example(EXAMPLE))
    assert "first output of the CAR-T example" in log.read_text(encoding="utf-8")

    # a committed figure that the code no longer gives: shown, and kept without a reason
    committed = json.loads(target.read_text(encoding="utf-8"))
    right = committed["cogs_per_dose"]
    committed["cogs_per_dose"] = right * 2
    target.write_text(json.dumps(committed, indent=2) + "\n", encoding="utf-8")
    before = target.read_bytes()
    capsys.readouterr()
    assert regenerate() == 2
    shown = capsys.readouterr().out
    assert "1 figure(s) changed" in shown
    assert f"cogs_per_dose: {right * 2} → {right} (-50.000%)" in shown
    assert target.read_bytes() == before
    assert regenerate("--reason", "   ") == 2  # a blank reason is no reason
    assert target.read_bytes() == before

    assert regenerate("--reason", "the cost per dose halves (a test)") == 0
    printed = capsys.readouterr().out
    assert json.loads(target.read_text(encoding="utf-8"))["cogs_per_dose"] == right
    logged = log.read_text(encoding="utf-8")
    assert logged.startswith("# Why the golden outputs changed")
    assert logged.count("\n## ") == 2
    assert "the cost per dose halves (a test)" in logged and "cogs_per_dose: " in logged
    assert logged.split("\n## ")[-1] in printed  # printed for the commit message
    assert regenerate() == 0
    assert "up to date" in capsys.readouterr().out
