"""The workbench's storage on SQLite and on PostgreSQL: the migrated schema is the ORM's,
saves make versions, stale saves change nothing, audit and version rows cannot be changed,
and each sponsor sees its own rows only (on PostgreSQL also through row-level security)."""

from __future__ import annotations

import threading
import warnings

import pytest
from sqlalchemy import func, select, text

from genofab.errors import ForbiddenError, NotFoundError, StaleWriteError
from genofab.io.db import documents, people
from genofab.io.db.session import MEMBER, SYSTEM, VIEWER, Database, Scope
from genofab.io.db.tables import TENANT_TABLES, AuditEvent, Base, DocumentVersion


def _sponsors(database: Database) -> tuple[Scope, Scope]:
    with database.transaction(SYSTEM, write=True) as session:
        a = people.create_sponsor(session, SYSTEM, "Alpha Bio")
        b = people.create_sponsor(session, SYSTEM, "Beta Cell")
    return Scope(None, "alice", MEMBER, a.id), Scope(None, "bob", MEMBER, b.id)


def _save(database: Database, scope: Scope, name: str, content: str, base: int | None) -> int:
    with database.transaction(scope, write=True) as session:
        version = documents.save_version(
            session,
            scope,
            kind="scenario",
            name=name,
            content=content,
            reason="test",
            base_version=base,
        )
        return version.number


def _count(database: Database, table: type) -> int:
    with database.transaction(SYSTEM) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_migrations_build_the_schema_the_tables_declare(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = database.owner_engine()
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLAlchemy does not reflect the expression index on coalesce(sponsor_id, 0)
        warnings.filterwarnings("ignore", ".*expression-based")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    if engine is not database.engine:
        engine.dispose()
    # the expression index on coalesce(sponsor_id, 0) is not compared by autogenerate
    assert [d for d in differences if "uq_documents_owner_kind_name" not in str(d)] == []


def test_saving_makes_versions_and_a_stale_save_changes_nothing(database: Database) -> None:
    alpha, _ = _sponsors(database)
    assert _save(database, alpha, "lv", "a: 1\n", None) == 1
    assert _save(database, alpha, "lv", "a: 2\n", 1) == 2
    audits, saved = _count(database, AuditEvent), _count(database, DocumentVersion)
    with pytest.raises(StaleWriteError) as stale:
        _save(database, alpha, "lv", "a: 3\n", 1)
    assert stale.value.current == 2
    with pytest.raises(StaleWriteError):
        _save(database, alpha, "lv", "a: 3\n", None)  # exists: a save must name its base
    assert (_count(database, AuditEvent), _count(database, DocumentVersion)) == (audits, saved)
    with database.transaction(alpha) as session:
        (document,) = documents.list_documents(session, alpha)
        kept = documents.versions(session, document)
        assert [(v.number, v.content, v.author_name) for v in kept] == [
            (1, "a: 1\n", "alice"),
            (2, "a: 2\n", "alice"),
        ]
        assert kept[0].sha256 != kept[1].sha256


def test_a_change_and_its_audit_row_commit_together(database: Database) -> None:
    alpha, _ = _sponsors(database)
    before = _count(database, AuditEvent)

    def save_then_fail() -> None:
        with database.transaction(alpha, write=True) as session:
            documents.save_version(
                session,
                alpha,
                kind="scenario",
                name="x",
                content="x",
                reason="r",
                base_version=None,
            )
            raise RuntimeError("the request fails after the save")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert _count(database, AuditEvent) == before
    assert _count(database, DocumentVersion) == 0


@pytest.mark.parametrize("statement", ["UPDATE {t} SET reason = 'changed'", "DELETE FROM {t}"])
@pytest.mark.parametrize("table", ["audit", "document_versions"])
def test_audit_and_version_rows_cannot_be_changed(
    database: Database, table: str, statement: str
) -> None:
    alpha, _ = _sponsors(database)
    _save(database, alpha, "lv", "a: 1\n", None)
    rows = _count(database, AuditEvent), _count(database, DocumentVersion)
    # the application's own connection; on PostgreSQL its role is not even granted the change
    refused = "cannot be changed|permission denied"
    with pytest.raises(Exception, match=refused), database.engine.begin() as connection:
        connection.execute(text(statement.format(t=table)))
    # the tables' owner: the triggers refuse
    owner = database.owner_engine()
    with pytest.raises(Exception, match="cannot be changed"), owner.begin() as connection:
        connection.execute(text(statement.format(t=table)))
    if owner is not database.engine:
        owner.dispose()
    assert (_count(database, AuditEvent), _count(database, DocumentVersion)) == rows


def test_each_sponsor_sees_its_own_documents_only(database: Database) -> None:
    alpha, beta = _sponsors(database)
    _save(database, alpha, "shared-name", "alpha\n", None)
    _save(database, beta, "shared-name", "beta\n", None)  # same name, another owner
    with database.transaction(alpha) as session:
        (mine,) = documents.list_documents(session, alpha)
    with database.transaction(beta) as session:
        (theirs,) = documents.list_documents(session, beta)
        with pytest.raises(NotFoundError):
            documents.get_document(session, beta, mine.id)
        assert [s.name for s in people.list_sponsors(session, beta)] == ["Beta Cell"]
    with database.transaction(SYSTEM) as session:
        assert len(documents.list_documents(session, SYSTEM)) == 2
    assert theirs.id != mine.id


def test_a_viewer_and_a_member_cannot_do_what_their_role_does_not_allow(
    database: Database,
) -> None:
    alpha, _ = _sponsors(database)
    viewer = Scope(None, "vic", VIEWER, alpha.sponsor_id)
    with pytest.raises(ForbiddenError):
        _save(database, viewer, "lv", "x", None)
    with pytest.raises(ForbiddenError), database.transaction(alpha, write=True) as session:
        people.create_sponsor(session, alpha, "Gamma")


def test_eight_concurrent_writers_lose_no_update(database: Database) -> None:
    alpha, _ = _sponsors(database)
    _save(database, alpha, "counter", "", None)
    writers, each = 8, 3
    failures: list[BaseException] = []

    def write(number: int) -> None:
        try:
            for step in range(each):
                while True:
                    with database.transaction(alpha) as session:
                        document = documents.list_documents(session, alpha)[0]
                        current = documents.get_version(session, document)
                        base, content = current.number, current.content
                    try:
                        _save(database, alpha, "counter", content + f"{number}.{step}\n", base)
                        break
                    except StaleWriteError:
                        continue
        except BaseException as error:  # reported to the main thread
            failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with database.transaction(alpha) as session:
        document = documents.list_documents(session, alpha)[0]
        lines = documents.get_version(session, document).content.splitlines()
    assert document.latest == 1 + writers * each
    assert sorted(lines) == sorted(f"{n}.{s}" for n in range(writers) for s in range(each))


def test_postgresql_forces_row_level_security_on_a_role_that_owns_nothing(
    request: pytest.FixtureRequest, tmp_path: object
) -> None:
    from tests.web.conftest import fresh_database

    database = fresh_database("postgresql", tmp_path, request)  # type: ignore[arg-type]
    try:
        alpha, beta = _sponsors(database)
        _save(database, alpha, "lv", "alpha\n", None)
        _save(database, beta, "lv", "beta\n", None)
        with database.engine.connect() as connection:
            role = connection.execute(
                text(
                    "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles"
                    " WHERE rolname = current_user"
                )
            ).one()
            owned = connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
            ).scalar()
            flags = dict(
                connection.execute(
                    text(
                        "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class"
                        " WHERE relname = ANY(:names)"
                    ),
                    {"names": list(TENANT_TABLES)},
                ).all()
            )
        assert tuple(role) == ("genofab_app", False, False)
        assert owned == 0
        assert flags == dict.fromkeys(TENANT_TABLES, True)
        # raw SQL with no repository filter still sees one sponsor's rows only
        with database.transaction(beta) as session:
            contents = session.scalars(text("SELECT content FROM document_versions")).all()
            assert contents == ["beta\n"]
            with pytest.raises(Exception, match="row-level security"):
                session.execute(
                    text(
                        "INSERT INTO documents (sponsor_id, kind, name, latest, created_at)"
                        " VALUES (:s, 'scenario', 'planted', 1, now())"
                    ),
                    {"s": alpha.sponsor_id},
                )
        owner = database.owner_engine()
        with pytest.raises(Exception, match="cannot be changed"), owner.begin() as connection:
            connection.execute(text("TRUNCATE audit CASCADE"))
        owner.dispose()
    finally:
        database.dispose()
