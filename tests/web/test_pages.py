"""The pages for each role: login, scenario list and editor with live validation (the command
line's messages), versions and compare, run results, requests, capacity; CSRF on forms and
security headers on every page."""

from __future__ import annotations

import datetime as dt
import re

from genofab.io.templates import template_text
from tests.web.workbench import Workbench

DUE = (dt.date.today() + dt.timedelta(days=150)).isoformat()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def test_a_page_without_a_session_leads_to_the_login(bench: Workbench) -> None:
    for path in ("/", "/requests", "/capacity", f"/documents/{bench.scenarios['a']}"):
        response = bench.client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login"), path
    login = bench.client.get("/login")
    assert login.status_code == 200
    for header in ("content-security-policy", "x-frame-options", "x-content-type-options"):
        assert header in login.headers
    assert login.headers["cache-control"] == "no-store"
    assert "plotly" not in login.text  # the chart library loads on pages with charts only
    script = bench.client.get("/static/htmx.min.js")
    assert script.headers["cache-control"] == "public, max-age=86400"
    assert "content-security-policy" in script.headers
    wrong = bench.client.post("/login", data={"username": "alice", "password": "wrong"})
    assert "Wrong name or password" in wrong.text


def test_each_role_sees_its_own_pages(bench: Workbench) -> None:
    for user, sees, hidden in (
        ("alice", "cart-a", "cart-b"),
        ("bob", "cart-b", "cart-a"),
        ("vic", "cart-a", "cart-b"),
    ):
        browser = bench.login(user)
        home = browser.get("/")
        assert sees in home.text and hidden not in home.text, user
        assert ("new-from-template" in home.text) == (user != "vic")
        assert browser.get("/requests").status_code == 200
        assert browser.get("/capacity").status_code == 200
        other = bench.scenarios["b" if sees == "cart-a" else "a"]
        assert browser.get(f"/documents/{other}").status_code == 404
    manager = bench.login("manager")
    home = manager.get("/")
    assert "cart-a" in home.text and "cart-b" in home.text and "platform" in home.text
    assert "schedule-form" in manager.get("/requests").text


def test_the_editor_shows_the_command_lines_messages(bench: Workbench) -> None:
    browser = bench.login("alice")
    page = browser.get(f"/documents/{bench.scenarios['a']}")
    csrf = _csrf(page.text)
    bad = template_text("car-t-autologous").replace(
        "body_weight: {value: 70, unit: kg", "body_weight: {value: -70, unit: kg"
    )
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "value: -70" in text)
    fragment = browser.post(
        "/fragments/check",
        data={"content": bad, "kind": "scenario"},
        headers={"X-CSRF-Token": csrf},
    )
    assert fragment.status_code == 200
    assert f"editor.yaml:{line}:" in fragment.text
    assert "product.dose.body_weight" in fragment.text
    good = browser.post(
        "/fragments/check",
        data={"content": template_text("car-t-autologous"), "kind": "scenario"},
        headers={"X-CSRF-Token": csrf},
    )
    assert "Valid." in good.text and "doses_per_lot" in good.text
    refused = browser.post("/fragments/check", data={"content": bad, "kind": "scenario"})
    assert refused.status_code == 403  # no CSRF token
    saved = browser.post(
        f"/documents/{bench.scenarios['a']}/save",
        data={"content": bad, "reason": "try", "base_version": "1", "csrf_token": csrf},
    )
    assert "Not saved" in saved.text and f"cart-a.yaml:{line}:" in saved.text


def test_saving_comparing_and_running_from_the_pages(bench: Workbench) -> None:
    browser = bench.login("alice")
    doc = bench.scenarios["a"]
    csrf = _csrf(browser.get(f"/documents/{doc}").text)
    edited = template_text("car-t-autologous").replace(
        "body_weight: {value: 70, unit: kg", "body_weight: {value: 80, unit: kg"
    )
    saved = browser.post(
        f"/documents/{doc}/save",
        data={"content": edited, "reason": "heavier", "base_version": "1", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    compare = browser.get(f"/documents/{doc}/compare?a=1&b=2")
    assert "product.dose.body_weight" in compare.text and "80 kg" in compare.text
    home = browser.get("/")
    assert "compare-scenarios" not in home.text  # one scenario: nothing to compare it with
    made = browser.post(
        "/documents/new",
        data={"name": "hsc", "template": "hsc-lv-ex-vivo", "csrf_token": csrf},
        follow_redirects=False,
    )
    hsc = int(made.headers["location"].rsplit("/", 1)[1])
    assert "compare-scenarios" in browser.get("/").text
    across = browser.get(f"/compare?a={doc}&b={hsc}&a_version=1")
    assert "cart-a v1 against hsc v1" in across.text and "cogs_per_dose" in across.text
    assert bench.login("bob").get(f"/compare?a={doc}&b={hsc}").status_code == 404
    started = browser.post(
        f"/documents/{doc}/runs",
        data={"kind": "run", "version": "2", "csrf_token": csrf},
        follow_redirects=False,
    )
    run_id = int(started.headers["location"].rsplit("/", 1)[1])
    bench.app.state.jobs.wait(run_id)
    page = browser.get(f"/runs/{run_id}")
    assert "done" in page.text and "cogs_per_dose" in page.text


def test_the_sponsor_form_and_the_managers_decision(bench: Workbench) -> None:
    alice = bench.login("alice")
    form = alice.get("/requests")
    csrf = _csrf(form.text)
    alice.post(
        "/requests",
        data={
            "product": "car_t",
            "lots": "1",
            "due": DUE,
            "csrf_token": csrf,
            "scenario_id": str(bench.scenarios["a"]),
        },
    )
    listed = alice.get("/requests").text
    assert "submitted" in listed
    request_id = int(re.search(r'href="/requests/(\d+)"', listed).group(1))  # type: ignore[union-attr]
    manager = bench.login("manager")
    detail = manager.get(f"/requests/{request_id}")
    assert "Cost of goods" in detail.text and "cell_suite" in detail.text
    approve = manager.post(
        f"/requests/{request_id}/transitions",
        data={
            "state": "approved",
            "version": "1",
            "reason": "free",
            "csrf_token": _csrf(detail.text),
        },
    )
    assert "approved" in approve.text
    board = manager.get("/capacity")
    assert "Pending requests" in board.text
    bob = bench.login("bob")
    assert bob.get(f"/requests/{request_id}").status_code == 404
