"""``genofab serve``: its options are checked before anything starts, and ``--demo`` loads a
working platform once (sponsors, people with fresh passwords, scenarios, the platform plan)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from genofab.errors import UsageError
from genofab.io.db import documents, people
from genofab.io.db.migrate import upgrade
from genofab.io.db.session import SYSTEM, Database, sqlite_url
from genofab.service import auth
from genofab.service.booking import products
from genofab.service.demo import PEOPLE, SPONSORS, load_demo
from genofab.views.api.serve import database_url
from genofab.views.cli import app

runner = CliRunner()


def test_bad_options_exit_with_status_2_and_start_nothing(tmp_path: Path) -> None:
    for arguments in (
        ["serve", "--port", "0", "--data", str(tmp_path / "a")],
        ["serve", "--database", "mysql://x", "--data", str(tmp_path / "b")],
        ["serve", "--workers", "99", "--data", str(tmp_path / "c")],
        ["serve", "--dask", "localhost:8786", "--data", str(tmp_path / "d")],
    ):
        done = runner.invoke(app, arguments)
        assert done.exit_code == 2, (arguments, done.output)
        assert "Traceback" not in done.output
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())


def test_the_database_is_sqlite_in_the_data_folder_unless_a_url_is_given(tmp_path: Path) -> None:
    assert database_url(tmp_path / "new", None) == sqlite_url(tmp_path / "new")
    assert (tmp_path / "new").is_dir()
    assert database_url(tmp_path, "postgresql://u@h/db") == "postgresql://u@h/db"
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        database_url(tmp_path / "file", None)


def test_the_demo_loads_once_with_working_passwords(tmp_path: Path) -> None:
    database = Database(sqlite_url(tmp_path))
    upgrade(database)
    try:
        credentials = load_demo(database)
        assert set(credentials) == {person[0] for person in PEOPLE}
        assert len(set(credentials.values())) == len(credentials)  # drawn, not typed in
        assert load_demo(database) == {}  # a second start changes nothing
        throttle = auth.LoginThrottle()
        for username, password in credentials.items():
            user = auth.authenticate(database, throttle, username, password, "127.0.0.1")
            assert user is not None and user.username == username
        with database.transaction(SYSTEM) as session:
            assert [s.name for s in people.list_sponsors(session, SYSTEM)] == sorted(SPONSORS)
            names = {d.name for d in documents.list_documents(session, SYSTEM)}
        assert {"platform", "lv-suspension", "car-t-autologous"} <= names
        assert products(database) == ["lv_vector", "car_t"]
    finally:
        database.dispose()
