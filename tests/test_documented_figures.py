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
    compute: Callable[[dict[str, Any]], Any]
    write: Callable[[Any], str]
    row: str | None = None
    column: int = 1
    pattern: str | None = None
    table: str | None = None


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


@cache
def network_monte_carlo() -> dict[str, Any]:
    """`genofab run examples/car-t-network.yaml --samples 1000 --seed 1` (docs/network.md's
    tables: the plan of each demand level, then its day-by-day operation's spread)."""
    return cli_json("run", str(EXAMPLES / "car-t-network.yaml"), "--samples", "1000", "--seed", "1")


def network_level(index: int) -> Callable[[], dict[str, Any]]:
    return lambda: dict(network_monte_carlo()["levels"][index])


def bracketed(form: Callable[[float], str]) -> Callable[[dict[str, float]], str]:
    """P50 [P5–P95], each written by ``form``; a spread that is 0 throughout is written 0."""

    def write(spread: dict[str, float]) -> str:
        if spread["p5"] == spread["p95"] == 0:
            return "0"
        return f"{form(spread['p50'])} [{form(spread['p5'])}–{form(spread['p95'])}]"

    return write


def served_of(level: dict[str, Any]) -> str:
    spread = level["spread"]
    return f"{bracketed(whole)(spread['patients_served'])} of {level['patients']:,}"


def network_figures() -> list[Figure]:
    found = []
    for index, row in enumerate(("50", "200", "1,000", "3,000")):
        run = network_level(index)
        plan = "| patients a year | patients | sites open |"
        found += [
            Figure(
                "docs/network.md",
                f"{row}: patients",
                run,
                lambda level: level["patients"],
                whole,
                row,
                1,
                None,
                plan,
            ),
            Figure(
                "docs/network.md",
                f"{row}: served",
                run,
                lambda level: level["patients_served"],
                whole,
                row,
                3,
                None,
                plan,
            ),
            Figure(
                "docs/network.md",
                f"{row}: cost per therapy",
                run,
                lambda level: level["cost_per_therapy"],
                three_figures,
                row,
                4,
                None,
                plan,
            ),
            Figure(
                "docs/network.md",
                f"{row}: vein to vein P50",
                run,
                lambda level: level["turnaround"]["p50_days"],
                whole,
                row,
                5,
                None,
                plan,
            ),
        ]
        spread = "| patients a year | served | within 28 days |"
        columns: list[tuple[str, Callable[[dict[str, Any]], Any], Callable[[Any], str]]] = [
            ("served (spread)", lambda level: level, served_of),
            (
                "within the limit",
                lambda level: level["spread"]["share_within_limit"],
                lambda value: bracketed(lambda v: f"{100 * v:.3g}")(value) + " %",
            ),
            ("vein to vein", lambda level: level["spread"]["turnaround_days"], bracketed(whole)),
            (
                "mean wait",
                lambda level: level["spread"]["mean_wait_days"],
                bracketed(lambda v: f"{v:.2g}"),
            ),
            (
                "lost waiting",
                lambda level: level["spread"]["patients_lost_waiting"],
                bracketed(whole),
            ),
            (
                "cost per therapy (spread)",
                lambda level: level["spread"]["cost_per_therapy"],
                bracketed(three_figures),
            ),
        ]
        for column, (what, compute, write) in enumerate(columns, start=1):
            found.append(
                Figure(
                    "docs/network.md",
                    f"{row}: {what}",
                    run,
                    compute,
                    write,
                    row,
                    column,
                    None,
                    spread,
                )
            )
    found.append(
        sentence(
            "docs/network.md",
            "patients unserved at 3,000 a year",
            r"the (?P<figure>[\d,]+) patients left unserved",
            run=network_level(3),
            compute=lambda level: level["patients_unserved"],
            write=whole,
        )
    )
    found += [
        sentence(
            "docs/network.md",
            "the least used open site at 3,000 a year",
            r"are full \((?P<figure>\d+) to \d+ % of\s+their places\)",
            run=network_level(3),
            compute=lambda level: min(level["utilisation"].values()),
            write=lambda value: f"{100 * value:.0f}",
        ),
        sentence(
            "docs/network.md",
            "the most used open site at 3,000 a year",
            r"are full \(\d+ to (?P<figure>\d+ %) of\s+their places\)",
            run=network_level(3),
            compute=lambda level: max(level["utilisation"].values()),
            write=percent,
        ),
        sentence(
            "docs/network.md",
            "the large site's use at 1,000 a year",
            r"at 1,000 a year the large site runs at (?P<figure>\d+ %)",
            run=network_level(2),
            compute=lambda level: level["utilisation"]["paris_large"],
            write=percent,
        ),
    ]
    return found


@cache
def example_run(name: str) -> dict[str, Any]:
    """The deterministic run of one scenario example (README's table of examples)."""
    return run_example(EXAMPLES / name)


def example(name: str) -> Callable[[], dict[str, Any]]:
    return lambda: example_run(name)


def thousands(value: float) -> str:
    """EUR 130 k: to the nearest thousand, in thousands."""
    return f"{value / 1e3:,.0f}"


def millions_of(digits: int) -> Callable[[float], str]:
    return lambda value: f"{value / 1e6:,.{digits}f}"


CURRENT = "lv-sickle-cell-current.yaml"
INDUSTRIAL = "lv-sickle-cell-industrial.yaml"
GENETHON = "genethon-bioprod-facility.yaml"


def examples_table() -> list[Figure]:
    """README's table of shipped examples: the figures its rows quote."""

    def row(
        name: str,
        what: str,
        pattern: str,
        compute: Callable[[dict[str, Any]], Any],
        write: Callable[[Any], str],
    ) -> Figure:
        return sentence(
            "README.md", f"{name}: {what}", pattern, run=example(name), compute=compute, write=write
        )

    return [
        row(
            CURRENT,
            "lots a year",
            r"current\.yaml` \| [^|]*?: (?P<figure>\d+) lots a year",
            lambda r: r["lots_per_year"],
            whole,
        ),
        row(
            CURRENT,
            "patients per lot",
            r"current\.yaml` \| [^|]*?lots a year, (?P<figure>\d+) patients per lot",
            lambda r: r["patients_per_lot"],
            whole,
        ),
        row(
            CURRENT,
            "years to treat the cohort",
            r"current\.yaml` \| [^|]*?patients in (?P<figure>[\d.]+) years",
            lambda r: r["years_to_treat_cohort"],
            lambda v: f"{v:.1f}",
        ),
        row(
            CURRENT,
            "cost of goods a dose",
            r"current\.yaml` \| [^|]*?about EUR (?P<figure>[\d,]+) k of cost of goods a dose",
            lambda r: r["cogs_per_dose"],
            thousands,
        ),
        row(
            INDUSTRIAL,
            "patients per lot",
            r"industrial\.yaml` \| [^|]*?, (?P<figure>[\d,]+) patients per lot",
            lambda r: r["patients_per_lot"],
            whole,
        ),
        row(
            INDUSTRIAL,
            "patients a year",
            r"industrial\.yaml` \| [^|]*?patients per lot, (?P<figure>[\d,]+) patients a year",
            lambda r: r["patients_per_year"],
            whole,
        ),
        row(
            INDUSTRIAL,
            "cost of goods a dose",
            r"industrial\.yaml` \| [^|]*?about EUR (?P<figure>[\d,]+) a dose",
            lambda r: r["cogs_per_dose"],
            three_figures,
        ),
        row(
            GENETHON,
            "capital",
            r"genethon-bioprod-facility\.yaml` \| [^|]*?EUR (?P<figure>[\d.]+) M of capital",
            lambda r: r["economics"]["capital"]["total"],
            millions_of(0),
        ),
        row(
            GENETHON,
            "running cost a year",
            r"genethon-bioprod-facility\.yaml` \| [^|]*?about EUR (?P<figure>[\d.]+) M a year"
            r" of running cost",
            lambda r: (
                r["economics"]["running_cost_per_lot"] * r["economics"]["lots_started_per_year"]
            ),
            millions_of(0),
        ),
        row(
            GENETHON,
            "running cost per lot",
            r"genethon-bioprod-facility\.yaml` \| [^|]*?EUR (?P<figure>[\d.]+) M running cost",
            lambda r: r["economics"]["running_cost_per_lot"],
            millions_of(2),
        ),
        row(
            GENETHON,
            "depreciation per lot",
            r"genethon-bioprod-facility\.yaml` \| [^|]*?EUR (?P<figure>[\d.]+) M depreciation"
            r" per lot",
            lambda r: r["economics"]["depreciation_per_lot"],
            millions_of(2),
        ),
        sentence(
            "README.md",
            f"{INDUSTRIAL}: P5 of patients a year (100,000 samples, seed 1)",
            r"P5–P95 of (?P<figure>[\d,]+)–[\d,]+ patients a year",
            run=industrial_monte_carlo,
            compute=lambda run: run["patients_per_year"]["p5"],
            write=whole,
        ),
        sentence(
            "README.md",
            f"{INDUSTRIAL}: P95 of patients a year (100,000 samples, seed 1)",
            r"P5–P95 of [\d,]+–(?P<figure>[\d,]+) patients a year",
            run=industrial_monte_carlo,
            compute=lambda run: run["patients_per_year"]["p95"],
            write=whole,
        ),
        sentence(
            "README.md",
            f"{INDUSTRIAL}: probability of meeting the demand (100,000 samples, seed 1)",
            r"a (?P<figure>\d+ %) chance of meeting a demand",
            run=industrial_monte_carlo,
            compute=lambda run: run["probability_of_meeting_demand"],
            write=percent,
        ),
    ]


RECORDS = EXAMPLES / "records"
RECORDS_DOC = "docs/records.md"


def records_run(*arguments: str) -> Callable[[], dict[str, Any]]:
    """One `genofab records` command on the synthetic demo (docs/records.md's walk-through)."""

    def run() -> dict[str, Any]:
        done = CliRunner().invoke(app, ["records", *arguments, "--format", "json"])
        assert done.exit_code == 0, done.output
        found = json.loads(done.stdout)
        return {"items": found} if isinstance(found, list) else dict(found)

    return cache(run)


@cache
def records_fit() -> dict[str, Any]:
    """`records fit … --site Évry -o fitted.yaml` (into a folder of its own)."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="genofab-documented-")
    scenario = str(EXAMPLES / "lv-sickle-cell-current.yaml")
    lots = str(RECORDS / "lots.csv")
    arguments = ("fit", lots, "--site", "Évry", "--scenario", scenario, "-o", f"{folder}/f.yaml")
    return records_run(*arguments)()


def records_figures() -> list[Figure]:
    """The figures of docs/records.md's walk-through of the demo, from the commands it shows."""
    lots = str(RECORDS / "lots.csv")
    scenario = str(EXAMPLES / "lv-sickle-cell-current.yaml")
    chart = records_run(
        "chart", lots, "--site", "Lyon", "-p", "production_bioreactor.titer", "--baseline", "8"
    )
    capability = records_run(
        "capability", lots, "-p", "chromatography.step_yield", "--lower", "35", "--upper", "70"
    )
    compare = records_run("compare", lots, "--by", "site", "--scenario", scenario)
    in_doses = records_run(
        "compare",
        lots,
        "-p",
        "production_bioreactor.titer",
        "--scenario",
        scenario,
        "-n",
        "1000",
        "--margin",
        "doses_per_lot=2",
    )
    monitor = records_run("monitor", str(RECORDS / "monitoring.csv"), "--lots", lots)

    def ppk(key: str) -> Callable[[dict[str, Any]], float]:
        return lambda run: float(run["items"][0]["ppk"][key])

    def titre(parameter: str, at: int | None) -> Callable[[dict[str, Any]], float]:
        def compute(run: dict[str, Any]) -> float:
            fit = next(f for f in run["fits"] if f["measurement"] == "production_bioreactor.titer")
            lognormal = next(c for c in fit["candidates"] if c["kind"] == "lognormal")
            value = lognormal["parameters" if at is None else "intervals"][parameter]
            value = value if at is None else value[at]
            return float(value) / (1e9 if parameter == "median" else 1.0)  # TU/L → 10⁶ TU/mL

        return compute

    def titre_verdict(run: dict[str, Any]) -> dict[str, Any]:
        return dict(
            next(v for v in run["equivalence"] if v["measurement"] == "production_bioreactor.titer")
        )

    def predicted(run: dict[str, Any], side: str) -> float:
        rows = run["predictions"][0]["results"]
        return float(next(r for r in rows if r["result"] == "patients_per_year")[side])

    two = "{:.2f}".format
    one = "{:.1f}".format
    return [
        sentence(
            RECORDS_DOC,
            "false-alarm chance of Lyon's titre limits from 8 lots (records chart)",
            r"limits are provisional and carry a (?P<figure>\d+ %) chance",
            run=chart,
            compute=lambda run: run["items"][0]["false_alarm_next_20"],
            write=percent,
        ),
        *[
            sentence(
                RECORDS_DOC,
                f"Évry's chromatography Ppk {key} (records capability)",
                pattern,
                run=capability,
                compute=ppk(key),
                write=two,
            )
            for key, pattern in (
                ("estimate", r"yield has Ppk (?P<figure>[\d.]+) with a 95 %"),
                ("lower", r"interval of (?P<figure>[\d.]+) to [\d.]+ — the data"),
                ("upper", r"interval of [\d.]+ to (?P<figure>[\d.]+) — the data"),
            )
        ],
        *[
            sentence(
                RECORDS_DOC,
                f"Évry's titre fit: {what} (records fit)",
                pattern,
                run=records_fit,
                compute=compute,
                write=write,
            )
            for what, pattern, compute, write in (
                (
                    "median",
                    r"\(titre:\s+median (?P<figure>[\d.]+) ×",
                    titre("median", None),
                    "{:.3f}".format,
                ),
                ("median low", r"TU/mL, 95 % (?P<figure>[\d.]+) to", titre("median", 0), two),
                (
                    "median high",
                    r"TU/mL, 95 % [\d.]+ to (?P<figure>[\d.]+) ×",
                    titre("median", 1),
                    two,
                ),
                ("gsd", r"10⁶; gsd (?P<figure>[\d.]+), interval", titre("gsd", None), two),
                (
                    "gsd low",
                    r"interval\s+(?P<figure>[\d.]+) to [\d.]+, generated at 1.3",
                    titre("gsd", 0),
                    two,
                ),
                (
                    "gsd high",
                    r"interval\s+[\d.]+ to (?P<figure>[\d.]+), generated at 1.3",
                    titre("gsd", 1),
                    two,
                ),
            )
        ],
        sentence(
            RECORDS_DOC,
            "Évry's mean TFF yield (records compare, sites side by side)",
            r"Évry's 24 TFF yields average (?P<figure>[\d.]+) %",
            run=compare,
            compute=lambda run: next(
                d["mean"]
                for d in run["distributions"]
                if d["measurement"] == "tff.step_yield" and d["site"] == "Évry"
            ),
            write=one,
        ),
        *[
            sentence(
                RECORDS_DOC,
                f"Lyon's titre against Évry's: {what} (records compare)",
                pattern,
                run=compare,
                compute=compute,
                write=write,
            )
            for what, pattern, compute, write in (
                (
                    "ratio",
                    r"Lyon's titre is (?P<figure>[\d.]+) times",
                    lambda run: titre_verdict(run)["estimate"],
                    two,
                ),
                (
                    "interval low",
                    r"\(90 % interval (?P<figure>[\d.]+) to [\d.]+\), outside",
                    lambda run: titre_verdict(run)["interval"][0],
                    two,
                ),
                (
                    "interval high",
                    r"\(90 % interval [\d.]+ to (?P<figure>[\d.]+)\), outside",
                    lambda run: titre_verdict(run)["interval"][1],
                    two,
                ),
                (
                    "margin low",
                    r"default margin of (?P<figure>[\d.]+) to",
                    lambda run: titre_verdict(run)["margin"][0],
                    two,
                ),
                (
                    "margin high",
                    r"default margin of [\d.]+ to (?P<figure>[\d.]+):",
                    lambda run: titre_verdict(run)["margin"][1],
                    two,
                ),
                (
                    "power",
                    r"identical sites equivalent (?P<figure>\d+ %) of the time",
                    lambda run: titre_verdict(run)["power"],
                    percent,
                ),
                (
                    "Lyon's patients a year",
                    r"Lyon makes about\s+(?P<figure>[\d.]+) patients",
                    lambda run: predicted(run, "mean_site"),
                    one,
                ),
                (
                    "Évry's patients a year",
                    r"patients a year against Évry's (?P<figure>[\d.]+)",
                    lambda run: predicted(run, "mean_reference"),
                    one,
                ),
            )
        ],
        sentence(
            RECORDS_DOC,
            "Lyon's doses a lot fewer than Évry's (records compare --margin doses_per_lot=2)",
            r"\(about (?P<figure>[\d.]+) doses fewer a lot\)",
            run=in_doses,
            compute=lambda run: (
                -next(
                    v["estimate"]
                    for v in run["consequences"]
                    if v["measurement"] == "doses_per_lot"
                )
            ),
            write=one,
        ),
        sentence(
            RECORDS_DOC,
            "hours of Lyon's particle excursion (records monitor)",
            r"exceeded the grade B limit for (?P<figure>\d+) h on 14 October",
            run=monitor,
            compute=lambda run: next(
                e["hours"] for e in run["excursions"] if e["measure"] == "particles_0.5um"
            ),
            write="{:g}".format,
        ),
    ]


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
    *network_figures(),
    *examples_table(),
    *records_figures(),
]


def located(figure: Figure) -> tuple[int, str]:
    """The doc's line number and the figure's text as the doc has it."""
    text = (ROOT / figure.doc).read_text(encoding="utf-8")
    if figure.pattern is not None:
        match = re.search(figure.pattern, text)
        assert match, f"{figure.doc}: no text matches {figure.pattern!r} ({figure.what})"
        return text.count("\n", 0, match.start("figure")) + 1, match.group("figure")
    lines = text.splitlines()
    start = 0
    if figure.table is not None:
        heads = [k for k, line in enumerate(lines) if line.startswith(figure.table)]
        assert heads, f"{figure.doc}: no table starts with {figure.table!r} ({figure.what})"
        start = heads[0]
    for number, line in enumerate(lines[start:], start=start + 1):
        if figure.table is not None and not line.startswith("|"):
            break
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


def test_readme_compare_block_is_the_command_s_output() -> None:
    """README's `genofab compare` block, table rows included, is what the command prints at
    100 columns (as the README says it was made): a change to either example shows here."""
    import os
    import subprocess
    import sys

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    command = (
        "genofab compare examples/lv-sickle-cell-current.yaml"
        " examples/lv-sickle-cell-industrial.yaml"
    )
    start = text.index(f"$ {command}\n") + len(f"$ {command}\n")
    written = text[start : text.index("```", start)].rstrip("\n").splitlines()
    done = subprocess.run(
        [sys.executable, "-m", "genofab", *command.split()[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
        check=True,
    )
    printed = done.stdout.rstrip("\n").splitlines()
    assert [line.rstrip() for line in written] == [line.rstrip() for line in printed], (
        "README.md's compare block differs from the command's output at COLUMNS=100: replace"
        " it with\n" + done.stdout
    )
