"""Scenarios and plans: list, create (from text, an upload or a template), new versions,
versions, YAML download, live check and the diff of two versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import Response

from genofab.errors import GenofabError
from genofab.io.db import documents as store
from genofab.io.yaml_source import MAX_BYTES
from genofab.service import documents as service
from genofab.service.checks import check_scenario, problems_of
from genofab.views.api.deps import CallerDep, DatabaseDep
from genofab.views.api.schemas import Check, DocumentCreate, FromTemplate, PathId, VersionCreate

router = APIRouter(tags=["documents"])
Id = Annotated[int, Query(ge=1, le=2**31 - 1)]


def _saved(saved: service.Saved) -> dict[str, Any]:
    return {
        "id": saved.document_id,
        "name": saved.name,
        "kind": saved.kind,
        "version": saved.version,
        "sha256": saved.sha256,
    }


@router.get("/documents")
def list_documents(
    caller: CallerDep,
    database: DatabaseDep,
    kind: Annotated[str | None, Query(pattern="^(scenario|plan|outlook|network|records)$")] = None,
) -> list[dict[str, Any]]:
    """The caller's scenarios and plans (every sponsor's for the platform manager)."""
    with database.transaction(caller.scope) as session:
        return [
            service.describe(d) | {"sponsor_id": d.sponsor_id}
            for d in store.list_documents(session, caller.scope, kind)
        ]


@router.post("/documents", status_code=201)
def create_document(
    body: DocumentCreate, caller: CallerDep, database: DatabaseDep
) -> dict[str, Any]:
    """Save a new scenario or plan as its version 1 (checked first: nothing is saved if it
    has a problem)."""
    return _saved(
        service.save(
            database,
            caller.scope,
            kind=body.kind,
            name=body.name,
            content=body.content,
            reason=body.reason,
            base_version=None,
            owner=body.sponsor_id,
        )
    )


@router.post("/documents/upload", status_code=201)
async def upload_document(
    caller: CallerDep,
    database: DatabaseDep,
    file: Annotated[
        UploadFile,
        File(
            description="a genofab/1 scenario, genofab-plan/1, genofab-outlook/1 or"
            " genofab-network/1 YAML"
        ),
    ],
    name: Annotated[
        str, Form(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
    ],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
    kind: Annotated[str, Form(pattern="^(scenario|plan|outlook|network)$")] = "scenario",
    base_version: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    """Upload YAML as a new document, or as a new version of one (with ``base_version``).
    The file's own name is ignored: nothing from the request names a file on the server."""
    raw = await file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise HTTPException(413, f"the upload is over {MAX_BYTES // 2**20} MiB")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        check_scenario(raw, f"{name}.yaml")  # reports the byte and the likely encoding
        raise
    return _saved(
        service.save(
            database,
            caller.scope,
            kind=kind,
            name=name,
            content=content,
            reason=reason,
            base_version=base_version,
        )
    )


@router.get("/templates")
def list_templates() -> dict[str, str]:
    """Templates of the reference library, by name."""
    from genofab.io.templates import templates

    return templates()


@router.post("/documents/from-template", status_code=201)
def from_template(body: FromTemplate, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """A new scenario, version 1 being a template of the reference library."""
    from genofab.io.templates import template_text

    return _saved(
        service.save(
            database,
            caller.scope,
            kind="scenario",
            name=body.name,
            content=template_text(body.template),
            reason=f"from template {body.template}",
            base_version=None,
        )
    )


@router.post("/check")
def check(body: Check, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """Check text as the editor types: the command line's messages (line, column, field,
    rule), or the headline of a valid scenario."""
    name = "editor.yaml"
    try:
        if body.kind == "scenario":
            _, run = check_scenario(body.content, name)
            return {"valid": True, "problems": [], "headline": _headline(run)}
        with database.transaction(caller.scope) as session:
            if body.kind in ("outlook", "network"):
                from genofab.service.planning import StoredScenarios, check_planning

                stored = StoredScenarios(session, caller.scope, caller.scope.sponsor_id)
                check_planning(body.kind, body.content, name, stored)
                return {"valid": True, "problems": [], "headline": {}}
            resolve = service.scenario_resolver(session, caller.scope, caller.scope.sponsor_id)
            from genofab.service.checks import check_plan

            check_plan(body.content, name, resolve)
        return {"valid": True, "problems": [], "headline": {}}
    except GenofabError as error:
        return {
            "valid": False,
            "problems": [p.as_dict() for p in problems_of(error, name)],
            "headline": {},
        }


def _headline(run: Any) -> dict[str, Any]:
    keys = ("doses_per_lot", "lots_per_year", "patients_per_year", "cogs_per_dose")
    data = run.to_json_dict()
    return {key: data.get(key) for key in keys}


@router.get("/documents/{document_id}")
async def get_document(
    document_id: PathId, caller: CallerDep, database: DatabaseDep
) -> dict[str, Any]:
    """A document with its versions (a read of one record: run in the event loop, see
    :mod:`genofab.views.api.deps`)."""
    with database.transaction(caller.scope) as session:
        document = store.get_document(session, caller.scope, document_id)
        kept = store.version_list(session, document)
        return service.describe(document) | {
            "versions": [service.describe_version(v) for v in kept]
        }


@router.post("/documents/{document_id}/versions", status_code=201)
def add_version(
    document_id: PathId, body: VersionCreate, caller: CallerDep, database: DatabaseDep
) -> dict[str, Any]:
    """Save a new version; ``base_version`` must be the newest, else 409 and nothing saved."""
    with database.transaction(caller.scope) as session:
        document = store.get_document(session, caller.scope, document_id)
        kind, name, owner = document.kind, document.name, document.sponsor_id
    return _saved(
        service.save(
            database,
            caller.scope,
            kind=kind,
            name=name,
            content=body.content,
            reason=body.reason,
            base_version=body.base_version,
            owner=owner,
        )
    )


@router.get("/documents/{document_id}/versions/{number}")
async def get_version(
    document_id: PathId, number: PathId, caller: CallerDep, database: DatabaseDep
) -> dict[str, Any]:
    """One version with its content."""
    with database.transaction(caller.scope) as session:
        document = store.get_document(session, caller.scope, document_id)
        version = store.get_version(session, document, number)
        return service.describe_version(version) | {"content": version.content}


@router.get("/documents/{document_id}/versions/{number}/yaml")
def download_version(
    document_id: PathId, number: PathId, caller: CallerDep, database: DatabaseDep
) -> Response:
    """One version as a YAML file."""
    with database.transaction(caller.scope) as session:
        document = store.get_document(session, caller.scope, document_id)
        version = store.get_version(session, document, number)
    return Response(
        version.content,
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{document.name}-v{number}.yaml"'},
    )


@router.get("/documents/{document_id}/diff")
def diff(
    document_id: PathId, a: Id, b: Id, caller: CallerDep, database: DatabaseDep
) -> dict[str, Any]:
    """The inputs that changed between versions ``a`` and ``b`` and their effect on the
    headline figures."""
    return service.diff_versions(database, caller.scope, document_id, a, b)


@router.get("/compare")
def compare_scenarios(
    a: Id,
    b: Id,
    caller: CallerDep,
    database: DatabaseDep,
    a_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    b_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    """Two stored scenarios (documents ``a`` and ``b``, at a version each, the newest by
    default): the inputs that differ and their effect on the headline figures (B ÷ A)."""
    return service.diff_documents(database, caller.scope, (a, a_version), (b, b_version))
