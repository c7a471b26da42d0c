"""``genofab report``: HTML, workbook and figures for every example; safe writing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import genofab
from genofab.views.cli import app
from tests.helpers import dump_yaml, edit, scenario_examples, tiny_data, tiny_economics
from tests.views.test_costing_report import assert_costing_matches

runner = CliRunner()
Write = Callable[..., Path]
FIGURES = ("mass-balance", "capacity", "cost-breakdown", "cost-per-dose", "fair-price")


TEMPLATES = Path(genofab.__file__).parent / "templates"
#: Every scenario example, and the templates that are not also an example.
REPORTED = [
    *scenario_examples(),
    TEMPLATES / "aav-sf9.yaml",
    TEMPLATES / "hsc-lv-ex-vivo.yaml",
]


@pytest.mark.slow
@pytest.mark.parametrize("example", REPORTED, ids=lambda p: p.name)
def test_report_of_every_example(example: Path, tmp_path: Path) -> None:
    json_run = runner.invoke(app, ["run", str(example), "--format", "json"])
    assert json_run.exit_code == 0, json_run.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(example), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stem = example.stem
    html = (out / f"{stem}.html").read_text(encoding="utf-8")
    priced = "pricing:" in example.read_text(encoding="utf-8")
    figures = [f for f in FIGURES if priced or f != "fair-price"]
    assert ("Fair price per patient" in html) == priced
    for text in (
        "Mass balance of one lot",
        "Capacity",
        "Cost of goods",
        "Assumptions",
        "Inputs and their sources",
        "SHA-256",
        "genofab",
    ):
        assert text in html
    uncertain = "uncertainty:" in example.read_text(encoding="utf-8")
    spread = sorted((out / "figures").glob(f"{stem}-spread*.svg"))
    tornado = sorted((out / "figures").glob(f"{stem}-tornado-*.svg"))
    assert (len(spread) > 0, len(tornado)) == (uncertain, int(uncertain))
    assert ("Probability of meeting the yearly demand" in html) == uncertain
    # figures are inline, each once: the report stands alone
    assert html.count("<svg") == len(figures) + len(spread) + len(tornado)
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing is fetched from the web
    for figure in figures:
        for suffix in ("png", "svg"):
            assert (out / "figures" / f"{stem}-{figure}.{suffix}").stat().st_size > 1000
    book = load_workbook(out / f"{stem}.xlsx")
    assert {
        "Run",
        "Headline",
        "Inputs",
        "Assumptions",
        "Mass balance",
        "Capacity",
        "Costs",
        "Cost by step",
        "Scale",
    } <= set(book.sheetnames)
    assert ("Fair price" in book.sheetnames) == priced
    spread_sheets = {"Monte Carlo", "Uncertain inputs", "Spread", "Distributions", "Tornado"}
    assert (spread_sheets <= set(book.sheetnames)) == uncertain
    inputs = list(book["Inputs"].iter_rows(values_only=True))
    assert inputs[0] == ("parameter", "as given", "value", "unit", "source")
    assert all(isinstance(row[2], int | float) for row in inputs[1:])  # numbers stay numbers
    # the numbers are the engine's: the workbook's headline and mass balance, and the HTML
    data = json.loads(json_run.stdout)
    head = {row[3]: row for row in book["Headline"].iter_rows(min_row=2, values_only=True)}
    for key in ("patients_per_lot", "lots_per_year", "patients_per_year", "cogs_per_dose"):
        if data[key] is not None:
            assert head[key][1] == pytest.approx(data[key], rel=1e-12), key
    if priced:
        fair = data["fair_price_per_patient"]["total"]
        assert head["fair_price_per_patient"][1] == pytest.approx(fair, rel=1e-12)
    amounts = [row[6] for row in book["Mass balance"].iter_rows(min_row=2, values_only=True)]
    assert amounts == [  # the workbook keeps 15 significant digits
        None if step["amount"] is None else pytest.approx(step["amount"], rel=1e-14)
        for step in data["lot"]["steps"]
    ]
    headline_html = html[html.index('id="headline"') : html.index('id="mass-balance"')]
    assert f">{data['patients_per_year']:,}<" in headline_html
    assert html.index('id="headline"') < html.index('id="costs"') < html.index('id="sources"')
    assert ('id="spread"' in html) == uncertain
    if uncertain:  # the spread comes after the deterministic chain, and matches a run's
        assert html.index('id="costs"') < html.index('id="spread"')
        spread = {row[0]: row for row in book["Spread"].iter_rows(min_row=2, values_only=True)}
        assert spread["patients_per_year"][2] == data["patients_per_year"]
        drawn = {row[0] for row in book["Distributions"].iter_rows(min_row=2, values_only=True)}
        if data["doses_per_lot"] == data["patients_per_lot"]:  # one histogram, not the same twice
            assert "doses_per_lot" in drawn and "patients_per_lot" not in drawn
    if data["economics"] is not None:  # cost lines, capital, price build-up: the engine's
        assert_costing_matches(html, book, data)
    sources = " ".join(row["source"] or "" for row in data["inputs"])
    for cited in set(re.findall(r"\bS\d+\b", sources)):  # each cited source listed, linked
        assert f'id="source-{cited}"' in html and f'href="#source-{cited}"' in html, cited


def tiny_file(write: Write, *edits: tuple[str, object]) -> Path:
    data = tiny_data()
    data["economics"] = tiny_economics()
    for path, value in edits:
        data = edit(data, path, value)
    return write(dump_yaml(data))


def test_text_that_looks_like_a_formula_stays_text(write: Write, tmp_path: Path) -> None:
    file = tiny_file(
        write,
        ("name", '=HYPERLINK("http://evil","x")'),
        ("process.steps.2.name", "+capture"),
        ("economics.materials.1.step", "+capture"),
        ("economics.materials.0.name", "@medium"),
        ("process.steps.2.step_yield", {"value": 0.5, "source": "-assumption: test"}),
    )
    out = tmp_path / "out"
    assert runner.invoke(app, ["report", str(file), "-o", str(out)]).exit_code == 0
    book = load_workbook(out / "scenario.xlsx")
    run = {row[0]: row[1] for row in book["Run"].iter_rows(min_row=2, values_only=True)}
    assert run["scenario"] == '=HYPERLINK("http://evil","x")'
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    starting = [cell for cell in cells if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    assert {cell.value for cell in starting} >= {"+capture", "-assumption: test"}
    assert all(cell.data_type == "s" for cell in starting)
    html = (out / "scenario.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://evil&#34;" in html  # escaped in the HTML too


def test_a_bad_file_writes_nothing(write: Write, tmp_path: Path) -> None:
    file = tiny_file(write, ("economics.pricing.margin", "-50 %"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(file), "-o", str(out)])
    assert result.exit_code == 2
    assert "economics.pricing.margin" in result.stderr
    assert not out.exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    assert runner.invoke(app, ["report", str(file), "-o", str(existing)]).exit_code == 2
    assert [path.name for path in existing.iterdir()] == ["keep.txt"]
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".genofab")] == []


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", "/abs", ".hidden", "x" * 101])
def test_a_report_name_that_escapes_the_folder_is_refused(
    write: Write, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(tiny_file(write)), "-o", str(out), "--name", name])
    assert result.exit_code == 2
    assert "not a plain file name" in result.stderr
    assert not out.exists()
    assert list(tmp_path.glob("escape*")) == []


def test_an_output_that_is_a_file_is_refused(write: Write, tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = runner.invoke(app, ["report", str(tiny_file(write)), "-o", str(target)])
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert target.read_text() == "x"


def test_a_report_into_an_existing_folder_adds_its_files(write: Write, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["report", str(tiny_file(write)), "-o", str(out), "--name", "tiny"])
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in out.iterdir())
    assert names == ["figures", "notes.txt", "tiny.html", "tiny.xlsx"]


def test_a_scenario_without_economics_still_reports(write: Write, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(write(dump_yaml(tiny_data()))), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "scenario.html").read_text(encoding="utf-8")
    assert "Cost of goods" not in html and html.count("<svg") == 2
