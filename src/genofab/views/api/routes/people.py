"""Credentials, the caller, sponsors and users."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from genofab.io.db import people as store
from genofab.service import auth
from genofab.views.api.deps import CallerDep, DatabaseDep, ThrottleDep
from genofab.views.api.schemas import SponsorCreate, TokenRequest, UserCreate

router = APIRouter(tags=["people"])


def client_address(request: Request) -> str:
    """The caller's address (for the login limit and the audit trail)."""
    return request.client.host if request.client else "unknown"


@router.post("/tokens", status_code=201)
def issue_token(
    body: TokenRequest, request: Request, database: DatabaseDep, throttle: ThrottleDep
) -> dict[str, Any]:
    """Exchange a name and password for an API token (shown once)."""
    try:
        user = auth.authenticate(
            database, throttle, body.username, body.password, client_address(request)
        )
    except auth.TooManyAttemptsError:
        raise HTTPException(429, "too many failed logins: wait a few minutes") from None
    if user is None:
        raise HTTPException(401, "wrong name or password")
    return {"token": auth.issue_token(database, user, body.label), "username": user.username}


@router.get("/me")
def me(caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """The caller: name, role and sponsor."""
    scope = caller.scope
    sponsor = None
    if scope.sponsor_id is not None:
        with database.transaction(scope) as session:
            found = store.get_sponsor(session, scope, scope.sponsor_id)
            sponsor = {"id": found.id, "name": found.name}
    return {
        "username": scope.actor,
        "display_name": caller.display_name,
        "role": scope.role,
        "sponsor": sponsor,
    }


@router.get("/sponsors")
def list_sponsors(caller: CallerDep, database: DatabaseDep) -> list[dict[str, Any]]:
    """Every sponsor for the platform manager; one's own otherwise."""
    with database.transaction(caller.scope) as session:
        return [{"id": s.id, "name": s.name} for s in store.list_sponsors(session, caller.scope)]


@router.post("/sponsors", status_code=201)
def create_sponsor(body: SponsorCreate, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """A new sponsor (platform manager only)."""
    with database.transaction(caller.scope, write=True) as session:
        sponsor = store.create_sponsor(session, caller.scope, body.name)
        return {"id": sponsor.id, "name": sponsor.name}


@router.get("/users")
def list_users(caller: CallerDep, database: DatabaseDep) -> list[dict[str, Any]]:
    """The users the caller may see."""
    with database.transaction(caller.scope) as session:
        return [
            {
                "id": u.id,
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "sponsor_id": u.sponsor_id,
            }
            for u in store.list_users(session, caller.scope)
        ]


@router.post("/users", status_code=201)
def create_user(body: UserCreate, caller: CallerDep, database: DatabaseDep) -> dict[str, Any]:
    """A new user (platform manager only)."""
    user = auth.create_user(
        database,
        caller.scope,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        role=body.role,
        sponsor_id=body.sponsor_id,
    )
    return {"id": user.id, "username": user.username, "role": user.role}
