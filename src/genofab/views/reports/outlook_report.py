"""Report of an outlook or a network: figures (PNG and SVG), a self-contained HTML page and
the JSON, written into one folder only when all of it succeeded. Drawing only: every figure
comes from the result."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from genofab.io.files import staged_folder
from genofab.results.network import NetworkResult
from genofab.results.outlook import OutlookCase, OutlookResult

NEEDING, TREATED, WAITING = "#4c72b0", "#55a868", "#c44e52"


def patients_by_year(case: OutlookCase) -> Figure:
    """Patients needing therapy and treated each year (bars), those waiting at the year's end
    (line); with a Monte Carlo, the P5–P95 band of those waiting."""
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.add_subplot()
    years = [row.year for row in case.years]
    width = 0.4
    axes.bar(
        [y - width / 2 for y in years],
        [r.patients_needing for r in case.years],
        width,
        color=NEEDING,
        label="needing therapy",
    )
    axes.bar(
        [y + width / 2 for y in years],
        [r.patients_treated for r in case.years],
        width,
        color=TREATED,
        label="treated",
    )
    axes.plot(
        years,
        [r.patients_waiting for r in case.years],
        color=WAITING,
        marker="o",
        label="waiting at the year's end",
    )
    if case.spread is not None:
        low = [row.patients_waiting["p5"] for row in case.spread.years]
        high = [row.patients_waiting["p95"] for row in case.spread.years]
        axes.fill_between(
            years,
            low,
            high,
            color=WAITING,
            alpha=0.15,
            label=f"waiting, P5–P95 of {case.spread.samples:,} samples",
        )
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("year")
    axes.set_ylabel("patients")
    axes.set_title(f"Patients by year: {case.name.replace('_', ' ')}")
    axes.legend(frameon=False)
    return figure


def build_plan_timeline(case: OutlookCase) -> Figure:
    """Each start of the build plan as a bar from the decision to full capacity (lead time
    and ramp-up), then a darker bar while it gives full capacity; rented slots as their
    year."""
    figure = Figure(figsize=(8, 0.6 + 0.45 * max(len(case.build_plan), 1)), layout="constrained")
    axes = figure.add_subplot()
    last = case.years[-1].year + 1 if case.years else 0
    for i, row in enumerate(case.build_plan):
        if row.type == "cdmo":  # rented for the year
            axes.barh(i, 1, left=row.year, color="#8172b2", height=0.5)
            label = f" {row.units:.3g} rented × {row.candidate}"
        else:
            axes.barh(i, row.ready_year - row.year, left=row.year, color="#ccb974", height=0.5)
            end = min(row.end_year, last)
            axes.barh(
                i, max(end - row.ready_year, 0), left=row.ready_year, color="#937860", height=0.5
            )
            label = f" {row.units:.3g} × {row.candidate}"
        axes.text(row.year, i, label, va="center", fontsize=8)
    if not case.build_plan:
        axes.text(0.5, 0.5, "nothing built", transform=axes.transAxes, ha="center")
    axes.set_yticks([])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("year (light: lead time and ramp-up; dark: at full capacity; violet: rented)")
    axes.set_title(f"Build plan: {case.name.replace('_', ' ')}")
    return figure


def cost_per_dose_by_year(result: OutlookResult) -> Figure:
    """Cost per dose each year, one line per case."""
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for case in result.cases:
        points = [(r.year, r.cost_per_dose) for r in case.years if r.cost_per_dose is not None]
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            label=case.name.replace("_", " "),
        )
    axes.set_ylim(bottom=0)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("year")
    axes.set_ylabel(f"{result.currency} a dose")
    axes.set_title("Cost per dose by year (running, variable and capital charge)")
    axes.legend(frameon=False)
    return figure


def network_levels(result: NetworkResult) -> Figure:
    """Patients served and unserved, and cost per therapy, by demand level."""
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.add_subplot()
    labels = [
        "listed" if level.patients_per_year is None else f"{level.patients_per_year:g}/yr"
        for level in result.levels
    ]
    served = [level.patients_served for level in result.levels]
    unserved = [level.patients_unserved for level in result.levels]
    axes.bar(labels, served, color=TREATED, label="served")
    axes.bar(labels, unserved, bottom=served, color=WAITING, label="unserved")
    drawn = [
        (label, level.spread.patients_served)
        for label, level in zip(labels, result.levels, strict=True)
        if level.spread is not None
    ]
    if drawn:
        middle = [float(spread["p50"] or 0.0) for _, spread in drawn]
        axes.errorbar(
            [label for label, _ in drawn],
            middle,
            yerr=[
                [
                    m - float(spread["p5"] or 0.0)
                    for m, (_, spread) in zip(middle, drawn, strict=True)
                ],
                [
                    float(spread["p95"] or 0.0) - m
                    for m, (_, spread) in zip(middle, drawn, strict=True)
                ],
            ],
            fmt="_",
            color="black",
            capsize=4,
            label="served, P50 [P5–P95] over the samples",
        )
    axes.set_ylabel("patients over the horizon")
    twin = axes.twinx()
    twin.plot(
        labels,
        [level.cost_per_therapy or 0 for level in result.levels],
        color="black",
        marker="o",
        label="cost per therapy",
    )
    twin.set_ylim(bottom=0)
    twin.set_ylabel(f"{result.currency} a therapy")
    axes.legend(frameon=False, loc="upper left")
    axes.set_title("Patients served and cost per therapy by demand level")
    return figure


def _save(figure: Figure, folder: Path, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    figure.savefig(folder / f"{name}.png", dpi=120)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
    return svg[svg.index("<svg") :]


def write_outlook_report(
    result: OutlookResult | NetworkResult, directory: Path, stem: str
) -> list[Path]:
    """Figures, an HTML page and the JSON of an outlook or a network; returns the files
    written, relative to ``directory``."""
    with staged_folder(directory) as staging:
        figures = staging / "figures"
        svgs: list[tuple[str, str]] = []
        if isinstance(result, OutlookResult):
            svgs.append(
                (
                    "Cost per dose by year",
                    _save(cost_per_dose_by_year(result), figures, f"{stem}-cost-per-dose"),
                )
            )
            for case in result.cases:
                svgs.append(
                    (
                        f"Patients by year — {case.name}",
                        _save(patients_by_year(case), figures, f"{stem}-{case.name}-patients"),
                    )
                )
                svgs.append(
                    (
                        f"Build plan — {case.name}",
                        _save(build_plan_timeline(case), figures, f"{stem}-{case.name}-build"),
                    )
                )
        else:
            svgs.append(("Demand levels", _save(network_levels(result), figures, f"{stem}-levels")))
        data = result.to_json_dict()
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
        (staging / f"{stem}.json").write_text(text + "\n", encoding="utf-8")
        body = "\n".join(f"<h2>{html.escape(title)}</h2>\n{svg}" for title, svg in svgs)
        page = (
            "<!doctype html><html lang='en'><meta charset='utf-8'>"
            f"<title>{html.escape(result.name)}</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}svg{max-width:100%;"
            "height:auto}</style>"
            f"<h1>{html.escape(result.name)}</h1>"
            f"<p>{html.escape(result.file or '')} · sha256 {html.escape(result.sha256 or '–')} ·"
            f" genofab {html.escape(result.genofab_version)}; every figure below is also in"
            f" {html.escape(stem)}.json</p>\n{body}\n</html>\n"
        )
        (staging / f"{stem}.html").write_text(page, encoding="utf-8")
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written
