"""Figures typed into README.md and docs/*.md, recomputed from runs of the shipped examples.

Each entry of :data:`FIGURES` says where a figure stands in a doc (a table cell by its row's
first cell and its column, or a number in a sentence found by a pattern), which run gives it
and how to write it as the doc does. The figures themselves are read from the doc, never
typed here: when a change moves one, the failure names the doc's line, what it reads and what
to write there instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from genofab.views.cli import app
from tests.golden.expected import run_example
from tests.helpers import EXAMPLES, ROOT


@cache
def chain_run() -> dict[str, Any]:
    """`genofab run examples/sickle-cell-gene-therapy.yaml --format json` (README's headline)."""
    return run_example(EXAMPLES / "sickle-cell-gene-therapy.yaml")


@cache
def cli_json(*arguments: str) -> dict[str, Any]:
    done = CliRunner().invoke(app, [*arguments, "--format", "json"])
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout))


@cache
def example_run(name: str) -> dict[str, Any]:
    """`genofab run examples/NAME.yaml --format json`."""
    return run_example(EXAMPLES / f"{name}.yaml")


def industrial_monte_carlo() -> dict[str, Any]:
    """docs/uncertainty.md's worked example: 100,000 samples, seed 1."""
    example = str(EXAMPLES / "lv-sickle-cell-industrial.yaml")
    return cli_json("run", example, "-n", "100000", "--seed", "1", "--no-progress")


def outlook_case(name: str) -> Callable[[], dict[str, Any]]:
    """One case of `genofab run examples/sickle-cell-europe.yaml` (docs/outlook.md's table)."""

    def case() -> dict[str, Any]:
        cases = cli_json("run", str(EXAMPLES / "sickle-cell-europe.yaml"))["cases"]
        return dict(next(item for item in cases if item["name"] == name))

    return case


def whole(value: float) -> str:
    return f"{value:,.0f}"


def three_figures(value: float) -> str:
    """Rounded to three significant figures, with thousands separators (93,100; 1,770)."""
    return whole(float(f"{value:.3g}"))


def percent(value: float) -> str:
    return f"{value:.0%}".replace("%", " %")


def millions(currency: str) -> Callable[[float], str]:
    return lambda value: f"{currency} {value / 1e6:,.0f} M"


@dataclass(frozen=True)
class Figure:
    """A documented figure: in ``doc``, the table row whose first cell is ``row`` (its
    ``column``-th cell after that one), or else the group ``figure`` of ``pattern``; the value
    ``compute`` takes from ``run()``, written by ``write``."""

    doc: str
    what: str
    run: Callable[[], dict[str, Any]]
    compute: Callable[[dict[str, Any]], float]
    write: Callable[[float], str]
    row: str | None = None
    column: int = 1
    pattern: str | None = None


def sentence(doc: str, what: str, pattern: str, **rest: Any) -> Figure:
    return Figure(doc, what, pattern=pattern, **rest)


def cell(doc: str, row: str, column: int, what: str, **rest: Any) -> Figure:
    return Figure(doc, what, row=row, column=column, **rest)


def spread(row: str, key: str, column: int, statistic: str, unit: str = "") -> Figure:
    def compute(run: dict[str, Any]) -> float:
        node = run
        for part in key.split("."):
            node = node[part]
        return float(node[statistic])

    return cell(
        "docs/uncertainty.md",
        row,
        column,
        f"{statistic} of {key}{unit}",
        run=industrial_monte_carlo,
        compute=compute,
        write=whole,
    )


CASES = ("industrial_process", "industrial_best_case", "current_best_case")


def outlook_figures() -> list[Figure]:
    found = []
    for column, name in enumerate(CASES, start=1):
        run = outlook_case(name)
        found += [
            cell(
                "docs/outlook.md",
                "patients a vector suite-year",
                column,
                f"{name}: 1 ÷ vector-suite years per patient",
                run=run,
                compute=lambda case: (
                    1.0 / case["product_rates"][0]["room_years_per_patient"]["vector_suite"]
                ),
                write=whole,
            ),
            cell(
                "docs/outlook.md",
                "vector-suite use at the peak",
                column,
                f"{name}: the largest yearly vector-suite use",
                run=run,
                compute=lambda case: max(
                    year["utilisation"]["vector_suite"] for year in case["years"]
                ),
                write=percent,
            ),
            cell(
                "docs/outlook.md",
                "patient-years waited",
                column,
                f"{name}: patient_years_waiting",
                run=run,
                compute=lambda case: case["patient_years_waiting"],
                write=whole,
            ),
            cell(
                "docs/outlook.md",
                "discounted cost, 2028–2047",
                column,
                f"{name}: discounted_cost",
                run=run,
                compute=lambda case: case["discounted_cost"],
                write=millions("EUR"),
            ),
        ]
    return found


FIGURES: list[Figure] = [
    sentence(
        "README.md",
        "the therapy's patients a year (chain run)",
        r"\*\*(?P<figure>[\d,]+) patients a year\*\*\s+after failed lots",
        run=chain_run,
        compute=lambda run: run["patients_per_year"],
        write=whole,
    ),
    sentence(
        "README.md",
        "the vector stage's patients a year alone (chain run)",
        r"the vector stage alone would allow\s+(?P<figure>[\d,]+)\)",
        run=chain_run,
        compute=lambda run: run["stages"][0]["patients_per_year"],
        write=three_figures,
    ),
    sentence(
        "README.md",
        "vector lots a year (chain run)",
        r"(?P<figure>[\d,]+) vector lots a year",
        run=chain_run,
        compute=lambda run: run["upstream_lots_per_year"]["vector"],
        write=whole,
    ),
    sentence(
        "README.md",
        "cost of goods per patient (chain run)",
        r"EUR (?P<figure>[\d,]+)(?: \[[\d,–]+\])?\s+of\s+cost of goods per patient",
        run=chain_run,
        compute=lambda run: run["cost_per_patient"]["total"],
        write=three_figures,
    ),
    sentence(
        "README.md",
        "the vector's share of the cost per patient (chain run)",
        r"of which\s+the vector is (?P<figure>\d+ %)",
        run=chain_run,
        compute=lambda run: run["cost_per_patient"]["share_by_stage"]["vector"],
        write=percent,
    ),
    *[
        spread(row, key, column, statistic)
        for row, key in (
            ("patients per lot", "patients_per_lot"),
            ("patients per year", "patients_per_year"),
            ("cost of goods per dose (EUR)", "cogs_per_dose"),
            ("fair price per patient (EUR)", "fair_price_per_patient.total"),
        )
        for column, statistic in enumerate(("value", "mean", "p5", "p50", "p95"), start=1)
    ],
    sentence(
        "docs/uncertainty.md",
        "probability of meeting the demand (worked example)",
        r"and a (?P<figure>[\d.]+ %) probability of meeting the demand",
        run=industrial_monte_carlo,
        compute=lambda run: run["probability_of_meeting_demand"],
        write=lambda value: f"{value:.1%}".replace("%", " %"),
    ),
    *outlook_figures(),
    sentence(
        "README.md",
        "the current process's cost of goods per dose (examples table)",
        r"about EUR (?P<figure>[\d,]+) k of cost of goods a dose",
        run=lambda: example_run("lv-sickle-cell-current"),
        compute=lambda run: run["cogs_per_dose"] / 1e3,
        write=whole,
    ),
    sentence(
        "README.md",
        "the current process's cost of goods per lot (compare table, column A)",
        r"│ cost of goods per lot\s+│ EUR/lot\s+│\s+(?P<figure>[\d,]+) │",
        run=lambda: example_run("lv-sickle-cell-current"),
        compute=lambda run: run["cogs_per_lot"],
        write=three_figures,
    ),
    sentence(
        "README.md",
        "the current process's fair price per patient (compare table, column A)",
        r"│ fair price per patient\s+│ EUR/patient\s+│\s+(?P<figure>[\d,]+) │",
        run=lambda: example_run("lv-sickle-cell-current"),
        compute=lambda run: run["fair_price_per_patient"]["total"],
        write=three_figures,
    ),
    sentence(
        "README.md",
        "the dossier facility's installed capital (examples table)",
        r"as a cost check: EUR (?P<figure>[\d,]+) M of capital",
        run=lambda: example_run("genethon-bioprod-facility"),
        compute=lambda run: run["economics"]["capital"]["total"] / 1e6,
        write=whole,
    ),
]


def located(figure: Figure) -> tuple[int, str]:
    """The doc's line number and the figure's text as the doc has it."""
    text = (ROOT / figure.doc).read_text(encoding="utf-8")
    if figure.pattern is not None:
        match = re.search(figure.pattern, text)
        assert match, f"{figure.doc}: no text matches {figure.pattern!r} ({figure.what})"
        return text.count("\n", 0, match.start("figure")) + 1, match.group("figure")
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [part.strip() for part in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == figure.row:
            return number, cells[figure.column]
    raise AssertionError(f"{figure.doc}: no table row '{figure.row}' ({figure.what})")


@pytest.mark.parametrize(
    "figure", FIGURES, ids=lambda f: f"{f.doc}: {f.row or ''} {f.what}".replace(" ", "_")
)
def test_documented_figure_is_the_run_s(figure: Figure) -> None:
    line, written = located(figure)
    expected = figure.write(figure.compute(figure.run()))
    assert written == expected, (
        f"{figure.doc}:{line}: {figure.what} reads '{written}' but the run gives"
        f" '{expected}': write '{expected}' there"
    )


def test_every_documented_figure_is_found() -> None:
    """A pattern or row that no longer matches its doc is an error, not a silent skip."""
    for figure in FIGURES:
        assert Path(ROOT / figure.doc).is_file()
        located(figure)
