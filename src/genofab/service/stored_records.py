"""Batch records kept in the workbench, under their product: an upload (a lot file, CSV or
Excel, in either layout; optionally an environment-monitoring file, specifications for
capability and a stored scenario to predict each site with) is read with the importer and
limits of ``genofab records check`` and stored as a new version of a ``records`` document,
its files kept as they came. A bad file changes nothing and every problem is reported at its
place (sheet, row, column).

The review of a stored version (control charts, capability, site comparison with TOST and
P(B better), environment-monitoring excursions) runs as a job, through the functions of
:mod:`genofab.service.records` that the command line calls, so the numbers are the same.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from genofab.errors import CellIssue, GenofabError, RecordsError, UsageError
from genofab.io.db import documents as store
from genofab.io.db.session import Database, Scope
from genofab.model.records import LotRecords, MonitoringRecords
from genofab.service.documents import Saved, check_name, stored_text
from genofab.service.records import DEFAULT_SAMPLES, Specification, parse_specification

#: The kind of document that holds batch records.
KIND = "records"
#: How an uploaded file is read: by its name's ending (the name is only read, never opened).
EXCEL_ENDINGS = (".xlsx", ".xlsm")
CSV_ENDINGS = (".csv", ".txt")
#: Largest specification text (lines of ``MEASUREMENT=LOW:HIGH``).
MAX_SPECIFICATIONS = 50


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its bytes and whether it is an Excel workbook (else CSV)."""

    raw: bytes
    excel: bool


def upload_of(raw: bytes, file_name: str | None) -> Upload:
    """An upload's bytes, read as Excel or CSV by its name's ending (nothing else of the name
    is used); any other ending is refused as the command line refuses it."""
    ending = "." + (file_name or "").rsplit(".", 1)[-1].lower() if "." in (file_name or "") else ""
    if ending in EXCEL_ENDINGS:
        return Upload(raw, True)
    if ending in CSV_ENDINGS or not ending:
        return Upload(raw, raw[:2] == b"PK")  # a workbook is a zip file
    raise RecordsError([CellIssue(f"'{ending}' files are not read: give a .csv or .xlsx file")])


def read_lot_upload(
    upload: Upload, label: str, sheet: str | None = None, layout: str = "auto"
) -> LotRecords:
    """The lots of an upload, all or nothing (RecordsError lists every problem)."""
    from genofab.io.records import grid_of_bytes, is_monitoring, lots_of

    grid = grid_of_bytes(upload.raw, label, upload.excel, sheet or None, "lots")
    if is_monitoring(grid):
        raise RecordsError(
            [CellIssue("this is environment monitoring: upload it as the monitoring file")], label
        )
    return lots_of(grid, layout=layout)


def read_monitoring_upload(upload: Upload, label: str) -> MonitoringRecords:
    """The environment-monitoring readings of an upload, all or nothing."""
    from genofab.io.records import grid_of_bytes, is_monitoring, parse_monitoring

    grid = grid_of_bytes(upload.raw, label, upload.excel, None, "monitoring")
    if not is_monitoring(grid):
        raise RecordsError(
            [CellIssue("not environment monitoring: its header needs 'measure' and 'grade'")],
            label,
        )
    return parse_monitoring(grid)


def lot_summary(lots: LotRecords) -> dict[str, Any]:
    """What ``genofab records check --format json`` says of a lot file."""
    failures, count = lots.failures()
    return {
        "kind": "lots",
        "sha256": lots.sha256,
        "lots": count,
        "failed": failures,
        "sites": {site: len(lots.select(site=site).lots) for site in lots.sites()},
        "products": list(lots.products()),
        "measurements": [
            {"name": m.name, "unit": m.unit, "replicates": m.replicates} for m in lots.measurements
        ],
    }


def monitoring_summary(monitoring: MonitoringRecords) -> dict[str, Any]:
    """What ``genofab records check --format json`` says of a monitoring file."""
    return {
        "kind": "environment monitoring",
        "sha256": monitoring.sha256,
        "readings": len(monitoring.readings),
        "rooms": sorted({r.room for r in monitoring.readings}),
    }


def parse_specifications(text: str, names: list[str]) -> dict[str, Specification]:
    """Specifications, one a line as ``MEASUREMENT=LOW:HIGH`` in the column's unit (either side
    may be empty); a bad line is a UsageError naming its line and rule."""
    found: dict[str, Specification] = {}
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_SPECIFICATIONS:
        raise UsageError(f"specifications: at most {MAX_SPECIFICATIONS} lines")
    for number, line in lines:
        where = f"specifications line {number} '{line[:80]}'"
        name, spec = parse_specification(line, where, names=names)
        if name in found:
            raise UsageError(f"{where}: {name} is given twice")
        found[name] = spec
    return found


def default_name(lots: LotRecords) -> str:
    """A document name from the file's product (letters, digits, '-', '_', '.')."""
    products = list(lots.products())
    if len(products) != 1:
        raise UsageError(
            f"the file has {len(products)} products ({', '.join(products)[:200]}): name the records"
        )
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", products[0]).strip("-._")[:80]
    return check_name(slug or "records")


def save_records(
    database: Database,
    scope: Scope,
    *,
    lots_file: Upload,
    reason: str,
    name: str | None = None,
    monitoring_file: Upload | None = None,
    sheet: str | None = None,
    layout: str = "auto",
    specifications: str = "",
    scenario: str | None = None,
    baseline: int | None = None,
    rules: str = "nelson",
    base_version: int | None = None,
    owner: int | None = None,
) -> tuple[Saved, dict[str, Any]]:
    """Check an upload and store it as the next version of the records named ``name`` (from
    the product by default), with how it is reviewed: ``specifications``, the ``baseline``
    lots (in date order) that set the control limits (all by default) and the run ``rules``
    (``nelson``, ``western-electric``, ``none`` or single rules, comma-separated); returns the
    version and its summary. Every problem of the files
    is raised at once (RecordsError) and nothing is stored."""
    owner = store.owner_for(scope, owner)  # a viewer is refused before the file is read
    if not reason.strip():
        raise UsageError("reason: say why these records are stored")
    label = f"{name or 'upload'} (lots)"
    lots = read_lot_upload(lots_file, label, sheet, layout)
    monitoring = None
    if monitoring_file is not None:
        monitoring = read_monitoring_upload(monitoring_file, f"{name or 'upload'} (monitoring)")
    names = [m.name for m in lots.measurements]
    specs = parse_specifications(specifications, names)
    from genofab.engines.records.control import choose_rules

    chosen_rules = choose_rules([r for r in rules.split(",") if r.strip()] or ["none"])
    if baseline is not None and not 2 <= baseline <= len(lots.lots):
        raise UsageError(
            f"baseline: {baseline} lots; give 2 to the {len(lots.lots)} lots of the file (or none"
            " for all of them)"
        )
    chosen = check_name(name) if name else default_name(lots)
    reference = scenario.strip() if scenario and scenario.strip() else None
    summary: dict[str, Any] = {
        "format": "genofab-records-upload/1",
        "lots_file": {
            "excel": lots_file.excel,
            "sheet": sheet or None,
            "layout": layout,
        }
        | lot_summary(lots),
        "monitoring_file": None if monitoring is None else monitoring_summary(monitoring),
        "specifications": {n: [s.lower, s.upper] for n, s in specs.items()},
        "baseline": baseline,
        "rules": list(chosen_rules),
        "scenario": reference,
    }
    with database.transaction(scope, write=True) as session:
        if reference is not None:
            content, file = stored_text(session, scope, owner, "scenario", reference)
            from genofab.service.checks import check_scenario

            check_scenario(content, file)
        version = store.save_version(
            session,
            scope,
            kind=KIND,
            name=chosen,
            content=json.dumps(summary, ensure_ascii=False, indent=1),
            reason=reason.strip(),
            base_version=base_version,
            owner=owner,
            payload=lots_file.raw,
            attachment=None if monitoring_file is None else monitoring_file.raw,
        )
        saved = Saved(version.document_id, chosen, KIND, version.number, version.sha256)
    return saved, summary


def record_problems(error: RecordsError) -> list[dict[str, Any]]:
    """Each problem of a records file with its place, and the text the command line prints."""
    return [
        {
            "sheet": issue.sheet,
            "row": issue.row,
            "column": issue.column,
            "header": issue.header,
            "message": issue.message,
            "text": f"{error.file}: {issue.render()}" if error.file else issue.render(),
        }
        for issue in error.issues
    ]


def stored_files(
    session: Session, scope: Scope, version_id: int
) -> tuple[dict[str, Any], bytes, bytes | None, int | None]:
    """A records version's summary, lot file, monitoring file and owner."""
    from genofab.io.db.tables import Document

    version = store.get_version_by_id(session, scope, version_id)
    document = session.get(Document, version.document_id)
    if document is None or document.kind != KIND or version.payload is None:
        raise UsageError("not a version of batch records")
    return json.loads(version.content), version.payload, version.attachment, document.sponsor_id


def review_stored(
    summary: dict[str, Any],
    payload: bytes,
    attachment: bytes | None,
    scenario: tuple[str, str] | None,
    *,
    label: str,
    samples: int | None = None,
    seed: int = 1,
) -> dict[str, Any]:
    """The review of stored records (JSON-ready): the check summary, an I-MR or X̄ chart of
    every measurement at every site, capability where a specification is given, each site
    against the first (TOST with its power; with a scenario, each lot through it and each
    site's fits with P(B better)), and the monitoring's excursions."""
    from genofab.engines.records.control import RULE_SETS
    from genofab.service import records as shared

    lots_file = summary["lots_file"]
    lots = read_lot_upload(
        Upload(payload, lots_file["excel"]),
        f"{label} (lots)",
        lots_file["sheet"],
        lots_file["layout"],
    )
    monitoring = None
    if attachment is not None:
        monitoring = read_monitoring_upload(
            Upload(attachment, attachment[:2] == b"PK"), f"{label} (monitoring)"
        )
    specs = {
        name: Specification(low, high) for name, (low, high) in summary["specifications"].items()
    }
    review = shared.review_records(
        lots,
        monitoring=monitoring,
        specifications=specs,
        baseline=summary.get("baseline"),
        rules=tuple(summary.get("rules", RULE_SETS["nelson"])),
        fits=scenario is None,  # with a scenario, _predict fits through it instead
    )
    sites = list(lots.sites())
    if scenario is not None:
        _predict(review, lots, sites, scenario, samples or DEFAULT_SAMPLES, seed)
    return review_json(review, summary)


def _predict(
    review: Any,
    lots: LotRecords,
    sites: list[str],
    scenario: tuple[str, str],
    samples: int,
    seed: int,
) -> None:
    """The scenario part of a review (as :func:`genofab.service.records.review_records` does
    with a scenario file): each lot through the scenario, each site's fits, P(B better)."""
    from genofab.io.records_scenario import calibrate, calibrated_text
    from genofab.io.scenario_file import parse_scenario
    from genofab.service import records as shared
    from genofab.service.checks import check_scenario

    text, file = scenario
    loaded, _ = check_scenario(text, file)
    if len(sites) > 1:
        try:
            review.equivalence += shared.consequence_equivalence(lots, loaded.scenario, sites[0])
        except UsageError as error:
            review.notes.append(f"no comparison in doses and cost: {error}")
    fits = []  # written into copies of the scenario (in place of the fits without one)
    try:
        for site in sites:
            calibration = calibrate(lots.select(site=site), loaded.scenario)
            fitted = parse_scenario(calibrated_text(text, calibration), f"{file} ({site})")
            fits.append(shared.SiteFits(site, calibration, fitted.scenario))
    except GenofabError as error:
        fits = []
        review.notes.append(f"no fits of {file}: {error}")
    review.fits = fits
    if len(review.fits) > 1:
        review.predictions = shared.site_predictions(review.fits, samples, seed)


def review_json(review: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """A review as stored with its run (no NaN: JSON's null instead)."""
    finite: dict[str, Any] = _finite(
        {
            "summary": summary,
            "charts": [
                {"site": site} | chart.model_dump(mode="json") for site, chart in review.charts
            ],
            "capability": [
                {"site": site} | each.model_dump(mode="json") for site, each in review.capability
            ],
            "reference": review.reference,
            "equivalence": [e.model_dump(mode="json") for e in review.equivalence],
            "predictions": review.predictions,
            "excursions": None
            if review.excursions is None
            else review.excursions.model_dump(mode="json"),
            "notes": list(review.notes),
        }
    )
    return finite


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
