"""Batch records in the workbench, by role: an upload is checked as ``genofab records check``
checks a file and stored as a version (files kept as they came, audited, scoped to the sponsor);
a bad file answers every problem at its sheet, row and column and stores nothing; the review
job gives the control charts (checked here against I-MR limits worked by hand from the CSV),
capability, the sites compared and the environment-monitoring excursions."""

from __future__ import annotations

import csv
import io
import itertools
import re
import statistics
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.web.workbench import Workbench

RECORDS = ROOT / "examples" / "records"
LOTS = (RECORDS / "lots.csv").read_bytes()
MONITORING = (RECORDS / "monitoring.csv").read_bytes()
BAD = (RECORDS / "bad-lots.xlsx").read_bytes()
TITER = "production_bioreactor.titer"


def upload(
    bench: Workbench,
    user: str,
    lots: bytes = LOTS,
    file_name: str = "lots.csv",
    monitoring: bytes | None = MONITORING,
    **fields: str,
) -> Any:
    """POST /api/records/upload as ``user``."""
    files: dict[str, tuple[str, bytes, str]] = {
        "file": (file_name, lots, "application/octet-stream")
    }
    if monitoring is not None:
        files["monitoring"] = ("monitoring.csv", monitoring, "text/csv")
    return bench.client.post(
        "/api/records/upload",
        headers=bench.headers[user],
        data={"reason": "lots of 2026"} | fields,
        files=files,
    )


def _titres_by_hand(site: str) -> list[float]:
    rows = list(csv.DictReader(io.StringIO(LOTS.decode("utf-8"))))
    chosen = [r for r in rows if r["site"] == site and r[f"{TITER} [TU/mL]"]]
    chosen.sort(key=lambda r: r["start_date"])
    return [float(r[f"{TITER} [TU/mL]"]) for r in chosen]


def test_an_upload_is_stored_and_its_review_shows_charts_capability_sites_and_excursions(
    bench: Workbench,
) -> None:
    made = upload(bench, "alice", specifications="chromatography.step_yield=35:70")
    assert made.status_code == 201, made.text
    stored = made.json()
    assert (stored["name"], stored["kind"], stored["version"]) == (
        "LV-SCD-synthetic",
        "records",
        1,
    )
    lots = stored["summary"]["lots_file"]
    assert (lots["lots"], lots["failed"], lots["sites"]) == (40, 3, {"Évry": 24, "Lyon": 16})
    assert stored["summary"]["monitoring_file"]["readings"] == 252
    review = bench.wait(stored["review_run_id"])
    assert review["state"] == "done", review["error"]
    result = review["result"]
    # the Évry titre chart's limits, worked by hand: x̄ ± 3 MR̄/d2, d2 = 1.128 for n = 2
    chart = next(c for c in result["charts"] if c["site"] == "Évry" and c["measurement"] == TITER)
    titres = _titres_by_hand("Évry")
    centre = statistics.fmean(titres)
    moving = statistics.fmean(abs(b - a) for a, b in itertools.pairwise(titres))
    assert chart["kind"] == "I-MR"
    assert chart["points"] == pytest.approx(titres)
    assert chart["location"]["center"] == pytest.approx(centre, rel=1e-9)
    assert chart["location"]["upper"] == pytest.approx(centre + 3 * moving / 1.128, rel=1e-3)
    assert chart["provisional"] is False  # 24 lots
    # capability of the specified step yield at each site, with intervals
    capability = {row["site"]: row for row in result["capability"]}
    assert set(capability) == {"Évry", "Lyon"}
    assert capability["Évry"]["lower_spec"] == 35 and capability["Évry"]["upper_spec"] == 70
    assert capability["Évry"]["cpk"]["lower"] < capability["Évry"]["cpk"]["estimate"]
    # the shifted site is not shown equivalent on titre, and the power is stated
    titre = next(e for e in result["equivalence"] if e["measurement"] == TITER)
    assert (titre["reference"], titre["site"], titre["equivalent"]) == ("Évry", "Lyon", False)
    assert 0 < titre["power"] <= 1
    # the monitoring's excursions and the lots made during them
    assert len(result["excursions"]["excursions"]) >= 2
    # the files download as they were uploaded
    files = f"/api/records/{stored['id']}/versions/1"
    alice = bench.headers["alice"]
    assert bench.client.get(f"{files}/lots", headers=alice).content == LOTS
    assert bench.client.get(f"{files}/monitoring", headers=alice).content == MONITORING
    # the save is audited with the content hash
    audit = bench.client.get(
        f"/api/audit?entity=records&entity_id={stored['id']}", headers=bench.headers["manager"]
    ).json()
    assert [(e["action"], e["actor"]) for e in audit][:1] == [("save", "alice")]


def test_with_a_stored_scenario_each_site_is_predicted_with_p_b_better(bench: Workbench) -> None:
    scenario = (ROOT / "examples" / "lv-sickle-cell-current.yaml").read_text("utf-8")
    saved = bench.client.post(
        "/api/documents",
        headers=bench.headers["alice"],
        json={"kind": "scenario", "name": "lv-current", "content": scenario, "reason": "r"},
    )
    assert saved.status_code == 201, saved.text
    made = upload(bench, "alice", monitoring=None, scenario="lv-current@1")
    assert made.status_code == 201, made.text
    result = bench.wait(made.json()["review_run_id"])["result"]
    block = result["predictions"][0]
    assert (block["reference"], block["site"]) == ("Évry", "Lyon")
    patients = next(r for r in block["results"] if r["result"] == "patients_per_year")
    assert patients["mean_site"] < patients["mean_reference"]  # Lyon's titre is lower
    assert 0 <= patients["site_better"] <= 0.05
    doses = [e for e in result["equivalence"] if e["measurement"] == "doses_per_lot"]
    assert doses and doses[0]["equivalent"] is False


def test_a_scenario_reference_is_a_stored_name_never_a_path(bench: Workbench) -> None:
    for reference in ("../examples/lv-sickle-cell-current.yaml", "/etc/passwd", "no-such"):
        refused = upload(bench, "alice", scenario=reference)
        assert refused.status_code in (404, 422), reference
    assert bench.client.get("/api/records", headers=bench.headers["alice"]).json() == []


def test_a_bad_file_lists_every_problem_at_its_place_and_stores_nothing(bench: Workbench) -> None:
    refused = upload(bench, "alice", lots=BAD, file_name="bad.xlsx", monitoring=None)
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert len(problems) >= 6
    assert all(p["sheet"] == "lots" for p in problems)
    places = {(p["row"], p["column"]) for p in problems}
    assert (3, "K") in places  # the formula cell
    assert any("formula" in p["message"] for p in problems)
    assert any("mixed units" in p["message"] for p in problems)
    assert any("duplicate" in p["message"] for p in problems)
    alice = bench.headers["alice"]
    assert bench.client.get("/api/records", headers=alice).json() == []
    audit = bench.client.get("/api/audit?entity=records", headers=bench.headers["manager"])
    assert audit.json() == []
    # a monitoring file given as the lot file, a bad specification, a file of another kind
    assert upload(bench, "alice", lots=MONITORING, monitoring=None).status_code == 422
    bad_spec = upload(bench, "alice", specifications="chromatography.yield=35:70")
    assert bad_spec.status_code == 422
    assert "specifications line 1" in bad_spec.json()["detail"]
    assert "did you mean" in bad_spec.json()["detail"]
    assert upload(bench, "alice", file_name="lots.ods").status_code == 422
    assert bench.client.get("/api/records", headers=alice).json() == []


def test_excel_and_the_long_layout_read_as_the_command_line_reads_them(bench: Workbench) -> None:
    workbook = (RECORDS / "lots.xlsx").read_bytes()
    made = upload(bench, "alice", lots=workbook, file_name="lots.xlsx", monitoring=None)
    assert made.status_code == 201, made.text
    assert made.json()["summary"]["lots_file"]["excel"] is True
    assert made.json()["summary"]["lots_file"]["lots"] == 40
    long_form = (
        b"lot_id,product,site,start_date,outcome,failure_reason,step,parameter,value,unit,replicate\n"
        b"L1,P,A,2026-01-05,released,,production_bioreactor,titer,1000000,TU/mL,\n"
        b"L2,P,A,2026-01-20,failed,sterility,production_bioreactor,titer,800000000,TU/L,\n"
    )
    made = upload(bench, "alice", lots=long_form, monitoring=None, layout="long", name="p-long")
    assert made.status_code == 201, made.text
    summary = made.json()["summary"]["lots_file"]
    assert (summary["lots"], summary["failed"], summary["layout"]) == (2, 1, "long")
    wide = upload(bench, "alice", lots=long_form, monitoring=None, layout="wide", name="p-wide")
    assert wide.status_code == 422  # read as one row a lot, its columns are not the lot table's


def test_versions_are_kept_and_a_stale_upload_gets_409(bench: Workbench) -> None:
    first = upload(bench, "alice", monitoring=None).json()
    again = upload(bench, "alice", monitoring=None, name=first["name"])
    assert again.status_code == 409  # an existing name needs the version read
    second = upload(bench, "alice", monitoring=None, name=first["name"], base_version="1")
    assert second.status_code == 201 and second.json()["version"] == 2
    stale = upload(bench, "alice", monitoring=None, name=first["name"], base_version="1")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    shown = bench.client.get(f"/api/records/{first['id']}", headers=bench.headers["alice"]).json()
    assert [v["version"] for v in shown["versions"]] == [1, 2]
    assert shown["versions"][0]["sha256"] == shown["versions"][1]["sha256"]  # the same files
    # records are uploaded, never saved as YAML text
    text = bench.client.post(
        f"/api/documents/{first['id']}/versions",
        headers=bench.headers["alice"],
        json={"content": "x: 1", "reason": "r", "base_version": 2},
    )
    assert text.status_code == 422


def test_each_role_reaches_only_what_it_may(bench: Workbench) -> None:
    made = upload(bench, "alice", monitoring=None).json()
    alice_records = made["id"]
    # a viewer of the same sponsor reads, and may not upload or start a review
    vic = bench.headers["vic"]
    assert bench.client.get(f"/api/records/{alice_records}", headers=vic).status_code == 200
    assert [r["id"] for r in bench.client.get("/api/records", headers=vic).json()] == [
        alice_records
    ]
    assert upload(bench, "vic", monitoring=None, name="mine").status_code == 403
    review = {"document_id": alice_records, "kind": "review"}
    assert bench.client.post("/api/runs", headers=vic, json=review).status_code == 403
    # another sponsor's member sees nothing of it
    bob = bench.headers["bob"]
    assert bench.client.get("/api/records", headers=bob).json() == []
    for path in (
        f"/api/records/{alice_records}",
        f"/api/records/{alice_records}/versions/1/lots",
        f"/api/documents/{alice_records}",
    ):
        assert bench.client.get(path, headers=bob).status_code == 404, path
    assert bench.client.post("/api/runs", headers=bob, json=review).status_code == 404
    # the manager sees every sponsor's records and stores the platform's own
    manager = bench.headers["manager"]
    seen = bench.client.get("/api/records", headers=manager).json()
    assert alice_records in [r["id"] for r in seen]
    platform = upload(bench, "manager", monitoring=None, name="platform-lots")
    assert platform.status_code == 201
    assert platform.json()["id"] not in [
        r["id"] for r in bench.client.get("/api/records", headers=bench.headers["alice"]).json()
    ]
    # a records document runs as a review only; a scenario never as a review
    wrong = {"document_id": alice_records, "kind": "run"}
    assert (
        bench.client.post("/api/runs", headers=bench.headers["alice"], json=wrong).status_code
        == 422
    )
    scenario = {"document_id": bench.scenarios["a"], "kind": "review"}
    assert (
        bench.client.post("/api/runs", headers=bench.headers["alice"], json=scenario).status_code
        == 422
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_pages_upload_show_the_review_and_list_a_bad_files_problems(
    bench: Workbench,
) -> None:
    browser = bench.login("alice")
    listing = browser.get("/records")
    assert listing.status_code == 200 and "records-upload" in listing.text
    token = _csrf(listing.text)
    bad = browser.post(
        "/records/upload",
        data={"csrf_token": token, "reason": "bad"},
        files={"file": ("bad.xlsx", BAD, "application/octet-stream")},
    )
    assert bad.status_code == 422
    assert "problem-list" in bad.text and "Nothing was stored" in bad.text
    assert "formula cell" in bad.text and "<td>K" in bad.text
    made = browser.post(
        "/records/upload",
        data={
            "csrf_token": token,
            "reason": "first",
            "specifications": "chromatography.step_yield=35:70",
        },
        files={
            "file": ("lots.csv", LOTS, "text/csv"),
            "monitoring": ("monitoring.csv", MONITORING, "text/csv"),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = browser.get(made.headers["location"])
    run_id = int(re.search(r'href="/runs/(\d+)"', page.text).group(1))  # type: ignore[union-attr]
    bench.wait(run_id)
    page = browser.get(made.headers["location"])
    assert page.text.count('class="panel control-chart"') == 12  # 6 measurements × 2 sites
    assert 'id="capability"' in page.text and 'id="equivalence"' in page.text
    assert 'id="excursions"' in page.text and "plotly.min.js" in page.text
    fragment = browser.get(made.headers["location"].replace("/records/", "/fragments/records/"))
    assert fragment.status_code == 200 and 'id="review-state">done' in fragment.text
    # without the CSRF token nothing is stored
    forged = browser.post(
        "/records/upload", data={"reason": "x"}, files={"file": ("l.csv", LOTS, "text/csv")}
    )
    assert forged.status_code == 403
    # the viewer reads the page without the form; another sponsor gets 404
    vic = bench.login("vic")
    seen = vic.get(made.headers["location"])
    assert seen.status_code == 200 and "records-upload" not in seen.text
    assert bench.login("bob").get(made.headers["location"]).status_code == 404
    assert "LV-SCD" not in bench.login("bob").get("/records").text
    assert "LV-SCD" in bench.login("manager").get("/records").text


def test_few_lots_give_provisional_limits_in_the_chart_and_the_capability_table(
    bench: Workbench,
) -> None:
    rows = LOTS.decode("utf-8").splitlines()
    few = "\n".join([rows[0], *[r for r in rows[1:] if ",Évry," in r][:5]]) + "\n"
    made = upload(
        bench,
        "alice",
        lots=few.encode(),
        monitoring=None,
        specifications="chromatography.step_yield=35:70",
    )
    assert made.status_code == 201, made.text
    result = bench.wait(made.json()["review_run_id"])["result"]
    assert all(chart["provisional"] for chart in result["charts"])
    browser = bench.login("alice")
    page = browser.get(f"/records/{made.json()['id']}").text
    assert "provisional limits" in page
    table = page[page.index('id="capability"') :]
    assert "provisional</span> (below" in table


def test_records_page_paths_are_found_only_for_records(bench: Workbench) -> None:
    browser = bench.login("alice")
    assert browser.get(f"/records/{bench.scenarios['a']}").status_code == 404
    made = upload(bench, "alice", monitoring=None).json()
    moved = browser.get(f"/documents/{made['id']}", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (303, f"/records/{made['id']}")


def test_the_demo_stores_the_synthetic_records_with_their_review(tmp_path: Path) -> None:
    from genofab.io.db.migrate import upgrade
    from genofab.io.db.session import SYSTEM, Database, sqlite_url
    from genofab.io.db.tables import Run
    from genofab.service.demo import load_demo

    database = Database(sqlite_url(tmp_path))
    upgrade(database)
    try:
        load_demo(database)
        from genofab.io.db import documents as store

        with database.transaction(SYSTEM) as session:
            found = store.list_documents(session, SYSTEM, "records")
            queued = session.query(Run).filter(Run.kind == "review").count()
        assert [d.name for d in found] == ["LV-SCD-synthetic"]
        assert found[0].sponsor_id is not None and queued == 1
    finally:
        database.dispose()


def test_a_stated_baseline_freezes_the_limits_and_the_rules_are_chosen(bench: Workbench) -> None:
    made = upload(bench, "alice", monitoring=None, baseline="8", rules="western-electric")
    assert made.status_code == 201, made.text
    assert made.json()["summary"]["baseline"] == 8
    assert made.json()["summary"]["rules"] == ["we1", "we2", "we3", "we4"]
    result = bench.wait(made.json()["review_run_id"])["result"]
    chart = next(c for c in result["charts"] if c["site"] == "Évry" and c["measurement"] == TITER)
    titres = _titres_by_hand("Évry")
    first = titres[:8]  # limits from the first 8 lots by hand, then frozen
    moving = statistics.fmean(abs(b - a) for a, b in itertools.pairwise(first))
    assert chart["baseline_points"] == 8 and chart["rules"] == ["we1", "we2", "we3", "we4"]
    assert chart["location"]["center"] == pytest.approx(statistics.fmean(first), rel=1e-9)
    assert chart["location"]["upper"] == pytest.approx(
        statistics.fmean(first) + 3 * moving / 1.128, rel=1e-3
    )
    assert chart["provisional"] is True  # 8 lots are below the threshold
    assert chart["points"] == pytest.approx(titres)  # every lot is still charted
    page = bench.login("alice").get(f"/records/{made.json()['id']}").text
    assert "from the first 8 lots, then frozen" in page
    for fields in ({"baseline": "1"}, {"baseline": "500"}, {"rules": "nelson9"}):
        refused = upload(bench, "alice", monitoring=None, name="other", **fields)
        assert refused.status_code == 422, fields
    assert [
        r["name"] for r in bench.client.get("/api/records", headers=bench.headers["alice"]).json()
    ] == ["LV-SCD-synthetic"]
