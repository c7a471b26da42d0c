"""The records section of ``genofab report``: control charts, capability, site comparison,
fits and environment excursions of a batch-records file, as HTML (its own template,
``records.html.j2``), as workbook sheets and as figures.

Drawing and tabulating only: every number comes from a :class:`RecordsReview`
(:mod:`genofab.service.records`), built by the same functions ``genofab records`` calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from genofab.service.records import RecordsReview
from genofab.views.console import number

if TYPE_CHECKING:
    from markupsafe import Markup

Sheets = dict[str, tuple[list[str], list[list[Any]]]]


def chart_key(site: str, measurement: str) -> str:
    """The name of one chart among the report's figures (and of its files): ASCII letters,
    digits and dashes ('Évry', 'titer' → 'records-chart-Evry-titer'), with a short hash of the
    names so that two sites or measurements that read alike in ASCII never share a file."""
    import hashlib
    import unicodedata

    text = unicodedata.normalize("NFKD", f"{site}-{measurement}").encode("ascii", "ignore")
    plain = re.sub(r"[^A-Za-z0-9]+", "-", text.decode()).strip("-")[:60]
    digest = hashlib.sha256(f"{site}\0{measurement}".encode()).hexdigest()[:6]
    return f"records-chart-{plain}-{digest}"


def sites_key(measurement: str) -> str:
    """The name of one measurement's sites-side-by-side figure ('records-sites-…')."""
    return chart_key("", measurement).replace("records-chart-", "records-sites-", 1)


def records_figures(review: RecordsReview) -> dict[str, tuple[str, Callable[[], Any]]]:
    """Every figure of the review: each control chart, and each measurement's sites side by
    side: name → (file name, drawing)."""
    import numpy as np

    from genofab.views.records_figures import chart_figure, sites_figure

    drawn: dict[str, tuple[str, Callable[[], Any]]] = {}
    for site, chart in review.charts:
        key = chart_key(site, chart.measurement)
        drawn[key] = (key, partial(chart_figure, chart))
    for name in dict.fromkeys(d.measurement for d in review.distributions):
        by_site = {
            d.site: [
                float(v) for v in review.lots.select(site=d.site).values(name) if np.isfinite(v)
            ]
            for d in review.distributions
            if d.measurement == name
        }
        unit = next(d.unit for d in review.distributions if d.measurement == name)
        key = sites_key(name)
        drawn[key] = (key, partial(sites_figure, name, unit, by_site))
    return drawn


def _interval(interval: Any) -> str:
    if interval.estimate is None:
        return "–"
    if interval.lower is None or interval.upper is None:
        return number(interval.estimate)
    return f"{number(interval.estimate)} ({number(interval.lower)} to {number(interval.upper)})"


def records_html(review: RecordsReview, svgs: dict[str, str]) -> Markup:
    """The records section of the HTML report (an ``<h2 id="records">`` and what follows)."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    environment = Environment(
        loader=PackageLoader("genofab.views.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    template = environment.get_template("records.html.j2")
    lots = review.lots
    per_site = [
        (site, len(chosen.lots), chosen.failures()[0], chosen.describe())
        for site in lots.sites()
        for chosen in [lots.select(site=site)]
    ]
    failed = [lot for lot in lots.in_order() if lot.failed]
    return Markup(
        template.render(
            review=review,
            lots=lots,
            per_site=per_site,
            failed=failed,
            svgs=svgs,
            chart_key=chart_key,
            sites_key=sites_key,
            n=number,
            interval=_interval,
            pct=lambda value: "–" if value is None else f"{value:.1%}",
        )
    )


def records_sheets(review: RecordsReview) -> Sheets:
    """The records as workbook sheets: lots per site, charts and their signals, capability,
    equivalence, predictions, fits and excursions (numbers as numbers, units in headers)."""
    lots = review.lots
    sheets: Sheets = {
        "Records": (
            ["site", "lots", "failed", "first lot", "last lot", "file", "sha256"],
            [
                [
                    site,
                    len(chosen.lots),
                    chosen.failures()[0],
                    span[0].isoformat() if span else None,
                    span[1].isoformat() if span else None,
                    lots.file,
                    lots.sha256,
                ]
                for site in lots.sites()
                for chosen in [lots.select(site=site)]
                for span in [chosen.span()]
            ],
        ),
        "Control charts": (
            [
                "site",
                "measurement",
                "unit",
                "chart",
                "baseline lots",
                "subgroup size",
                "centre",
                "lower limit",
                "upper limit",
                "spread centre",
                "spread upper limit",
                "sigma within",
                "provisional",
                "P(false alarm in next 20)",
                "signals",
                "note",
            ],
            [
                [
                    site,
                    c.measurement,
                    c.unit,
                    c.kind,
                    c.baseline_points,
                    c.subgroup_size,
                    c.location.center,
                    c.location.lower,
                    c.location.upper,
                    c.spread.center,
                    c.spread.upper,
                    c.sigma_within,
                    "yes" if c.provisional else "no",
                    c.false_alarm_next_20,
                    len(c.signals),
                    c.note,
                ]
                for site, c in review.charts
            ],
        ),
        "Chart signals": (
            ["site", "measurement", "lot", "point", "rule", "pattern"],
            [
                [site, c.measurement, s.lot, s.index + 1, s.rule, s.description]
                for site, c in review.charts
                for s in c.signals
            ],
        ),
    }
    if review.capability:
        sheets["Capability"] = (
            [
                "measurement",
                "unit",
                "site",
                "lots",
                "method",
                "lower spec",
                "upper spec",
                *[
                    f"{name}{end}"
                    for name in ("Cp", "Cpk", "Pp", "Ppk")
                    for end in ("", " low", " high")
                ],
                "confidence",
                "expected out of spec",
                "observed out of spec",
                "normality AD statistic",
                "normality AD p",
                "normality AD p bound",
                "note",
            ],
            [
                [
                    r.measurement,
                    r.unit,
                    site,
                    r.lots,
                    r.method,
                    r.lower_spec,
                    r.upper_spec,
                    *[
                        value
                        for index in (r.cp, r.cpk, r.pp, r.ppk)
                        for value in (index.estimate, index.lower, index.upper)
                    ],
                    r.confidence,
                    r.expected_out_of_spec,
                    r.observed_out_of_spec,
                    *(
                        (r.normality.statistic, r.normality.p_value, r.normality.p_bound)
                        if r.normality
                        else (None, None, None)
                    ),
                    r.note,
                ]
                for site, r in review.capability
            ],
        )
    if review.capability:
        sheets["Out of spec lots"] = (
            ["measurement", "site", "lot", "value", "side", "limit"],
            [[name, site, o.lot, o.value, o.side, o.limit] for name, site, o in review.out_of_spec],
        )
    if review.distributions:
        sheets["Site distributions"] = (
            [
                "measurement",
                "unit",
                "site",
                "lots",
                "mean",
                "sd",
                "minimum",
                "lower quartile",
                "median",
                "upper quartile",
                "maximum",
                "geometric mean",
                "geometric sd",
            ],
            [
                [
                    d.measurement,
                    d.unit,
                    d.site,
                    d.lots,
                    d.mean,
                    d.sd,
                    d.minimum,
                    d.lower_quartile,
                    d.median,
                    d.upper_quartile,
                    d.maximum,
                    d.geometric_mean,
                    d.geometric_sd,
                ]
                for d in review.distributions
            ],
        )
    if review.equivalence:
        sheets["Equivalence"] = (
            [
                "measurement",
                "unit",
                "reference",
                "site",
                "lots reference",
                "lots site",
                "scale",
                "estimate",
                "interval low",
                "interval high",
                "margin low",
                "margin high",
                "margin source",
                "TOST p",
                "equivalent",
                "power",
                "lots a site for 80 %",
            ],
            [
                [
                    v.measurement,
                    v.unit,
                    v.reference,
                    v.site,
                    v.lots_reference,
                    v.lots_site,
                    v.scale,
                    v.estimate,
                    v.interval[0],
                    v.interval[1],
                    v.margin[0],
                    v.margin[1],
                    v.margin_source,
                    v.p_value,
                    "yes" if v.equivalent else "no",
                    v.power,
                    v.lots_for_80_percent,
                ]
                for v in review.equivalence
            ],
        )
    if review.predictions:
        sheets["Site predictions"] = (
            [
                "result",
                "unit",
                "reference",
                "site",
                "mean reference",
                "mean site",
                "P(site better)",
                "P(tie)",
                "samples",
                "seed",
            ],
            [
                [
                    row["result"],
                    row["unit"],
                    block["reference"],
                    block["site"],
                    row["mean_reference"],
                    row["mean_site"],
                    row["site_better"],
                    row["tie"],
                    block["samples"],
                    block["seed"],
                ]
                for block in review.predictions
                for row in block["results"]
            ],
        )
    if review.fits:
        sheets["Fits"] = (
            [
                "site",
                "measurement",
                "parameter",
                "unit of parameters",
                "candidate",
                "chosen",
                "AIC",
                "KS p",
                "AD statistic",
                "AD p",
                "AD p bound",
                "parameters",
                "written (predictive)",
                "source",
            ],
            [
                [
                    fitted.site,
                    f.measurement,
                    f.path,
                    f.base_unit,
                    c.kind,
                    "yes" if c.kind == f.fit.chosen else "",
                    c.aic,
                    c.ks_p_value,
                    c.anderson_darling.statistic,
                    c.anderson_darling.p_value,
                    c.anderson_darling.p_bound,
                    ", ".join(f"{k} {v:.6g}" for k, v in c.parameters.items()),
                    ", ".join(f"{k} {v:.6g}" for k, v in f.fit.predictive.items())
                    if c.kind == f.fit.chosen and fitted.scenario is not None
                    else "",
                    f.source if c.kind == f.fit.chosen else "",
                ]
                for fitted in review.fits
                for f in fitted.calibration.fits
                for c in f.fit.candidates
            ]
            + [
                [
                    fitted.site,
                    "outcome",
                    "economics.lot_failure_probability",
                    "",
                    "beta posterior",
                    "yes",
                    None,
                    None,
                    None,
                    None,
                    None,
                    f"{r.failed} failed of {r.lots}",
                    f"alpha {r.alpha:g}, beta {r.beta:g}, mean {r.mean:.4g}",
                    r.prior,
                ]
                for fitted in review.fits
                for r in [fitted.calibration.failure]
                if r is not None
            ],
        )
    if review.excursions is not None:
        sheets["Excursions"] = (
            [
                "#",
                "room",
                "grade",
                "measure",
                "level",
                "start",
                "end",
                "hours",
                "ongoing",
                "readings",
                "worst",
                "limit",
                "limit source",
            ],
            [
                [
                    i,
                    e.room,
                    e.grade,
                    e.measure,
                    e.level,
                    f"{e.start:%Y-%m-%d %H:%M}",
                    f"{e.end:%Y-%m-%d %H:%M}",
                    e.hours,
                    "yes" if e.ongoing else "no",
                    e.readings,
                    e.worst,
                    e.limit,
                    e.limit_source,
                ]
                for i, e in enumerate(review.excursions.excursions)
            ],
        )
        sheets["Flagged lots"] = (
            ["lot", "site", "room", "excursions (#)"],
            [
                [f.lot_id, f.site, f.room, ", ".join(str(i) for i in f.excursions)]
                for f in review.excursions.flagged_lots
            ],
        )
    if review.notes:
        sheets["Records notes"] = (["note"], [[note] for note in review.notes])
    return sheets


def write_records_report(review: RecordsReview, directory: Path, stem: str) -> list[Path]:
    """A report of the records alone: an HTML page, a workbook and the charts (PNG, SVG),
    written into ``directory`` only when all of it succeeded."""
    from datetime import UTC, datetime

    from jinja2 import Environment, PackageLoader, select_autoescape

    from genofab.io.files import staged_folder
    from genofab.views.reports.excel import write_sheets
    from genofab.views.reports.report import _save, check_stem

    check_stem(stem)
    with staged_folder(directory) as staging:
        folder = staging / "figures"
        folder.mkdir(parents=True)
        svgs = {
            name: _save(draw(), folder / f"{stem}-{file_name}")
            for name, (file_name, draw) in records_figures(review).items()
        }
        environment = Environment(
            loader=PackageLoader("genofab.views.reports", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
        )
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        page = environment.get_template("records_page.html.j2").render(
            title=f"Batch records: {Path(review.lots.file).name}",
            section=records_html(review, svgs),
            generated=generated,
        )
        (staging / f"{stem}.html").write_text(page, encoding="utf-8")
        write_sheets(staging / f"{stem}.xlsx", records_sheets(review))
        written = sorted(path.relative_to(staging) for path in staging.rglob("*") if path.is_file())
    return written
