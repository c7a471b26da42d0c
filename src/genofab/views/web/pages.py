"""HTML pages and HTMX fragments, mounted on the API's app. Pages call the same services as
the REST routes; forms carry the session's CSRF token; nothing here computes a figure."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from genofab import __version__
from genofab.errors import GenofabError, StaleWriteError
from genofab.io.db import documents as store
from genofab.io.db import runs as run_store
from genofab.io.db.session import MANAGER
from genofab.service import auth, booking
from genofab.service import documents as documents_service
from genofab.service.checks import check_plan, check_scenario, problems_of
from genofab.service.jobs import start_run
from genofab.views.api.deps import SESSION_COOKIE, Caller, check_csrf, identify
from genofab.views.api.schemas import PathId
from genofab.views.web import charts, records_charts

QueryId = Annotated[int, Query(ge=1, le=2**31 - 1)]

HERE = resources.files("genofab.views.web")
templates = Jinja2Templates(directory=str(HERE.joinpath("templates")))
templates.env.filters["figure"] = charts.figure
templates.env.filters["spread"] = charts.spread_text
templates.env.filters["figure_number"] = charts.number
templates.env.filters["interval"] = records_charts.interval


class VendoredFiles(StaticFiles):
    """The vendored scripts and style sheet, cached by browsers for a day: the pages name them
    with genofab's version (``?v=``), so a new release is fetched afresh."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = f"public, max-age={STATIC_SECONDS}"
        return response


#: Seconds a browser keeps a vendored asset.
STATIC_SECONDS = 86_400


class LoginRequiredError(Exception):
    """A page asked for without a session."""


async def page_caller(request: Request) -> Caller:
    """The logged-in caller of a page (redirected to the login page otherwise)."""
    caller = identify(request)
    if caller is None or caller.csrf is None:
        raise LoginRequiredError()
    await check_csrf(request, caller)
    return caller


PageCaller = Annotated[Caller, Depends(page_caller)]


def render(request: Request, name: str, caller: Caller | None, **context: Any) -> HTMLResponse:
    """A template rendered with the caller and its CSRF token."""
    return templates.TemplateResponse(
        request,
        name,
        {
            "caller": caller,
            "csrf": caller.csrf if caller else "",
            "manager": MANAGER,
            "version": __version__,
            **context,
        },
    )


def mount_pages(app: FastAPI) -> None:
    """Add the pages and the static files to ``app``."""
    app.mount("/static", VendoredFiles(directory=str(HERE.joinpath("static"))), name="static")

    @app.exception_handler(LoginRequiredError)
    async def _login(request: Request, error: LoginRequiredError) -> Response:
        return RedirectResponse("/login", 303)

    database = app.state.database

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login.html", None, error=None)

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=64)],
        password: Annotated[str, Form(max_length=256)],
    ) -> Response:
        address = request.client.host if request.client else "unknown"
        try:
            user = auth.authenticate(database, app.state.throttle, username, password, address)
        except auth.TooManyAttemptsError:
            return render(
                request, "login.html", None, error="Too many failed logins: wait a few minutes."
            )
        if user is None:
            return render(request, "login.html", None, error="Wrong name or password.")
        opened = auth.open_session(database, user)
        response = RedirectResponse("/", 303)
        response.set_cookie(
            SESSION_COOKIE,
            opened.secret,
            max_age=int(auth.SESSION_LIFETIME.total_seconds()),
            httponly=True,
            samesite="strict",
            secure=app.state.settings.secure_cookies,
        )
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, caller: PageCaller) -> Response:
        from genofab.io.db import people
        from genofab.io.db.session import SYSTEM

        secret = request.cookies.get(SESSION_COOKIE, "")
        with database.transaction(SYSTEM, write=True) as session:
            people.end_session(session, auth.digest(secret))
        app.state.credentials.forget("session:" + auth.digest(secret))
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, caller: PageCaller) -> HTMLResponse:
        return home_page(request, caller)

    def home_page(request: Request, caller: Caller, problems: Any = None) -> HTMLResponse:
        """The home page (with the problems of a refused upload)."""
        from genofab.io.templates import templates as library

        with database.transaction(caller.scope) as session:
            documents = store.list_documents(session, caller.scope)
            runs = run_store.list_runs(session, caller.scope)[:20]
        return render(
            request,
            "home.html",
            caller,
            documents=documents,
            runs=runs,
            library=library(),
            upload_problems=problems or [],
        )

    @app.post("/documents/new", include_in_schema=False)
    def new_document(
        request: Request,
        caller: PageCaller,
        name: Annotated[str, Form(max_length=80)],
        template: Annotated[str, Form(max_length=64)],
    ) -> Response:
        from genofab.io.templates import template_text

        try:
            saved = documents_service.save(
                database,
                caller.scope,
                kind="scenario",
                name=name,
                content=template_text(template),
                reason=f"from template {template}",
                base_version=None,
            )
        except GenofabError as error:
            raise HTTPException(422, str(error)) from None
        return RedirectResponse(f"/documents/{saved.document_id}", 303)

    @app.post("/documents/upload", include_in_schema=False)
    async def upload_document(
        request: Request,
        caller: PageCaller,
        file: Annotated[UploadFile, File()],
        name: Annotated[str, Form(max_length=80)],
        reason: Annotated[str, Form(max_length=2000)],
        kind: Annotated[str, Form(pattern="^(scenario|plan|outlook|network)$")] = "scenario",
    ) -> Response:
        from genofab.io.yaml_source import MAX_BYTES

        raw = await file.read(MAX_BYTES + 1)
        problems: list[Any] = []
        try:
            if len(raw) > MAX_BYTES:
                raise HTTPException(413, f"the upload is over {MAX_BYTES // 2**20} MiB")
            try:
                content = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                check_scenario(raw, f"{name}.yaml")  # reports the byte and the likely encoding
                raise
            saved = documents_service.save(
                database,
                caller.scope,
                kind=kind,
                name=name,
                content=content,
                reason=reason,
                base_version=None,
            )
        except GenofabError as error:
            problems = problems_of(error, f"{name}.yaml")
            response = home_page(request, caller, problems=problems)
            response.status_code = 409 if isinstance(error, StaleWriteError) else 422
            return response
        return RedirectResponse(f"/documents/{saved.document_id}", 303)

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(
        request: Request, document_id: PathId, caller: PageCaller, version: QueryId | None = None
    ) -> Response:
        with database.transaction(caller.scope) as session:
            document = store.get_document(session, caller.scope, document_id)
            if document.kind == "records":
                query = f"?version={version}" if version else ""
                return RedirectResponse(f"/records/{document_id}{query}", 303)
            kept = store.version_list(session, document)
            shown = store.get_version(session, document, version)
            runs = run_store.list_runs(session, caller.scope, [v.id for v in kept])
        return render(
            request,
            "document.html",
            caller,
            document=document,
            versions=kept,
            shown=shown,
            runs=runs,
            problems=[],
            message=None,
        )

    @app.post("/documents/{document_id}/save", response_class=HTMLResponse, include_in_schema=False)
    def save_version(
        request: Request,
        document_id: PathId,
        caller: PageCaller,
        content: Annotated[str, Form()],
        reason: Annotated[str, Form(max_length=2000)],
        base_version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    ) -> Response:
        with database.transaction(caller.scope) as session:
            document = store.get_document(session, caller.scope, document_id)
        try:
            documents_service.save(
                database,
                caller.scope,
                kind=document.kind,
                name=document.name,
                content=content,
                reason=reason,
                base_version=base_version,
                owner=document.sponsor_id,
            )
        except GenofabError as error:
            with database.transaction(caller.scope) as session:
                kept = store.version_list(session, document)
                shown = store.get_version(session, document, base_version)
            return render(
                request,
                "document.html",
                caller,
                document=document,
                versions=kept,
                shown=shown,
                draft=content,
                runs=[],
                problems=problems_of(error, f"{document.name}.yaml"),
                message=str(error).splitlines()[0],
            )
        return RedirectResponse(f"/documents/{document_id}", 303)

    @app.post("/fragments/check", response_class=HTMLResponse, include_in_schema=False)
    def check_fragment(
        request: Request,
        caller: PageCaller,
        content: Annotated[str, Form()],
        kind: Annotated[str, Form(pattern="^(scenario|plan|outlook|network)$")] = "scenario",
    ) -> HTMLResponse:
        problems: list[Any] = []
        headline = None
        try:
            if kind == "scenario":
                _, run = check_scenario(content, "editor.yaml")
                headline = charts.headline_rows(run.to_json_dict())
            elif kind in ("outlook", "network"):
                from genofab.service.planning import StoredScenarios, check_planning

                with database.transaction(caller.scope) as session:
                    stored = StoredScenarios(session, caller.scope, caller.scope.sponsor_id)
                    check_planning(kind, content, "editor.yaml", stored)
            else:
                with database.transaction(caller.scope) as session:
                    check_plan(
                        content,
                        "editor.yaml",
                        documents_service.scenario_resolver(
                            session, caller.scope, caller.scope.sponsor_id
                        ),
                    )
        except GenofabError as error:
            problems = problems_of(error, "editor.yaml")
        return render(request, "problems.html", caller, problems=problems, headline=headline)

    @app.post("/documents/{document_id}/runs", include_in_schema=False)
    def start(
        request: Request,
        document_id: PathId,
        caller: PageCaller,
        kind: Annotated[str, Form(max_length=20)],
        version: Annotated[int, Form(ge=1, le=2**31 - 1)],
        samples: Annotated[int | None, Form(ge=1, le=1_000_000)] = None,
        seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 1,
        grid_path: Annotated[str, Form(max_length=200)] = "",
        grid_values: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        grid = None
        if kind == "sweep":  # one parameter from the form (the API takes up to three)
            grid = {grid_path.strip(): [v for v in grid_values.split(",") if v.strip()]}
        run_id = start_run(
            database,
            caller.scope,
            document_id,
            version,
            kind,
            seed=seed,
            samples=samples,
            grid=grid,
        )
        app.state.jobs.submit(run_id)
        return RedirectResponse(f"/runs/{run_id}", 303)

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(
        request: Request,
        run_id: PathId,
        caller: PageCaller,
        sponsor: Annotated[str | None, Query(max_length=64)] = None,
    ) -> HTMLResponse:
        return _run(request, caller, run_id, "run.html", sponsor)

    @app.get("/fragments/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_fragment(request: Request, run_id: PathId, caller: PageCaller) -> HTMLResponse:
        return _run(request, caller, run_id, "run_body.html", None)

    def _run(
        request: Request, caller: Caller, run_id: int, template: str, sponsor: str | None
    ) -> HTMLResponse:
        with database.transaction(caller.scope) as session:
            run = run_store.get_run(session, caller.scope, run_id)
            artifacts = run_store.list_artifacts(session, run)
            version = store.get_version_by_id(session, caller.scope, run.version_id)
            document = store.get_document(session, caller.scope, version.document_id)
        result = json.loads(run.result) if run.result else None
        views = charts.run_views(run.kind, result, sponsor) if result else {}
        return render(
            request,
            template,
            caller,
            run=run,
            artifacts=artifacts,
            document=document,
            version=version,
            views=views,
            sponsor=sponsor,
        )

    @app.get(
        "/documents/{document_id}/compare", response_class=HTMLResponse, include_in_schema=False
    )
    def compare_page(
        request: Request, document_id: PathId, caller: PageCaller, a: QueryId, b: QueryId
    ) -> HTMLResponse:
        diff = documents_service.diff_versions(database, caller.scope, document_id, a, b)
        return render(request, "compare.html", caller, diff=diff)

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_scenarios_page(
        request: Request,
        caller: PageCaller,
        a: QueryId,
        b: QueryId,
        a_version: QueryId | None = None,
        b_version: QueryId | None = None,
    ) -> HTMLResponse:
        diff = documents_service.diff_documents(
            database, caller.scope, (a, a_version), (b, b_version)
        )
        return render(request, "compare.html", caller, diff=diff)

    @app.get("/requests", response_class=HTMLResponse, include_in_schema=False)
    def requests_page(request: Request, caller: PageCaller) -> HTMLResponse:
        try:
            products = booking.products(database)
        except GenofabError:
            products = []
        with database.transaction(caller.scope) as session:
            scenarios = store.list_documents(session, caller.scope, "scenario")
        return render(
            request,
            "requests.html",
            caller,
            requests=booking.list_for(database, caller.scope),
            products=products,
            scenarios=scenarios,
            today=dt.date.today(),
            message=None,
        )

    @app.post("/requests", include_in_schema=False)
    def submit_request(
        request: Request,
        caller: PageCaller,
        product: Annotated[str, Form(max_length=64)],
        lots: Annotated[int, Form(ge=1, le=100)],
        due: Annotated[dt.date, Form()],
        note: Annotated[str, Form(max_length=2000)] = "",
        scenario_id: Annotated[str, Form(max_length=12)] = "",
    ) -> Response:
        chosen = int(scenario_id) if scenario_id.isdigit() else None
        booking.submit(
            database,
            caller.scope,
            booking.RequestInput(product, lots, due, note, chosen, True),
        )
        return RedirectResponse("/requests", 303)

    @app.get("/requests/{request_id}", response_class=HTMLResponse, include_in_schema=False)
    def request_page(request: Request, request_id: PathId, caller: PageCaller) -> HTMLResponse:
        detail = booking.request_detail(database, caller.scope, request_id)
        try:
            quoted = booking.quote(database, caller.scope, request_id)
            problem = None
        except GenofabError as error:
            quoted, problem = None, str(error)
        return render(request, "request.html", caller, item=detail, quote=quoted, problem=problem)

    @app.post("/requests/{request_id}/transitions", include_in_schema=False)
    def move_request(
        request: Request,
        request_id: PathId,
        caller: PageCaller,
        state: Annotated[str, Form(max_length=20)],
        version: Annotated[int, Form(ge=1, le=2**31 - 1)],
        reason: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        booking.move(
            database,
            caller.scope,
            request_id,
            state,
            read_version=version,
            reason=reason or None,
        )
        return RedirectResponse(f"/requests/{request_id}", 303)

    @app.get("/capacity", response_class=HTMLResponse, include_in_schema=False)
    def capacity_page(request: Request, caller: PageCaller) -> HTMLResponse:
        board = booking.capacity(database, caller.scope)
        return render(
            request,
            "capacity.html",
            caller,
            board=board,
            chart=charts.load_heatmap(board["by_kind"], "kind"),
        )

    from genofab.views.web.records_pages import mount_records_pages

    mount_records_pages(app)

    @app.post("/schedule", include_in_schema=False)
    def schedule(request: Request, caller: PageCaller) -> Response:
        outcome = booking.schedule_platform(database, caller.scope)
        return RedirectResponse(f"/runs/{outcome['run_id']}", 303)
