"""The costing sections of ``genofab report``: cost lines by kind, capital item by item, the
project's net present cost, the fair price's build-up and a cohort's campaign, in the HTML and
the workbook, with numbers worked out by hand on the tiny plant (tests/helpers.py: 35 lots a
year of 30 patients at capacity, FTE cost 100,000 EUR a year at 1,600 h)."""

from __future__ import annotations

import html as html_text
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from genofab.engines.finance import capital_recovery_factor
from genofab.views.cli import app
from genofab.views.console import number
from genofab.views.labels import pretty_unit
from tests.helpers import dump_yaml, edit, tiny_data, tiny_economics

runner = CliRunner()


def costed_tiny() -> dict[str, Any]:
    """The tiny plant, its cohort of 100 alone, with hours per lot, a material per amount
    loaded, a one-off cost over lots, a Lang factor, a capital charge, a project life and an
    out-of-pocket development cost with public funding."""
    data = tiny_data()
    data["economics"] = tiny_economics()
    data = edit(data, "demand.patients_per_year", ...)
    economics = data["economics"]
    economics["staff"].append(
        {"role": "QC analysts", "hours": "100 h", "cost_per_hour": "50 EUR/h", "quality": True}
    )
    economics["materials"].append(
        {
            "name": "resin per 1e10 TU loaded",
            "step": "capture",
            "basis": "per_amount",
            "per_amount": "1e10 TU",
            "quantity": "1 mL",
            "unit_price": "100 EUR/mL",
        }
    )
    economics["fees"] = [
        {"name": "PPQ lots", "per": "once", "amount": "200 kEUR", "spread_over_lots": 10}
    ]
    economics["areas"] = [
        {"name": "suite", "area": "100 m²", "per_room": "suite"},
        {"name": "site", "area": "400 m²"},
    ]
    economics["installation"] = {"lang_factor": 4}
    economics["cost_of_capital"] = "8 %"
    economics["project"] = {"life": 10, "discount_rate": "10 %"}
    pricing = economics["pricing"]
    del pricing["expected_patients"]
    pricing.update(
        {
            "development_cost": "50 MEUR",
            "development_basis": "out_of_pocket",
            "probability_of_success": "50 %",
            "development_years": 2,
            "cost_of_capital": "8 %",
            "commercial_life": 10,
            "public_funding": "20 MEUR",
        }
    )
    return data


def rows(book: Any, sheet: str) -> dict[str, tuple[Any, ...]]:
    """A sheet's rows by their first cell (second for the cost lines, whose first is a group)."""
    key = 1 if sheet == "Cost lines" else 0
    return {row[key]: row for row in book[sheet].iter_rows(min_row=2, values_only=True)}


def section(page: str, start: str, end: str | None = None) -> str:
    """The page's text from the heading ``start`` to the next heading (or ``end``), tags
    stripped."""
    text = page[page.index(f'id="{start}"') :]
    text = text[: text.index(f'id="{end}"')] if end else text[: text.index("<h2", 1)]
    return html_text.unescape(re.sub(r"<[^>]+>", "|", text))


def shown(value: float) -> str:
    """A number as the report prints it, between cell bars."""
    return f"|{number(value)}|"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("costing")
    file = folder / "tiny.yaml"
    file.write_text(dump_yaml(costed_tiny()), encoding="utf-8")
    run = runner.invoke(app, ["run", str(file), "--format", "json"])
    assert run.exit_code == 0, run.output
    result = runner.invoke(app, ["report", str(file), "-o", str(folder / "out")])
    assert result.exit_code == 0, result.output
    page = (folder / "out" / "tiny.html").read_text(encoding="utf-8")
    return page, load_workbook(folder / "out" / "tiny.xlsx"), json.loads(run.stdout)


def test_cost_lines_by_kind_with_hours_fte_and_what_they_are_counted_per(
    report: tuple[str, Any, dict[str, Any]],
) -> None:
    page, book, _ = report
    lines = rows(book, "Cost lines")
    # 100 h × 50 EUR a lot started, 35 lots: 3,500 h a year ÷ 1,600 h = 2.1875 FTE
    qc = lines["QC analysts"]
    assert qc[0] == "labour" and qc[3] == "hours per lot started"
    assert qc[7:12] == pytest.approx((2.1875, 3_500, 175_000, 5_000, 175_000 / 1_050))
    # 5 FTE operators and 2 FTE QA at 1,600 h
    assert lines["operators"][7:10] == pytest.approx((5, 8_000, 500_000))
    # capture is loaded with 10 L × 1e7 TU/mL = 1e11 TU: 10 × 1 mL × 100 EUR a lot
    resin = lines["resin per 1e10 TU loaded"]
    assert resin[3] == "per amount loaded" and resin[5] == "TU" and resin[6] == "capture"
    assert (resin[4], resin[10]) == pytest.approx((1e11, 1_000))
    # 200 k over 10 lots: 20,000 a lot, 35 lots
    ppq = lines["PPQ lots"]
    assert ppq[3] == "one-off, spread over lots"
    assert (ppq[9], ppq[10]) == pytest.approx((700_000, 20_000))
    text = section(page, "cost-lines")
    for value in (2.1875, 3_500, 175_000, 5_000, 1_000, 700_000, 20_000):
        assert shown(value) in text, value
    # what one lot uses, with its unit: 1e11 TU loaded, 10 L of working volume, 100 containers
    assert f"|{number(1e11)} TU|" in text and "|10 L|" in text and "|100 containers|" in text
    assert lines["medium"][4:6] == (10, "L") and lines["vials"][4:6] == (100, "containers")
    assert "|labour|" in text and "|fees, licences, facility charges and one-off costs|" in text


def test_capital_scaled_installed_and_charged(report: tuple[str, Any, dict[str, Any]]) -> None:
    page, book, _ = report
    bioreactor = rows(book, "Capital items")["bioreactor"]
    # Lang 4 on 500 k: 1.5 M installation; the purchase over 10 yr, the rest over 20 yr, at 8 %
    charge = 500_000 * float(capital_recovery_factor(0.08, 10)) + 1_500_000 * float(
        capital_recovery_factor(0.08, 20)
    )
    assert bioreactor[9:13] == pytest.approx((500_000, 1_500_000, 2_000_000, 10))
    assert bioreactor[13] == pytest.approx(charge)
    assert bioreactor[14] == pytest.approx(0.03 * 2_000_000)  # maintenance 2 % + insurance 1 %
    time = rows(book, "Capital and time")
    assert time["installation: lang factor"][1] == 4
    assert time["capital recovered by"][1] == "annuity at the cost of capital"
    # 10 years at 10 %: Σ 1.1^-t = 6.1446
    factor = sum(1.1**-t for t in range(1, 11))
    assert time["present value of 1 a year of running cost"][1] == pytest.approx(factor)
    assert time["discounted doses"][1] == pytest.approx(1_050 * factor)
    running = time["running cost a year, without capital recovery (EUR)"][1]
    npc = 2_000_000 + running * factor
    assert time["net present cost (EUR)"][1] == pytest.approx(npc)
    assert time["levelised cost per dose (EUR)"][1] == pytest.approx(npc / (1_050 * factor))
    text = section(page, "capital")
    for value in (1_500_000, 2_000_000, charge, factor, npc, npc / (1_050 * factor)):
        assert shown(value) in text, value


def test_the_fair_price_built_up_from_its_inputs(report: tuple[str, Any, dict[str, Any]]) -> None:
    page, book, data = report
    build = rows(book, "Price build-up")
    # spent 50 M ÷ 50 % success × 1.08² = 116.64 M at launch, less 20 M of public funding
    at_launch = 50e6 / 0.5 * 1.08**2
    assert build["development cost capitalised at launch (EUR)"][1] == pytest.approx(at_launch)
    assert build["net development cost (EUR)"][1] == pytest.approx(at_launch - 20e6)
    # the cost of goods' volume: 1,050 patients a year at capacity, × 10 years
    assert build["patients treated a year (the cost of goods' volume)"][1] == 1_050
    key = "expected patients (patients treated a year × commercial life)"
    assert build[key][1] == 10_500
    per_patient = (at_launch - 20e6) / 10_500 * float(capital_recovery_factor(0.08, 10)) * 10
    assert build["development per patient (EUR)"][1] == pytest.approx(per_patient)
    fair = data["fair_price_per_patient"]
    assert build["fair price per patient (EUR)"][1] == pytest.approx(fair["total"], rel=1e-12)
    zero = fair["total"] / 1.2  # the price without its 20 % margin (no royalty)
    assert build["price at zero NPV, no margin (EUR)"][1] == pytest.approx(zero)
    text = section(page, "price-build-up")
    for value in (at_launch, at_launch - 20e6, 10_500, per_patient, zero):
        assert shown(value) in text, value


def test_a_cohort_alone_shows_its_campaign(report: tuple[str, Any, dict[str, Any]]) -> None:
    page, book, data = report
    campaign = rows(book, "Campaign")
    # 100 patients: 4 lots of 30, holding the plant 4 ÷ 35 of a year
    assert campaign["lots started for the cohort"][1] == 4
    assert campaign["years of the plant held"][1] == pytest.approx(4 / 35)
    assert campaign["full-capacity cost per dose (EUR)"][1] == data["cogs_per_dose"]
    text = section(page, "campaign")
    assert shown(4) in text and shown(4 / 35) in text


def test_sizes_in_the_files_units_and_rates_as_percentages(tmp_path: Path) -> None:
    """A bioreactor priced at 20 L and sized by its 10 L step reads 20 L and 10 L (not
    0.02 m³); itemised installation factors, the cost of capital, the discount rate and the
    probability of success read as percentages, in the page and the workbook alike."""
    data = costed_tiny()
    economics = data["economics"]
    economics["equipment"][0].update(
        {"reference_size": "20 L", "size_from_step": "make", "exponent": 0.6}
    )
    economics["installation"] = {"factors": {"installation": "30 %", "validation": "20 %"}}
    file = tmp_path / "tiny.yaml"
    file.write_text(dump_yaml(data), encoding="utf-8")
    result = runner.invoke(app, ["report", str(file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "out" / "tiny.xlsx")
    page = (tmp_path / "out" / "tiny.html").read_text(encoding="utf-8")
    bioreactor = rows(book, "Capital items")["bioreactor"]
    # 500 k × (10 ÷ 20)^0.6 = 329,877 a suite
    assert bioreactor[5:7] == pytest.approx((20, 10)) and bioreactor[7] == "L"
    assert bioreactor[8:10] == pytest.approx((0.6, 500_000 * 0.5**0.6))
    suite = rows(book, "Capital items")["suite"]
    assert suite[3] == 100  # m², one suite
    time = {row[0]: row[1:] for row in book["Capital and time"].iter_rows(values_only=True)}
    assert time["installation: installation"] == (30, "%")
    assert time["installation: validation"] == (20, "%")
    assert time["cost of capital"] == (8, "%")
    assert time["discount rate"] == (10, "%")
    assert time["floor area"] == (500, "m²")
    build = {row[0]: row[1:] for row in book["Price build-up"].iter_rows(values_only=True)}
    assert build["probability of success"] == (50, "%")
    assert build["cost of capital"] == (8, "%")
    capital = section(page, "capital")
    for text in ("|20 L|", "|10 L|", "|100 m²|", "|30||%|", "|8||%|", "|10||%|", "|500||m²|"):
        assert text in capital, text
    assert "|50||%|" in section(page, "price-build-up")
    assert "m³" not in page


def test_no_campaign_and_no_price_build_up_when_there_is_none(tmp_path: Path) -> None:
    data = edit(costed_tiny(), "economics.pricing", ...)
    data = edit(data, "demand.patients_per_year", 600)
    file = tmp_path / "tiny.yaml"
    file.write_text(dump_yaml(data), encoding="utf-8")
    result = runner.invoke(app, ["report", str(file), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "out" / "tiny.xlsx")
    assert {"Cost lines", "Capital items", "Capital and time"} <= set(book.sheetnames)
    assert not {"Campaign", "Price build-up"} & set(book.sheetnames)
    page = (tmp_path / "out" / "tiny.html").read_text(encoding="utf-8")
    assert 'id="campaign"' not in page and 'id="price-build-up"' not in page


def assert_costing_matches(page: str, book: Any, data: dict[str, Any]) -> None:
    """The workbook's and the page's costing figures are the engine's (``data``: the JSON of
    ``genofab run``), for any scenario with costs."""
    economics = data["economics"]
    sheet = list(book["Cost lines"].iter_rows(min_row=2, values_only=True))
    assert len(sheet) == len(economics["cost_lines"])
    text = section(page, "cost-lines")
    for line in economics["cost_lines"]:  # the workbook keeps 15 significant digits
        figures = ("fte", "hours_per_year", "annual", "per_lot", "per_dose")
        wanted = tuple(
            None if line[k] is None else pytest.approx(line[k], rel=1e-14) for k in figures
        )
        assert wanted in [row[7:12] for row in sheet if row[1] == line["name"]], line
        assert shown(line["annual"]) in text
    items = list(book["Capital items"].iter_rows(min_row=2, values_only=True))
    for row, item in zip(items, economics["capital_items"], strict=True):
        assert row[0] == item["name"]
        assert row[9:15] == pytest.approx(
            (
                item["purchase"],
                item["installation"],
                item["installed"],
                item["years"],
                item["recovery_per_year"],
                item["running_per_year"],
            ),
            rel=1e-14,
        )
    inputs = {row["path"]: row for row in data["inputs"]}
    for row, item in zip(items, economics["capital_items"], strict=True):
        # floor area in m²; a size in the unit its file wrote (200 L, not 0.2 m³)
        assert row[3] == (None if item["area"] is None else pytest.approx(item["area"]))
        written = inputs.get(f"{item['path']}.reference_size")
        if written is not None:
            amount, unit = written["given"].split(maxsplit=1)
            assert row[5] == pytest.approx(float(amount), rel=1e-12)
            assert row[7] == pretty_unit(unit)
            assert f"|{number(float(amount))} {pretty_unit(unit)}|" in section(page, "capital")
    total = sum(line["annual"] for line in economics["cost_lines"])
    assert total == pytest.approx(economics["annual_cost"], rel=1e-9)  # the lines sum up
    time_rows = {row[0]: row[1:] for row in book["Capital and time"].iter_rows(values_only=True)}
    assert time_rows["floor area"] == (pytest.approx(economics["floor_area"]), "m²")
    if economics["cost_of_capital"] is not None:  # rates as percentages
        rate = pytest.approx(economics["cost_of_capital"] * 100)
        assert time_rows["cost of capital"] == (rate, "%")
    for name, factor in economics["installation"].items():
        shown_factor = time_rows[f"installation: {name.replace('_', ' ')}"]
        if name == "lang_factor":
            assert shown_factor == (pytest.approx(factor), "× purchase")
        else:
            assert shown_factor == (pytest.approx(factor * 100), "%")
    if economics["project"] is not None:
        time = {row[0]: row[1] for row in book["Capital and time"].iter_rows(values_only=True)}
        money = economics["currency"]
        npc = economics["project"]["net_present_cost"]
        assert time[f"net present cost ({money})"] == pytest.approx(npc, rel=1e-14)
    fair = economics["fair_price"]
    if fair is not None:
        build = {row[0]: row[1] for row in book["Price build-up"].iter_rows(values_only=True)}
        money = economics["currency"]
        net, zero = fair["development_cost_net"], fair["npv_zero_price"]
        assert build[f"net development cost ({money})"] == pytest.approx(net, rel=1e-14)
        assert build[f"price at zero NPV, no margin ({money})"] == pytest.approx(zero, rel=1e-14)
        assert shown(fair["npv_zero_price"]) in section(page, "price-build-up")
