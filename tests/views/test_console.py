"""The console output of ``genofab run``: the headline first, every number whole at any
width, COLUMNS respected, the inputs table on request."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import genofab
from genofab.views.cli import app
from genofab.views.console import PIPE_WIDTH, amounts, number
from genofab.views.tables import Grid, print_grid
from tests.helpers import EXAMPLES, scenario_examples

runner = CliRunner()
TEMPLATES = sorted((Path(genofab.__file__).parent / "templates").glob("*.yaml"))
IGT = str(EXAMPLES / "lv-sickle-cell-industrial.yaml")
#: A number as the console writes it: digits with thousands separators, decimals, exponent.
NUMBER = re.compile(r"\d[\d,]*(\.\d+)?(e[+-]\d+)?")


def run(*args: str, columns: str | None = "80") -> str:
    result = runner.invoke(app, ["run", *args], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("example", scenario_examples() + TEMPLATES, ids=lambda p: p.name)
def test_at_80_columns_every_number_is_whole_and_the_headline_leads(example: Path) -> None:
    out = run(str(example))
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in out  # rich marks a cut cell with an ellipsis: none, in numbers or names
    data = json.loads(runner.invoke(app, ["run", str(example), "-f", "json"]).stdout)
    head = "\n".join(lines[:30])
    assert "Headline" in head
    for key in ("patients_per_lot", "lots_per_year", "patients_per_year"):
        assert re.search(rf"(?<![\d,.]){data[key]:,}(?![\d,])", head), key
    if data["cogs_per_dose"] is not None:
        assert f"{number(data['cogs_per_dose'])} EUR" in head
    assert "Inputs" not in out  # the inputs table is opt-in


def test_each_number_cell_is_as_wide_as_its_widest_number() -> None:
    """A table wider than the console is split in parts that repeat the label column, never
    cut: every number of every row is printed whole."""
    grid = Grid("wide", ("room", *[f"column {i}" for i in range(8)]))
    values = [[f"{(row + 1) * 10**col:,}" for col in range(8)] for row in range(3)]
    for row, cells in enumerate(values):
        grid.add(f"room number {row}", *cells)
    console = Console(width=50, record=True, markup=False)
    print_grid(console, grid)
    text = console.export_text()
    assert "(1 of " in text and max(len(line) for line in text.splitlines()) <= 50
    printed = {m.group(0) for m in NUMBER.finditer(text)}
    assert {cell for cells in values for cell in cells} <= printed
    assert text.count("room number 2") >= 2  # the label repeats in each part


def test_columns_is_respected_and_a_pipe_gets_a_fixed_width() -> None:
    wide = run(IGT, columns="160").splitlines()
    assert max(len(line) for line in wide) <= 160
    assert max(len(line) for line in wide) > 100  # the cost by step has room to spread
    piped = run(IGT, columns=None).splitlines()  # CliRunner's output is not a terminal
    assert max(len(line) for line in piped) <= PIPE_WIDTH


def test_inputs_are_opt_in_and_no_inputs_still_works() -> None:
    shown = run(IGT, "--inputs")
    assert "Inputs" in shown and "S12: 1.5 ± 0.3 × 10⁷ TU/mL" in shown
    # as the file wrote them: 54 EUR/L (not 54,000 EUR/m**3), the titre in TU/mL
    assert "54 EUR/L" in shown and "15,000,000 TU/mL" in shown and "m**" not in shown
    assert shown.index("Headline") < shown.index("Inputs") < shown.index("Mass balance")
    assert "Inputs" not in run(IGT, "--no-inputs")


def test_number_formats_by_hand() -> None:
    assert number(9600) == "9,600"
    assert number(819.4) == "819"
    assert number(0.04166) == "0.0417"
    assert number(3.0e12) == "3.00e+12"
    assert number(None) == "–"


def test_money_of_a_ledger_shows_every_unit_so_its_lines_add_up() -> None:
    # 3 significant digits would show 500,000 for a profit of 500,267 whose lines add up to it
    show = amounts([680_000, 136_000, 11_000, 31_400.06, 1_333.33, 500_266.6])
    assert [show(v) for v in (680_000, 31_400.06, 1_333.33, 500_266.6)] == [
        "680,000", "31,400", "1,333", "500,267",
    ]  # fmt: skip
    # amounts in relative money units (a profit of 490 with a backlog of 0.33): to the cent
    small = amounts([680, 0.333, 489.67])
    assert [small(680), small(0.333), small(489.67), small(None)] == [
        "680.00", "0.33", "489.67", "–",
    ]  # fmt: skip
    assert small(-0.001) == "0.00"
