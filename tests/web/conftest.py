"""Fixtures of the workbench tests: a migrated database on SQLite and on a real PostgreSQL
(started once per session from the ``pgserver`` wheel, in a temporary folder).

Without pgserver the PostgreSQL cases skip with a message; with ``GENOFAB_REQUIRE_PG=1`` (set
by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from genofab.io.db.migrate import upgrade
from genofab.io.db.session import Database, sqlite_url
from tests.web.workbench import Seed, Workbench, opened, seed

_numbers = itertools.count()


def _unavailable(reason: str) -> None:
    if os.environ.get("GENOFAB_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required (GENOFAB_REQUIRE_PG=1) but {reason}")
    pytest.skip(
        f"PostgreSQL tests skipped: {reason}; `pip install pgserver` runs them"
        " (GENOFAB_REQUIRE_PG=1 makes them required)"
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL 16 server's maintenance database, for this test session (in a
    folder of its own: pgserver runs the server as an unprivileged user when run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="genofab-pg-"))
    folder.chmod(0o755)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        try:
            import pgserver
        except ImportError:
            _unavailable("the pgserver package is not installed")
        try:
            server = pgserver.get_server(folder, cleanup_mode="stop")
        except Exception as error:  # a server that cannot start is reported, not hidden
            _unavailable(f"pgserver could not start PostgreSQL ({error})")
    url = str(server.get_uri())
    import psycopg

    # a throw-away server: no fsync, so creating a database per test and stopping stay fast
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ALTER SYSTEM SET fsync = off")
        connection.execute("ALTER SYSTEM SET synchronous_commit = off")
        connection.execute("ALTER SYSTEM SET full_page_writes = off")
        connection.execute("SELECT pg_reload_conf()")
    yield url
    _stop_at_once(server)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server.cleanup()
    # thousands of small files: removed by a detached process so the session need not wait
    subprocess.run(["sh", "-c", 'rm -rf -- "$0" >/dev/null 2>&1 &', str(folder)], check=False)


def _stop_at_once(server: object) -> None:
    """Stop the session's server without its shutdown checkpoint (its folder is deleted next):
    SIGQUIT is PostgreSQL's immediate shutdown."""
    import signal

    info = getattr(server, "_postmaster_info", None)
    process = getattr(info, "process", None)
    if process is None or not process.is_running():
        return
    process.send_signal(signal.SIGQUIT)
    with contextlib.suppress(Exception):  # psutil.TimeoutExpired: cleanup() stops it slowly
        process.wait(30)


def _database_url(server_url: str, name: str) -> str:
    head, _, query = server_url.partition("?")
    return f"{head.rsplit('/', 1)[0]}/{name}?{query}"


def fresh_postgres(server_url: str, template: str = "template1") -> str:
    """A new database on the session's server, copied from ``template``; its URL."""
    import psycopg

    name = f"genofab_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return _database_url(server_url, name)


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database migrated once, copied for each test (the migration is tested on it)."""
    url = fresh_postgres(postgres_server)
    database = Database(url)
    upgrade(database)
    database.dispose()
    return url.split("?")[0].rsplit("/", 1)[1]


def fresh_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    """A migrated database of ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        url = sqlite_url(tmp_path)
    else:
        template = request.getfixturevalue("postgres_template")
        url = fresh_postgres(request.getfixturevalue("postgres_server"), template)
    database = Database(url)
    upgrade(database)
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty workbench database on SQLite, then on PostgreSQL."""
    db = fresh_database(request.param, tmp_path, request)
    yield db
    db.dispose()


def _quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from genofab.service import auth

    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", quick)
    monkeypatch.setattr(auth, "_DUMMY", quick.hash("no such user"))


@pytest.fixture(autouse=True)
def _quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with its smallest cost in tests (the server keeps argon2-cffi's defaults,
    RFC 9106's low-memory profile): the tests check who may log in, not the hash's cost."""
    _quick_hashes(monkeypatch)


def copy_sqlite(template: str, folder: Path) -> str:
    """A copy of the SQLite database at URL ``template`` in ``folder``; its URL."""
    import sqlite3

    url = sqlite_url(folder)
    source = sqlite3.connect(template.removeprefix("sqlite:///"))
    target = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return url


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    """A populated SQLite workbench database, made once per session and copied per test."""
    from _pytest.monkeypatch import MonkeyPatch

    with MonkeyPatch.context() as patch:
        _quick_hashes(patch)
        return seed(sqlite_url(tmp_path_factory.mktemp("seeded-sqlite")))


@pytest.fixture(scope="session")
def seeded_postgres(postgres_server: str, postgres_template: str) -> Seed:
    """A populated PostgreSQL workbench database, made once per session and used as the
    template of each test's database."""
    from _pytest.monkeypatch import MonkeyPatch

    with MonkeyPatch.context() as patch:
        _quick_hashes(patch)
        return seed(fresh_postgres(postgres_server, postgres_template))


def _copy(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, Seed]:
    if backend == "sqlite":
        seeded = request.getfixturevalue("seeded_sqlite")
        return copy_sqlite(seeded.url, tmp_path), seeded
    seeded = request.getfixturevalue("seeded_postgres")
    template = seeded.url.split("?")[0].rsplit("/", 1)[1]
    return fresh_postgres(request.getfixturevalue("postgres_server"), template), seeded


@pytest.fixture
def bench(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Workbench]:
    """A populated workbench on SQLite (a copy of the session's seeded database)."""
    with opened(*_copy("sqlite", tmp_path, request)) as made:
        yield made


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_on_both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workbench]:
    """A populated workbench on SQLite, then on PostgreSQL (copies of seeded databases)."""
    with opened(*_copy(request.param, tmp_path, request)) as made:
        yield made
