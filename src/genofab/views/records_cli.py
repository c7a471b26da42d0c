"""``genofab records …``: batch records checked, charted, judged for capability, fitted into a
scenario, compared between sites, and environment monitoring judged against its limits.

Thin: read the records (all or nothing), call an engine of :mod:`genofab.engines.records`,
render the result. Problems in a file are listed with their sheet, row and column on stderr;
the exit status is then 2 and nothing is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from genofab.errors import GenofabError
from genofab.views.cli import EXIT_BAD_INPUT, FormatOption, OutputFormat, reports_errors
from genofab.views.records_options import BaselineOption, LayoutOption, MarginOption

records_app = typer.Typer(
    name="records",
    help="Batch records: check, control charts, capability, fits, site comparison, monitoring.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

RecordsPath = Annotated[
    Path, typer.Argument(help="lot records (.csv or .xlsx)", show_default=False)
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="the workbook sheet (default: 'lots', else the first)")
]
SiteOption = Annotated[str | None, typer.Option("--site", help="only the lots of this site")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _lots(file: Path, sheet: str | None, site: str | None = None, layout: str = "auto") -> Any:
    from genofab.io.records import read_lots

    records = read_lots(file, sheet, layout=layout)
    return records.select(site=site) if site else records


@records_app.command()
@reports_errors
def check(
    files: Annotated[list[Path], typer.Argument(help="lot or environment-monitoring files")],
    sheet: SheetOption = None,
    layout: LayoutOption = "auto",
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Check record files against the records format; list every problem with its sheet, row
    and column. Nothing is stored or written."""
    from genofab.io.records import is_monitoring, lots_of, parse_monitoring, read_grid

    failed = False
    summaries = []
    for file in files:
        try:
            grid = read_grid(file, sheet)
            if is_monitoring(grid):
                monitoring = parse_monitoring(grid)
                rooms = sorted({r.room for r in monitoring.readings})
                summary: dict[str, Any] = {
                    "file": str(file),
                    "kind": "environment monitoring",
                    "sha256": monitoring.sha256,
                    "readings": len(monitoring.readings),
                    "rooms": rooms,
                }
                text = f"{file}: valid monitoring ({len(monitoring.readings)} readings,"
                text += f" rooms {', '.join(rooms)})"
            else:
                lots = lots_of(grid, layout=layout)
                failures, count = lots.failures()
                per_site = {site: len(lots.select(site=site).lots) for site in lots.sites()}
                summary = {
                    "file": str(file),
                    "kind": "lots",
                    "sha256": lots.sha256,
                    "lots": count,
                    "failed": failures,
                    "sites": per_site,
                    "products": list(lots.products()),
                    "measurements": [
                        {"name": m.name, "unit": m.unit, "replicates": m.replicates}
                        for m in lots.measurements
                    ],
                }
                sites = ", ".join(f"{site} {n}" for site, n in per_site.items())
                text = (
                    f"{file}: valid ({count} lots, {failures} failed; sites: {sites};"
                    f" {len(lots.measurements)} measurements: "
                    + ", ".join(
                        f"{m.name} [{m.unit or '-'}]"
                        + (f" ×{m.replicates}" if m.replicates > 1 else "")
                        for m in lots.measurements
                    )
                    + ")"
                )
        except GenofabError as error:
            sys.stderr.write(f"{error}\n")
            failed = True
            continue
        summaries.append(summary)
        if output_format is OutputFormat.TABLE:
            sys.stdout.write(text + "\n")
    if output_format is OutputFormat.JSON:
        _print_json(summaries)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


ParameterOption = Annotated[
    list[str] | None,
    typer.Option("--parameter", "-p", help="a measurement (repeatable); default: every one"),
]


@records_app.command()
@reports_errors
def chart(
    file: RecordsPath,
    parameters: ParameterOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="folder for the charts (image + HTML)")
    ] = None,
    site: SiteOption = None,
    baseline: BaselineOption = None,
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules",
            help="nelson, western-electric, none, or single rules such as nelson2 (repeatable)",
        ),
    ] = None,
    image: Annotated[str, typer.Option("--image", help="png or svg")] = "png",
    log: Annotated[
        bool, typer.Option("--log", help="chart the natural logarithm (skewed values: titres)")
    ] = False,
    means: Annotated[
        bool, typer.Option("--means", help="chart replicates' lot means as individuals (I-MR)")
    ] = False,
    sheet: SheetOption = None,
    layout: LayoutOption = "auto",
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Control charts (I-MR, or X̄-R/S for replicates) with limits from a frozen baseline, the
    run rules' signals, and the false-alarm rate limits from few lots imply."""
    from genofab.engines.records.control import choose_rules
    from genofab.errors import UsageError
    from genofab.service.records import chart_for
    from genofab.views.records_figures import IMAGE_FORMATS

    if image not in IMAGE_FORMATS:
        raise UsageError(f"--image {image}: choose png or svg")
    records = _lots(file, sheet, site, layout)
    chosen = choose_rules(rules or ["nelson"])
    names = parameters or [m.name for m in records.measurements]
    charts = [chart_for(records, name, baseline, chosen, log, means) for name in names]
    if output is not None:
        _write_charts(charts, output, image)
    if output_format is OutputFormat.JSON:
        _print_json([c.model_dump(mode="json") for c in charts])
        return
    for c in charts:
        lower = "-" if c.location.lower is None else f"{c.location.lower:.4g}"
        sys.stdout.write(
            f"{c.measurement} [{c.unit or '-'}]: {c.kind}, centre {c.location.center:.4g},"
            f" limits {lower} to {c.location.upper:.4g}; {len(c.signals)} signal"
            f"{'s' if len(c.signals) != 1 else ''}\n  {c.note}\n"
        )
        for signal in c.signals:
            sys.stdout.write(f"  lot {signal.lot}: {signal.rule} ({signal.description})\n")


def _write_charts(charts: list[Any], output: Path, image: str) -> None:
    from genofab.io.files import staged_folder
    from genofab.views.cli import list_written
    from genofab.views.records_figures import chart_html, file_stem, write_chart_image

    written = []
    with staged_folder(output) as staging:
        for c in charts:
            stem = file_stem(c.measurement)
            write_chart_image(c, staging / f"{stem}.{image}", image)
            (staging / f"{stem}.html").write_text(chart_html(c), encoding="utf-8")
            written += [Path(f"{stem}.{image}"), Path(f"{stem}.html")]
    list_written(output, written)


@records_app.command()
@reports_errors
def capability(
    file: RecordsPath,
    parameter: Annotated[str, typer.Option("--parameter", "-p", help="the measurement")],
    lower: Annotated[
        float | None, typer.Option("--lower", help="lower specification, in the column's unit")
    ] = None,
    upper: Annotated[
        float | None, typer.Option("--upper", help="upper specification, in the column's unit")
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help="normal, lognormal, boxcox or percentile")
    ] = "normal",
    confidence: Annotated[float, typer.Option("--confidence", help="interval level")] = 0.95,
    site: SiteOption = None,
    sheet: SheetOption = None,
    layout: LayoutOption = "auto",
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Cp, Cpk, Pp and Ppk with confidence intervals, per site when the file has several."""
    from genofab.service.records import Specification, capability_by_site, lots_out_of_spec

    records = _lots(file, sheet, site, layout)
    unit = records.measurements[records.measurement_index(parameter)].unit
    spec = Specification(lower, upper)
    results = capability_by_site(records, parameter, spec, method=method, confidence=confidence)
    outside = lots_out_of_spec(records, parameter, spec)
    if output_format is OutputFormat.JSON:
        _print_json(
            [
                {
                    "site": s,
                    **r.model_dump(mode="json"),
                    "out_of_spec_lots": [o.model_dump(mode="json") for at, o in outside if at == s],
                }
                for s, r in results
            ]
        )
        return

    def shown(interval: Any) -> str:
        if interval.estimate is None:
            return "-"
        if interval.lower is None:
            return f"{interval.estimate:.2f}"
        return f"{interval.estimate:.2f} ({interval.lower:.2f} to {interval.upper:.2f})"

    for each, r in results:
        sys.stdout.write(
            f"{parameter} [{unit or '-'}], site {each}, {r.lots} lots, {r.method}:"
            f" Cp {shown(r.cp)}, Cpk {shown(r.cpk)}, Pp {shown(r.pp)}, Ppk {shown(r.ppk)}"
            f" ({r.confidence:.0%} intervals); expected out of spec {r.expected_out_of_spec:.2%},"
            f" observed {r.observed_out_of_spec}\n  {r.note}\n"
        )
        for at, o in outside:
            if at == each:
                sys.stdout.write(
                    f"  out of specification: lot {o.lot}, {o.value:.4g} {o.side} {o.limit:g}\n"
                )


MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="MEASUREMENT=PATH: the scenario parameter a measurement measures (repeatable)",
    ),
]


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    from genofab.errors import UsageError

    found = {}
    for pair in pairs or []:
        name, sep, path = pair.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(f"--map '{pair}': write MEASUREMENT=PATH")
        found[name.strip()] = path.strip()
    return found


def _one_site(records: Any, site: str | None, command: str) -> Any:
    from genofab.errors import UsageError

    if site is not None:
        return records.select(site=site)
    sites = records.sites()
    if len(sites) > 1:
        raise UsageError(
            f"{records.file} has {len(sites)} sites ({', '.join(sites)}): {command} one at a"
            " time with --site (pooling sites hides a difference between them)"
        )
    return records


@records_app.command()
@reports_errors
def fit(
    file: RecordsPath,
    scenario: Annotated[Path, typer.Option("--scenario", "-s", help="the scenario to calibrate")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the calibrated copy (YAML)")],
    site: SiteOption = None,
    parameters: ParameterOption = None,
    mapping: MapOption = None,
    failures: Annotated[
        bool, typer.Option("--failures/--no-failures", help="fit the lot failure rate too")
    ] = True,
    sheet: SheetOption = None,
    layout: LayoutOption = "auto",
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Fit distributions to the lots (normal, lognormal, gamma, Weibull, beta; ranked by AIC)
    and write them into a copy of the scenario as the uncertainty of the parameters they
    measure, with the records as their source."""
    from genofab.errors import UsageError
    from genofab.io.files import write_text_atomically
    from genofab.io.records_scenario import calibrate, calibrated_text
    from genofab.io.scenario_file import load_scenario, parse_scenario

    if output.resolve() == scenario.resolve():
        raise UsageError("-o would overwrite the scenario: write the calibrated copy elsewhere")
    records = _one_site(_lots(file, sheet, None, layout), site, "fit")
    loaded = load_scenario(scenario)
    calibration = calibrate(
        records,
        loaded.scenario,
        mapping=_mapping(mapping),
        parameters=parameters,
        failures=failures,
    )
    if not calibration.fits and calibration.failure is None:
        raise UsageError("no measurement matches a scenario parameter: map them with --map")
    text = calibrated_text(scenario.read_text(encoding="utf-8"), calibration)
    parse_scenario(text, str(output))  # the copy must be a valid scenario before it is written
    write_text_atomically(output, text)
    sys.stderr.write(f"{output}\n")
    report = {
        "records": records.describe(),
        "scenario": str(scenario),
        "output": str(output),
        "fits": [
            {
                "measurement": f.measurement,
                "path": f.path,
                "unit": f.unit,
                "base_unit": f.base_unit,
                "uncertainty": f.uncertainty,
                **f.fit.model_dump(mode="json"),
            }
            for f in calibration.fits
        ],
        "failure_rate": None
        if calibration.failure is None
        else calibration.failure.model_dump(mode="json"),
        "skipped": [
            {"measurement": m.measurement, "reason": m.reason} for m in calibration.skipped
        ],
    }
    if output_format is OutputFormat.JSON:
        _print_json(report)
        return
    sys.stdout.write(f"{records.describe()} → {output}\n")
    for f in calibration.fits:
        shown_unit = f", parameters in {f.base_unit}" if f.base_unit else ""
        sys.stdout.write(f"{f.measurement} → {f.path}: {f.fit.chosen}{shown_unit}\n")
        for c in f.fit.candidates:
            shown = ", ".join(
                f"{name} {value:.4g} ({c.intervals[name][0]:.4g} to {c.intervals[name][1]:.4g})"
                for name, value in c.parameters.items()
            )
            ad = c.anderson_darling
            sys.stdout.write(
                f"  {c.kind:<9} AIC {c.aic:10.2f}  KS p {c.ks_p_value:.2f}  {ad.shown()}  {shown}"
                f"{'' if c.writable else '  (not a kind the scenario format draws)'}\n"
            )
        sys.stdout.write(f"  {f.fit.note}\n")
    if calibration.failure is not None:
        r = calibration.failure
        sys.stdout.write(
            f"lot failure probability: {r.failed} of {r.lots} lots failed → Beta({r.alpha:g},"
            f" {r.beta:g}), mean {r.mean:.3f} (95 % {r.lower:.3f} to {r.upper:.3f})\n"
        )
    for m in calibration.skipped:
        sys.stdout.write(f"not fitted: {m.measurement} ({m.reason})\n")


def _margins(pairs: list[str] | None, names: list[str]) -> dict[str, Any]:
    """``--margin titer=20%`` (a ratio 0.8 to 1.25 or a difference of ±20 % of the reference
    mean) or ``--margin step_yield=5`` (± 5 in the column's unit)."""
    from genofab.errors import UsageError, did_you_mean
    from genofab.service.records import Margin

    found: dict[str, Margin] = {}
    for pair in pairs or []:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise UsageError(f"--margin '{pair}': write MEASUREMENT=20% or MEASUREMENT=AMOUNT")
        if name not in names:
            raise UsageError(f"--margin {pair}: no measurement '{name}'{did_you_mean(name, names)}")
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip())
        except ValueError:
            raise UsageError(f"--margin {pair}: '{text}' is not a number") from None
        if not (0 < value < (100 if percent else float("inf"))):
            raise UsageError(f"--margin {pair}: give a positive margin (a percentage below 100)")
        found[name] = Margin("percent" if percent else "amount", value)
    return found


@records_app.command()
@reports_errors
def compare(
    file: RecordsPath,
    by: Annotated[str, typer.Option("--by", help="what to compare: site")] = "site",
    reference: Annotated[
        str | None, typer.Option("--reference", help="the reference site (default: the first)")
    ] = None,
    parameters: ParameterOption = None,
    margins: MarginOption = None,
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            "-s",
            help="compare sites on each lot's doses per lot and cost per dose (--margin"
            " doses_per_lot=2, cogs_per_dose=5000) and predict patients/yr and cost/dose per site"
            " from each site's fitted distributions",
        ),
    ] = None,
    samples: Annotated[int, typer.Option("--samples", "-n", help="Monte Carlo samples")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="seed of the common random numbers")] = 1,
    mapping: MapOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="folder for a figure of each measurement's sites side by side"
        ),
    ] = None,
    image: Annotated[str, typer.Option("--image", help="png or svg")] = "png",
    sheet: SheetOption = None,
    layout: LayoutOption = "auto",
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Sites compared: each measurement's lots side by side, equivalence by TOST with its
    margin and power, and (with --scenario) patients per year and cost per dose per site with
    P(B better) on common random numbers."""
    from genofab.engines.records.consequences import CONSEQUENCES
    from genofab.errors import UsageError
    from genofab.service.records import (
        consequence_equivalence,
        reference_site,
        site_distributions,
        site_equivalence,
        site_fits,
        site_predictions,
    )
    from genofab.views.records_figures import IMAGE_FORMATS

    if by != "site":
        raise UsageError(f"--by {by}: sites are what can be compared (--by site)")
    if image not in IMAGE_FORMATS:
        raise UsageError(f"--image {image}: choose png or svg")
    records = _lots(file, sheet, None, layout)
    first, others = reference_site(records, reference)
    names = [m.name for m in records.measurements]
    chosen = parameters or names
    for name in chosen:
        records.measurement_index(name)
    stated = _margins(margins, [*names, *CONSEQUENCES])
    if scenario is None and any(name in CONSEQUENCES for name in stated):
        raise UsageError(
            "--margin doses_per_lot/cogs_per_dose: these come from the scenario; give --scenario"
        )
    ordered = [first, *others]
    distributions = sorted(
        site_distributions(records, chosen),
        key=lambda d: (chosen.index(d.measurement), ordered.index(d.site)),
    )
    verdicts = site_equivalence(records, first, chosen, stated)
    consequences = []
    predictions = []
    if scenario is not None:
        from genofab.engines.uncertainty.monte_carlo import check_samples
        from genofab.io.scenario_file import load_scenario

        check_samples(samples)
        consequences = consequence_equivalence(
            records, load_scenario(scenario).scenario, first, stated, _mapping(mapping)
        )
        fits = site_fits(records, [first, *others], scenario, _mapping(mapping))
        predictions = site_predictions(fits, samples, seed)
    if output is not None:
        _write_site_figures(records, chosen, ordered, output, image)
    if output_format is OutputFormat.JSON:
        _print_json(
            {
                "reference": first,
                "distributions": [d.model_dump(mode="json") for d in distributions],
                "equivalence": [v.model_dump(mode="json") for v in verdicts],
                "consequences": [v.model_dump(mode="json") for v in consequences],
                "predictions": predictions,
            }
        )
        return
    shown = ""
    for d in distributions:
        if d.measurement != shown:
            shown = d.measurement
            sys.stdout.write(f"{d.measurement} [{d.unit or '-'}] by site:\n")
        spread = "-" if d.sd is None else f"{d.sd:.4g}"
        geometric = (
            f"; geometric mean {d.geometric_mean:.4g}, gsd {d.geometric_sd:.3g}"
            if d.geometric_mean is not None
            and d.geometric_sd is not None
            and d.unit not in {"", "%"}  # amounts whose spread is multiplicative (titres)
            else ""
        )
        sys.stdout.write(
            f"  {d.site}: {d.lots} lots, mean {d.mean:.4g}, SD {spread}, median {d.median:.4g}"
            f" (quartiles {d.lower_quartile:.4g} to {d.upper_quartile:.4g}), range"
            f" {d.minimum:.4g} to {d.maximum:.4g}{geometric}\n"
        )
    for v in [*verdicts, *consequences]:
        sys.stdout.write(
            f"{v.measurement} [{v.unit or '-'}], {v.site} vs {v.reference}"
            f" ({v.lots_site} and {v.lots_reference} lots): {v.note}\n"
            f"  margin: {v.margin_source}\n"
        )
    for block in predictions:
        sys.stdout.write(
            f"predicted from each site's fitted distributions ({block['samples']:,} paired"
            f" samples, seed {block['seed']}), {block['site']} vs {block['reference']}:\n"
        )
        for row in block["results"]:
            sys.stdout.write(
                f"  {row['result']} [{row['unit']}]: {block['reference']} mean"
                f" {row['mean_reference']:.4g}, {block['site']} mean {row['mean_site']:.4g};"
                f" P({block['site']} better) = {row['site_better']:.2f}\n"
            )


def _write_site_figures(
    records: Any, names: list[str], sites: list[str], output: Path, image: str
) -> None:
    """A figure of each measurement's lots at each site side by side (``NAME-by-site``)."""
    import numpy as np

    from genofab.io.files import staged_folder
    from genofab.views.cli import list_written
    from genofab.views.records_figures import file_stem, sites_figure

    written = []
    with staged_folder(output) as staging:
        for name in names:
            unit = records.measurements[records.measurement_index(name)].unit
            by_site = {}
            for site in sites:
                values = records.select(site=site).values(name)
                if np.isfinite(values).any():
                    by_site[site] = [float(v) for v in values if np.isfinite(v)]
            path = Path(f"{file_stem(name)}-by-site.{image}")
            sites_figure(name, unit, by_site).savefig(staging / path, format=image, dpi=110)
            written.append(path)
    list_written(output, written)


@records_app.command()
@reports_errors
def monitor(
    file: Annotated[
        Path, typer.Argument(help="environment monitoring (.csv or .xlsx)", show_default=False)
    ],
    lots: Annotated[
        Path | None, typer.Option("--lots", help="lot records: flag lots made during excursions")
    ] = None,
    sheet: SheetOption = None,
    layout: LayoutOption = "auto",
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Environment monitoring against alert and action limits (EU GMP Annex 1 by grade, or the
    file's own): excursions with their duration, and the lots made in a room during one."""
    from genofab.engines.records.monitoring import monitoring_report
    from genofab.io.records import read_lots, read_monitoring

    readings = read_monitoring(file, sheet)
    lot_records = read_lots(lots, layout=layout) if lots is not None else None
    report = monitoring_report(readings, lot_records)
    if output_format is OutputFormat.JSON:
        _print_json(report.model_dump(mode="json"))
        return
    sys.stdout.write(
        f"{file}: {report.readings} readings, rooms {', '.join(report.rooms)};"
        f" {len(report.excursions)} excursion{'s' if len(report.excursions) != 1 else ''}\n"
    )
    for i, e in enumerate(report.excursions):
        sys.stdout.write(
            f"  [{i}] {e.room} (grade {e.grade}) {e.measure}: {e.level.upper()} from"
            f" {e.start:%Y-%m-%d %H:%M} to {e.end:%Y-%m-%d %H:%M}"
            f" ({e.hours:g} h{', ongoing at the last reading' if e.ongoing else ''}),"
            f" {e.readings} reading{'s' if e.readings != 1 else ''}, worst {e.worst:g}"
            f" against {e.limit:g}\n      limit: {e.limit_source}\n"
        )
    for lot in report.flagged_lots:
        sys.stdout.write(
            f"  lot {lot.lot_id} ({lot.site}) was in {lot.room} during excursion"
            f" {', '.join(str(i) for i in lot.excursions)}\n"
        )


#: Suffixes of a records file given to ``genofab report`` in place of a scenario.
RECORD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def _specifications(pairs: list[str] | None) -> dict[str, Any]:
    """``--spec NAME=LOW:HIGH`` (either side may be empty) → specification by measurement."""
    from genofab.errors import UsageError
    from genofab.service.records import Specification, parse_specification

    found: dict[str, Specification] = {}
    for pair in pairs or []:
        name, spec = parse_specification(pair, f"--spec {pair}", shape_where=f"--spec '{pair}'")
        if name in found:
            raise UsageError(f"--spec {pair}: {name} is given twice")
        found[name] = spec
    return found


def _records_files(files: list[Path], layout: str = "auto") -> tuple[Any, Any]:
    """The lot records (read in ``layout``) and the environment monitoring among ``files``
    (each read all or nothing; at most one of each)."""
    from genofab.errors import UsageError
    from genofab.io.records import is_monitoring, lots_of, parse_monitoring, read_grid

    lots = monitoring = None
    for file in files:
        grid = read_grid(file)
        if is_monitoring(grid):
            if monitoring is not None:
                raise UsageError(f"--records {file}: a second monitoring file; give one")
            monitoring = parse_monitoring(grid)
        else:
            if lots is not None:
                raise UsageError(f"--records {file}: a second lot file; give one")
            lots = lots_of(grid, layout=layout)
    return lots, monitoring


def review_for_report(
    files: list[Path] | None,
    scenario: Path | None,
    specs: list[str] | None,
    margins: list[str] | None,
    baseline: int | None,
    samples: int | None,
    seed: int,
    layout: str = "auto",
) -> Any:
    """The records review a report shows (None without --records): charts, capability,
    equivalence, each site's fits, and with a scenario the predictions from them; the lot
    file read in ``layout`` (wide, long or auto)."""
    from genofab.errors import UsageError
    from genofab.service.records import DEFAULT_SAMPLES, review_records

    if not files:
        if specs or margins or baseline is not None or layout != "auto":
            raise UsageError("--spec, --margin, --baseline and --layout go with --records FILE")
        return None
    if scenario is not None:
        from genofab.io.network_file import is_network_document
        from genofab.io.outlook_file import is_outlook_document
        from genofab.io.yaml_source import read_yaml

        document = read_yaml(scenario)
        if is_outlook_document(document) or is_network_document(document):
            raise UsageError("--records goes with a scenario, not with an outlook or a network")
    lots, monitoring = _records_files(files, layout)
    if lots is None:
        raise UsageError("--records: give a lot file (monitoring alone has no lots to review)")
    names = [m.name for m in lots.measurements]
    return review_records(
        lots,
        monitoring=monitoring,
        scenario=scenario,
        specifications=_specifications(specs),
        margins=_margins(margins, names),
        baseline=baseline,
        samples=samples if samples is not None else DEFAULT_SAMPLES,
        seed=seed,
    )


def report_records(
    file: Path,
    output: Path,
    stem: str,
    files: list[Path] | None,
    specs: list[str] | None,
    margins: list[str] | None,
    baseline: int | None,
    samples: int | None,
    seed: int,
    layout: str = "auto",
) -> bool:
    """Write the report of a records file given in place of a scenario (with --records, the
    monitoring); False when ``file`` is not a records file."""
    from genofab.errors import UsageError
    from genofab.views.reports.records_report import write_records_report

    if file.suffix.lower() not in RECORD_SUFFIXES:
        return False
    if samples is not None:
        raise UsageError(
            "--samples: a records file alone has no Monte Carlo (report a scenario"
            " with --records to predict each site)"
        )
    review = review_for_report(
        [file, *(files or [])], None, specs, margins, baseline, None, seed, layout
    )
    for path in write_records_report(review, output, stem):
        sys.stdout.write(f"{output / path}\n")
    return True
