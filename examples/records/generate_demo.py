"""Write the SYNTHETIC batch-record demo of genofab (docs/records.md walks through it).

Every number here is invented: one lentiviral-vector product made at two sites, Évry (the
reference, 24 lots, stable) and Lyon (the transfer site, 16 lots, its titre about a third
lower and drifting down over its last lots), three failed lots, and a week of environment
monitoring of both production zones with two excursions. The process is the one of
``examples/lv-sickle-cell-current.yaml``.

Run from the repository root: ``python examples/records/generate_demo.py``. The CSV files are the
same on every run (fixed seed); the generating parameters are ``GENERATING`` below, so tests
can check that fitted distributions recover them.
"""

from __future__ import annotations

import csv
import math
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20261101

#: What each measurement of each site is drawn from (titres in TU/mL, yields in %).
GENERATING: dict[str, dict[str, dict[str, float]]] = {
    "Évry": {
        "production_bioreactor.titer": {"kind": "lognormal", "median": 1.0e6, "gsd": 1.3},
        "clarification.step_yield": {"kind": "beta", "mean": 85.0, "sd": 4.0},
        "chromatography.step_yield": {"kind": "beta", "mean": 50.0, "sd": 6.0},
        "tff.step_yield": {"kind": "beta", "mean": 90.0, "sd": 3.0},
        "seed_train.viability": {"kind": "normal", "mean": 94.0, "sd": 1.5},
    },
    "Lyon": {
        "production_bioreactor.titer": {"kind": "lognormal", "median": 0.65e6, "gsd": 1.3},
        "clarification.step_yield": {"kind": "beta", "mean": 84.0, "sd": 4.0},
        "chromatography.step_yield": {"kind": "beta", "mean": 47.0, "sd": 6.0},
        "tff.step_yield": {"kind": "beta", "mean": 90.0, "sd": 3.0},
        "seed_train.viability": {"kind": "normal", "mean": 93.5, "sd": 1.5},
    },
}
LOTS = {"Évry": 24, "Lyon": 16}
FIRST_DAY = {"Évry": date(2026, 1, 5), "Lyon": date(2026, 3, 30)}
DAYS_APART = {"Évry": 12, "Lyon": 13}
ROOMS = {"Évry": "EVR-ZP1", "Lyon": "LYO-ZP1"}
#: Lyon's last lots drift: each of its last 6 lots loses a further 12 % of titre.
DRIFT_LOTS, DRIFT_PER_LOT = 6, 0.12
#: Lots that failed: (site, lot number, reason, step).
FAILED = (
    ("Évry", 9, "sterility test positive", "QC release"),
    ("Lyon", 5, "titre below specification", "QC release"),
    ("Lyon", 12, "bioreactor contamination", "Transfection and vector production"),
)
UNITS = {
    "production_bioreactor.titer": "TU/mL",
    "clarification.step_yield": "%",
    "chromatography.step_yield": "%",
    "tff.step_yield": "%",
    "seed_train.viability": "%",
}
REPLICATES = 3


def _draw(rng: np.random.Generator, spec: dict[str, float]) -> float:
    if spec["kind"] == "lognormal":
        return float(rng.lognormal(math.log(spec["median"]), math.log(spec["gsd"])))
    if spec["kind"] == "beta":
        m, s = spec["mean"] / 100, spec["sd"] / 100
        common = m * (1 - m) / s**2 - 1
        return 100 * float(rng.beta(m * common, (1 - m) * common))
    return float(rng.normal(spec["mean"], spec["sd"]))


def lot_rows(rng: np.random.Generator) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    failed = {(site, number): (reason, step) for site, number, reason, step in FAILED}
    for site, count in LOTS.items():
        for number in range(1, count + 1):
            start = FIRST_DAY[site] + timedelta(days=DAYS_APART[site] * (number - 1))
            row: dict[str, object] = {
                "product": "LV-SCD (synthetic)",
                "site": site,
                "lot_id": f"{'EVR' if site == 'Évry' else 'LYO'}-26-{number:03d}",
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=10)).isoformat(),
                "release_date": (start + timedelta(days=40)).isoformat(),
                "room": ROOMS[site],
                "outcome": "released",
                "failure_reason": "",
                "failure_step": "",
            }
            if (site, number) in failed:
                row["outcome"] = "failed"
                row["failure_reason"], row["failure_step"] = failed[(site, number)]
            for name, spec in GENERATING[site].items():
                value = _draw(rng, spec)
                if name == "production_bioreactor.titer" and site == "Lyon":
                    late = number - (count - DRIFT_LOTS)
                    if late > 0:
                        value *= (1 - DRIFT_PER_LOT) ** late
                row[name] = value
            # final-vial titre measured in triplicate (assay spread 5 %)
            final = row["production_bioreactor.titer"] * 0.38  # type: ignore[operator]
            for replicate in range(1, REPLICATES + 1):
                row[f"qc.final_titer#{replicate}"] = final * float(rng.normal(1.0, 0.05))
            rows.append(row)
    return rows


def lot_header() -> list[str]:
    fixed = [
        "product",
        "site",
        "lot_id",
        "start_date",
        "end_date",
        "release_date",
        "room",
        "outcome",
        "failure_reason",
        "failure_step",
    ]
    measured = [f"{name} [{unit}]" for name, unit in UNITS.items()]
    replicates = [f"qc.final_titer#{r} [TU/mL]" for r in range(1, REPLICATES + 1)]
    return fixed + measured + replicates


def _cell(row: dict[str, object], header: str) -> object:
    key = header.split(" [", 1)[0]
    value = row[key]
    if isinstance(value, float):
        return float(f"{value:.4g}")
    return value


def monitoring_rows(rng: np.random.Generator) -> list[dict[str, object]]:
    """Every 4 h for a week in both zones (grade B): particles, viable air, pressure."""
    rows: list[dict[str, object]] = []
    start = datetime(2026, 10, 12, 0, 0)
    for step in range(7 * 6):
        time = start + timedelta(hours=4 * step)
        for site, room in ROOMS.items():
            particles = float(rng.lognormal(math.log(60_000), 0.4))
            viable = int(rng.poisson(1.5))
            pressure = float(rng.normal(15.0, 0.8))
            # excursions: Lyon particles above the grade B action limit for 8 h on 14 Oct;
            # Évry pressure below 10 Pa for 4 h on 16 Oct
            if site == "Lyon" and datetime(2026, 10, 14, 8) <= time < datetime(2026, 10, 14, 16):
                particles = 420_000.0 + 10_000 * step % 30_000
            if site == "Évry" and time == datetime(2026, 10, 16, 12):
                pressure = 8.5
            for measure, value in (
                ("particles_0.5um", round(particles, -2)),
                ("viable_air", viable),
                ("pressure_differential", round(pressure, 1)),
            ):
                rows.append(
                    {
                        "time": time.strftime("%Y-%m-%d %H:%M"),
                        "room": room,
                        "grade": "B",
                        "measure": measure,
                        "value": value,
                    }
                )
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_bad_workbook(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """A workbook with every kind of bad input the importer must report at its place."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "lots"
    sheet.append(header)
    for row in rows[:8]:
        sheet.append(row)
    column = {name: i + 1 for i, name in enumerate(header)}
    titer = column["production_bioreactor.titer [TU/mL]"]
    sheet.cell(row=3, column=titer, value="=B2*2")  # a formula
    sheet.cell(row=4, column=titer, value="1.1e9 TU/L")  # mixed units
    sheet.cell(row=5, column=column["clarification.step_yield [%]"], value="high")  # text
    sheet.cell(row=6, column=column["start_date"], value="2099-01-01")  # future
    sheet.cell(row=7, column=column["lot_id"], value=rows[0][column["lot_id"] - 1])  # duplicate
    sheet.merge_cells(
        start_row=8, start_column=column["room"], end_row=9, end_column=column["room"]
    )
    _save(book, path)


def _save(book: object, path: Path) -> None:
    stamp = datetime(2026, 12, 1)
    book.properties.created = book.properties.modified = stamp  # type: ignore[attr-defined]
    book.save(path)  # type: ignore[attr-defined]
    book.close()  # type: ignore[attr-defined]


def main(folder: Path = HERE) -> None:
    rng = np.random.default_rng(SEED)
    header = lot_header()
    lots = lot_rows(rng)
    table = [[_cell(row, name) for name in header] for row in lots]
    write_csv(folder / "lots.csv", header, table)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "lots"
    sheet.append(header)
    for row in table:
        sheet.append(row)
    _save(book, folder / "lots.xlsx")
    monitoring = monitoring_rows(rng)
    names = ["time", "room", "grade", "measure", "value"]
    write_csv(folder / "monitoring.csv", names, [[r[n] for n in names] for r in monitoring])
    write_bad_workbook(folder / "bad-lots.xlsx", header, table)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
