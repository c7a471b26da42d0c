"""Importing lot and monitoring records: every bad cell reported at its place, all or
nothing, the same records from CSV and Excel, and the same records on a second import."""

from __future__ import annotations

import math
import pickle
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.errors import RecordsError
from genofab.io.records import read_lots, read_monitoring
from tests.records.conftest import DEMO

TODAY = date(2026, 12, 7)
HEADER = "product,site,lot_id,start_date,outcome,failure_reason,titer [TU/mL]\n"


def write(tmp_path: Path, text: str, name: str = "lots.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def places(error: RecordsError) -> list[tuple[int | None, str | None]]:
    return [(issue.row, issue.column) for issue in error.issues]


def test_the_demo_reads_the_same_from_csv_and_excel_and_twice(demo_folder: Path) -> None:
    csv_lots = read_lots(demo_folder / "lots.csv", today=TODAY)
    excel_lots = read_lots(demo_folder / "lots.xlsx", today=TODAY)
    again = read_lots(demo_folder / "lots.csv", today=TODAY)
    assert csv_lots.lots == excel_lots.lots == again.lots
    assert csv_lots.sha256 == again.sha256
    assert len(csv_lots.lots) == 40
    assert csv_lots.failures() == (3, 40)
    assert csv_lots.sites() == ("Évry", "Lyon")
    final = next(m for m in csv_lots.measurements if m.name == "qc.final_titer")
    assert (final.unit, final.replicates) == ("TU/mL", 3)
    assert csv_lots.replicates("qc.final_titer").shape == (40, 3)


def test_the_shipped_demo_is_what_the_script_writes(demo_folder: Path) -> None:
    for name in ("lots.csv", "monitoring.csv"):
        assert (DEMO / name).read_bytes() == (demo_folder / name).read_bytes(), name


def test_every_bad_input_of_the_demo_workbook_is_reported_at_its_cell(demo_folder: Path) -> None:
    with pytest.raises(RecordsError) as caught:
        read_lots(demo_folder / "bad-lots.xlsx", today=TODAY)
    error = caught.value
    assert places(error) == [(3, "K"), (4, "K"), (5, "L"), (6, "D"), (7, "C"), (8, "G"), (9, "G")]
    text = str(error)
    for words in (
        "formula cell '=B2*2'",
        "mixed units",
        "text 'high' in a number column",
        "2099-01-01 is in the future",
        "duplicate lot id 'EVR-26-001'",
        "merged cell (G8:G9)",
    ):
        assert words in text
    assert all(issue.sheet == "lots" for issue in error.issues)


def test_csv_problems_are_all_listed_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "P,A,L1,2026-01-05,released,,1e6\n"
        + "P,A,L1,2026-01-06,released,,2e6\n"  # duplicate id
        + "P,A,L3,2026-13-01,released,,abc\n"  # bad date, text in a number column
        + "P,A,L4,2026-01-08,lost,,1e6\n"  # unknown outcome
        + "P,A,L5,2026-01-09,failed,,1 vg/mL\n",  # failed without reason; mixed units
    )
    with pytest.raises(RecordsError) as caught:
        read_lots(path, today=TODAY)
    issues = caught.value.issues
    assert [(i.row, i.column or i.header) for i in issues] == [
        (3, "C"),
        (4, "D"),
        (4, "G"),
        (5, "E"),
        (6, "failure_reason"),
        (6, "G"),
    ]
    assert "'2026-13-01' is not a date" in issues[1].message
    assert "'lost' is not an outcome" in issues[3].message
    assert "mixed units" in issues[5].message


def test_a_column_without_unit_takes_its_cells_unit_and_refuses_a_second(tmp_path: Path) -> None:
    head = "product,site,lot_id,start_date,outcome,titer\n"
    good = write(
        tmp_path,
        head + "P,A,L1,2026-01-05,released,1e6 TU/mL\nP,A,L2,2026-01-06,released,2e6 TU/mL\n",
        "good.csv",
    )
    lots = read_lots(good, today=TODAY)
    assert lots.measurements[0].unit == "TU/mL"
    assert list(lots.values("titer")) == [1e6, 2e6]
    mixed = write(
        tmp_path,
        head + "P,A,L1,2026-01-05,released,1e6 TU/mL\nP,A,L2,2026-01-06,released,2e9 TU/L\n",
        "mixed.csv",
    )
    with pytest.raises(RecordsError, match="row 2 is in TU/mL"):
        read_lots(mixed, today=TODAY)


def test_header_problems_stop_before_the_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "product,site,lot id,outcome,titer [furlongs]\nP,A,1,x,abc\n")
    with pytest.raises(RecordsError) as caught:
        read_lots(path, today=TODAY)
    text = str(caught.value)
    assert "'lot id' is neither a lot column" in text
    assert "unknown unit 'furlongs'" in text
    assert "the column 'lot_id' is missing" in text
    assert "the column 'start_date' is missing" in text
    assert "abc" not in text  # rows are read only under a good header


def test_numbers_read_from_text_keep_their_value_in_the_column_unit(tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + "P,A,L1,2026-01-05,released,,1.5e6 TU/mL\nP,A,L2,2026-01-06,released,,\n"
    )
    lots = read_lots(path, today=TODAY)
    assert lots.lots[0].values == ((1.5e6,),)
    assert math.isnan(lots.lots[1].values[0][0])
    assert list(lots.values("titer")) == [1.5e6]  # an unmeasured lot is left out


@settings(max_examples=25)
@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_any_finite_number_survives_the_csv(
    tmp_path_factory: pytest.TempPathFactory, value: float
) -> None:
    path = tmp_path_factory.mktemp("n") / "lots.csv"
    path.write_text(HEADER + f"P,A,L1,2026-01-05,released,,{value!r}\n", encoding="utf-8")
    assert read_lots(path, today=TODAY).values("titer")[0] == value


def test_a_records_error_pickles_with_its_places(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "P,A,L1,2030-01-05,released,,1e6\n")
    with pytest.raises(RecordsError) as caught:
        read_lots(path, today=TODAY)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.issues == caught.value.issues and str(copy) == str(caught.value)


def test_monitoring_readings_are_checked_too(demo_folder: Path, tmp_path: Path) -> None:
    assert len(read_monitoring(demo_folder / "monitoring.csv", today=TODAY).readings) == 252
    path = write(
        tmp_path,
        "time,room,grade,measure,value\n"
        "2026-10-12 08:00,R1,E,particles_0.5um,100\n"
        "2026-10-12 08:00,R1,B,dust,1\n"
        "2026-10-12 08:00,R1,B,viable_air,\n",
        "monitoring.csv",
    )
    with pytest.raises(RecordsError) as caught:
        read_monitoring(path, today=TODAY)
    assert places(caught.value) == [(2, "C"), (3, "D"), (4, "E")]


def test_a_column_mixing_plain_numbers_and_units_is_refused(tmp_path: Path) -> None:
    head = "product,site,lot_id,start_date,outcome,titer\n"
    path = write(
        tmp_path,
        head + "P,A,L1,2026-01-05,released,1e6\n"
        "P,A,L2,2026-01-06,released,2e6 TU/mL\n"
        "P,A,L3,2026-01-07,released,3e6\n",
    )
    with pytest.raises(RecordsError) as caught:
        read_lots(path, today=TODAY)
    assert places(caught.value) == [(3, "F")]
    assert "row 2 has no unit" in str(caught.value)
