"""schemathesis over the OpenAPI document: every operation with generated inputs (a few
examples each, so the run stays short) answers without a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from genofab.io.db import people
from genofab.io.db.session import MEMBER, SYSTEM, sqlite_url
from genofab.service import auth
from genofab.views.api.app import create_app
from genofab.views.api.settings import Settings

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """An app with one sponsor's member and nothing stored (generated ids find nothing, so
    no generated run starts a long job), and the member's token headers."""
    app = create_app(Settings(database_url=sqlite_url(Path(tmp_path_factory.mktemp("fuzz")))))
    database = app.state.database
    with database.transaction(SYSTEM, write=True) as session:
        sponsor = people.create_sponsor(session, SYSTEM, "Fuzz Bio").id
    user = auth.create_user(
        database,
        SYSTEM,
        username="fuzzer",
        display_name="F",
        password=PASSWORD,
        role=MEMBER,
        sponsor_id=sponsor,
    )
    token = auth.issue_token(database, user, "fuzz")
    yield app, {"Authorization": f"Bearer {token}"}
    app.state.jobs.shutdown()


@pytest.fixture(scope="module")
def api_schema(fuzzed: tuple[Any, dict[str, str]]) -> Any:
    """The app's OpenAPI document, read in process."""
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed[0])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_operation_answers_with_a_server_error(
    case: Any, fuzzed: tuple[Any, dict[str, str]]
) -> None:
    response = case.call(headers=fuzzed[1])
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
