"""``genofab report``: a self-contained HTML report, an Excel workbook and the figures as PNG
and SVG, written into one output folder.

Everything is rendered in a temporary folder first and moved into place only when all of it
succeeded, so a failed report leaves nothing behind. File names come from a plain stem that
cannot point outside the output folder.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from genofab.errors import OutputError
from genofab.io.files import staged_folder
from genofab.results.run import RunResult
from genofab.results.scale import ScaleResult
from genofab.results.uncertainty import MonteCarloResult, SensitivityResult, SweepResult, Tornado
from genofab.views.console import number
from genofab.views.headline import headline
from genofab.views.labels import DisplayUnit, label, unit_of
from genofab.views.uncertainty_tables import describe

if TYPE_CHECKING:
    from markupsafe import Markup

    from genofab.service.records import RecordsReview

#: Resolution of the PNG figures (8 inches wide: 960 pixels); the SVG scales freely.
PNG_DPI = 120

SAFE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_stem(stem: str) -> str:
    """A report file stem: letters, digits, dot, dash and underscore, no path, no '..'."""
    if not SAFE_STEM.match(stem) or ".." in stem:
        raise OutputError(
            f"report name '{stem}' is not a plain file name (letters, digits, '.', '-', '_';"
            " no '/', no '..'): reports are written only inside the output folder"
        )
    return stem


@dataclass(frozen=True)
class Uncertainty:
    """What a report shows of the spread: the Monte Carlo, the tornado of one result, and
    the results whose distributions are drawn."""

    spread: MonteCarloResult
    tornado: Tornado | None
    drawn: tuple[str, ...]
    demand: float | None = None


def write_report(
    run: RunResult,
    curve: ScaleResult | None,
    directory: Path,
    stem: str,
    description: str | None = None,
    uncertainty: Uncertainty | None = None,
    units: dict[str, DisplayUnit] | None = None,
    progress: bool = False,
    records: RecordsReview | None = None,
) -> list[Path]:
    """Render and write the report; returns the files written, relative to ``directory``.
    Inputs are shown in the unit their file gave (``units``); with ``progress``, a bar on a
    terminal counts the figures rendered; with ``records``, a batch-records section."""
    from genofab.views.progress import progress_bar
    from genofab.views.reports import records_report

    check_stem(stem)
    drawn = _figures(run, curve, uncertainty, units)
    if records is not None:
        drawn.update(records_report.records_figures(records))
    with (
        staged_folder(directory) as staging,
        progress_bar(len(drawn), "report: figures", progress) as advance,
    ):
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        folder = staging / "figures"
        folder.mkdir(parents=True)
        svgs = {}
        for name, (file_name, draw) in drawn.items():
            svgs[name] = _save(draw(), folder / f"{stem}-{file_name}")
            advance(1)
        section = records_report.records_html(records, svgs) if records is not None else None
        html = _render_html(run, svgs, generated, description, uncertainty, units, section)
        (staging / f"{stem}.html").write_text(html, encoding="utf-8")
        from genofab.views.reports.excel import write_workbook

        extra = records_report.records_sheets(records) if records is not None else None
        write_workbook(
            staging / f"{stem}.xlsx", run, curve, generated, headline(run), uncertainty, extra
        )
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
                uncertainty_figures.tornado(result.tornado[name], units, ends),
                staging / _file_name("tornado", name),
            )
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written


def write_sweep(result: SweepResult, directory: Path) -> list[Path]:
    """A sweep's table (``sweep.csv``: mean, SD, P5, P50, P95 of each result at each point)
    and a plot of each result's median and P5–P95 band, in ``directory``."""
    from genofab.service.sweeps import sweep_csv
    from genofab.views.reports import uncertainty_figures

    with staged_folder(directory) as staging:
        names = list(result.result_units)
        with (staging / "sweep.csv").open("w", newline="", encoding="utf-8") as stream:
            stream.write(sweep_csv(result))
        for name in names:
            _save(
                uncertainty_figures.sweep_bands(result, name), staging / _file_name("sweep", name)
            )
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written


def _file_name(kind: str, name: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}"


def _save(figure: Any, base: Path) -> str:
    """Lay a figure out once, then render it once as SVG (written to its file and returned
    for inlining; text kept as text, not drawn glyph by glyph) and once as PNG."""
    import matplotlib

    if figure.get_layout_engine() is not None:
        figure.draw_without_rendering()  # the constrained layout, computed once
        figure.set_layout_engine("none")
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    base.with_suffix(".svg").write_text(svg, encoding="utf-8")
    figure.savefig(base.with_suffix(".png"), dpi=PNG_DPI)
    return _inline_svg(svg)


def demand_points(run: RunResult, points: int = 60) -> NDArray[np.float64]:
    """Yearly demands for the cost-per-dose curve: from half a lot's patients to twice the
    capacity (or the demand, if larger), log-spaced."""
    capacity = run.lots_per_year * run.patients_per_lot
    low = max(run.patients_per_lot / 2, 1.0)
    high = max(capacity, run.capacity.demand_patients_per_year or 0.0, low) * 2
    return np.geomspace(low, high, points)


Draw = Callable[[], Any]


def _figures(
    run: RunResult,
    curve: ScaleResult | None,
    uncertainty: Uncertainty | None,
    units: dict[str, DisplayUnit] | None,
) -> dict[str, tuple[str, Draw]]:
    """Every figure of the report, in the order it appears: name → (file name, drawing)."""
    from genofab.views.reports import figures, uncertainty_figures

    drawn: dict[str, tuple[str, Draw]] = {
        "mass_balance": ("mass-balance", lambda: figures.mass_balance(run.lot)),
        "capacity": ("capacity", lambda: figures.room_capacity(run.capacity)),
    }
    economics = run.economics
    if economics is not None:
        drawn["cost_breakdown"] = ("cost-breakdown", lambda: figures.cost_breakdown(economics))
        if curve is not None:
            capacity_patients = run.capacity.lots_per_year * run.lot.patients_per_lot
            drawn["cost_per_dose"] = (
                "cost-per-dose",
                lambda: figures.cost_per_dose_curve(
                    curve, capacity_patients, run.capacity.demand_patients_per_year
                ),
            )
        fair = economics.fair_price
        if fair is not None:
            drawn["fair_price"] = (
                "fair-price",
                lambda: figures.fair_price_waterfall(fair, economics.currency),
            )
    if uncertainty is not None:
        spread = uncertainty.spread
        if uncertainty.drawn:
            panels = [
                (name, spread.units.get(name, ""), spread.distributions[name], spread.results[name])
                for name in uncertainty.drawn
            ]
            drawn["spread"] = (
                "spread",
                lambda: uncertainty_figures.distributions(panels, uncertainty.demand),
            )
        chart = uncertainty.tornado
        if chart is not None:
            drawn["tornado"] = (
                _file_name("tornado", chart.result),
                lambda: uncertainty_figures.tornado(chart, units),
            )
    return drawn


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
    units: dict[str, DisplayUnit] | None = None,
    records: Markup | None = None,
) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(
        loader=PackageLoader("genofab.views.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    template = environment.get_template("report.html.j2")
    assumptions = [row for row in run.inputs if row.source and row.source.startswith("assumption")]
    spread = uncertainty.spread.results if uncertainty is not None else {}
    rows = [
        (
            row.label,
            f"{number(row.value)} {row.unit}".rstrip(),
            _range(spread.get(SPREAD_KEYS.get(row.key, row.key))),
        )
        for row in headline(run)
    ]
    texts = [row.source or "" for row in run.inputs]
    if uncertainty is not None:
        texts += [item.source or "" for item in uncertainty.spread.uncertain_inputs]
    from genofab.views.reports import costing_report

    return template.render(
        run=run,
        economics=run.economics,
        costing=costing_report,
        costing_units=costing_report.input_units(run.inputs),
        figures=_Figures(svgs),
        headline=rows,
        assumptions=assumptions,
        generated=generated,
        description=description,
        uncertainty=uncertainty,
        records=records,
        describe=lambda item: describe(item, unit_of(item.path, item.unit, units)),
        shown=lambda path, unit, value: _shown(path, unit, value, units),
        cite=cite,
        cited=cited_sources(texts),
        label=label,
        n=number,
        pct=lambda value: "–" if value is None else f"{value:.1%}",
    )


#: Headline keys whose spread has another name among a Monte Carlo's results.
SPREAD_KEYS = {"fair_price_per_patient": "fair_price_per_patient.total"}


def _range(spread: Any) -> str:
    if spread is None or spread.p5 is None:
        return ""
    return f"{number(spread.p50)} [{number(spread.p5)}–{number(spread.p95)}]"


def _shown(path: str, unit: str, value: float, units: dict[str, DisplayUnit] | None) -> str:
    shown = unit_of(path, unit, units)
    return f"{number(shown.show(value))} {shown.unit}".rstrip()


def cite(text: str | None) -> Markup:
    """A source text, escaped, with each ``S<n>`` and ``seed NNN`` linked to its entry in the
    report's list of sources."""
    from markupsafe import Markup, escape

    if not text:
        return Markup("")
    linked = re.sub(
        r"\bS(\d+)\b",
        lambda m: f'<a href="#source-S{m[1]}">S{m[1]}</a>',
        str(escape(text)),
    )
    linked = re.sub(
        r"\bseed (\d{3})\b", lambda m: f'<a href="#source-seed-{m[1]}">seed {m[1]}</a>', linked
    )
    return Markup(linked)


def cited_sources(texts: list[str]) -> list[tuple[str, str, str]]:
    """(anchor, name, full citation) of every numbered source and seed the texts cite, in the
    bibliography's order; a reference with no entry is listed as such."""
    from genofab.io.sources import bibliography, references

    bib = bibliography()
    numbered: set[str] = set()
    seeds: set[str] = set()
    for text in texts:
        found = references(text)
        numbered.update(found.numbered)
        seeds.update(found.seeds)
    order = list(bib.sources)
    rows = [
        (f"source-{key}", key, bib.sources.get(key, "no entry in the bibliography"))
        for key in sorted(numbered, key=lambda k: (order.index(k) if k in order else 1e9, k))
    ]
    for key in sorted(seeds):
        seed = bib.seeds.get(key)
        citation = f"{seed.title}. {seed.what}" if seed else "no entry in the bibliography"
        rows.append((f"source-seed-{key}", f"seed {key}", citation))
    return rows


class _Figures(dict[str, str]):
    """SVG text by figure name; a missing figure is an empty string in the template."""

    def __getattr__(self, name: str) -> str:
        return self.get(name, "")
