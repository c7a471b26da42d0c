"""Environment monitoring: Annex 1 limits by grade, excursions with their durations, lots in
the room flagged, and a reading's own limits overriding the defaults."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from typer.testing import CliRunner

from genofab.engines.records.monitoring import excursions, monitoring_report
from genofab.io.records import read_lots, read_monitoring
from genofab.model.records import ANNEX1_LIMITS, MonitoringRecords, Reading
from genofab.views.cli import app


def readings(
    values: list[float], measure: str = "particles_0.5um", grade: str = "B", **limits: float
) -> MonitoringRecords:
    return MonitoringRecords(
        "m.csv",
        "0",
        tuple(
            Reading(datetime(2026, 10, 1, 2 * i), "R1", grade, measure, v, row=i + 2, **limits)
            for i, v in enumerate(values)
        ),
    )


def test_annex1_defaults_by_grade() -> None:
    assert ANNEX1_LIMITS[("B", "particles_0.5um")].action == 352_000
    assert ANNEX1_LIMITS[("C", "particles_5um")].action == 29_300
    assert ANNEX1_LIMITS[("B", "viable_air")].action == 10
    assert ANNEX1_LIMITS[("A", "viable_settle")].action == 0  # no growth
    assert not ANNEX1_LIMITS[("B", "pressure_differential")].upper


def test_an_excursion_runs_from_its_first_reading_out_to_the_first_back_in() -> None:
    found = excursions(readings([1e5, 2e5, 4e5, 5e5, 1e5, 1e5]))
    (one,) = found
    assert (one.start, one.end) == (datetime(2026, 10, 1, 2), datetime(2026, 10, 1, 8))
    assert one.hours == 6 and one.readings == 3 and one.level == "action"
    assert one.worst == 5e5 and one.limit == 352_000 and not one.ongoing


def test_an_excursion_still_out_at_the_last_reading_is_ongoing() -> None:
    (one,) = excursions(readings([1e5, 4e5, 4e5]))
    assert one.ongoing and one.hours == 2


def test_low_pressure_and_own_limits() -> None:
    (low,) = excursions(readings([15, 9, 15], measure="pressure_differential"))
    assert low.level == "action" and low.worst == 9
    assert excursions(readings([1e5, 4e5], action=1e6, alert=9e5)) == []


def test_the_demo_flags_the_lots_in_the_rooms(demo_folder: Path) -> None:
    today = date(2026, 12, 7)
    report = monitoring_report(
        read_monitoring(demo_folder / "monitoring.csv", today=today),
        read_lots(demo_folder / "lots.csv", today=today),
    )
    actions = [e for e in report.excursions if e.level == "action"]
    assert {(e.room, e.measure, e.hours) for e in actions} == {
        ("LYO-ZP1", "particles_0.5um", 8.0),
        ("EVR-ZP1", "pressure_differential", 4.0),
    }
    assert {lot.lot_id for lot in report.flagged_lots} == {"EVR-26-024", "LYO-26-016"}
    result = CliRunner().invoke(
        app,
        [
            "records",
            "monitor",
            str(demo_folder / "monitoring.csv"),
            "--lots",
            str(demo_folder / "lots.csv"),
        ],
    )
    assert result.exit_code == 0 and "lot LYO-26-016 (Lyon) was in LYO-ZP1" in result.stdout
