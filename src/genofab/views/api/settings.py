"""How a workbench server is set up: its database, job workers and limits."""

from __future__ import annotations

from dataclasses import dataclass

from genofab.io.yaml_source import MAX_BYTES


@dataclass(frozen=True)
class Settings:
    """A workbench server's settings."""

    database_url: str
    workers: int = 2
    #: Largest request body: a YAML document at its own limit plus the form around it.
    max_body: int = MAX_BYTES + 64 * 1024
    #: Cookies only over HTTPS (switch off for plain-HTTP loopback use and tests).
    secure_cookies: bool = False
    #: Create the schema at start (migrations).
    migrate: bool = True
    #: A Dask scheduler's address (``tcp://host:8786``) for Monte Carlo and sweep jobs; None
    #: runs their chunks on Dask's threads in the server's process.
    dask_scheduler: str | None = None
