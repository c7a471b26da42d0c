"""A sponsor never reaches another sponsor's records: every operation of the OpenAPI document
is tried by sponsor A's member with sponsor B's identifiers (0 successes), and every list A
may read holds none of B's records — on SQLite and on PostgreSQL (row-level security)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from tests.helpers import ROOT
from tests.web.test_api import OPEN_ROUTES, api_operations
from tests.web.workbench import Workbench

LOTS = (ROOT / "examples" / "records" / "lots.csv").read_bytes()
MONITORING = (ROOT / "examples" / "records" / "monitoring.csv").read_bytes()
DUE = (dt.date.today() + dt.timedelta(days=150)).isoformat()
LISTS = {
    "/api/documents",
    "/api/runs",
    "/api/requests",
    "/api/audit",
    "/api/users",
    "/api/sponsors",
    "/api/capacity",
    "/api/products",
    "/api/me",
    "/api/records",
}

#: Operations whose body names one of B's records or B itself.
BODIES_NAMING_B = {
    "/api/runs",
    "/api/requests",
    "/api/documents",
    "/api/users",
    "/api/documents/upload",
    "/api/compare",
    "/api/records/upload",
}


def _b_records(bench: Workbench) -> dict[str, Any]:
    bob = bench.headers["bob"]
    doc = bench.scenarios["b"]
    run = bench.client.post("/api/runs", headers=bob, json={"document_id": doc}).json()
    bench.wait(run["id"])
    request = bench.client.post(
        "/api/requests", headers=bob, json={"product": "car_t", "lots": 1, "due": DUE}
    ).json()
    records = bench.client.post(
        "/api/records/upload",
        headers=bob,
        data={"reason": "b's lots"},
        files={
            "file": ("lots.csv", LOTS, "text/csv"),
            "monitoring": ("m.csv", MONITORING, "text/csv"),
        },
    ).json()
    bench.wait(records["review_run_id"])
    return {
        "document_id": doc,
        "run_id": run["id"],
        "request_id": request["id"],
        "records_id": records["id"],
        "records_name": records["name"],
    }


def _body(method: str, path: str, b: dict[str, Any], sponsor_b: int) -> dict[str, Any] | None:
    """A request body aimed at B's records (or into B's space)."""
    if method != "POST":
        return None
    bodies: dict[str, dict[str, Any]] = {
        "/api/runs": {"document_id": b["records_id"], "kind": "review"},
        "/api/requests": {
            "product": "car_t",
            "lots": 1,
            "due": DUE,
            "scenario_id": b["document_id"],
        },
        "/api/documents": {
            "kind": "scenario",
            "name": "planted",
            "content": "x: 1",
            "reason": "r",
            "sponsor_id": sponsor_b,
        },
        "/api/documents/{document_id}/versions": {
            "content": "x: 1",
            "reason": "r",
            "base_version": 1,
        },
        "/api/requests/{request_id}/transitions": {"state": "submitted", "version": 1},
        "/api/users": {
            "username": "mallory",
            "display_name": "M",
            "password": "x" * 12,
            "role": "member",
            "sponsor_id": sponsor_b,
        },
        "/api/sponsors": {"name": "Beta Cell 2"},
        "/api/schedule": {},
        "/api/check": {"kind": "plan", "content": "format: genofab-plan/1\n"},
        "/api/documents/from-template": {"template": "car-t-autologous", "name": "mine"},
    }
    return bodies.get(path, {})


def test_another_sponsors_identifiers_reach_nothing(bench_on_both: Workbench) -> None:
    bench = bench_on_both
    b = _b_records(bench)
    alice = bench.headers["alice"]
    successes, tried = [], 0
    for method, template in api_operations(bench):
        if template in OPEN_ROUTES or template in LISTS:
            continue
        path = template
        for key, value in (
            ("{document_id}", b["records_id" if "/records/" in template else "document_id"]),
            ("{part}", "lots"),
            ("{run_id}", b["run_id"]),
            ("{request_id}", b["request_id"]),
            ("{number}", 1),
            ("{name}", "report.html"),
        ):
            path = path.replace(key, str(value))
        if template.endswith("/diff"):
            path += "?a=1&b=1"
        if template == "/api/compare":  # one's own scenario against B's
            path += f"?a={bench.scenarios['a']}&b={b['document_id']}"
        body = _body(method, template, b, bench.sponsors["b"])
        if template == "/api/documents/upload":
            response = bench.client.post(
                path,
                headers=alice,
                data={"name": "cart-b", "reason": "r", "base_version": "1"},
                files={"file": ("x.yaml", b"x: 1\n", "application/yaml")},
            )
        elif template == "/api/records/upload":  # a new version of B's records, by name
            response = bench.client.post(
                path,
                headers=alice,
                data={"name": b["records_name"], "reason": "r", "base_version": "1"},
                files={"file": ("lots.csv", LOTS, "text/csv")},
            )
        else:
            response = bench.client.request(method, path, headers=alice, json=body)
        tried += 1
        aimed_at_b = template != path or template in BODIES_NAMING_B
        if response.is_success and aimed_at_b:
            successes.append((method, path, response.status_code))
    assert tried >= 18
    assert successes == []
    # what A may list holds nothing of B's
    b_marks = {"Beta Cell", "cart-b", "bob", "LV-SCD"}
    for path in sorted(LISTS):
        response = bench.client.get(path, headers=alice)
        assert response.status_code == 200, path
        text = json.dumps(response.json())
        assert not any(mark in text for mark in b_marks), path
    own = bench.client.get("/api/requests", headers=alice).json()
    assert b["request_id"] not in [r["id"] for r in own]
    assert b["run_id"] not in [r["id"] for r in bench.client.get("/api/runs", headers=alice).json()]
    audit = bench.client.get(
        f"/api/audit?entity=request&entity_id={b['request_id']}", headers=alice
    ).json()
    assert audit == []
    # B's record is still whole
    still = bench.client.get(f"/api/requests/{b['request_id']}", headers=bench.headers["bob"])
    assert still.json()["state"] == "submitted"
    kept = bench.client.get(f"/api/records/{b['records_id']}", headers=bench.headers["bob"])
    assert [v["version"] for v in kept.json()["versions"]] == [1]
    # B's records are reached by none of the pages either
    browser = bench.login("alice")
    for page in (
        f"/records/{b['records_id']}",
        f"/fragments/records/{b['records_id']}",
        f"/documents/{b['records_id']}",
    ):
        assert browser.get(page, follow_redirects=False).status_code == 404, page
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/records").text)
    assert token is not None
    review = browser.post(
        f"/records/{b['records_id']}/review", data={"csrf_token": token.group(1), "version": "1"}
    )
    assert review.status_code == 404
    assert "LV-SCD" not in browser.get("/records").text


def _network(scenario: str) -> str:
    return (
        "format: genofab-network/1\nname: n\nhorizon: 30 d\nvein_to_vein_max: 18 d\n"
        "centres: [{name: north, arrivals: [1]}]\n"
        f"sites: [{{name: near, status: existing, scenario: {scenario}}}]\n"
        "lanes:\n"
        "  - {from: north, to: near, mode: road, time: 1 d, cost: 100 EUR/patient}\n"
        "  - {from: near, to: north, mode: road, time: 1 d, cost: 100 EUR/patient}\n"
    )


def test_an_outlook_or_network_never_reaches_another_sponsors_scenarios(
    bench_on_both: Workbench,
) -> None:
    bench = bench_on_both
    bob, alice = bench.headers["bob"], bench.headers["alice"]
    theirs = bench.client.post(
        "/api/documents",
        headers=bob,
        json={"kind": "network", "name": "b-net", "content": _network("cart-b"), "reason": "r"},
    )
    assert theirs.status_code == 201, theirs.text
    network_id = theirs.json()["id"]
    successes = []
    for method, path, body in (
        ("GET", f"/api/documents/{network_id}", None),
        ("GET", f"/api/documents/{network_id}/versions/1", None),
        ("GET", f"/api/documents/{network_id}/versions/1/yaml", None),
        (
            "POST",
            f"/api/documents/{network_id}/versions",
            {"content": _network("cart-a"), "reason": "r", "base_version": 1},
        ),
        ("POST", "/api/runs", {"document_id": network_id, "kind": "network"}),
        # naming B's scenario from A's own network: not found among A's
        (
            "POST",
            "/api/documents",
            {"kind": "network", "name": "mine", "content": _network("cart-b"), "reason": "r"},
        ),
        (
            "POST",
            "/api/documents",
            {"kind": "network", "name": "mine", "content": _network("cart-b@1"), "reason": "r"},
        ),
    ):
        response = bench.client.request(method, path, headers=alice, json=body)
        if response.is_success:
            successes.append((method, path))
    assert successes == []
    checked = bench.client.post(
        "/api/check", headers=alice, json={"kind": "network", "content": _network("cart-b")}
    ).json()
    assert checked["valid"] is False
    assert "cart-b" in checked["problems"][0]["message"]
    assert "Beta" not in json.dumps(checked)
    browser = bench.login("alice")
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text)
    assert token is not None
    page = browser.post(
        "/documents/upload",
        data={"csrf_token": token.group(1), "kind": "network", "name": "mine", "reason": "r"},
        files={"file": ("n.yaml", _network("cart-b").encode(), "application/yaml")},
    )
    assert page.status_code == 422
    assert browser.get(f"/documents/{network_id}").status_code == 404
