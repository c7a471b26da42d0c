"""Lot records in long form (one row a measurement): the same records as the one-row-a-lot
form, units converted within a dimension, and every bad cell reported at its place."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from genofab.errors import RecordsError
from genofab.io.records import read_lots
from genofab.views.cli import app

TODAY = date(2026, 12, 1)
runner = CliRunner()

WIDE = """\
product,site,lot_id,start_date,outcome,failure_reason,production_bioreactor.titer [TU/mL],\
chromatography.step_yield [%],qc.final_titer#1 [TU/mL],qc.final_titer#2 [TU/mL]
P,A,L1,2026-01-05,released,,1000000,50,300000,320000
P,A,L2,2026-01-20,failed,sterility,800000,45,250000,270000
P,B,L3,2026-02-01,released,,600000,,200000,210000
"""

# the same lots, one row a measurement, in another order; L2's titre in TU/L (8e8 TU/L is
# 8e5 TU/mL), L3's replicate 2 in TU/L too; the lot columns given once per lot, or repeated
LONG = """\
lot_id,product,site,start_date,outcome,failure_reason,step,parameter,value,unit,replicate,time
L1,P,A,2026-01-05,released,,production_bioreactor,titer,1000000,TU/mL,,2026-01-06 10:00
L1,,,,,,chromatography,step_yield,50,%,,
L2,P,A,2026-01-20,failed,sterility,production_bioreactor,titer,800000000,TU/L,,
L1,P,,,,,qc,final_titer,300000,TU/mL,1,
L1,,,,,,qc,final_titer,320000,TU/mL,2,
L2,,,,,,chromatography,step_yield,45,%,,
L2,,,,,,qc,final_titer,250000,TU/mL,1,
L2,,,,,,qc,final_titer,270000,TU/mL,2,
L3,P,B,2026-02-01,released,,production_bioreactor,titer,600000,TU/mL,,
L3,,,,,,qc,final_titer,200000,TU/mL,1,
L3,,,,,,qc,final_titer,210000000,TU/L,2,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_long_form_reads_as_its_wide_form(tmp_path: Path) -> None:
    wide = read_lots(write(tmp_path, "wide.csv", WIDE), today=TODAY)
    long = read_lots(write(tmp_path, "long.csv", LONG), today=TODAY)
    assert long.measurements == wide.measurements
    assert [m.name for m in long.measurements] == [
        "production_bioreactor.titer",
        "chromatography.step_yield",
        "qc.final_titer",
    ]
    assert len(long.lots) == len(wide.lots) == 3
    for a, b in zip(long.lots, wide.lots, strict=True):
        assert (a.product, a.site, a.lot_id, a.start_date, a.outcome, a.failure_reason) == (
            b.product,
            b.site,
            b.lot_id,
            b.start_date,
            b.outcome,
            b.failure_reason,
        )
        for x, y in zip(a.values, b.values, strict=True):
            assert x == pytest.approx(y, rel=1e-12, nan_ok=True)
    # converted, not copied: 8e8 TU/L is 8e5 TU/mL; L3 has no chromatography yield (NaN)
    assert long.lots[1].values[0][0] == pytest.approx(800_000.0, rel=1e-12)
    assert math.isnan(long.lots[2].values[1][0])
    assert long.replicates("qc.final_titer").ravel() == pytest.approx(
        wide.replicates("qc.final_titer").ravel(), rel=1e-12
    )


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
cell = st.one_of(st.none(), finite)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.tuples(cell, cell).filter(lambda pair: pair != (None, None)), min_size=1, max_size=6
    ),
    data=st.data(),
)
def test_any_wide_table_reads_the_same_written_long(
    tmp_path_factory: pytest.TempPathFactory,
    values: list[tuple[float | None, float | None]],
    data: st.DataObject,
) -> None:
    """Invariant: a lot table written one row a measurement, in any row order, with the cells
    left blank in the wide form left out, reads as the same lots and values."""
    folder = tmp_path_factory.mktemp("layouts")
    wide = ["lot_id,product,site,start_date,outcome,a.x [g],b.y [g]"]
    rows = []
    for i, pair in enumerate(values):
        lot = f"L{i},P,S,2026-01-{i + 1:02d},released"
        wide.append(lot + "".join("," + ("" if v is None else repr(v)) for v in pair))
        rows += [
            f"{lot},{step},{name},{v!r},g"
            for (step, name), v in zip((("a", "x"), ("b", "y")), pair, strict=True)
            if v is not None
        ]
    rows = data.draw(st.permutations(rows))
    long = ["lot_id,product,site,start_date,outcome,step,parameter,value,unit", *rows]
    wide_lots = read_lots(write(folder, "wide.csv", "\n".join(wide) + "\n"), today=TODAY)
    long_lots = read_lots(write(folder, "long.csv", "\n".join(long) + "\n"), today=TODAY)
    names = [m.name for m in long_lots.measurements]
    assert [lot.lot_id for lot in long_lots.in_order()] == [
        lot.lot_id for lot in wide_lots.in_order()
    ]
    for name in ("a.x", "b.y"):
        if name not in names:  # measured in no lot: the wide form has only blanks
            assert wide_lots.values(name).size == 0
            continue
        np.testing.assert_array_equal(long_lots.values(name), wide_lots.values(name))


def test_the_layout_can_be_declared_and_is_then_enforced(tmp_path: Path) -> None:
    long = write(tmp_path, "long.csv", LONG)
    assert len(read_lots(long, today=TODAY, layout="long").lots) == 3
    with pytest.raises(RecordsError) as caught:
        read_lots(write(tmp_path, "wide.csv", WIDE), today=TODAY, layout="long")
    assert "the column 'parameter' is missing" in str(caught.value)


BAD = """\
lot_id,product,site,start_date,outcome,parameter,value,unit,replicate,time
L1,P,A,2026-01-05,released,titer,1000000,TU/mL,,
L1,P,A,2026-01-05,released,titer,1100000,TU/mL,,
L1,P,B,,,yield,50,%,,
L2,P,A,2026-01-20,released,titer,75,%,,
L2,,,,,yield,45,,,
L3,P,A,2026-02-01,released,titer,abc,TU/mL,,
,P,A,2026-02-01,released,yield,40,%,,
L3,,,,,viability,90,%,1.5,
L3,,,,,viability,91,%,2,2027-01-01 08:00
L4,P,A,2026-02-02,released,titer,5,furlongs,,
"""


def test_every_bad_cell_of_the_long_form_is_reported_at_its_place(tmp_path: Path) -> None:
    with pytest.raises(RecordsError) as caught:
        read_lots(write(tmp_path, "bad.csv", BAD), today=TODAY)
    found = {(issue.row, issue.column): issue.message for issue in caught.value.issues}
    expected = {
        (3, "F"): "duplicate: lot L1, titer is in row 2 already",
        (4, "C"): "lot L1: site is 'B' here but 'A' in row 2",
        (5, "H"): "mixed units: titer is in % here but in TU/mL in row 2",
        (6, "H"): "mixed units: yield is without a unit here but in % in row 4",
        (7, "G"): "text 'abc' in a number column",
        (8, "A"): "lot_id is required: the cell is empty",
        (9, "I"): "replicate '1.5': a whole number from 1 to 25",
        (10, "J"): "2027-01-01 is in the future",
        (11, "H"): "unknown unit 'furlongs'",
    }
    for place, words in expected.items():
        assert place in found, (place, found)
        assert words in found[place], (words, found[place])
    assert len(found) == len(expected), found


def test_records_check_on_a_bad_long_file_exits_2_naming_each_place(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", BAD)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["records", "check", str(bad)])
    assert result.exit_code == 2
    assert "9 problems in" in result.stderr
    assert "row 3, column F (parameter): duplicate: lot L1" in result.stderr
    assert "row 5, column H (unit): mixed units" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_records_check_reads_a_long_file_as_lots(tmp_path: Path) -> None:
    result = runner.invoke(app, ["records", "check", str(write(tmp_path, "long.csv", LONG))])
    assert result.exit_code == 0, result.output
    assert "valid (3 lots, 1 failed; sites: A 2, B 1; 3 measurements" in result.stdout
    assert "qc.final_titer [TU/mL] ×2" in result.stdout


# three lots started the same day, in file order L1, L2, L3: L2's titre was sampled first,
# L1's second, L3's without a time; L4 started later
SAME_DAY = """\
lot_id,product,site,start_date,outcome,parameter,value,unit,time
L1,P,A,2026-03-02,released,titer,10,TU/mL,2026-03-02 15:30
L2,P,A,2026-03-02,released,titer,20,TU/mL,2026-03-02 09:00
L3,P,A,2026-03-02,released,titer,30,TU/mL,
L4,P,A,2026-03-01,released,titer,40,TU/mL,2026-03-09 08:00
L1,P,A,2026-03-02,released,yield,50,%,
L2,P,A,2026-03-02,released,yield,60,%,
"""


def test_sample_times_order_the_lots_of_a_chart_that_started_the_same_day(
    tmp_path: Path,
) -> None:
    from genofab.engines.records.control import RULE_SETS
    from genofab.service.records import chart_for

    lots = read_lots(write(tmp_path, "same-day.csv", SAME_DAY), today=TODAY)
    # start date first (L4 started a day earlier), then the titre's sample time, then no time
    assert [lot.lot_id for lot in lots.in_order("titer")] == ["L4", "L2", "L1", "L3"]
    np.testing.assert_array_equal(lots.values("titer"), [40.0, 20.0, 10.0, 30.0])
    chart = chart_for(lots, "titer", None, RULE_SETS["nelson"])
    assert chart.lots == ("L4", "L2", "L1", "L3")
    # moving ranges in that order: |20-40|, |10-20|, |30-10| → mean 50/3; σ = MR̄ / 1.128
    assert chart.sigma_within == pytest.approx((20 + 10 + 20) / 3 / 1.1283791670955126)
    # a measurement without times keeps file order among lots of the same day
    assert [lot.lot_id for lot in lots.in_order("yield")] == ["L4", "L1", "L2", "L3"]
    assert [lot.lot_id for lot in lots.in_order()] == ["L4", "L1", "L2", "L3"]


def test_a_sample_taken_before_its_lot_started_is_refused_at_its_cell(tmp_path: Path) -> None:
    early = SAME_DAY.replace("2026-03-09 08:00", "2026-02-28 08:00")
    with pytest.raises(RecordsError) as caught:
        read_lots(write(tmp_path, "early.csv", early), today=TODAY)
    [issue] = caught.value.issues
    assert (issue.row, issue.column, issue.header) == (5, "I", "time")
    assert "lot L4: titer sampled at 2026-02-28 08:00, before the lot's start_date" in (
        issue.message
    )


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 23 * 60), min_size=2, max_size=8, unique=True))
def test_lots_of_one_day_are_charted_in_sample_time_order(minutes: list[int]) -> None:
    """Invariant: whatever the file order, lots started the same day chart in the order their
    samples were taken."""
    import tempfile

    rows = [
        f"L{i},P,A,2026-03-02,released,titer,{i + 1},TU/mL,2026-03-02 {m // 60:02d}:{m % 60:02d}"
        for i, m in enumerate(minutes)
    ]
    text = "lot_id,product,site,start_date,outcome,parameter,value,unit,time\n"
    with tempfile.TemporaryDirectory() as folder:
        lots = read_lots(write(Path(folder), "t.csv", text + "\n".join(rows) + "\n"), today=TODAY)
    expected = [f"L{i}" for i in sorted(range(len(minutes)), key=lambda i: minutes[i])]
    assert [lot.lot_id for lot in lots.in_order("titer")] == expected
