"""The batch-records pages: the records of each product, an upload form (a bad file shows
every problem at its sheet, row and column and stores nothing), and a version's summary with
its review (control charts, capability, sites compared, environment monitoring), followed by
HTMX while the review job runs. They call the services the REST routes call."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from genofab.errors import GenofabError, RecordsError
from genofab.io.db import documents as store
from genofab.io.db import runs as run_store
from genofab.service import stored_records
from genofab.service.jobs import start_run
from genofab.views.api.deps import Caller
from genofab.views.api.routes.records import read_upload, upload_and_review
from genofab.views.api.schemas import PathId
from genofab.views.web.pages import PageCaller, render
from genofab.views.web.records_charts import review_views

QueryId = Annotated[int, Query(ge=1, le=2**31 - 1)]


def mount_records_pages(app: FastAPI) -> None:
    """Add the batch-records pages to ``app``."""
    database = app.state.database

    def listing(caller: Caller) -> tuple[list[dict[str, Any]], list[Any]]:
        with database.transaction(caller.scope) as session:
            found = []
            for document in store.list_documents(session, caller.scope, stored_records.KIND):
                summary = json.loads(store.get_version(session, document).content)
                found.append(
                    {
                        "id": document.id,
                        "name": document.name,
                        "version": document.latest,
                        "products": summary["lots_file"]["products"],
                        "sites": summary["lots_file"]["sites"],
                        "lots": summary["lots_file"]["lots"],
                    }
                )
            scenarios = store.list_documents(session, caller.scope, "scenario")
        return found, scenarios

    @app.get("/records", response_class=HTMLResponse, include_in_schema=False)
    def records_page(request: Request, caller: PageCaller) -> HTMLResponse:
        found, scenarios = listing(caller)
        return render(
            request, "records.html", caller, records=found, scenarios=scenarios, problems=[]
        )

    @app.post("/records/upload", include_in_schema=False)
    async def upload(
        request: Request,
        caller: PageCaller,
        file: Annotated[UploadFile, File()],
        reason: Annotated[str, Form(max_length=2000)],
        monitoring: Annotated[UploadFile | None, File()] = None,
        name: Annotated[str, Form(max_length=80)] = "",
        sheet: Annotated[str, Form(max_length=31)] = "",
        layout: Annotated[str, Form(pattern="^(auto|wide|long)$")] = "auto",
        specifications: Annotated[str, Form(max_length=5000)] = "",
        scenario: Annotated[str, Form(max_length=90)] = "",
        baseline: Annotated[str, Form(max_length=12)] = "",
        rules: Annotated[str, Form(max_length=200)] = "nelson",
        base_version: Annotated[str, Form(max_length=12)] = "",
    ) -> Response:
        lots = await read_upload(file)
        watched = None
        if monitoring is not None and monitoring.filename:
            watched = await read_upload(monitoring)
            if not watched.raw:
                watched = None
        try:
            stored = upload_and_review(
                database,
                app.state.jobs,
                caller,
                lots,
                watched,
                reason=reason,
                name=name or None,
                sheet=sheet or None,
                layout=layout,
                specifications=specifications,
                scenario=scenario or None,
                baseline=int(baseline) if baseline.strip().isdigit() else None,
                rules=rules,
                base_version=int(base_version) if base_version.isdigit() else None,
            )
        except GenofabError as error:
            if isinstance(error, RecordsError):
                problems = stored_records.record_problems(error)
            else:
                problems = [
                    {
                        "sheet": None,
                        "row": None,
                        "column": None,
                        "header": None,
                        "message": str(error),
                    }
                ]
            found, scenarios = listing(caller)
            response = render(
                request,
                "records.html",
                caller,
                records=found,
                scenarios=scenarios,
                problems=problems,
                message=str(error).splitlines()[0],
                specifications=specifications,
            )
            response.status_code = 422
            return response
        return RedirectResponse(f"/records/{stored['id']}", 303)

    def shown_records(
        request: Request, caller: Caller, document_id: int, version: int | None, template: str
    ) -> HTMLResponse:
        with database.transaction(caller.scope) as session:
            document = store.get_document(session, caller.scope, document_id)
            if document.kind != stored_records.KIND:
                from genofab.errors import NotFoundError

                raise NotFoundError(f"no batch records {document_id}")
            kept = store.version_list(session, document)
            shown = store.get_version(session, document, version)
            runs = run_store.list_runs(session, caller.scope, [shown.id])
            scenarios = store.list_documents(session, caller.scope, "scenario")
        run = runs[0] if runs else None  # the newest review of this version
        review = json.loads(run.result) if run is not None and run.result else None
        return render(
            request,
            template,
            caller,
            document=document,
            versions=kept,
            shown=shown,
            summary=json.loads(shown.content),
            run=run,
            review=review,
            views=review_views(review) if review else {},
            scenarios=scenarios,
            problems=[],
        )

    @app.get("/records/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def records_review_page(
        request: Request, document_id: PathId, caller: PageCaller, version: QueryId | None = None
    ) -> HTMLResponse:
        return shown_records(request, caller, document_id, version, "records_page.html")

    @app.get(
        "/fragments/records/{document_id}", response_class=HTMLResponse, include_in_schema=False
    )
    def records_review_fragment(
        request: Request, document_id: PathId, caller: PageCaller, version: QueryId | None = None
    ) -> HTMLResponse:
        return shown_records(request, caller, document_id, version, "records_review.html")

    @app.post("/records/{document_id}/review", include_in_schema=False)
    def review_again(
        request: Request,
        document_id: PathId,
        caller: PageCaller,
        version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    ) -> Response:
        run_id = start_run(database, caller.scope, document_id, version, "review")
        app.state.jobs.submit(run_id)
        return RedirectResponse(f"/records/{document_id}?version={version}", 303)
