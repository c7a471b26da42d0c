"""The capacity board per kind of room: rooms of one kind add their busy days and their days
(worked by hand here), and the bottleneck kind is the one held the largest share of its days."""

from __future__ import annotations

import pytest

from genofab.service.booking import bottleneck_kind, load_by_kind, room_kind


def _row(room: str, month: str, busy: float, free: float) -> dict[str, object]:
    return {"room": room, "month": month, "busy_days": busy, "free_days": free}


LOAD = [
    _row("cell_suite #1", "2027-01-01", 10, 21),
    _row("cell_suite #2", "2027-01-01", 20, 11),
    _row("qc_lab", "2027-01-01", 40, 22),  # two lots at once: 62 lot-days in January
    _row("cell_suite #1", "2027-02-01", 28, 0),
]


def test_rooms_of_a_kind_add_up_per_month() -> None:
    rows = {(row["kind"], row["month"]): row for row in load_by_kind(LOAD)}
    january = rows[("cell_suite", "2027-01-01")]
    assert (january["rooms"], january["busy_days"], january["free_days"]) == (2, 30, 32)
    assert january["utilisation"] == pytest.approx(30 / 62)
    assert rows[("qc_lab", "2027-01-01")]["utilisation"] == pytest.approx(40 / 62)
    february = rows[("cell_suite", "2027-02-01")]
    assert (february["rooms"], february["utilisation"]) == (1, 1.0)
    assert sorted(rows) == [
        ("cell_suite", "2027-01-01"),
        ("cell_suite", "2027-02-01"),
        ("qc_lab", "2027-01-01"),
    ]


def test_the_bottleneck_kind_is_held_the_largest_share_of_its_days() -> None:
    # cell suites: (30 + 28) of (62 + 28) = 64 %; QC: 40 of 62 = 65 %
    assert bottleneck_kind(load_by_kind(LOAD)) == "qc_lab"
    busier = [*LOAD, _row("cell_suite #2", "2027-02-01", 28, 0)]  # 86 of 118 = 73 %
    assert bottleneck_kind(load_by_kind(busier)) == "cell_suite"
    assert bottleneck_kind([]) is None


def test_a_room_kind_is_the_rooms_group_in_the_plan() -> None:
    assert room_kind("cell_suite #12") == "cell_suite"
    assert room_kind("qc_lab") == "qc_lab"
