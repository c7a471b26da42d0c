"""A server killed with SIGKILL during an upload leaves the old state or the new one, never a
half: a subprocess server on SQLite takes a new version of a scenario as a multipart upload and
is killed at three points (half the body sent; the whole body sent, answer not read; the answer
read). After each kill the database is whole, and the document is at its old version or its
new one, with its audit rows to match."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from genofab.io.db.session import SYSTEM, Database, sqlite_url
from genofab.io.db.tables import AuditEvent, Document, DocumentVersion
from genofab.io.templates import template_text
from tests.web.conftest import copy_sqlite
from tests.web.workbench import Seed

SERVER = """
import sys, uvicorn
from genofab.views.api.app import create_app
from genofab.views.api.settings import Settings
app = create_app(Settings(database_url=sys.argv[1], workers=1))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="error", access_log=False)
"""
BOUNDARY = "genofab-kill-test"
#: A new version big enough that half of it is a real part of the upload (about 1 MiB).
NEW = template_text("car-t-autologous") + "".join(
    f"# padding line {n:07d}\n" for n in range(40_000)
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _server(url: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    process = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], env=env)
    try:
        while True:  # no deadline: a loaded machine is slow, not wrong
            assert process.poll() is None, "the server stopped before it listened"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def _upload(document: str, token: str) -> tuple[bytes, bytes]:
    """The head and body of a multipart upload of :data:`NEW` as version 2 of ``document``."""
    fields = {"name": document, "reason": "bigger", "base_version": "1"}
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        for key, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.yaml"\r\n'
        f"Content-Type: application/yaml\r\n\r\n{NEW}\r\n--{BOUNDARY}--\r\n"
    )
    body = "".join(parts).encode("utf-8")
    head = (
        "POST /api/documents/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {token}\r\nContent-Length: {len(body)}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\r\n"
    ).encode()
    return head, body


def _state(url: str, document_id: int) -> str:
    """'old' or 'new', after checking the database is whole and consistent."""
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with database.transaction(SYSTEM) as session:
            document = session.get(Document, document_id)
            assert document is not None
            versions = list(
                session.scalars(
                    select(DocumentVersion)
                    .where(DocumentVersion.document_id == document_id)
                    .order_by(DocumentVersion.number)
                )
            )
            saves = session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.entity_id == document_id, AuditEvent.action == "save")
            )
    finally:
        database.dispose()
    assert [v.number for v in versions] == list(range(1, document.latest + 1))
    assert saves == len(versions)  # every version with its audit row, none without
    for version in versions:
        assert version.sha256 == hashlib.sha256(version.content.encode("utf-8")).hexdigest()
    assert document.latest in (1, 2)
    if document.latest == 2:
        assert versions[-1].content == NEW
        return "new"
    return "old"


@pytest.mark.parametrize("kill_at", ["half the body", "the whole body", "the answer"])
def test_a_server_killed_during_an_upload_leaves_the_old_state_or_the_new(
    kill_at: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seeded: Seed = request.getfixturevalue("seeded_sqlite")
    url = copy_sqlite(seeded.url, tmp_path)
    assert url == sqlite_url(tmp_path)
    document = seeded.scenarios["a"]
    head, body = _upload("cart-a", seeded.headers["alice"]["Authorization"])
    with _server(url) as (process, port), socket.create_connection(("127.0.0.1", port)) as link:
        link.sendall(head)
        if kill_at == "half the body":
            link.sendall(body[: len(body) // 2])
        else:
            link.sendall(body)
        if kill_at == "the answer":
            answer = link.makefile("rb").readline()
            assert b" 201 " in answer, answer
        process.send_signal(signal.SIGKILL)
        process.wait()
    state = _state(url, document)
    if kill_at == "half the body":
        assert state == "old"  # the route never ran: the form was not whole
    elif kill_at == "the answer":
        assert state == "new"  # answered 201 only after the commit
    else:
        assert state in ("old", "new")
