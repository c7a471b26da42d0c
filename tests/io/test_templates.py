"""The reference library: every template is a valid scenario that runs, and `genofab new`
writes one safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from genofab.engines.run import evaluate
from genofab.io.scenario_file import parse_scenario
from genofab.io.templates import template_text, templates
from genofab.views.cli import app
from tests.helpers import EXAMPLES

runner = CliRunner()
REQUIRED = {
    "lv-adherent",
    "lv-suspension",
    "aav-hek293",
    "aav-sf9",
    "hsc-lv-ex-vivo",
    "car-t-autologous",
}
#: Templates that are a worked example as well: they must not drift apart.
SAME_AS_EXAMPLE = {
    "lv-adherent": "lv-sickle-cell-current",
    "lv-suspension": "lv-sickle-cell-industrial",
    "aav-hek293": "aav-hek293-200l",
    "car-t-autologous": "car-t-autologous",
}


def test_the_library_has_the_required_templates() -> None:
    assert set(templates()) >= REQUIRED
    assert all(title for title in templates().values())


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_template_runs_with_a_source_for_every_number(name: str) -> None:
    loaded = parse_scenario(template_text(name), f"{name}.yaml")
    assert [path for path, p in loaded.scenario.parameters() if not p.source] == []
    result = evaluate(loaded.scenario)
    assert result.patients_per_lot >= 1
    assert result.economics is not None and result.economics.fair_price is not None


@pytest.mark.parametrize(("template", "example"), sorted(SAME_AS_EXAMPLE.items()))
def test_templates_and_their_examples_agree(template: str, example: str) -> None:
    yaml = YAML(typ="safe", pure=True)
    ours = yaml.load(template_text(template))
    theirs = yaml.load((EXAMPLES / f"{example}.yaml").read_text(encoding="utf-8"))
    assert ours == theirs


def test_new_writes_a_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["new", "--template", "aav-sf9", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == template_text("aav-sf9")
    again = runner.invoke(app, ["new", "--template", "lv-adherent", str(target)])
    assert again.exit_code == 2 and "exists" in again.stderr
    assert target.read_text(encoding="utf-8") == template_text("aav-sf9")
    forced = runner.invoke(app, ["new", "--template", "lv-adherent", str(target), "--force"])
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8") == template_text("lv-adherent")


def test_an_unknown_template_is_named_with_a_suggestion(tmp_path: Path) -> None:
    result = runner.invoke(app, ["new", "-t", "aav-sf", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert "did you mean 'aav-sf9'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_templates_lists_them() -> None:
    result = runner.invoke(app, ["templates"])
    assert result.exit_code == 0
    for name in REQUIRED:
        assert name in result.stdout
