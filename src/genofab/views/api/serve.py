"""``genofab serve``: the workbench on uvicorn (one process; jobs in its worker threads)."""

from __future__ import annotations

import sys
from pathlib import Path

from genofab.errors import UsageError


def database_url(data: Path, database: str | None) -> str:
    """The URL to use: ``database`` if given, else SQLite in ``data`` (created if missing)."""
    if database:
        if not database.startswith(("sqlite:", "postgresql:", "postgres:", "postgresql+psycopg:")):
            raise UsageError("--database takes a sqlite:/// or postgresql:// URL")
        return database
    from genofab.io.db.session import sqlite_url

    if data.exists() and not data.is_dir():
        raise UsageError(f"--data: '{data}' exists and is not a folder")
    data.mkdir(parents=True, exist_ok=True)
    return sqlite_url(data)


def serve(
    data: Path,
    database: str | None,
    demo: bool,
    host: str,
    port: int,
    workers: int,
    dask: str | None = None,
) -> None:
    """Migrate the database, load the demo if asked, and serve until interrupted."""
    import uvicorn

    from genofab.service.demo import load_demo
    from genofab.views.api.app import create_app
    from genofab.views.api.settings import Settings

    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be from 1 to 65535, got {port}")
    if not 1 <= workers <= 16:
        raise UsageError(f"--workers must be from 1 to 16, got {workers}")
    if dask is not None and not dask.startswith(("tcp://", "tls://")):
        raise UsageError(f"--dask takes a scheduler address such as tcp://host:8786, got '{dask}'")
    app = create_app(
        Settings(database_url=database_url(data, database), workers=workers, dask_scheduler=dask)
    )
    if demo:
        credentials = load_demo(app.state.database)
        if credentials:
            sys.stdout.write("demo users (shown once; passwords are stored hashed):\n")
            for username, password in credentials.items():
                sys.stdout.write(f"  {username:<14} {password}\n")
        else:
            sys.stdout.write("the demo is already loaded: log in with the passwords shown then\n")
    sys.stdout.write(f"genofab workbench on http://{host}:{port}/ (API docs: /docs)\n")
    sys.stdout.flush()
    uvicorn.run(app, host=host, port=port, workers=1, log_level="warning")
