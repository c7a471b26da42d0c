"""Load benchmark of the workbench: single-record reads (``GET /api/documents/{id}`` with an
API token, so each request authenticates, scopes and reads) on one uvicorn worker over
SQLite, on loopback only, for a bounded time.

The load generator is asyncio over raw keep-alive sockets (16 connections), light enough to
share the 2 cores with the server. It prints requests per second, latency percentiles and the
count of non-2xx answers, and states the target: at least 500 reads/s with p95 ≤ 100 ms.

    python benchmarks/bench_web.py [--seconds 10] [--connections 16] [--http h11]

``--http`` chooses uvicorn's HTTP parser (``auto``: httptools when installed, as
``genofab serve`` does; ``h11``: the pure-Python one), to compare the two side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = textwrap.dedent(
    """
    import sys, uvicorn
    from genofab.io.db.session import SYSTEM, MEMBER, sqlite_url
    from genofab.io.db import people
    from genofab.io.templates import template_text
    from genofab.service import auth, documents
    from genofab.views.api.app import create_app
    from genofab.views.api.settings import Settings

    folder, port, http = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    app = create_app(Settings(database_url=sqlite_url(folder), workers=1))
    database = app.state.database
    with database.transaction(SYSTEM, write=True) as session:
        sponsor = people.create_sponsor(session, SYSTEM, "Bench Bio").id
    user = auth.create_user(database, SYSTEM, username="bench", display_name="Bench",
                            password="bench password", role=MEMBER, sponsor_id=sponsor)
    saved = documents.save(database, SYSTEM, kind="scenario", name="cart",
                           content=template_text("car-t-autologous"), reason="bench",
                           base_version=None, owner=sponsor)
    token = auth.issue_token(database, user, "bench")
    print(token, saved.document_id, flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning",
                access_log=False, http=http)
    """
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def connection(
    port: int, request: bytes, until: float, latencies: list[float], failures: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.split(b" ")[1].startswith(b"2"):
                failures.append(int(status_line.split(b" ")[1]))
    finally:
        writer.close()


async def load(
    port: int, path: str, token: str, seconds: float, connections: int
) -> tuple[list[float], list[int], float]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    failures: list[int] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(connection(port, request, until, latencies, failures) for _ in range(connections))
    )
    return latencies, failures, time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto")
    options = parser.parse_args()
    if not 1 <= options.seconds <= 60 or not 1 <= options.connections <= 64:
        parser.error("--seconds from 1 to 60, --connections from 1 to 64")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="genofab-bench-web-") as folder:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, folder, str(port), options.http],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            token, document = server.stdout.readline().split()
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            path = f"/api/documents/{document}"
            asyncio.run(load(port, path, token, 1.0, options.connections))  # warm-up
            cpu_before = cpu_seconds(server.pid)
            latencies, failures, elapsed = asyncio.run(
                load(port, path, token, options.seconds, options.connections)
            )
            server_cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
    rate = len(latencies) / elapsed
    p50, p95, p99 = (percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
    print(
        f"GET {path}: {len(latencies)} reads in {elapsed:.1f} s on {options.connections}"
        f" connections, one uvicorn worker (HTTP parser: {options.http}), SQLite"
    )
    print(
        f"  {rate:.0f} reads/s; latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms;"
        f" non-2xx: {len(failures)}"
    )
    per_read = server_cpu / max(len(latencies), 1) * 1000
    print(
        f"  server CPU per read: {per_read:.2f} ms (one core, no competition: at most"
        f" {1000 / per_read:.0f} reads/s)"
    )
    met = rate >= 500 and p95 <= 100 and not failures
    print(
        f"  target (≥ 500 reads/s, p95 ≤ 100 ms, 0 non-2xx): {'met' if met else 'NOT met'};"
        f" load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
