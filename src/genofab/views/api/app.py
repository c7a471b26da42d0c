"""The workbench application: the REST API under ``/api`` and the pages under ``/``, on one
FastAPI app with one database, one job queue and one login system.

Errors become JSON problems: a bad document 422 with every problem (line, column, field,
rule), a record one may not see 404, a role that may not act 403, a stale write 409 with the
newest version. Every response carries security headers; a body over the limit gets 413
before it is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genofab import __version__
from genofab.errors import (
    ForbiddenError,
    GenofabError,
    NotFoundError,
    RecordsError,
    ScenarioError,
    StaleWriteError,
)
from genofab.io.db.migrate import upgrade
from genofab.io.db.session import Database
from genofab.service.auth import LoginThrottle
from genofab.service.checks import problems_of
from genofab.service.jobs import JobQueue
from genofab.views.api.deps import CredentialCache
from genofab.views.api.settings import Settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
        " script-src 'self' 'unsafe-eval'; frame-ancestors 'none'; form-action 'self';"
        " base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}


class Guard:
    """ASGI middleware: security headers on every response, and 413 for a body over the
    limit (by its Content-Length, or counted as it streams in)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _too_large(self.max_body)(scope, receive, self._with_headers(send))
            return
        seen = [0]

        async def counted() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.max_body:
                    raise _BodyTooLargeError()
            return message

        try:
            await self.app(scope, counted, self._with_headers(send))
        except _BodyTooLargeError:
            await _too_large(self.max_body)(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [
                    (name.lower().encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.lower().encode() not in present
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        return sending


class _BodyTooLargeError(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {"detail": f"the request body is over the limit of {limit // 2**20} MiB"}, 413
    )


def create_app(settings: Settings) -> FastAPI:
    """The workbench app on ``settings.database_url`` (migrated at start)."""
    database = Database(settings.database_url)
    if settings.migrate:
        upgrade(database)
    jobs = JobQueue(database, settings.workers, settings.dask_scheduler)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs.resume()
        yield
        jobs.shutdown()
        database.dispose()

    app = FastAPI(
        title="genofab workbench",
        version=__version__,
        description="Versioned scenarios and plans, runs as jobs, demand requests and the"
        " platform schedule, scoped to each sponsor.",
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.jobs = jobs
    app.state.throttle = LoginThrottle()
    app.state.credentials = CredentialCache()
    app.state.settings = settings
    _error_handlers(app)

    from genofab.views.api.routes import booking, documents, people, records, runs

    for module in (people, documents, runs, booking, records):
        app.include_router(module.router, prefix="/api")

    @app.get("/api/health", tags=["health"])
    def health() -> dict[str, str]:
        """The server is up."""
        return {"status": "ok", "version": __version__}

    from genofab.views.web.pages import mount_pages

    mount_pages(app)
    app.add_middleware(Guard, max_body=settings.max_body)
    return app


def _error_handlers(app: FastAPI) -> None:
    def problem(status: int, detail: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"detail": detail, **extra}, status)

    @app.exception_handler(ScenarioError)
    async def _scenario(request: Request, error: ScenarioError) -> JSONResponse:
        problems = [p.as_dict() for p in problems_of(error, error.file or "")]
        return problem(422, str(error), problems=problems)

    @app.exception_handler(RecordsError)
    async def _records(request: Request, error: RecordsError) -> JSONResponse:
        from genofab.service.stored_records import record_problems

        return problem(422, str(error), problems=record_problems(error))

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, error: NotFoundError) -> JSONResponse:
        return problem(404, "not found")

    @app.exception_handler(ForbiddenError)
    async def _forbidden(request: Request, error: ForbiddenError) -> JSONResponse:
        return problem(403, str(error))

    @app.exception_handler(StaleWriteError)
    async def _stale(request: Request, error: StaleWriteError) -> JSONResponse:
        return problem(409, str(error), current_version=error.current)

    @app.exception_handler(GenofabError)
    async def _bad_input(request: Request, error: GenofabError) -> JSONResponse:
        return problem(422, str(error))
