"""A workbench for the API and page tests: two sponsors (A, B), the platform manager, a member
of each sponsor and a viewer of A, one stored scenario per sponsor and the platform plan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from genofab.io.db import people
from genofab.io.db.session import MANAGER, MEMBER, SYSTEM, VIEWER
from genofab.io.templates import template_text
from genofab.service import auth, documents
from genofab.service.booking import PLATFORM_PLAN
from genofab.service.demo import platform_plan_text
from genofab.views.api.app import create_app
from genofab.views.api.settings import Settings

PASSWORD = "correct horse battery"


@dataclass
class Workbench:
    """The app, a client, each user's token headers and the stored records' ids."""

    app: Any
    client: TestClient
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    sponsors: dict[str, int] = field(default_factory=dict)
    scenarios: dict[str, int] = field(default_factory=dict)

    def wait(self, run_id: int) -> dict[str, Any]:
        """A run once its job is done."""
        self.app.state.jobs.wait(run_id)
        response = self.client.get(f"/api/runs/{run_id}", headers=self.headers["manager"])
        assert response.status_code == 200, response.text
        return dict(response.json())

    def login(self, username: str) -> TestClient:
        """A browser-like client logged in as ``username`` (session cookie)."""
        client = TestClient(self.app, base_url="http://testserver")
        response = client.post(
            "/login", data={"username": username, "password": PASSWORD}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        return client


def populate(app: Any) -> tuple[dict[str, int], dict[str, int], tuple[tuple[str, str, Any], ...]]:
    """Sponsors, users (password :data:`PASSWORD`), a scenario per sponsor and the platform
    plan; returns the sponsors' and scenarios' ids and the users."""
    database = app.state.database
    with database.transaction(SYSTEM, write=True) as session:
        a = people.create_sponsor(session, SYSTEM, "Alpha Bio").id
        b = people.create_sponsor(session, SYSTEM, "Beta Cell").id
    users = (
        ("manager", MANAGER, None),
        ("alice", MEMBER, a),
        ("bob", MEMBER, b),
        ("vic", VIEWER, a),
    )
    for username, role, sponsor in users:
        auth.create_user(
            database,
            SYSTEM,
            username=username,
            display_name=username.title(),
            password=PASSWORD,
            role=role,
            sponsor_id=sponsor,
        )
    scenarios = {}
    for key, owner, template in (("a", a, "car-t-autologous"), ("b", b, "car-t-autologous")):
        saved = documents.save(
            database,
            SYSTEM,
            kind="scenario",
            name=f"cart-{key}",
            content=template_text(template),
            reason="test fixture",
            base_version=None,
            owner=owner,
        )
        scenarios[key] = saved.document_id
    documents.save(
        database,
        SYSTEM,
        kind="plan",
        name=PLATFORM_PLAN,
        content=platform_plan_text(),
        reason="test fixture",
        base_version=None,
    )
    return {"a": a, "b": b}, scenarios, users


@dataclass(frozen=True)
class Seed:
    """A populated database to copy: its URL, the ids stored and each user's token headers
    (the tokens are stored, hashed, in the database, so they hold in every copy)."""

    url: str
    sponsors: dict[str, int]
    scenarios: dict[str, int]
    headers: dict[str, dict[str, str]]


def seed(url: str) -> Seed:
    """Populate the database at ``url`` (migrated first) and issue each user a token."""
    app = create_app(Settings(database_url=url, workers=1))
    try:
        sponsors, scenarios, users = populate(app)
        headers = {}
        for username, _, _ in users:
            with app.state.database.transaction(SYSTEM) as session:
                user = people.user_by_name(session, username)
            assert user is not None
            token = auth.issue_token(app.state.database, user, "test")
            headers[username] = {"Authorization": f"Bearer {token}"}
    finally:
        app.state.jobs.shutdown()
        app.state.database.dispose()
    return Seed(url, sponsors, scenarios, headers)


@contextmanager
def opened(url: str, seeded: Seed, **settings: Any) -> Iterator[Workbench]:
    """A workbench on ``url``, a copy of the ``seeded`` database (``settings``: more of the
    server's :class:`Settings`)."""
    app = create_app(Settings(database_url=url, **({"workers": 2} | settings)))
    with TestClient(app) as client:
        yield Workbench(
            app,
            client,
            headers=seeded.headers,
            sponsors=seeded.sponsors,
            scenarios=seeded.scenarios,
        )


@contextmanager
def workbench(url: str) -> Iterator[Workbench]:
    """A populated workbench on the (new) database at ``url``."""
    with opened(url, seed(url)) as made:
        yield made
