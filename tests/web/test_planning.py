"""Outlooks and networks in the workbench: stored as versioned YAML documents, checked with the
command line's messages, their scenarios named as the owner's stored scenarios (a file path is
refused at its field), run as jobs, and shown by year (hand-worked tiny cases) — by role."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from tests.helpers import dump_yaml, tiny_data, tiny_economics
from tests.web.workbench import Workbench

TINY_SCENARIO = dump_yaml({**tiny_data(), "economics": tiny_economics()})


def tiny_outlook(reference: str = "tiny") -> dict[str, Any]:
    """One indication: 1,000 addressable patients at launch, none new, adoption all but
    immediate; the tiny product (1,050 patients a suite-year) in 1 suite; no candidate."""
    return {
        "format": "genofab-outlook/1",
        "name": "tiny outlook",
        "start_year": 2030,
        "years": 3,
        "waiting_penalty": "1000 EUR/patient/yr",
        "indications": [
            {
                "name": "d",
                "region": "r",
                "prevalent_patients": "2000 patients",
                "incidence": "0 patient/yr",
                "eligible_share": "50 %",
                "adoption": {"model": "logistic", "midpoint": "0 yr", "steepness": 20},
            }
        ],
        "products": [{"name": "p", "indications": ["d"], "stages": [{"scenario": reference}]}],
        "resources": [{"name": "suite", "existing": 1}],
    }


def tiny_network() -> dict[str, Any]:
    """Two patients of one centre, one site 1 day away by road each way."""
    leg = "100 EUR/patient"
    return {
        "format": "genofab-network/1",
        "name": "tiny network",
        "horizon": "30 d",
        "vein_to_vein_max": "18 d",
        "centres": [{"name": "north", "arrivals": [1, 10]}],
        "sites": [
            {
                "name": "near",
                "status": "existing",
                "capacity": 2,
                "manufacturing_time": "7 d",
                "qc_time": "7 d",
                "cost_per_therapy": "1000 EUR/patient",
            }
        ],
        "lanes": [
            {"from": "north", "to": "near", "mode": "road", "time": "1 d", "cost": leg},
            {"from": "near", "to": "north", "mode": "road", "time": "1 d", "cost": leg},
        ],
    }


def store(bench: Workbench, user: str, kind: str, name: str, content: str) -> Any:
    """Upload YAML as a new document of ``kind``."""
    return bench.client.post(
        "/api/documents/upload",
        headers=bench.headers[user],
        data={"name": name, "reason": "planning", "kind": kind},
        files={"file": (f"{name}.yaml", content.encode("utf-8"), "application/yaml")},
    )


def run(bench: Workbench, user: str, document_id: int, kind: str, **options: Any) -> Any:
    started = bench.client.post(
        "/api/runs",
        headers=bench.headers[user],
        json={"document_id": document_id, "kind": kind} | options,
    )
    assert started.status_code == 202, started.text
    return bench.wait(started.json()["id"])


def test_an_outlook_names_a_stored_scenario_and_runs_as_a_job(bench: Workbench) -> None:
    assert store(bench, "alice", "scenario", "tiny", TINY_SCENARIO).status_code == 201
    made = store(bench, "alice", "outlook", "tiny-outlook", dump_yaml(tiny_outlook()))
    assert made.status_code == 201, made.text
    done = run(bench, "alice", made.json()["id"], "outlook")
    assert done["state"] == "done", done["error"]
    result = done["result"]
    # by hand: all 1,000 addressable patients seek therapy in 2030; one suite treats 1,050 a
    # year, so all are treated in 2030, nobody waits, and the suite is used 1,000 / 1,050
    assert result["patients_needing"] == pytest.approx([1000.0, 0.0, 0.0], abs=1e-3)
    assert result["patients_treated"][0] == pytest.approx(1000.0, rel=1e-6)
    assert result["patients_waiting"] == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    year = result["cases"][0]["years"][0]
    assert year["utilisation"]["suite"] == pytest.approx(1000 / 1050, rel=1e-6)
    assert result["build_plan"] == []
    assert result["scenarios_used"] == {"tiny": "tiny@1"}
    # a bigger backlog: 4,000 − 1,050 = 2,950 wait a year, 1,900 the next, 850 the third
    bigger = tiny_outlook("tiny@1")
    bigger["indications"][0]["prevalent_patients"] = "8000 patients"
    saved = bench.client.post(
        f"/api/documents/{made.json()['id']}/versions",
        headers=bench.headers["alice"],
        json={"content": dump_yaml(bigger), "reason": "bigger backlog", "base_version": 1},
    )
    assert saved.status_code == 201 and saved.json()["version"] == 2
    waiting = run(bench, "alice", made.json()["id"], "outlook")["result"]["patients_waiting"]
    assert waiting == pytest.approx([2950.0, 1900.0, 850.0], rel=1e-6)
    # the YAML downloads as saved
    text = bench.client.get(
        f"/api/documents/{made.json()['id']}/versions/2/yaml", headers=bench.headers["alice"]
    ).text
    assert text == dump_yaml(bigger)


def test_a_reference_is_a_stored_name_never_a_file_path(bench: Workbench) -> None:
    assert store(bench, "alice", "scenario", "tiny", TINY_SCENARIO).status_code == 201
    for reference in ("tiny.yaml", "../tiny.yaml", "/etc/passwd", "sub/tiny"):
        refused = store(bench, "alice", "outlook", "o", dump_yaml(tiny_outlook(reference)))
        assert refused.status_code == 422, reference
        problem = refused.json()["problems"][0]
        assert problem["path"] == "products[0].stages[0].scenario", reference
        assert "never a file path" in problem["message"], reference
        assert problem["line"] is not None
    missing = store(bench, "alice", "outlook", "o", dump_yaml(tiny_outlook("tinyy")))
    assert missing.status_code == 422
    assert "no stored scenario named 'tinyy'" in missing.json()["problems"][0]["message"]
    chained = tiny_outlook()
    chained["products"][0] = {"name": "p", "indications": ["d"], "chain": "therapy/chain.yaml"}
    refused = store(bench, "alice", "outlook", "o", dump_yaml(chained))
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["path"] == "products[0].chain"
    network = tiny_network()
    network["sites"][0]["scenario"] = "../car-t.yaml"
    refused = store(bench, "alice", "network", "n", dump_yaml(network))
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["path"] == "sites[0].scenario"
    assert (
        bench.client.get("/api/documents?kind=outlook", headers=bench.headers["alice"]).json() == []
    )
    # the editor's check says the same, with the command line's text
    checked = bench.client.post(
        "/api/check",
        headers=bench.headers["alice"],
        json={"kind": "outlook", "content": dump_yaml(tiny_outlook("../tiny.yaml"))},
    ).json()
    assert checked["valid"] is False
    assert re.match(
        r"editor\.yaml:\d+:\d+: products\[0\]\.stages\[0\]\.scenario",
        checked["problems"][0]["text"],
    )
    # a scenario file is not an outlook
    wrong = store(bench, "alice", "outlook", "o", TINY_SCENARIO)
    assert wrong.status_code == 422
    assert wrong.json()["problems"][0]["path"] == "format"


def test_a_network_runs_and_shows_its_assignment_and_turnaround(bench: Workbench) -> None:
    made = store(bench, "bob", "network", "tiny-network", dump_yaml(tiny_network()))
    assert made.status_code == 201, made.text
    done = run(bench, "bob", made.json()["id"], "network")
    assert done["state"] == "done", done["error"]
    level = done["result"]["levels"][0]
    # by hand: each patient 1 + 7 + 7 + 1 = 16 days vein to vein, at 1,000 + 2 × 100 each
    assert level["patients_served"] == 2
    assert level["cost_per_therapy"] == pytest.approx(1200.0)
    assert level["turnaround"]["max_days"] == 16
    assert [(r["centre"], r["site"], r["patients"]) for r in level["routes"]] == [
        ("north", "near", 2)
    ]
    too_many = bench.client.post(
        "/api/runs",
        headers=bench.headers["bob"],
        json={"document_id": made.json()["id"], "kind": "network", "samples": 200_000},
    )
    assert too_many.status_code == 422  # a network's Monte Carlo draws at most 100,000
    assert "samples must be from 1 to 100,000" in too_many.json()["detail"]
    page = bench.login("bob").get(f"/runs/{done['id']}")
    assert 'id="network-levels"' in page.text and 'id="assignment-1"' in page.text
    assert page.text.count("data-chart") == 1
    # a site may take its figures from a stored scenario, by name
    with_scenario = tiny_network()
    with_scenario["sites"][0].update(scenario="cart-b")
    for key in ("capacity", "manufacturing_time", "qc_time", "cost_per_therapy"):
        with_scenario["sites"][0].pop(key)
    named = store(bench, "bob", "network", "named-network", dump_yaml(with_scenario))
    assert named.status_code == 201, named.text
    assert (
        store(bench, "alice", "network", "named-network", dump_yaml(with_scenario)).status_code
        == 422
    )


def test_each_role_and_sponsor_reaches_only_its_own(bench: Workbench) -> None:
    assert store(bench, "alice", "scenario", "tiny", TINY_SCENARIO).status_code == 201
    made = store(bench, "alice", "outlook", "tiny-outlook", dump_yaml(tiny_outlook())).json()
    # the viewer reads and may not store or run
    vic = bench.headers["vic"]
    assert bench.client.get(f"/api/documents/{made['id']}", headers=vic).status_code == 200
    assert store(bench, "vic", "outlook", "v", dump_yaml(tiny_outlook())).status_code == 403
    job = {"document_id": made["id"], "kind": "outlook"}
    assert bench.client.post("/api/runs", headers=vic, json=job).status_code == 403
    # another sponsor neither sees it, nor runs it, nor names alice's scenario
    bob = bench.headers["bob"]
    assert bench.client.get(f"/api/documents/{made['id']}", headers=bob).status_code == 404
    assert bench.client.post("/api/runs", headers=bob, json=job).status_code == 404
    assert store(bench, "bob", "outlook", "o", dump_yaml(tiny_outlook())).status_code == 422
    # the manager sees it and runs it (alice's scenario resolved among alice's)
    manager = bench.headers["manager"]
    listed = bench.client.get("/api/documents?kind=outlook", headers=manager).json()
    assert [d["id"] for d in listed] == [made["id"]]
    done = run(bench, "manager", made["id"], "outlook")
    assert done["result"]["scenarios_used"] == {"tiny": "tiny@1"}
    # an outlook runs as an outlook only
    wrong = bench.client.post(
        "/api/runs", headers=bench.headers["alice"], json={"document_id": made["id"]}
    )
    assert wrong.status_code == 422


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_pages_upload_edit_run_and_show_an_outlook_by_year(bench: Workbench) -> None:
    browser = bench.login("alice")
    home = browser.get("/")
    assert "upload-document" in home.text
    token = _csrf(home.text)

    def upload(kind: str, name: str, content: str) -> Any:
        return browser.post(
            "/documents/upload",
            data={"csrf_token": token, "kind": kind, "name": name, "reason": "r"},
            files={"file": (f"{name}.yaml", content.encode("utf-8"), "application/yaml")},
            follow_redirects=False,
        )

    assert upload("scenario", "tiny", TINY_SCENARIO).status_code == 303
    refused = upload("outlook", "o", dump_yaml(tiny_outlook("../tiny.yaml")))
    assert refused.status_code == 422
    assert "upload-problem-list" in refused.text and "never a file path" in refused.text
    made = upload("outlook", "tiny-outlook", dump_yaml(tiny_outlook()))
    assert made.status_code == 303
    editor = browser.get(made.headers["location"])
    assert 'id="run-outlook"' in editor.text and "tiny outlook" in editor.text
    check = browser.post(
        "/fragments/check",
        data={"kind": "outlook", "content": dump_yaml(tiny_outlook("nope"))},
        headers={"X-CSRF-Token": token},
    )
    assert "no stored scenario named" in check.text
    document_id = int(made.headers["location"].rsplit("/", 1)[1])
    started = browser.post(
        f"/documents/{document_id}/runs",
        data={"csrf_token": token, "kind": "outlook", "version": "1"},
        follow_redirects=False,
    )
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    bench.wait(run_id)
    page = browser.get(f"/runs/{run_id}").text
    table = page[page.index('id="by-year-') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    cells = re.findall(r'<td class="number">([^<]*)</td>', rows[1])
    assert cells[:5] == ["2030", "1,000", "1,000", "0", "95 %"]  # 1,000 ÷ 1,050 of the suite
    assert 'id="build-plan-' in page and "nothing built" in page
    assert page.count("data-chart") == 3  # needing vs treated, build plan, cost per dose
    assert "tiny@1" in page
    # another sponsor's member gets 404 on the page and the run
    other = bench.login("bob")
    assert other.get(f"/documents/{document_id}").status_code == 404
    assert other.get(f"/runs/{run_id}").status_code == 404


def test_the_demo_stores_the_example_outlook_and_networks_with_named_scenarios(
    tmp_path: Any,
) -> None:
    from genofab.io.db import documents as documents_store
    from genofab.io.db.migrate import upgrade
    from genofab.io.db.session import SYSTEM, Database, sqlite_url
    from genofab.service.demo import load_demo

    database = Database(sqlite_url(tmp_path))
    upgrade(database)
    try:
        load_demo(database)
        with database.transaction(SYSTEM) as session:
            found = sorted(
                (d.kind, d.name, d.sponsor_id is None)
                for d in documents_store.list_documents(session, SYSTEM)
                if d.kind in ("outlook", "network")
            )
            outlook = documents_store.find_document(
                session, SYSTEM, "outlook", "sickle-cell-europe", None
            )
            assert outlook is not None
            text = documents_store.get_version(session, outlook).content
        assert found == [
            ("network", "car-t-network", False),
            ("network", "car-t-network", True),
            ("outlook", "sickle-cell-europe", True),
        ]
        named = re.findall(r"\bscenario:\s*([^\s,}]+)", text)
        assert named and not [n for n in named if n.endswith(".yaml")]
        assert set(named) == {
            "lv-sickle-cell-industrial",
            "lv-sickle-cell-current",
            "hsc-cell-product",
        }
    finally:
        database.dispose()


def test_the_command_line_and_the_workbench_share_the_run(tmp_path: Any) -> None:
    """The same outlook, from a file (its scenario by path) and from the workbench's service
    (by name), gives the same figures."""
    from genofab.service.planning import run_planning
    from genofab.views.outlook_command import run_planning_file

    (tmp_path / "tiny.yaml").write_text(TINY_SCENARIO, encoding="utf-8")
    (tmp_path / "outlook.yaml").write_text(dump_yaml(tiny_outlook("tiny.yaml")), "utf-8")
    from_file = run_planning_file(tmp_path / "outlook.yaml", None, 1)
    from genofab.io.scenario_file import load_scenario

    scenario = load_scenario(tmp_path / "tiny.yaml").scenario
    stored = run_planning("outlook", dump_yaml(tiny_outlook()), "o", lambda _: scenario, None, 1)
    assert from_file is not None
    first = copy.deepcopy(from_file.to_json_dict())
    second = copy.deepcopy(stored.to_json_dict())
    for data in (first, second):
        data.pop("file"), data.pop("sha256")
    for one, other in zip(first["cases"], second["cases"], strict=True):
        for key in ("years", "build_plan", "discounted_cost", "patient_years_waiting"):
            assert one[key] == other[key], key


def test_a_monte_carlo_job_shows_the_spread_by_year_and_by_level(bench: Workbench) -> None:
    assert store(bench, "alice", "scenario", "tiny", TINY_SCENARIO).status_code == 201
    outlook = store(bench, "alice", "outlook", "o", dump_yaml(tiny_outlook())).json()
    done = run(bench, "alice", outlook["id"], "outlook", samples=200, seed=3)
    assert done["state"] == "done", done["error"]
    spread = done["result"]["cases"][0]["spread"]
    assert (spread["samples"], spread["seed"]) == (200, 3)
    # nothing is uncertain: every sample meets the demand, as the deterministic run does
    assert [year["probability_demand_met"] for year in spread["years"]] == [1.0, 1.0, 1.0]
    browser = bench.login("alice")
    editor = browser.get(f"/documents/{outlook['id']}").text
    assert 'id="run-outlook-samples"' in editor
    page = browser.get(f"/runs/{done['id']}").text
    assert 'id="spread-' in page
    assert "P(demand met)" in page and "100 %" in page
    network = store(bench, "alice", "network", "n", dump_yaml(tiny_network())).json()
    done = run(bench, "alice", network["id"], "network", samples=50)
    assert done["state"] == "done", done["error"]
    assert done["result"]["levels"][0]["spread"]["samples"] == 50
    page = browser.get(f"/runs/{done['id']}").text
    assert 'id="network-spread"' in page and "share within the limit" in page
