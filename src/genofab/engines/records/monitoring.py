"""Environment monitoring judged against alert and action limits: excursions (consecutive
readings of one measure in one room beyond a limit) with their start, end and duration, and
the lots that were in that room while it lasted.

An excursion starts at the first reading beyond the alert level (or the action limit where no
alert level is set) and ends at the next reading back within it; its level is the worst it
reached. One that has not ended by the last reading is ``ongoing``. A lot is flagged when its
room is the excursion's room and its days in the room (start date to end date, whole days)
overlap the excursion.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import groupby

from genofab.model.records import LotRecords, MonitoringRecords, Reading, limit_for
from genofab.results.base import Result


class Excursion(Result):
    """Readings of one measure in one room beyond a limit, one after another."""

    room: str
    grade: str
    measure: str
    level: str
    start: datetime
    end: datetime
    hours: float
    ongoing: bool
    readings: int
    worst: float
    limit: float
    limit_source: str


class FlaggedLot(Result):
    """A lot made in a room while an excursion lasted there."""

    lot_id: str
    site: str
    room: str
    excursions: tuple[int, ...]


class MonitoringReport(Result):
    """Excursions of a monitoring file and the lots they touch."""

    readings: int
    rooms: tuple[str, ...]
    excursions: tuple[Excursion, ...]
    flagged_lots: tuple[FlaggedLot, ...]


def _level(reading: Reading) -> tuple[str | None, float | None]:
    """'action', 'alert' or None for a reading, and the limit it broke."""
    limit = limit_for(reading)

    def beyond(level: float | None) -> bool:
        if level is None:
            return False
        return reading.value > level if limit.upper else reading.value < level

    if beyond(limit.action):
        return "action", limit.action
    if beyond(limit.alert):
        return "alert", limit.alert
    return None, None


def excursions(monitoring: MonitoringRecords) -> list[Excursion]:
    """Every excursion, by room, measure and time."""

    def key(reading: Reading) -> tuple[str, str]:
        return (reading.room, reading.measure)

    found: list[Excursion] = []
    for _, group in groupby(
        sorted(monitoring.readings, key=lambda r: (r.room, r.measure, r.time)), key=key
    ):
        run: list[tuple[Reading, str, float]] = []
        for reading in group:
            level, limit = _level(reading)
            if level is not None and limit is not None:
                run.append((reading, level, limit))
                continue
            if run:
                found.append(_excursion(run, end=reading.time, ongoing=False))
                run = []
        if run:
            found.append(_excursion(run, end=run[-1][0].time, ongoing=True))
    return found


def _excursion(run: list[tuple[Reading, str, float]], end: datetime, ongoing: bool) -> Excursion:
    first = run[0][0]
    action = [item for item in run if item[1] == "action"]
    worst_items = action or run
    upper = limit_for(first).upper
    values = [item[0].value for item in worst_items]
    worst = max(values) if upper else min(values)
    return Excursion(
        room=first.room,
        grade=first.grade,
        measure=first.measure,
        level="action" if action else "alert",
        start=first.time,
        end=end,
        hours=(end - first.time).total_seconds() / 3600,
        ongoing=ongoing,
        readings=len(run),
        worst=worst,
        limit=worst_items[0][2],
        limit_source=limit_for(first).source,
    )


def flagged_lots(lots: LotRecords, found: list[Excursion]) -> list[FlaggedLot]:
    """Lots whose days in a room overlap an excursion there."""
    flagged = []
    for lot in lots.lots:
        if lot.room is None:
            continue
        start = datetime.combine(lot.start_date, time.min)
        end = datetime.combine(lot.end_date or lot.start_date, time.min) + timedelta(days=1)
        hits = tuple(
            i
            for i, excursion in enumerate(found)
            if excursion.room == lot.room and excursion.start < end and excursion.end >= start
        )
        if hits:
            flagged.append(
                FlaggedLot(lot_id=lot.lot_id, site=lot.site, room=lot.room, excursions=hits)
            )
    return flagged


def monitoring_report(
    monitoring: MonitoringRecords, lots: LotRecords | None = None
) -> MonitoringReport:
    """Excursions of the readings and, given lots, the lots they touch."""
    found = excursions(monitoring)
    return MonitoringReport(
        readings=len(monitoring.readings),
        rooms=tuple(sorted({r.room for r in monitoring.readings})),
        excursions=tuple(found),
        flagged_lots=tuple(flagged_lots(lots, found)) if lots is not None else (),
    )
