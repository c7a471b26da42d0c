"""The REST API by role: credentials, versions and 409s, bad documents, uploads, jobs and
artifacts, the booking flow and its audit trail (FastAPI's TestClient on the real app)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

from genofab.io.db import people
from genofab.io.db.session import SYSTEM
from genofab.io.db.tables import Run
from genofab.io.templates import template_text
from tests.web.workbench import PASSWORD, Workbench

DUE = (dt.date.today() + dt.timedelta(days=150)).isoformat()
OPEN_ROUTES = {"/api/health", "/api/tokens", "/api/templates"}


def api_operations(bench: Workbench) -> list[tuple[str, str]]:
    """(method, path template) of every operation in the OpenAPI document."""
    paths = bench.app.openapi()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


def test_every_route_but_login_and_health_needs_credentials(bench: Workbench) -> None:
    checked = 0
    for method, template in api_operations(bench):
        if template in OPEN_ROUTES:
            continue
        path = template.replace("{name}", "x").replace("{part}", "lots")
        for part in ("{document_id}", "{number}", "{run_id}", "{request_id}"):
            path = path.replace(part, "1")
        if True:
            response = bench.client.request(method, path)
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
    assert checked >= 20


def test_a_forged_token_is_refused(bench: Workbench) -> None:
    forged = {"Authorization": "Bearer gf_not-a-token"}
    assert bench.client.get("/api/me", headers=forged).status_code == 401


def test_failed_logins_are_limited_and_audited(bench: Workbench) -> None:
    for _ in range(5):
        wrong = bench.client.post("/api/tokens", json={"username": "bob", "password": "nope"})
        assert wrong.status_code == 401
    right = bench.client.post("/api/tokens", json={"username": "bob", "password": PASSWORD})
    assert right.status_code == 429
    audit = bench.client.get("/api/audit?entity=user", headers=bench.headers["manager"]).json()
    assert sum(event["action"] == "login_failed" for event in audit) == 5
    assert all(PASSWORD not in event["detail"] for event in audit)


def test_me_names_the_role_and_sponsor(bench: Workbench) -> None:
    me = bench.client.get("/api/me", headers=bench.headers["alice"]).json()
    assert (me["role"], me["sponsor"]["name"]) == ("member", "Alpha Bio")
    assert bench.client.get("/api/me", headers=bench.headers["manager"]).json()["sponsor"] is None


def _edited(text: str) -> str:
    old = "body_weight: {value: 70, unit: kg"
    assert old in text
    return text.replace(old, "body_weight: {value: 80, unit: kg")


def test_saving_makes_versions_a_stale_save_gets_409_and_the_diff_shows_the_change(
    bench: Workbench,
) -> None:
    alice, doc = bench.headers["alice"], bench.scenarios["a"]
    first = bench.client.get(f"/api/documents/{doc}/versions/1", headers=alice).json()
    saved = bench.client.post(
        f"/api/documents/{doc}/versions",
        headers=alice,
        json={"content": _edited(first["content"]), "reason": "heavier", "base_version": 1},
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == 2
    stale = bench.client.post(
        f"/api/documents/{doc}/versions",
        headers=alice,
        json={"content": first["content"], "reason": "stale", "base_version": 1},
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    versions = bench.client.get(f"/api/documents/{doc}", headers=alice).json()["versions"]
    assert [(v["version"], v["author"], v["reason"]) for v in versions] == [
        (1, "system", "test fixture"),
        (2, "alice", "heavier"),
    ]
    diff = bench.client.get(f"/api/documents/{doc}/diff?a=1&b=2", headers=alice).json()
    assert diff["changed_inputs"] == [
        {"path": "product.dose.body_weight", "a": "70 kg", "b": "80 kg"}
    ]
    dose = next(row for row in diff["effect"] if row["metric"] == "dose_amount")
    assert dose["ratio"] == pytest.approx(80 / 70)  # the dose scales with body weight
    download = bench.client.get(f"/api/documents/{doc}/versions/2/yaml", headers=alice)
    assert download.text == _edited(first["content"])
    assert "attachment" in download.headers["content-disposition"]


def test_a_bad_document_gets_every_problem_at_its_line_and_nothing_is_saved(
    bench: Workbench,
) -> None:
    alice = bench.headers["alice"]
    bad = template_text("car-t-autologous").replace(
        "body_weight: {value: 70, unit: kg", "body_weight: {value: -70, unit: kg"
    )
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "value: -70" in text)
    before = bench.client.get("/api/documents", headers=alice).json()
    response = bench.client.post(
        "/api/documents",
        headers=alice,
        json={"kind": "scenario", "name": "bad", "content": bad, "reason": "try"},
    )
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert (problem["line"], problem["path"]) == (line, "product.dose.body_weight")
    assert f"bad.yaml:{line}:" in problem["text"]
    assert bench.client.get("/api/documents", headers=alice).json() == before
    checked = bench.client.post("/api/check", headers=alice, json={"content": bad}).json()
    assert checked["valid"] is False
    assert checked["problems"][0]["text"] == problem["text"].replace("bad.yaml", "editor.yaml")


def test_uploads_are_capped_and_parsed_like_files(bench: Workbench) -> None:
    alice = bench.headers["alice"]
    text = template_text("car-t-autologous")
    ok = bench.client.post(
        "/api/documents/upload",
        headers=alice,
        data={"name": "uploaded", "reason": "upload"},
        files={"file": ("../../etc/passwd", text.encode("utf-8"), "application/yaml")},
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["name"] == "uploaded"
    latin = bench.client.post(
        "/api/documents/upload",
        headers=alice,
        data={"name": "latin", "reason": "upload"},
        files={"file": ("x.yaml", "name: caf\xe9\n".encode("latin-1"), "application/yaml")},
    )
    assert latin.status_code == 422
    assert "not valid UTF-8" in latin.json()["detail"]
    huge = bench.client.post(
        "/api/documents/upload",
        headers=alice,
        data={"name": "huge", "reason": "upload"},
        files={"file": ("x.yaml", b"a" * (11 * 2**20), "application/yaml")},
    )
    assert huge.status_code == 413


def test_a_viewer_reads_but_cannot_write(bench: Workbench) -> None:
    vic, doc = bench.headers["vic"], bench.scenarios["a"]
    assert bench.client.get(f"/api/documents/{doc}", headers=vic).status_code == 200
    writes = [
        ("/api/documents", {"kind": "scenario", "name": "v", "content": "x", "reason": "r"}),
        ("/api/runs", {"document_id": doc}),
        ("/api/requests", {"product": "car_t", "lots": 1, "due": DUE}),
    ]
    for path, body in writes:
        assert bench.client.post(path, headers=vic, json=body).status_code == 403, path


def test_a_report_runs_as_a_job_and_its_artifacts_download(bench: Workbench) -> None:
    alice, doc = bench.headers["alice"], bench.scenarios["a"]
    started = bench.client.post(
        "/api/runs",
        headers=alice,
        json={"document_id": doc, "kind": "report", "samples": 200, "seed": 7},
    )
    assert started.status_code == 202
    assert started.json()["state"] in ("queued", "running", "done")
    run = bench.wait(started.json()["id"])
    assert run["state"] == "done", run["error"]
    version = bench.client.get(f"/api/documents/{doc}/versions/1", headers=alice).json()
    assert (run["scenario_sha256"], run["seed"], run["samples"]) == (version["sha256"], 7, 200)
    assert run["result"]["cogs_per_dose"]["p50"] > 0
    names = {artifact["name"] for artifact in run["artifacts"]}
    assert {"report.html", "report.xlsx"} <= names
    html = bench.client.get(f"/api/runs/{run['id']}/artifacts/report.html", headers=alice)
    assert html.status_code == 200 and "<html" in html.text.lower()
    missing = bench.client.get(f"/api/runs/{run['id']}/artifacts/..%2Fetc", headers=alice)
    assert missing.status_code == 404


def test_a_monte_carlo_result_keeps_its_histograms_and_seed(bench: Workbench) -> None:
    alice, doc = bench.headers["alice"], bench.scenarios["a"]
    first = bench.client.post(
        "/api/runs",
        headers=alice,
        json={"document_id": doc, "kind": "monte_carlo", "samples": 500, "seed": 3},
    ).json()
    second = bench.client.post(
        "/api/runs",
        headers=alice,
        json={"document_id": doc, "kind": "monte_carlo", "samples": 500, "seed": 3},
    ).json()
    a, b = bench.wait(first["id"]), bench.wait(second["id"])
    assert a["result"]["cogs_per_dose"] == b["result"]["cogs_per_dose"]  # same seed, same spread
    assert sum(a["result"]["histograms"]["cogs_per_dose"]["count"]) == 500
    assert a["progress"] == 1.0


def test_a_run_with_a_bad_option_is_refused(bench: Workbench) -> None:
    alice, doc = bench.headers["alice"], bench.scenarios["a"]
    too_many = {"document_id": doc, "kind": "monte_carlo", "samples": 10**7}
    assert bench.client.post("/api/runs", headers=alice, json=too_many).status_code == 422
    plan_kind = {"document_id": doc, "kind": "schedule"}
    assert bench.client.post("/api/runs", headers=alice, json=plan_kind).status_code == 422
    mass = {"document_id": doc, "kind": "run", "sponsor_id": 2}
    assert bench.client.post("/api/runs", headers=alice, json=mass).status_code == 422


def _request(bench: Workbench, user: str, **extra: Any) -> dict[str, Any]:
    body = {"product": "car_t", "lots": 2, "due": DUE} | extra
    response = bench.client.post("/api/requests", headers=bench.headers[user], json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _move(bench: Workbench, user: str, request: int, state: str, version: int, **extra: Any) -> Any:
    return bench.client.post(
        f"/api/requests/{request}/transitions",
        headers=bench.headers[user],
        json={"state": state, "version": version} | extra,
    )


def test_the_booking_flow_from_request_to_lots(bench_on_both: Workbench) -> None:
    bench = bench_on_both
    mine = _request(bench, "alice", scenario_id=bench.scenarios["a"])
    theirs = _request(bench, "bob")
    assert mine["state"] == "submitted"
    quote = bench.client.get(f"/api/requests/{mine['id']}/quote", headers=bench.headers["alice"])
    assert quote.status_code == 200, quote.text
    quoted = quote.json()
    # room time from the plan: 2 lots x 1 week in a cell suite, 2 x 2 weeks in QC
    assert quoted["room_weeks"] == {"cell_suite": pytest.approx(2.0), "qc_lab": pytest.approx(4.0)}
    assert quoted["cost"]["total"] == pytest.approx(2 * quoted["cost"]["cogs_per_lot"])
    assert quoted["fit"]["fits"] is True
    assert _move(bench, "alice", mine["id"], "approved", 1).status_code == 403
    assert _move(bench, "manager", mine["id"], "declined", 1).status_code == 422  # no reason
    assert _move(bench, "manager", mine["id"], "made", 1).status_code == 422  # not allowed
    approved = _move(bench, "manager", mine["id"], "approved", 1, reason="capacity is free")
    assert approved.status_code == 200
    assert _move(bench, "manager", mine["id"], "declined", 1, reason="x").status_code == 409
    declined = _move(bench, "manager", theirs["id"], "declined", 1, reason="suite shutdown")
    assert declined.json()["decision_reason"] == "suite shutdown"
    scheduled = bench.client.post("/api/schedule", headers=bench.headers["manager"], json={})
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["requests_scheduled"] == [mine["id"]]
    alice_view = bench.client.get("/api/requests", headers=bench.headers["alice"]).json()
    assert [(r["id"], r["state"]) for r in alice_view] == [(mine["id"], "scheduled")]
    assert len(alice_view[0]["scheduled_lots"]) == 2
    bob_view = bench.client.get("/api/requests", headers=bench.headers["bob"]).json()
    assert [(r["id"], r["state"], r["scheduled_lots"]) for r in bob_view] == [
        (theirs["id"], "declined", [])
    ]
    capacity = bench.client.get("/api/capacity", headers=bench.headers["bob"]).json()
    assert set(capacity) == {"load", "by_kind"}
    assert all(
        set(row) == {"room", "month", "busy_days", "free_days", "utilisation"}
        for row in capacity["load"]
    )
    assert all(
        set(row) == {"kind", "month", "rooms", "busy_days", "free_days", "utilisation"}
        for row in capacity["by_kind"]
    )
    busy = sum(row["busy_days"] for row in capacity["load"])
    assert sum(row["busy_days"] for row in capacity["by_kind"]) == pytest.approx(busy)
    assert {row["kind"] for row in capacity["by_kind"]} >= {"cell_suite", "qc_lab"}
    board = bench.client.get("/api/capacity", headers=bench.headers["manager"]).json()
    assert board["bottleneck"] is not None
    held: dict[str, list[float]] = {}
    for row in board["by_kind"]:
        totals = held.setdefault(row["kind"], [0.0, 0.0])
        totals[0] += row["busy_days"]
        totals[1] += row["busy_days"] + row["free_days"]
    assert board["bottleneck_kind"] == max(held, key=lambda kind: held[kind][0] / held[kind][1])
    trail = bench.client.get(
        f"/api/audit?entity=request&entity_id={mine['id']}", headers=bench.headers["alice"]
    ).json()
    assert [e["action"] for e in reversed(trail)] == ["create", "transition", "transition"]
    assert trail[1]["reason"] == "capacity is free"
    bob_trail = bench.client.get("/api/audit", headers=bench.headers["bob"]).json()
    assert all(e["entity_id"] != mine["id"] or e["entity"] != "request" for e in bob_trail)


def test_eight_concurrent_writers_through_the_api_lose_no_update(
    bench_on_both: Workbench,
) -> None:
    bench, doc = bench_on_both, bench_on_both.scenarios["a"]
    alice = bench.headers["alice"]
    base_text = bench.client.get(f"/api/documents/{doc}/versions/1", headers=alice).json()
    writers, each, errors = 8, 2, []

    def write(number: int) -> None:
        for step in range(each):
            while True:
                latest = bench.client.get(f"/api/documents/{doc}", headers=alice).json()
                current = bench.client.get(
                    f"/api/documents/{doc}/versions/{latest['version']}", headers=alice
                ).json()
                response = bench.client.post(
                    f"/api/documents/{doc}/versions",
                    headers=alice,
                    json={
                        "content": current["content"] + f"# writer {number} step {step}\n",
                        "reason": f"writer {number}",
                        "base_version": latest["version"],
                    },
                )
                if response.status_code == 201:
                    break
                if response.status_code != 409:
                    errors.append(response.text)
                    return

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = bench.client.get(f"/api/documents/{doc}", headers=alice).json()
    assert final["version"] == 1 + writers * each
    text = bench.client.get(
        f"/api/documents/{doc}/versions/{final['version']}", headers=alice
    ).json()["content"]
    added = text[len(base_text["content"]) :].splitlines()
    assert sorted(added) == sorted(
        f"# writer {n} step {s}" for n in range(writers) for s in range(each)
    )


def test_a_run_a_stopped_server_left_queued_runs_at_the_next_start(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from genofab.io.db.session import sqlite_url
    from genofab.service.auth import scope_of
    from genofab.service.jobs import start_run
    from genofab.views.api.app import create_app
    from genofab.views.api.settings import Settings
    from tests.web.workbench import workbench

    url = sqlite_url(tmp_path)
    with workbench(url) as first:
        database = first.app.state.database
        with database.transaction(SYSTEM) as session:
            alice = scope_of(people.user_by_name(session, "alice"))  # type: ignore[arg-type]
        # stored as queued, never handed to a worker: as if the server died right after
        run_id = start_run(database, alice, first.scenarios["a"], None, "run")
    restarted = create_app(Settings(database_url=url))
    with TestClient(restarted):
        restarted.state.jobs.wait(run_id)
        with restarted.state.database.transaction(SYSTEM) as session:
            run = session.get(Run, run_id)
            assert run is not None and run.state == "done" and run.result


def test_two_different_scenarios_compare_and_only_within_the_callers_scope(
    bench_on_both: Workbench,
) -> None:
    from genofab.service.checks import check_scenario

    bench = bench_on_both
    alice, cart = bench.headers["alice"], bench.scenarios["a"]
    made = bench.client.post(
        "/api/documents/from-template",
        headers=alice,
        json={"template": "hsc-lv-ex-vivo", "name": "hsc"},
    )
    assert made.status_code == 201, made.text
    hsc = made.json()["id"]
    compared = bench.client.get(f"/api/compare?a={cart}&b={hsc}", headers=alice)
    assert compared.status_code == 200, compared.text
    body = compared.json()
    assert (body["a_document"]["name"], body["b_document"]["name"]) == ("cart-a", "hsc")
    assert (body["a"]["version"], body["b"]["version"]) == (1, 1)  # the newest by default
    assert body["changed_inputs"]
    # each side's headline is the command line's deterministic run of that scenario
    _, run_a = check_scenario(template_text("car-t-autologous"), "a.yaml")
    _, run_b = check_scenario(template_text("hsc-lv-ex-vivo"), "b.yaml")
    row = next(r for r in body["effect"] if r["metric"] == "cogs_per_dose")
    assert row["a"] == pytest.approx(run_a.cogs_per_dose)
    assert row["b"] == pytest.approx(run_b.cogs_per_dose)
    assert row["ratio"] == pytest.approx(run_b.cogs_per_dose / run_a.cogs_per_dose)
    # a viewer of the sponsor reads it; another sponsor and a bad version find nothing
    vic = bench.headers["vic"]
    assert bench.client.get(f"/api/compare?a={cart}&b={hsc}", headers=vic).is_success
    bob = bench.headers["bob"]
    assert bench.client.get(f"/api/compare?a={cart}&b={hsc}", headers=bob).status_code == 404
    own_b = bench.scenarios["b"]
    assert bench.client.get(f"/api/compare?a={own_b}&b={cart}", headers=bob).status_code == 404
    missing = bench.client.get(f"/api/compare?a={cart}&b={hsc}&b_version=9", headers=alice)
    assert missing.status_code == 404
    # the platform manager compares two sponsors' scenarios
    across = bench.client.get(f"/api/compare?a={own_b}&b={cart}", headers=bench.headers["manager"])
    assert across.status_code == 200
    assert across.json()["changed_inputs"] == []  # the same template on both sides
