"""Areas that follow the rooms or the lots, worked out by hand on the tiny plant
(tests/helpers.py): a 100 m² suite area per suite at 5,000 EUR/m² and a fixed 400 m² site at
2,500 EUR/m²; one suite makes 35 lots a year (a 10-day cycle in 350 operating days); the seed
laboratory can start 70 a year (2 at once, 10 days) and the QC laboratory release 50 (2 at
once, 14 days)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genofab.engines.run import evaluate, run_arrays
from genofab.results.economics import EconomicsResult
from tests.helpers import dump_yaml, edit, tiny_costed, tiny_data, tiny_economics

SUITES = "facility.rooms.1.count"
QC_LAB = {"name": "QC laboratory", "area": "50 m²", "cost_per_area": "4000 EUR/m²"}


def economics(*edits: tuple[str, Any]) -> EconomicsResult:
    result = evaluate(tiny_costed(*edits)).economics
    assert result is not None
    return result


def areas(result: EconomicsResult) -> dict[str, float | None]:
    return {item.name: item.area for item in result.capital_items if item.kind == "building"}


def test_doubling_the_rooms_doubles_the_area_that_follows_them() -> None:
    one, two = economics(), economics((SUITES, 2))
    # suite: 100 m² per suite; site: 400 m² whatever the rooms
    assert areas(one) == {"suite": 100.0, "site": 400.0}
    assert areas(two) == {"suite": 200.0, "site": 400.0}
    assert one.floor_area == 500.0
    assert two.floor_area == 600.0
    # building: 100 × 5,000 × rooms + 400 × 2,500 = 1.5 M, then 2 M
    assert one.capital["building"] == pytest.approx(1_500_000)
    assert two.capital["building"] == pytest.approx(2_000_000)


def test_an_area_follows_the_lots_the_facility_can_make() -> None:
    qc = {**QC_LAB, "lots_per_year": "20 lot/yr", "quality": True}
    with_qc = [*tiny_economics()["areas"], qc]
    one = economics(("economics.areas", with_qc))
    # 35 lots a year ÷ 20 lots per block = 1.75: built twice, 100 m²
    assert areas(one)["QC laboratory"] == 100.0
    assert one.floor_area == 600.0
    # its capital: 100 m² × 4,000 = 400,000, recovered over the tiny plant's 20 years
    item = next(i for i in one.capital_items if i.name == "QC laboratory")
    assert item.purchase == pytest.approx(400_000)
    assert item.recovery_per_year == pytest.approx(20_000)
    # two suites: the QC laboratory (50 lots a year) is the bottleneck; ⌈50 ÷ 20⌉ = 3 blocks
    two = economics(("economics.areas", with_qc), (SUITES, 2))
    assert two.lots_started_per_year == pytest.approx(50)
    assert areas(two)["QC laboratory"] == 150.0
    assert areas(two)["site"] == 400.0
    # the quality view: QC tests 3,000 × 35 lots, and the QC area's
    # 400,000 × (1/20 + 2 % maintenance + 1 % insurance) + 100 m² × 100 EUR utilities a year
    assert one.quality_view["total"].annual == pytest.approx(105_000 + 20_000 + 12_000 + 10_000)


def test_an_area_follows_the_rooms_or_the_lots_not_both(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from genofab.views.cli import app

    both = {**QC_LAB, "lots_per_year": "20 lot/yr", "per_room": "qc_lab"}
    data = edit(tiny_data(), "economics", {**tiny_economics(), "areas": [both]})
    path = tmp_path / "both.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "economics.areas[0]" in result.output
    assert "follows the rooms (per_room) or the lots (lots_per_year), not both" in result.output
    assert str(path) in result.output


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(1, 12), min_size=2, max_size=6),
    st.integers(1, 4),
    st.sampled_from(["suite", "qc_lab", "seed_lab", None]),
    st.floats(1.0, 500.0),
    st.floats(1.0, 200.0),
)
def test_total_area_never_falls_when_rooms_rise(
    suites: list[int], qc_labs: int, room: str | None, area: float, block: float
) -> None:
    follows: dict[str, Any] = {"name": "drawn", "area": f"{area:.6g} m²"}
    if room is None:
        follows["lots_per_year"] = f"{block:.6g} lot/yr"
    else:
        follows["per_room"] = room
    scenario = tiny_costed(
        ("economics.areas", [*tiny_economics()["areas"], follows]),
        ("facility.rooms.3.count", qc_labs),
    )
    values: dict[str, Any] = dict(scenario.values())
    values["facility.rooms[1].count"] = np.sort(np.array(suites, dtype=float))
    cost = run_arrays(scenario, values).cost
    assert cost is not None
    floor = np.broadcast_to(cost.capital.floor_area, values["facility.rooms[1].count"].shape)
    assert np.all(np.diff(floor) >= 0)
    # the fixed site area is always there
    assert np.all(floor >= 400.0)


def shipped_scenarios() -> list[Any]:
    from genofab.io.scenario_file import load_scenario, parse_scenario
    from genofab.io.templates import template_text, templates
    from tests.helpers import EXAMPLES, scenario_examples

    stages = sorted((EXAMPLES / "sickle-cell-gene-therapy").glob("*.yaml"))  # a chain's stages
    found = [load_scenario(path).scenario for path in [*scenario_examples(), *stages]]
    found += [parse_scenario(template_text(name), f"{name}.yaml").scenario for name in templates()]
    return [scenario for scenario in found if scenario.economics is not None]


def test_quality_follows_the_lots_or_rooms_in_every_shipped_scenario() -> None:
    for scenario in shipped_scenarios():
        economics = scenario.economics
        quality_staff = [s for s in economics.staff if s.quality]
        for role in ("Quality control", "Quality assurance"):
            following = [
                s
                for s in quality_staff
                if s.role.startswith(role) and (s.hours is not None or s.per_room is not None)
            ]
            assert following, f"{scenario.name}: no {role} staff follow the lots or rooms"
        qc_areas = [a for a in economics.areas if "QC" in a.name]
        elsewhere = any(
            "QC laboratory is counted in" in (a.area.source or "") for a in economics.areas
        )
        assert qc_areas or elsewhere, f"{scenario.name}: no QC area"
        for area in qc_areas:
            assert area.quality, (scenario.name, area.name)
            assert area.per_room is not None or area.lots_per_year is not None, scenario.name


def test_the_qc_area_follows_the_qc_laboratories_when_the_plant_is_sized_to_demand() -> None:
    """The industrial example sized to 100,000 patients a year (the practice review's case):
    eleven suites and six QC laboratories, each with its area; the warehouse and offices stay
    as stated."""
    from genofab.io.scenario_file import parse_scenario
    from tests.helpers import EXAMPLES

    text = (EXAMPLES / "lv-sickle-cell-industrial.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    value: 10000\n    unit: patient/yr", "    value: 100000\n    unit: patient/yr"
    )
    text = text.replace("  currency: EUR\n", "  currency: EUR\n  facility_sizing: to_demand\n", 1)
    sized = evaluate(parse_scenario(text, "sized.yaml").scenario).economics
    assert sized is not None
    rooms = {item.name: item.units for item in sized.capital_items}
    # 400 patients a lot: 250 lots a year; a suite makes 24, a QC laboratory releases 4 at once
    assert sized.lots_started_per_year == 250
    assert rooms["Production suite"] == 11
    assert rooms["QC laboratory"] == 6
    area = areas(sized)
    assert area["QC laboratory"] == 6 * 200.0
    assert area["Production suite"] == 11 * 300.0
    assert area["Warehouse, offices and technical areas"] == 400.0


def test_the_conventional_roll_up_and_the_quality_view_worked() -> None:
    """docs/costing.md's worked roll-up of the tiny plant, and its quality view with the QA
    staff and a QC laboratory that follows the lots."""
    rolled = {name: line.annual for name, line in economics().roll_up.items()}
    assert rolled == pytest.approx(
        {
            # medium 1 L/L × 50 EUR × 10 L × 35 lots; resin 10,000 ÷ 5 cycles × 35;
            # vials 100 a lot (100 mL in 1 mL) × 2 EUR × 35: 17,500 + 70,000 + 7,000
            "direct materials": 94_500,
            "QC/QA": 105_000,  # sterility 3,000 × 35 lots
            "labour": 700_000,  # 7 FTE × 100,000
            # suite 25,000 + 25,000; site 50,000 + 70,000; bioreactor 50,000 + 15,000
            "facility-dependent": 235_000,
            "indirect": 81_000,  # 10 % × (700,000 + 110,000 of running)
            "total": 1_215_500,
        }
    )
    qc = {**QC_LAB, "lots_per_year": "20 lot/yr", "quality": True}
    quality = economics(
        ("economics.areas", [*tiny_economics()["areas"], qc]),
        ("economics.staff.1.quality", True),
    ).quality_view
    assert {name: line.annual for name, line in quality.items()} == pytest.approx(
        {
            "qc_tests": 105_000,
            "qc_qa_labour": 200_000,  # the 2 QA FTE
            "qc_qa_facility": 42_000,  # 100 m²: 20,000 + 12,000 + 10,000
            "total": 347_000,
        }
    )


#: Shipped scenarios whose areas and equipment add up to a published all-in investment
#: (the dossier's EUR 28 M facility, S3, S7), installation included: no installation factors.
ALL_IN_INVESTMENT = {"genethon-bioprod-facility", "lv-sickle-cell-current", "lv-adherent"}


def test_the_shipped_scenarios_use_installed_capital_and_one_off_costs() -> None:
    from genofab.io.scenario_file import parse_scenario
    from genofab.io.templates import template_text, templates
    from tests.helpers import scenario_examples

    texts = {path.stem: path.read_text(encoding="utf-8") for path in scenario_examples()}
    texts.update({name: template_text(name) for name in templates()})
    for name, text in texts.items():
        economics = parse_scenario(text, f"{name}.yaml").scenario.economics
        if economics is None:
            continue
        if name in ALL_IN_INVESTMENT:
            assert economics.installation is None and "all-in investment" in text, name
        else:
            assert economics.installation is not None, name
        if economics.pricing is not None:  # a product to launch: PPQ lots, transfer ...
            assert any(fee.per == "once" for fee in economics.fees), name


def test_scale_shows_the_floor_area_following_the_rooms() -> None:
    """`genofab scale` of the industrial example over its suites and its QC laboratories:
    300 m² a suite and 200 m² a QC laboratory are added; 1,010 m² as stated (300 + 60 + 50 +
    200 + 400)."""
    from genofab.engines.scale import scale
    from genofab.io.scenario_file import load_scenario
    from tests.helpers import EXAMPLES

    scenario = load_scenario(EXAMPLES / "lv-sickle-cell-industrial.yaml").scenario
    suites = scale(scenario, "facility.rooms[1].count", np.array([1.0, 2.0, 3.0]))
    assert [point.floor_area for point in suites.points] == [1010.0, 1310.0, 1610.0]
    labs = scale(scenario, "facility.rooms[3].count", np.array([1.0, 2.0]))
    assert [point.floor_area for point in labs.points] == [1010.0, 1210.0]


def test_run_prints_the_floor_area() -> None:
    from typer.testing import CliRunner

    from genofab.views.cli import app
    from tests.helpers import EXAMPLES

    example = str(EXAMPLES / "lv-sickle-cell-industrial.yaml")
    result = CliRunner().invoke(app, ["run", example, "--samples", "0"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "floor area (m²)" in line)
    assert "1,010" in line  # 300 + 60 + 50 + 200 + 400 m²
