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
