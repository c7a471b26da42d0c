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


def _lots(file: Path, sheet: str | None, site: str | None = None) -> Any:
    from genofab.io.records import read_lots

    records = read_lots(file, sheet)
    return records.select(site=site) if site else records


@records_app.command()
@reports_errors
def check(
    files: Annotated[list[Path], typer.Argument(help="lot or environment-monitoring files")],
    sheet: SheetOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Check record files against the records format; list every problem with its sheet, row
    and column. Nothing is stored or written."""
    from genofab.io.records import is_monitoring, parse_lots, parse_monitoring, read_grid

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
                lots = parse_lots(grid)
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


def _chart_for(records: Any, name: str, baseline: int | None, rules: tuple[str, ...]) -> Any:
    from genofab.engines.records.control import individuals_chart, subgroup_chart

    index = records.measurement_index(name)
    measurement = records.measurements[index]
    ordered = [lot for lot in records.in_order() if any(v == v for v in lot.values[index])]
    lots = tuple(lot.lot_id for lot in ordered)
    if measurement.replicates > 1:
        return subgroup_chart(
            records.replicates(name),
            baseline=baseline,
            rules=rules,
            measurement=name,
            unit=measurement.unit,
            lots=lots,
        )
    return individuals_chart(
        records.values(name),
        baseline=baseline,
        rules=rules,
        measurement=name,
        unit=measurement.unit,
        lots=lots,
    )


@records_app.command()
@reports_errors
def chart(
    file: RecordsPath,
    parameters: ParameterOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="folder for the charts (image + HTML)")
    ] = None,
    site: SiteOption = None,
    baseline: Annotated[
        int | None,
        typer.Option("--baseline", help="lots (in date order) that set the limits; default: all"),
    ] = None,
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules",
            help="nelson, western-electric, none, or single rules such as nelson2 (repeatable)",
        ),
    ] = None,
    image: Annotated[str, typer.Option("--image", help="png or svg")] = "png",
    sheet: SheetOption = None,
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Control charts (I-MR, or X̄-R/S for replicates) with limits from a frozen baseline, the
    run rules' signals, and the false-alarm rate limits from few lots imply."""
    from genofab.engines.records.control import choose_rules
    from genofab.errors import UsageError
    from genofab.views.records_figures import IMAGE_FORMATS

    if image not in IMAGE_FORMATS:
        raise UsageError(f"--image {image}: choose png or svg")
    records = _lots(file, sheet, site)
    chosen = choose_rules(rules or ["nelson"])
    names = parameters or [m.name for m in records.measurements]
    charts = [_chart_for(records, name, baseline, chosen) for name in names]
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
    output_format: FormatOption = OutputFormat.TABLE,
) -> None:
    """Cp, Cpk, Pp and Ppk with confidence intervals, per site when the file has several."""
    from genofab.engines.records.capability import capability as judge

    records = _lots(file, sheet, site)
    unit = records.measurements[records.measurement_index(parameter)].unit
    results = []
    for each in [site] if site else list(records.sites()):
        chosen = records.select(site=each)
        result = judge(
            chosen.values(parameter),
            lower=lower,
            upper=upper,
            method=method,
            confidence=confidence,
            measurement=parameter,
            unit=unit,
        )
        results.append((each, result))
    if output_format is OutputFormat.JSON:
        _print_json([{"site": s, **r.model_dump(mode="json")} for s, r in results])
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
