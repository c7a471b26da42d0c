"""``genofab report``: a self-contained HTML report, an Excel workbook and the figures as PNG
and SVG, written into one output folder.

Everything is rendered in a temporary folder first and moved into place only when all of it
succeeded, so a failed report leaves nothing behind. File names come from a plain stem that
cannot point outside the output folder.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from genofab.errors import OutputError
from genofab.io.files import staged_folder
from genofab.results.run import RunResult
from genofab.results.scale import ScaleResult
from genofab.views.console import number

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


def write_report(
    run: RunResult,
    curve: ScaleResult | None,
    directory: Path,
    stem: str,
    description: str | None = None,
) -> list[Path]:
    """Render and write the report; returns the files written, relative to ``directory``."""
    check_stem(stem)
    with staged_folder(directory) as staging:
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        svgs = _write_figures(run, curve, staging / "figures", stem)
        html = _render_html(run, svgs, generated, description)
        (staging / f"{stem}.html").write_text(html, encoding="utf-8")
        from genofab.views.reports.excel import write_workbook

        write_workbook(staging / f"{stem}.xlsx", run, curve, generated, headline(run))
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written


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
    svgs = {}
    for name, figure in drawn.items():
        base = folder / f"{stem}-{name.replace('_', '-')}"
        figure.savefig(base.with_suffix(".png"), dpi=150)
        figure.savefig(base.with_suffix(".svg"))
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg")
        svgs[name] = _inline_svg(buffer.getvalue())
    return svgs


def _inline_svg(svg: str) -> str:
    """An SVG document as an element to inline in HTML: no XML prolog, no RDF metadata."""
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)


def _render_html(
    run: RunResult, svgs: dict[str, str], generated: str, description: str | None
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
        n=number,
        pct=lambda value: "–" if value is None else f"{value:.1%}",
    )


class _Figures(dict[str, str]):
    """SVG text by figure name; a missing figure is an empty string in the template."""

    def __getattr__(self, name: str) -> str:
        return self.get(name, "")
