"""The records section of ``genofab report`` (and the report of a records file alone): the
numbers in the workbook and the page are the engines' own, each chart is drawn once, and bad
input exits 2 naming its place with nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from genofab.engines.records.capability import capability
from genofab.engines.records.comparison import compare_sites
from genofab.engines.records.control import RULE_SETS, individuals_chart, subgroup_chart
from genofab.engines.records.monitoring import monitoring_report
from genofab.io.records import read_lots, read_monitoring
from genofab.views.cli import app
from genofab.views.reports.records_report import chart_key

runner = CliRunner()
SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "lv-sickle-cell-current.yaml"
TITER = "production_bioreactor.titer"
YIELD = "chromatography.step_yield"


def sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


KEPT = (TITER, YIELD, "qc.final_titer")


def keep_columns(source: Path, target: Path, kept: tuple[str, ...]) -> Path:
    """A copy of a lot CSV with the lot columns and only the measurements named."""
    import csv

    with source.open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    chosen = [
        i
        for i, head in enumerate(rows[0])
        if "[" not in head or head.split("#")[0].split(" [")[0] in kept
    ]
    with target.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([[row[i] for i in chosen] for row in rows])
    return target


@pytest.fixture(scope="module")
def records_report(demo_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scenario's report with the records section: three of the demo's measurements (6
    charts), its monitoring, a specification, limits from 8 lots, and a small Monte Carlo."""
    folder = tmp_path_factory.mktemp("records-report")
    lots = keep_columns(demo_folder / "lots.csv", folder / "lots.csv", KEPT)
    out = folder / "out"
    result = runner.invoke(
        app,
        [
            "report",
            str(SCENARIO),
            "-o",
            str(out),
            "--name",
            "lots",
            "--records",
            str(lots),
            "--records",
            str(demo_folder / "monitoring.csv"),
            "--spec",
            f"{YIELD}=35:70",
            "--baseline",
            "8",
            "--samples",
            "2000",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_chart_limits_in_the_workbook_are_the_engines(
    records_report: Path, demo_folder: Path
) -> None:
    lyon = read_lots(demo_folder / "lots.csv").select(site="Lyon")
    expected = individuals_chart(
        lyon.values(TITER), baseline=8, rules=RULE_SETS["nelson"], measurement=TITER
    )
    rows = sheet_rows(records_report / "lots.xlsx", "Control charts")
    (row,) = [r for r in rows if r["site"] == "Lyon" and r["measurement"] == TITER]
    assert row["chart"] == "I-MR" and row["baseline lots"] == 8
    assert row["centre"] == pytest.approx(expected.location.center, rel=1e-12)
    assert row["upper limit"] == pytest.approx(expected.location.upper, rel=1e-12)
    assert row["provisional"] == "yes"
    assert row["P(false alarm in next 20)"] == pytest.approx(expected.false_alarm_next_20)
    signals = sheet_rows(records_report / "lots.xlsx", "Chart signals")
    lyon_titer = [s for s in signals if s["site"] == "Lyon" and s["measurement"] == TITER]
    assert [(s["point"], s["rule"]) for s in lyon_titer] == [
        (s.index + 1, s.rule) for s in expected.signals
    ]
    assert [s["lot"] for s in lyon_titer] == ["LYO-26-016"]  # the end of the planted drift
    # replicates get an X̄-R chart, as `records chart` draws them
    evry = read_lots(demo_folder / "lots.csv").select(site="Évry")
    xbar = subgroup_chart(evry.replicates("qc.final_titer"), baseline=8, rules=RULE_SETS["nelson"])
    (row,) = [r for r in rows if r["site"] == "Évry" and r["measurement"] == "qc.final_titer"]
    assert row["chart"] == xbar.kind and row["lower limit"] == pytest.approx(xbar.location.lower)


def test_capability_and_equivalence_are_the_engines(
    records_report: Path, demo_folder: Path
) -> None:
    lots = read_lots(demo_folder / "lots.csv")
    evry, lyon = lots.select(site="Évry"), lots.select(site="Lyon")
    book = records_report / "lots.xlsx"
    (row,) = [r for r in sheet_rows(book, "Capability") if r["site"] == "Évry"]
    expected = capability(evry.values(YIELD), lower=35, upper=70)
    assert row["lots"] == 24
    assert row["Ppk"] == pytest.approx(expected.ppk.estimate, rel=1e-12)
    assert row["Ppk low"] == pytest.approx(expected.ppk.lower, rel=1e-12)
    assert row["Cp high"] == pytest.approx(expected.cp.upper, rel=1e-12)
    (titer,) = [r for r in sheet_rows(book, "Equivalence") if r["measurement"] == TITER]
    verdict = compare_sites(
        evry.values(TITER),
        lyon.values(TITER),
        measurement=TITER,
        unit="TU/mL",
        names=("Évry", "Lyon"),
        scale="ratio",
    )
    assert titer["scale"] == "ratio" and titer["equivalent"] == "no"
    assert titer["estimate"] == pytest.approx(verdict.estimate, rel=1e-12)
    assert titer["power"] == pytest.approx(verdict.power, rel=1e-12)
    assert titer["margin low"] == pytest.approx(verdict.margin[0], rel=1e-12)


def test_excursions_and_flagged_lots_are_the_engines(
    records_report: Path, demo_folder: Path
) -> None:
    expected = monitoring_report(
        read_monitoring(demo_folder / "monitoring.csv"), read_lots(demo_folder / "lots.csv")
    )
    book = records_report / "lots.xlsx"
    rows = sheet_rows(book, "Excursions")
    assert [(r["room"], r["measure"], r["hours"]) for r in rows] == [
        (e.room, e.measure, e.hours) for e in expected.excursions
    ]
    flagged = [r["lot"] for r in sheet_rows(book, "Flagged lots")]
    assert flagged == [f.lot_id for f in expected.flagged_lots]
    assert "LYO-26-016" in flagged and "EVR-26-024" in flagged


def test_the_page_inlines_each_chart_once_as_drawn(records_report: Path) -> None:
    page = (records_report / "lots.html").read_text(encoding="utf-8")
    assert '<h2 id="records">Batch records</h2>' in page
    key = chart_key("Lyon", TITER)
    svg = (records_report / "figures" / f"lots-{key}.svg").read_text(encoding="utf-8")
    body = svg[svg.index("<svg") :]
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", body, flags=re.DOTALL)
    assert page.count(body) == 1  # the very drawing written to the file, inlined once
    assert (records_report / "figures" / f"lots-{key}.png").stat().st_size > 0
    charts = sorted((records_report / "figures").glob("*.svg"))
    records_charts = [p for p in charts if "records-chart" in p.name]
    assert len(records_charts) == 6  # 3 measurements × 2 sites, each drawn once
    # lots outside the specification given (none of the demo's chromatography yields)
    outside = sheet_rows(records_report / "lots.xlsx", "Out of spec lots")
    observed = sheet_rows(records_report / "lots.xlsx", "Capability")
    assert len(outside) == sum(int(r["observed out of spec"]) for r in observed)  # type: ignore[call-overload]
    sites = [p for p in charts if "records-sites" in p.name]
    assert len(sites) == 3  # each measurement's sites side by side, once
    body = sites[0].read_text(encoding="utf-8")
    body = re.sub(r"<metadata>.*?</metadata>\s*", "", body[body.index("<svg") :], flags=re.DOTALL)
    assert page.count(body) == 1 and 'id="records-sites"' in page
    shown = {
        (r["measurement"], r["site"]): r
        for r in sheet_rows(records_report / "lots.xlsx", "Site distributions")
    }
    lots = read_lots(records_report.parent / "lots.csv").select(site="Lyon").values(TITER)
    lyon = shown[(TITER, "Lyon")]
    assert lyon["lots"] == 16 and lyon["median"] == pytest.approx(float(np.median(lots)))
    assert lyon["sd"] == pytest.approx(float(lots.std(ddof=1)))
    assert "not shown equivalent" in page and "LYO-26-016" in page
    assert "src=" not in page  # nothing fetched from anywhere


def test_scenario_report_carries_fits_and_site_predictions(records_report: Path) -> None:
    book = records_report / "lots.xlsx"
    names = load_workbook(book, read_only=True).sheetnames
    assert names[0] == "Run" and {"Control charts", "Fits", "Site predictions"} <= set(names)
    predictions = {r["result"]: r for r in sheet_rows(book, "Site predictions")}
    assert predictions["patients_per_year"]["samples"] == 2000
    # Lyon's lower titre makes fewer patients: the demo's planted shift
    patients = predictions["patients_per_year"]
    assert patients["mean site"] < patients["mean reference"]
    chosen = [r for r in sheet_rows(book, "Fits") if r["chosen"] == "yes" and r["site"] == "Évry"]
    assert {r["parameter"] for r in chosen} == {
        "process.steps[1].titer",
        "process.steps[3].step_yield",
        "economics.lot_failure_probability",
    }
    page = (records_report / "lots.html").read_text(encoding="utf-8")
    assert '<a href="#records">Batch records</a>' in page and "Site Évry" in page


def test_a_records_file_alone_gets_a_report_of_its_own(demo_folder: Path, tmp_path: Path) -> None:
    lots = keep_columns(demo_folder / "lots.csv", tmp_path / "titres.csv", (TITER,))
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(lots), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    page = (out / "titres.html").read_text(encoding="utf-8")
    # two control charts and the titre's sites side by side
    assert page.count("<svg") == 3 and "Batch records: titres.csv" in page
    # no scenario: the fits are shown, in the column's unit, and nothing is written or predicted
    assert "Distributions fitted" in page and "No scenario was given" in page
    assert "Predicted from each site" not in page
    sheets = load_workbook(out / "titres.xlsx", read_only=True).sheetnames
    assert sheets[:2] == ["Records", "Control charts"] and "Equivalence" in sheets
    assert "Fits" in sheets and "Site predictions" not in sheets
    rows = sheet_rows(out / "titres.xlsx", "Fits")
    chosen = {(r["site"], r["measurement"]): r for r in rows if r["chosen"] == "yes"}
    titres = read_lots(lots).select(site="Évry").values(TITER)
    evry = chosen[("Évry", TITER)]
    assert evry["candidate"] == "lognormal" and evry["unit of parameters"] == "TU/mL"
    assert evry["written (predictive)"] == ""
    # the lognormal's maximum-likelihood median is the geometric mean of the lots
    median = float(str(evry["parameters"]).split("median ")[1].split(",")[0])
    assert median == pytest.approx(float(np.exp(np.log(titres).mean())), rel=1e-5)
    failure = chosen[("Évry", "outcome")]
    assert failure["parameters"] == "1 failed of 24"


def test_a_records_report_fits_percentages_as_fractions_with_beta(demo_folder: Path) -> None:
    from genofab.service.records import FRACTION_OF_PERCENT, measurement_fits

    lots = read_lots(demo_folder / "lots.csv")
    [evry, lyon] = measurement_fits(lots)
    assert (evry.site, lyon.site, evry.scenario) == ("Évry", "Lyon", None)
    fits = {f.measurement: f for f in evry.calibration.fits}
    chromatography = fits[YIELD]
    assert chromatography.base_unit == FRACTION_OF_PERCENT and chromatography.fit.chosen == "beta"
    normal = next(c for c in chromatography.fit.candidates if c.kind == "normal")
    values = lots.select(site="Évry").values(YIELD) / 100
    assert normal.parameters["mean"] == pytest.approx(values.mean())
    assert normal.parameters["sd"] == pytest.approx(values.std())  # MLE: divided by n
    assert evry.calibration.failure is not None and evry.calibration.failure.alpha == 2
    assert "with a scenario, it would be written as the predictive" in chromatography.fit.note


def test_a_measurement_of_too_few_lots_is_listed_unfitted_saying_why(tmp_path: Path) -> None:
    from genofab.service.records import measurement_fits

    rows = "".join(
        f"P,A,L{i},2026-01-{i + 1:02d},released,{10 + i},{'' if i > 2 else 50 + i}\n"
        for i in range(6)
    )
    path = tmp_path / "few.csv"
    path.write_text(
        "product,site,lot_id,start_date,outcome,a.x [g],b.step_yield [%]\n" + rows,
        encoding="utf-8",
    )
    [site] = measurement_fits(read_lots(path))
    assert [f.measurement for f in site.calibration.fits] == ["a.x"]
    [skipped] = site.calibration.skipped
    assert skipped.measurement == "b.step_yield"
    assert skipped.reason == "measured in 3 lots; a fit needs at least 5"


LONG_DEMO_ROWS = 6


def test_report_reads_a_long_records_file_with_layout(demo_folder: Path, tmp_path: Path) -> None:
    """``--layout`` of the report, as of the records commands: a long file read as long, and a
    wide file declared long refused with its place and nothing written."""
    import csv

    with (demo_folder / "lots.csv").open(encoding="utf-8") as stream:
        wide = list(csv.DictReader(stream))
    lot_columns = ["lot_id", "product", "site", "start_date", "outcome", "failure_reason"]
    long = tmp_path / "long.csv"
    with long.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([*lot_columns, "step", "parameter", "value", "unit"])
        for row in wide[:LONG_DEMO_ROWS]:
            writer.writerow(
                [
                    *(row[c] for c in lot_columns),
                    "production_bioreactor",
                    "titer",
                    row[TITER + " [TU/mL]"],
                    "TU/mL",
                ]
            )
    out = tmp_path / "out"
    done = runner.invoke(app, ["report", str(long), "-o", str(out), "--layout", "long"])
    assert done.exit_code == 0, done.output
    page = (out / "long.html").read_text(encoding="utf-8")
    assert "Batch records: long.csv" in page and page.count("<svg") == 1
    wide_out = tmp_path / "wide-out"
    refused = runner.invoke(
        app,
        [
            "report",
            str(SCENARIO),
            "-o",
            str(wide_out),
            "--records",
            str(demo_folder / "lots.csv"),
            "--layout",
            "long",
        ],
    )
    assert refused.exit_code == 2
    assert "the column 'parameter' is missing" in refused.stderr
    assert not wide_out.exists()
    alone = runner.invoke(app, ["report", str(SCENARIO), "-o", str(wide_out), "--layout", "long"])
    assert alone.exit_code == 2 and "go with --records FILE" in alone.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--spec", f"{YIELD}=70:35"], "the lower limit is not below the upper limit"),
        (["--spec", f"{YIELD}=abc:70"], "'abc' is not a number"),
        (["--spec", "chromatography.yield=35:70"], "no measurement 'chromatography.yield'"),
        (["--margin", f"{TITER}=150%"], "a percentage below 100"),
        (["--samples", "100"], "a records file alone has no Monte Carlo"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    demo_folder: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(demo_folder / "lots.csv"), "-o", str(out), *arguments]
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_a_bad_records_file_names_its_places_and_writes_nothing(
    demo_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["report", str(SCENARIO), "-o", str(out), "--records", str(demo_folder / "bad-lots.xlsx")],
    )
    assert result.exit_code == 2
    assert "7 problems in" in result.stderr and "sheet lots, row 3, column K" in result.stderr
    assert not out.exists()


def test_records_options_without_records_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(SCENARIO), "-o", str(out), "--spec", "a=1:2"])
    assert result.exit_code == 2
    assert "go with --records FILE" in result.stderr
    assert not out.exists()
