"""Stored scenarios and plans: save a checked version, read versions, resolve a plan's scenario
references, and compare two versions (changed inputs and their effect on the headline)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from genofab.errors import GenofabError, Issue, NotFoundError, ScenarioError, StaleWriteError
from genofab.io.db import documents as store
from genofab.io.db.session import Database, Scope
from genofab.io.db.tables import Document, DocumentVersion
from genofab.model.scenario import Scenario
from genofab.service.checks import check_plan, check_scenario

#: A document's name: letters, digits, ``-``, ``_`` and ``.``; 1 to 80 characters.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
#: A plan's reference to a stored scenario: ``name`` (its newest version) or ``name@3``.
REFERENCE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,79})(@(?P<version>[0-9]{1,9}))?$")


@dataclass(frozen=True)
class Saved:
    """A saved version: its document, number and content hash."""

    document_id: int
    name: str
    kind: str
    version: int
    sha256: str


def check_name(name: str) -> str:
    """A document name, or a UsageError naming the rule."""
    from genofab.errors import UsageError

    if not NAME.match(name):
        raise UsageError(
            f"name '{name[:100]}': use 1 to 80 letters, digits, '-', '_' or '.',"
            " starting with a letter or digit"
        )
    return name


def scenario_resolver(session: Session, scope: Scope, owner: int | None) -> Any:
    """A function turning a plan's scenario reference into the stored scenario it names
    (among the scenarios of the plan's owner)."""

    def resolve(reference: str) -> Scenario:
        content, file = stored_text(session, scope, owner, "scenario", reference)
        loaded, _ = check_scenario(content, file)
        return loaded.scenario

    return resolve


def stored_text(
    session: Session, scope: Scope, owner: int | None, kind: str, reference: str
) -> tuple[str, str]:
    """The content of the stored document a reference names (``NAME`` for its newest version,
    ``NAME@VERSION``) among the ``kind`` documents of ``owner``, and its label
    ``NAME@VERSION``. A file path is refused: in the workbench a reference is never a path."""
    match = REFERENCE.match(reference.strip())
    if match is None:
        raise ScenarioError(
            [Issue("", f"name a stored {kind} as NAME or NAME@VERSION, not a file path")],
            reference,
        )
    document = store.find_document(session, scope, kind, match["name"], owner)
    if document is None:
        raise NotFoundError(f"no stored {kind} named '{match['name']}'")
    number = int(match["version"]) if match["version"] else None
    version = store.get_version(session, document, number)
    return version.content, f"{match['name']}@{version.number}"


def check_document(
    session: Session, scope: Scope, kind: str, name: str, content: str, owner: int | None
) -> None:
    """Check content as the kind it is saved as (ScenarioError lists its problems); a plan's,
    outlook's or network's scenarios are the owner's stored ones, named."""
    file = f"{name}.yaml"
    if kind == "scenario":
        check_scenario(content, file)
    elif kind in ("outlook", "network"):
        from genofab.service.planning import StoredScenarios, check_planning

        check_planning(kind, content, file, StoredScenarios(session, scope, owner))
    else:
        check_plan(content, file, scenario_resolver(session, scope, owner))


def save(
    database: Database,
    scope: Scope,
    *,
    kind: str,
    name: str,
    content: str,
    reason: str,
    base_version: int | None,
    owner: int | None = None,
) -> Saved:
    """Check ``content`` and save it as the next version of ``name`` (version 1 if new); bad
    content or a stale ``base_version`` change nothing."""
    check_name(name)
    if kind == "records":
        from genofab.errors import UsageError

        raise UsageError("batch records are stored by uploading their file (/api/records/upload)")
    if not reason.strip():
        from genofab.errors import UsageError

        raise UsageError("reason: say why this version is saved")
    with database.transaction(scope, write=True) as session:
        owner = store.owner_for(scope, owner)
        existing = store.find_document(session, scope, kind, name, owner)
        if existing is not None and base_version is not None and existing.latest != base_version:
            raise StaleWriteError(  # early, before checking the content
                f"{kind} '{name}' is at version {existing.latest}, the save was based on"
                f" version {base_version}: reload it and save again",
                existing.latest,
            )
        check_document(session, scope, kind, name, content, owner)
        version = store.save_version(
            session,
            scope,
            kind=kind,
            name=name,
            content=content,
            reason=reason.strip(),
            base_version=base_version,
            owner=owner,
        )
        return Saved(version.document_id, name, kind, version.number, version.sha256)


def describe(document: Document) -> dict[str, Any]:
    """A document's public fields."""
    return {
        "id": document.id,
        "kind": document.kind,
        "name": document.name,
        "version": document.latest,
        "created_at": document.created_at.isoformat(),
    }


def describe_version(version: DocumentVersion | Row[Any]) -> dict[str, Any]:
    """A version's public fields (content excluded), from a version or a row of
    :func:`genofab.io.db.documents.version_list`."""
    return {
        "id": version.id,
        "document_id": version.document_id,
        "version": version.number,
        "sha256": version.sha256,
        "author": version.author_name,
        "created_at": version.created_at.isoformat(),
        "reason": version.reason,
    }


def parameter_values(content: str, file: str) -> dict[str, str]:
    """Every input of a scenario as ``value unit`` text, by path."""
    loaded, _ = check_scenario(content, file)
    values = {}
    for path, parameter in loaded.scenario.parameters():
        unit = f" {parameter.unit}" if parameter.unit else ""
        values[path] = f"{parameter.value:.6g}{unit}"
    return values


def diff_versions(
    database: Database, scope: Scope, document_id: int, a: int, b: int
) -> dict[str, Any]:
    """The inputs that differ between versions ``a`` and ``b`` of a scenario, and the headline
    figures of both with B ÷ A."""
    compared = diff_documents(database, scope, (document_id, a), (document_id, b))
    return {"document": compared["a_document"]} | compared


def diff_documents(
    database: Database, scope: Scope, a: tuple[int, int | None], b: tuple[int, int | None]
) -> dict[str, Any]:
    """The inputs that differ between two stored scenarios (each a document id and a version
    number, the newest when None; two versions of one scenario, or two scenarios), and the
    headline figures of both with B ÷ A."""
    from genofab.engines.compare import compare

    with database.transaction(scope) as session:
        chosen = []
        for document_id, number in (a, b):
            document = store.get_document(session, scope, document_id)
            chosen.append((document, store.get_version(session, document, number)))
    if any(document.kind != "scenario" for document, _ in chosen):
        raise NotFoundError("only scenarios are compared")
    (first_document, first), (second_document, second) = chosen
    file_a = f"{first_document.name}@{first.number}"
    file_b = f"{second_document.name}@{second.number}"
    values_a = parameter_values(first.content, file_a)
    values_b = parameter_values(second.content, file_b)
    changed = [
        {"path": path, "a": values_a.get(path), "b": values_b.get(path)}
        for path in sorted(set(values_a) | set(values_b))
        if values_a.get(path) != values_b.get(path)
    ]
    try:
        _, run_a = check_scenario(first.content, file_a)
        _, run_b = check_scenario(second.content, file_b)
        effect = [row.model_dump(mode="json") for row in compare(run_a, run_b).rows]
    except GenofabError as error:  # a version that cannot deliver still shows its inputs
        effect = [{"metric": "error", "unit": "", "a": str(error), "b": None, "ratio": None}]
    return {
        "a_document": describe(first_document),
        "b_document": describe(second_document),
        "a": describe_version(first),
        "b": describe_version(second),
        "changed_inputs": changed,
        "effect": effect,
    }
