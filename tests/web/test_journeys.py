"""The four journeys of the workbench in a real browser: Playwright for Python driving
Debian's Chromium (never ``playwright install``) against a server on loopback. They also take
the screenshots of ``docs/workbench.md``.

Without ``/usr/bin/chromium`` they skip with a message; ``GENOFAB_REQUIRE_BROWSER=1`` (set by
``.ci/run``, which installs Chromium with apt) makes them required."""

from __future__ import annotations

import datetime as dt
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genofab.io.db.session import sqlite_url
from genofab.io.templates import template_text
from genofab.views.api.app import create_app
from genofab.views.api.settings import Settings
from tests.helpers import ROOT
from tests.web.workbench import PASSWORD, populate

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Where the screenshots go: docs/images with GENOFAB_SCREENSHOTS=1 (to refresh the figures of
#: docs/workbench.md), else a temporary folder (a test run leaves the repository unchanged).
SHOTS = ROOT / "docs" / "images"


def _need_browser() -> None:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} is missing (Debian: apt-get install -y chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package is missing (pip install playwright)")
    if not missing:
        return
    message = (
        "browser journeys skipped: " + "; ".join(missing) + ". Never run `playwright install`;"
        " GENOFAB_REQUIRE_BROWSER=1 makes these tests required"
    )
    if os.environ.get("GENOFAB_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The workbench on a free loopback port, populated, for this module."""
    _need_browser()
    import uvicorn

    app = create_app(Settings(database_url=sqlite_url(tmp_path_factory.mktemp("e2e"))))
    _, scenarios, _ = populate(app)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "app": app, "scenarios": scenarios}
    running.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser(server: dict[str, Any]) -> Iterator[Any]:
    """Debian's Chromium under Playwright, for this module."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a loaded machine is slow, not wrong
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _page(browser: Any, server: dict[str, Any], user: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(server["url"] + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server["url"] + "/")
    return page


def _shot(page: Any, name: str) -> None:
    folder = SHOTS if os.environ.get("GENOFAB_SCREENSHOTS") == "1" else Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"workbench-{name}.png"), full_page=False)


def test_a_new_scenario_from_a_template_runs_and_its_report_downloads(
    browser: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "alice")
    _shot(page, "home")
    page.select_option("select[name=template]", "car-t-autologous")
    page.fill("#new-from-template input[name=name]", "my-cart")
    page.click("#new-from-template button")
    expect(page.locator("h1")).to_contain_text("my-cart")
    expect(page.locator("#valid")).to_be_visible()
    _shot(page, "editor")
    page.click("#run-report")
    expect(page.locator("#run-state")).to_have_text("done", timeout=180_000)
    expect(page.locator("#headline")).to_contain_text("cogs_per_dose")
    _shot(page, "run")
    with page.expect_download() as download:
        page.click("#artifacts >> text=report.html")
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    assert "<html" in saved.read_text("utf-8").lower()


def test_a_bad_yaml_shows_the_field_error_in_the_editor(
    browser: Any, server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "alice")
    page.goto(f"{server['url']}/documents/{server['scenarios']['a']}")
    bad = template_text("car-t-autologous").replace(
        "body_weight: {value: 70, unit: kg", "body_weight: {value: -70, unit: kg"
    )
    page.fill("#content", bad)
    page.locator("#content").press("End")
    expect(page.locator("#problem-list")).to_contain_text("product.dose.body_weight")
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "value: -70" in text)
    expect(page.locator("#problem-list")).to_contain_text(f"editor.yaml:{line}:")
    _shot(page, "validation")


def test_two_versions_of_a_scenario_compare(browser: Any, server: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "bob")
    doc = server["scenarios"]["b"]
    page.goto(f"{server['url']}/documents/{doc}")
    edited = template_text("car-t-autologous").replace(
        "body_weight: {value: 70, unit: kg", "body_weight: {value: 85, unit: kg"
    )
    page.fill("#content", edited)
    page.fill("input[name=reason]", "heavier patients")
    page.click("#editor button[type=submit]")
    expect(page.locator("#versions")).to_contain_text("heavier patients")
    page.click("#compare-form button")
    expect(page.locator("#changed")).to_contain_text("product.dose.body_weight")
    expect(page.locator("#changed")).to_contain_text("85 kg")
    expect(page.locator("#effect")).to_contain_text("dose_amount")
    _shot(page, "compare")


def test_two_different_scenarios_compare(browser: Any, server: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    page = _page(browser, server, "alice")
    page.select_option("select[name=template]", "hsc-lv-ex-vivo")
    page.fill("#new-from-template input[name=name]", "hsc-gene-therapy")
    page.click("#new-from-template button")
    expect(page.locator("h1")).to_contain_text("hsc-gene-therapy")
    hsc = page.url.rsplit("/", 1)[1]
    page.goto(server["url"] + "/")
    page.select_option("#compare-scenarios select[name=a]", str(server["scenarios"]["a"]))
    page.select_option("#compare-scenarios select[name=b]", hsc)
    page.click("#compare-scenarios button")
    expect(page.locator("h1")).to_contain_text("cart-a v1 against hsc-gene-therapy v1")
    expect(page.locator("#changed")).to_contain_text("process.")
    expect(page.locator("#effect")).to_contain_text("cogs_per_dose")
    _shot(page, "compare-scenarios")


def test_a_request_is_approved_scheduled_and_its_sponsor_sees_only_its_lots(
    browser: Any, server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    due = (dt.date.today() + dt.timedelta(days=160)).isoformat()
    ids = {}
    for user in ("alice", "bob"):
        page = _page(browser, server, user)
        page.goto(server["url"] + "/requests")
        page.select_option("#request-form select[name=product]", "car_t")
        page.fill("#request-form input[name=lots]", "2" if user == "alice" else "1")
        page.fill("#request-form input[name=due]", due)
        page.click("#request-form button")
        expect(page.locator("#requests")).to_contain_text("submitted")
        ids[user] = page.locator("#requests a").last.inner_text().strip("#")
        if user == "alice":
            _shot(page, "request-form")
    manager = _page(browser, server, "manager")
    for user in ("alice", "bob"):
        manager.goto(f"{server['url']}/requests/{ids[user]}")
        expect(manager.locator("#quote")).to_contain_text("Room time")
        if user == "alice":
            _shot(manager, "quote")
        manager.fill("form:has(#move-approved) input[name=reason]", "capacity is free")
        manager.click("#move-approved")
        expect(manager.locator("#request-state")).to_have_text("approved")
    manager.goto(server["url"] + "/requests")
    manager.click("#schedule-form button")
    expect(manager.locator("#run-state")).to_have_text("done")
    _shot(manager, "gantt")
    manager.goto(server["url"] + "/capacity")
    expect(manager.locator("#bottleneck")).to_be_visible()
    _shot(manager, "capacity")
    alice = _page(browser, server, "alice")
    alice.goto(server["url"] + "/requests")
    expect(alice.locator("#requests")).to_contain_text("scheduled")
    expect(alice.locator("#requests .lot")).to_have_count(2)
    assert alice.locator("#requests a").all_inner_texts() == [f"#{ids['alice']}"]
    _shot(alice, "lots")


def test_uploaded_demo_records_show_their_control_charts_and_capability(
    browser: Any, server: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    records = ROOT / "examples" / "records"
    page = _page(browser, server, "alice")
    page.click("header >> text=Batch records")
    expect(page.locator("h1")).to_have_text("Batch records")
    page.set_input_files("#records-upload input[name=file]", str(records / "bad-lots.xlsx"))
    page.fill("#records-upload input[name=reason]", "lots of 2026")
    page.click("#records-upload button[type=submit]")
    expect(page.locator("#problem-list")).to_contain_text("formula cell")
    expect(page.locator("#upload-problems")).to_contain_text("Nothing was stored")
    _shot(page, "records-problems")
    page.set_input_files("#records-upload input[name=file]", str(records / "lots.csv"))
    page.set_input_files("#records-upload input[name=monitoring]", str(records / "monitoring.csv"))
    page.fill("#records-upload textarea[name=specifications]", "chromatography.step_yield=35:70")
    page.fill("#records-upload input[name=reason]", "lots of 2026")
    page.click("#records-upload button[type=submit]")
    expect(page.locator("h1")).to_contain_text("LV-SCD-synthetic v1")
    expect(page.locator("#review-state")).to_have_text("done", timeout=180_000)
    charts = page.locator(".control-chart")
    expect(charts).to_have_count(12)
    expect(charts.first.locator(".main-svg").first).to_be_visible()  # drawn by plotly.js
    expect(page.locator("#capability")).to_contain_text("Évry")
    expect(page.locator("#capability")).to_contain_text("chromatography.step_yield")
    expect(page.locator("#equivalence")).to_contain_text("NOT shown")
    expect(page.locator("#excursions")).to_contain_text("EVR-ZP1")
    page.locator("#records-summary").scroll_into_view_if_needed()
    _shot(page, "records")
    page.locator("#capability").scroll_into_view_if_needed()
    _shot(page, "records-capability")


def _store_for(server: dict[str, Any], username: str, names: dict[str, Path]) -> None:
    """Store files as scenarios of ``username``'s sponsor (what an upload would do)."""
    from genofab.io.db import people
    from genofab.io.db.session import SYSTEM
    from genofab.service import documents

    database = server["app"].state.database
    with database.transaction(SYSTEM) as session:
        user = people.user_by_name(session, username)
        assert user is not None
        owner = user.sponsor_id
    for name, path in names.items():
        documents.save(
            database,
            SYSTEM,
            kind="scenario",
            name=name,
            content=path.read_text("utf-8"),
            reason="journey: the scenarios an outlook names",
            base_version=None,
            owner=owner,
        )


def _upload_yaml(page: Any, server: dict[str, Any], kind: str, name: str, path: Path) -> None:
    page.goto(server["url"] + "/")
    page.select_option("#upload-document select[name=kind]", kind)
    page.set_input_files("#upload-document input[name=file]", str(path))
    page.fill("#upload-document input[name=name]", name)
    page.fill("#upload-document input[name=reason]", "journey")
    page.click("#upload-document button[type=submit]")


def test_an_outlook_and_a_network_run_from_stored_scenarios(
    browser: Any, server: dict[str, Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from genofab.service.demo import stored_references

    examples = ROOT / "examples"
    _store_for(
        server,
        "alice",
        {
            "lv-sickle-cell-industrial": examples / "lv-sickle-cell-industrial.yaml",
            "lv-sickle-cell-current": examples / "lv-sickle-cell-current.yaml",
            "hsc-cell-product": examples / "sickle-cell-gene-therapy" / "hsc-cell-product.yaml",
            "car-t-autologous": examples / "car-t-autologous.yaml",
        },
    )
    outlook = tmp_path / "outlook.yaml"
    outlook.write_text(stored_references((examples / "sickle-cell-europe.yaml").read_text("utf-8")))
    page = _page(browser, server, "alice")
    _upload_yaml(page, server, "outlook", "sickle-cell-europe", outlook)
    expect(page.locator("h1")).to_contain_text("sickle-cell-europe")
    expect(page.locator("#valid")).to_be_visible()
    page.click("#run-outlook")
    expect(page.locator("#run-state")).to_have_text("done", timeout=180_000)
    expect(page.locator("table[id^=by-year-]").first).to_contain_text("2030")
    expect(page.locator("#headline")).to_contain_text("hsc-cell-product@1")
    expect(page.locator("[data-chart] .main-svg").first).to_be_visible()
    page.locator("table[id^=by-year-]").first.scroll_into_view_if_needed()
    _shot(page, "outlook")
    page.locator("[data-chart]").first.scroll_into_view_if_needed()
    _shot(page, "outlook-charts")
    # a network of two demand levels (the example's smallest), its site's scenario by name
    text = stored_references((examples / "car-t-network.yaml").read_text("utf-8"))
    lines = text.splitlines()
    start = lines.index("demand_levels:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    network = tmp_path / "network.yaml"
    network.write_text("\n".join(lines[: start + 3] + lines[end:]) + "\n")
    _upload_yaml(page, server, "network", "car-t-network", network)
    expect(page.locator("h1")).to_contain_text("car-t-network")
    page.click("#run-network")
    expect(page.locator("#run-state")).to_have_text("done", timeout=180_000)
    expect(page.locator("#network-levels")).to_contain_text("200")
    expect(page.locator("#assignment-1")).to_contain_text("paris")
    page.locator("#network-levels").scroll_into_view_if_needed()
    _shot(page, "network")
