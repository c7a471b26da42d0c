"""``genofab report CHAIN``: the therapy's report (HTML, Excel workbook, figures as PNG and SVG)
for a chain of stages: the headline (patients a year, what limits them, the cost per patient),
the stages side by side, the cost per patient by stage, the spread when a Monte Carlo ran, and
each stage's inputs with their sources. Written only when all of it succeeded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from genofab.io.files import staged_folder
from genofab.results.chain import ChainMonteCarloResult, ChainResult
from genofab.views.chain_console import chain_label, spread_text
from genofab.views.console import number
from genofab.views.reports.report import _Figures, _save, check_stem, cite, cited_sources
from genofab.views.uncertainty_tables import describe

Sheets = dict[str, tuple[list[str], list[list[Any]]]]


def chain_headline(result: ChainResult) -> list[tuple[str, str, float | None, str]]:
    """(result name, label, deterministic value, unit) of the therapy's headline figures."""
    rows: list[tuple[str, str, float | None, str]] = [
        (
            "patients_per_year",
            "patients per year (after lot failures)",
            result.patients_per_year,
            "patients/yr",
        ),
    ]
    cost = result.cost_per_patient
    if cost is not None:
        rows.append(
            ("cost_per_patient.total", "cost per patient: total", cost.total, cost.currency)
        )
        rows += [
            (f"cost_per_patient.by_stage.{name}", f"cost per patient: {name}", value, cost.currency)
            for name, value in cost.by_stage.items()
        ]
    if result.fair_price is not None and cost is not None:
        rows.append(
            ("fair_price.total", result.fair_price.label, result.fair_price.total, cost.currency)
        )
    if result.cohort_patients is not None:
        rows.append(
            (
                "years_to_treat_cohort",
                f"years to treat {result.cohort_patients:,} patients",
                result.years_to_treat_cohort,
                "yr",
            )
        )
        rows.append(
            (
                "years_to_release_cohort",
                "years to the last patient's release",
                result.years_to_release_cohort,
                "yr",
            )
        )
    rows += [
        (f"upstream_lots_per_year.{name}", f"{name} lots to start a year", float(lots), "lots/yr")
        for name, lots in result.upstream_lots_per_year.items()
    ]
    return rows


def stage_figure(result: ChainResult, spread: ChainMonteCarloResult | None) -> Figure:
    """Patients a year each stage alone allows (bars; P5–P95 whiskers with a Monte Carlo) and
    the chain's patients a year (line)."""
    figure = Figure(figsize=(8, 4), layout="constrained")
    axes = figure.add_subplot()
    names = [stage.name for stage in result.stages]
    values = [stage.patients_per_year for stage in result.stages]
    bars = axes.bar(names, values, color="#4c72b0", label="this stage alone")
    if spread is not None:
        low, high = [], []
        for name, value in zip(names, values, strict=True):
            s = spread.results[f"stage_patients_per_year.{name}"]
            low.append(max(value - (s.p5 if s.p5 is not None else value), 0.0))
            high.append(max((s.p95 if s.p95 is not None else value) - value, 0.0))
        axes.errorbar(
            names,
            values,
            yerr=[low, high],
            fmt="none",
            ecolor="black",
            capsize=4,
            label=f"P5–P95 of {spread.samples:,} samples",
        )
    axes.axhline(result.patients_per_year, color="#c44e52", label="the chain (after failures)")
    axes.bar_label(bars, labels=[number(v) for v in values], padding=2, fontsize=8)
    axes.set_yscale("log")
    axes.set_ylabel("patients per year")
    axes.set_title("Patients per year: each stage alone and the chain")
    axes.legend(frameon=False, fontsize=8)
    return figure


def cost_figure(result: ChainResult, spread: ChainMonteCarloResult | None) -> Figure:
    """Cost per patient as one bar stacked by stage (with the total's P5–P95 with a Monte
    Carlo)."""
    assert result.cost_per_patient is not None
    cost = result.cost_per_patient
    figure = Figure(figsize=(8, 3), layout="constrained")
    axes = figure.add_subplot()
    left = 0.0
    for name, value in cost.by_stage.items():
        axes.barh(
            ["per patient"], [value], left=left, label=f"{name} ({cost.share_by_stage[name]:.0%})"
        )
        left += value
    if spread is not None:
        total = spread.results.get("cost_per_patient.total")
        if total is not None and total.p5 is not None and total.p95 is not None:
            axes.errorbar(
                [cost.total],
                ["per patient"],
                xerr=[[max(cost.total - total.p5, 0.0)], [max(total.p95 - cost.total, 0.0)]],
                fmt="none",
                ecolor="black",
                capsize=6,
                label=f"total, P5–P95 of {spread.samples:,} samples",
            )
    axes.set_xlabel(f"{cost.currency} per patient treated")
    axes.set_title(f"Cost per patient by stage: {number(cost.total)} {cost.currency} in all")
    axes.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=3)
    return figure


def chain_sheets(
    result: ChainResult, spread: ChainMonteCarloResult | None, generated: str
) -> Sheets:
    """The workbook's sheets: run, headline, stages, cost by stage, spread, inputs."""
    ranges = spread.results if spread is not None else {}
    sheets: Sheets = {
        "Run": (
            ["item", "value"],
            [
                ["chain", result.chain.name],
                ["file", result.chain.file],
                ["sha256", result.chain.sha256],
                ["genofab version", result.genofab_version],
                ["generated", generated],
                ["limited by (stage)", result.bottleneck.stage or "shared room"],
                ["limited by (room)", result.bottleneck.room],
            ],
        ),
        "Headline": (
            ["figure", "unit", "deterministic", "P5", "P50", "P95"],
            [
                [label, unit, value, *_quantiles(ranges.get(name))]
                for name, label, value, unit in chain_headline(result)
            ],
        ),
        "Stages": (
            [
                "stage",
                "scenario file",
                "consumes",
                "unit consumed",
                "patients/lot",
                "lots/yr",
                "good lots/yr",
                "patients/yr alone",
                "bottleneck room",
                "lots needed/yr",
                "doses per patient treated",
                "cost per patient",
            ],
            [
                [
                    s.name,
                    s.scenario.file,
                    s.consumes,
                    s.consumes_unit,
                    s.patients_per_lot,
                    s.lots_per_year,
                    s.good_lots_per_year,
                    s.patients_per_year,
                    s.bottleneck_room,
                    s.lots_needed_per_year,
                    s.doses_per_patient_treated,
                    s.cost_per_patient,
                ]
                for s in result.stages
            ],
        ),
        "Inputs": (
            ["stage", "input", "value", "unit", "as given", "source"],
            [
                [s.name, row.path, row.value, row.unit, row.given, row.source]
                for s in result.stages
                for row in s.result.inputs
            ],
        ),
    }
    if spread is not None:
        sheets["Spread"] = (
            [
                "result",
                "unit",
                "deterministic",
                "mean",
                "sd",
                "P5",
                "P50",
                "P95",
                "min",
                "max",
                "samples with a value",
            ],
            [
                [
                    chain_label(name),
                    spread.units[name],
                    s.value,
                    s.mean,
                    s.sd,
                    s.p5,
                    s.p50,
                    s.p95,
                    s.min,
                    s.max,
                    s.samples,
                ]
                for name, s in spread.results.items()
            ],
        )
        sheets["Limits"] = (
            ["stage or shared room", "share of samples"],
            [[name, share] for name, share in spread.limit_probability.items()],
        )
    return sheets


def _quantiles(spread: Any) -> list[float | None]:
    if spread is None:
        return [None, None, None]
    return [spread.p5, spread.p50, spread.p95]


def write_chain_report(
    result: ChainResult,
    directory: Path,
    stem: str,
    description: str | None = None,
    spread: ChainMonteCarloResult | None = None,
) -> list[Path]:
    """Render and write the chain's report; returns the files written, relative to
    ``directory``."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from genofab.views.reports.excel import write_sheets

    check_stem(stem)
    with staged_folder(directory) as staging:
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        folder = staging / "figures"
        folder.mkdir(parents=True)
        svgs = {"stages": _save(stage_figure(result, spread), folder / f"{stem}-stages")}
        if result.cost_per_patient is not None:
            svgs["cost"] = _save(cost_figure(result, spread), folder / f"{stem}-cost-by-stage")
        ranges = spread.results if spread is not None else {}
        headline = [
            (
                label,
                f"{number(value)} {unit}".rstrip(),
                spread_text(ranges[name]) if name in ranges and ranges[name].samples else "",
            )
            for name, label, value, unit in chain_headline(result)
        ]
        texts = [row.source or "" for stage in result.stages for row in stage.result.inputs]
        environment = Environment(
            loader=PackageLoader("genofab.views.reports", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
        )
        page = environment.get_template("chain_report.html.j2").render(
            result=result,
            spread=spread,
            headline=headline,
            figures=_Figures(svgs),
            generated=generated,
            description=description,
            ranged=lambda name: spread_text(ranges[name]) if name in ranges else "",
            chain_label=chain_label,
            describe=describe,
            cite=cite,
            cited=cited_sources(texts),
            n=number,
            pct=lambda value: "–" if value is None else f"{value:.1%}",
        )
        (staging / f"{stem}.html").write_text(page, encoding="utf-8")
        write_sheets(staging / f"{stem}.xlsx", chain_sheets(result, spread, generated))
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written
