"""``genofab report``: a self-contained HTML report, an Excel workbook and the figures as PNG
and SVG, written into one output folder.

Everything is rendered in a temporary folder first and moved into place only when all of it
succeeded, so a failed report leaves nothing behind. File names come from a plain stem that
cannot point outside the output folder.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from genofab.errors import OutputError
from genofab.io.files import staged_folder
from genofab.results.run import RunResult
from genofab.results.scale import ScaleResult
from genofab.results.uncertainty import MonteCarloResult, SensitivityResult, SweepResult, Tornado
from genofab.views.console import number
from genofab.views.labels import DisplayUnit
from genofab.views.uncertainty_tables import describe

SAFE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_stem(stem: str) -> str:
    """A report file stem: letters, digits, dot, dash and underscore, no path, no '..'."""
    if not SAFE_STEM.match(stem) or ".." in stem:
        raise OutputError(
            f"report name '{stem}' is not a plain file name (letters, digits, '.', '-', '_';"
            " no '/', no '..'): reports are written only inside the output folder"
        )
    return stem


def headline(run: RunResult) -> list[tuple[str, str]]:
    """The figures that lead the report, formatted."""
    rows = [
        ("patients per lot", number(run.patients_per_lot)),
        ("doses per lot", number(run.doses_per_lot)),
        (f"{run.lot.container}s released per lot", number(run.vials_per_lot)),
        ("lot duration, first step to release", f"{number(run.lot_duration_days)} d"),
        ("suite occupancy + changeover", f"{number(run.suite_cycle_days)} d"),
        ("lots per year", number(run.lots_per_year)),
        ("bottleneck room", run.bottleneck_room),
        ("patients per year", number(run.patients_per_year)),
    ]
    if run.years_to_treat_cohort is not None:
        rows.append(
            (
                f"years to treat {run.capacity.cohort_patients} patients",
                number(run.years_to_treat_cohort),
            )
        )
    if run.economics is not None:
        money = run.economics.currency
        rows += [
            (f"cost of goods per lot ({money})", number(run.economics.cogs_per_lot)),
            (f"cost of goods per dose ({money})", number(run.economics.cogs_per_dose)),
            (f"cost of goods per patient ({money})", number(run.economics.cogs_per_patient)),
        ]
        if run.economics.fair_price is not None:
            rows.append(
                (f"fair price per patient ({money})", number(run.economics.fair_price.total))
            )
    return rows


@dataclass(frozen=True)
class Uncertainty:
    """What a report shows of the spread: the Monte Carlo, the tornado of one result, and
    the results whose distributions are drawn."""

    spread: MonteCarloResult
    tornado: Tornado | None
    drawn: tuple[str, ...]


def write_report(
    run: RunResult,
    curve: ScaleResult | None,
    directory: Path,
    stem: str,
    description: str | None = None,
    uncertainty: Uncertainty | None = None,
) -> list[Path]:
    """Render and write the report; returns the files written, relative to ``directory``."""
    check_stem(stem)
    with staged_folder(directory) as staging:
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        svgs = _write_figures(run, curve, staging / "figures", stem)
        if uncertainty is not None:
            svgs.update(_write_uncertainty_figures(uncertainty, staging / "figures", stem))
        html = _render_html(run, svgs, generated, description, uncertainty)
        (staging / f"{stem}.html").write_text(html, encoding="utf-8")
        from genofab.views.reports.excel import write_workbook

        write_workbook(staging / f"{stem}.xlsx", run, curve, generated, headline(run), uncertainty)
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written


def write_tornado_figures(
    result: SensitivityResult, directory: Path, units: dict[str, DisplayUnit] | None = None
) -> list[Path]:
    """The tornado of each analysed result, as PNG and SVG, in ``directory``; inputs in the
    units their file gave (``units``)."""
    from genofab.views.reports import uncertainty_figures

    ends = ("low", "high") if result.method == "all_inputs" else ("P10", "P90")
    with staged_folder(directory) as staging:
        for name in result.results:
            _save(
                uncertainty_figures.tornado(result.tornado[name], ends, units),
                staging / _file_name("tornado", name),
            )
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written


def write_sweep(result: SweepResult, directory: Path) -> list[Path]:
    """A sweep's table (``sweep.csv``: mean, SD, P5, P50, P95 of each result at each point)
    and a plot of each result's median and P5–P95 band, in ``directory``."""
    import csv

    from genofab.views.reports import uncertainty_figures

    with staged_folder(directory) as staging:
        names = list(result.result_units)
        with (staging / "sweep.csv").open("w", newline="", encoding="utf-8") as stream:
            table = csv.writer(stream)
            table.writerow(
                [
                    *result.parameters,
                    *[f"{name} {stat}" for name in names for stat in SPREAD_COLUMNS],
                    "probability of meeting demand",
                ]
            )
            for point in result.points:
                table.writerow(
                    [
                        *[point.values[path] for path in result.parameters],
                        *[
                            _cell(getattr(point.results[name], stat))
                            for name in names
                            for stat in SPREAD_COLUMNS
                        ],
                        _cell(point.probability_of_meeting_demand),
                    ]
                )
        for name in names:
            _save(
                uncertainty_figures.sweep_bands(result, name), staging / _file_name("sweep", name)
            )
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written


SPREAD_COLUMNS = ("mean", "sd", "p5", "p50", "p95")


def _cell(value: float | None) -> float | str:
    return "" if value is None else value


def _file_name(kind: str, name: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}"


def _save(figure: Any, base: Path) -> str:
    """Save a figure as PNG and SVG; return the SVG text for inlining."""
    figure.savefig(base.with_suffix(".png"), dpi=150)
    figure.savefig(base.with_suffix(".svg"))
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return _inline_svg(buffer.getvalue())


def _write_uncertainty_figures(uncertainty: Uncertainty, folder: Path, stem: str) -> dict[str, str]:
    from genofab.views.reports import uncertainty_figures

    folder.mkdir(parents=True, exist_ok=True)
    spread = uncertainty.spread
    svgs = {}
    for name in uncertainty.drawn:
        figure = uncertainty_figures.distribution(
            name, spread.units.get(name, ""), spread.distributions[name], spread.results[name]
        )
        svgs[f"spread:{name}"] = _save(figure, folder / _file_name(f"{stem}-spread", name))
    if uncertainty.tornado is not None:
        figure = uncertainty_figures.tornado(uncertainty.tornado)
        svgs["tornado"] = _save(
            figure, folder / _file_name(f"{stem}-tornado", uncertainty.tornado.result)
        )
    return svgs


def demand_points(run: RunResult, points: int = 60) -> NDArray[np.float64]:
    """Yearly demands for the cost-per-dose curve: from half a lot's patients to twice the
    capacity (or the demand, if larger), log-spaced."""
    capacity = run.lots_per_year * run.patients_per_lot
    low = max(run.patients_per_lot / 2, 1.0)
    high = max(capacity, run.capacity.demand_patients_per_year or 0.0, low) * 2
    return np.geomspace(low, high, points)


def _write_figures(
    run: RunResult, curve: ScaleResult | None, folder: Path, stem: str
) -> dict[str, str]:
    """Save each figure as PNG and SVG; return the SVG text of each for the HTML."""
    from genofab.views.reports import figures

    drawn = {
        "mass_balance": figures.mass_balance(run.lot),
        "capacity": figures.room_capacity(run.capacity),
    }
    economics = run.economics
    if economics is not None:
        drawn["cost_breakdown"] = figures.cost_breakdown(economics)
        if curve is not None:
            capacity_patients = run.capacity.lots_per_year * run.lot.patients_per_lot
            drawn["cost_per_dose"] = figures.cost_per_dose_curve(
                curve, capacity_patients, run.capacity.demand_patients_per_year
            )
        if economics.fair_price is not None:
            drawn["fair_price"] = figures.fair_price_waterfall(
                economics.fair_price, economics.currency
            )
    folder.mkdir(parents=True)
    return {
        name: _save(figure, folder / f"{stem}-{name.replace('_', '-')}")
        for name, figure in drawn.items()
    }


def _inline_svg(svg: str) -> str:
    """An SVG document as an element to inline in HTML: no XML prolog, no RDF metadata."""
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)


def _render_html(
    run: RunResult,
    svgs: dict[str, str],
    generated: str,
    description: str | None,
    uncertainty: Uncertainty | None = None,
) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(
        loader=PackageLoader("genofab.views.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    template = environment.get_template("report.html.j2")
    assumptions = [row for row in run.inputs if row.source and row.source.startswith("assumption")]
    return template.render(
        run=run,
        economics=run.economics,
        figures=_Figures(svgs),
        headline=headline(run),
        assumptions=assumptions,
        generated=generated,
        description=description,
        uncertainty=uncertainty,
        describe=describe,
        n=number,
        pct=lambda value: "–" if value is None else f"{value:.1%}",
    )


class _Figures(dict[str, str]):
    """SVG text by figure name; a missing figure is an empty string in the template."""

    def __getattr__(self, name: str) -> str:
        return self.get(name, "")
