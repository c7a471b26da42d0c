"""The workbench's first schema: people, versioned documents, runs, requests, audit; the
triggers that keep version and audit rows unchanged; on PostgreSQL the application role, its
grants and row-level security (enabled and forced) on every tenant table.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
TENANT_TABLES = (
    "documents",
    "document_versions",
    "runs",
    "artifacts",
    "demand_requests",
    "scheduled_lots",
    "audit",
)
APPEND_ONLY_TABLES = ("audit", "document_versions")
APP_ROLE = "genofab_app"


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _sponsor(nullable: bool = True) -> sa.Column[int]:
    return sa.Column("sponsor_id", sa.Integer, sa.ForeignKey("sponsors.id"), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sponsors",
        _id(),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        _sponsor(),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "api_tokens",
        _id(),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "documents",
        _id(),
        _sponsor(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("latest", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
    )
    op.create_index(
        "uq_documents_owner_kind_name",
        "documents",
        [sa.text("coalesce(sponsor_id, 0)"), "kind", "name"],
        unique=True,
    )
    op.create_table(
        "document_versions",
        _id(),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        _sponsor(),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("author_name", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.UniqueConstraint("document_id", "number"),
    )
    op.create_table(
        "runs",
        _id(),
        _sponsor(),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("document_versions.id"), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("samples", sa.Integer),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("genofab_version", sa.String(32), nullable=False),
        sa.Column("result", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP),
    )
    op.create_table(
        "artifacts",
        _id(),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        _sponsor(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("media_type", sa.String(80), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("run_id", "name"),
    )
    op.create_table(
        "demand_requests",
        _id(),
        _sponsor(nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        sa.Column("scenario_version_id", sa.Integer, sa.ForeignKey("document_versions.id")),
        sa.Column("lots", sa.Integer, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("decision_reason", sa.Text),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "scheduled_lots",
        _id(),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("demand_requests.id"), nullable=False),
        _sponsor(nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("room", sa.String(64), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("release", sa.Date, nullable=False),
    )
    op.create_table(
        "room_load",
        _id(),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("room", sa.String(64), nullable=False),
        sa.Column("month", sa.Date, nullable=False),
        sa.Column("busy_days", sa.Float, nullable=False),
        sa.Column("days", sa.Float, nullable=False),
    )
    op.create_table(
        "audit",
        _id(),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("actor_name", sa.String(64), nullable=False),
        _sponsor(),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Integer),
        sa.Column("reason", sa.Text),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("genofab_version", sa.String(32), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _sqlite() -> None:
    for table in APPEND_ONLY_TABLES:
        for statement in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{statement.lower()} BEFORE {statement} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, '{table} rows cannot be changed or removed'); END"
            )


def _postgresql() -> None:
    op.execute(
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
        END $$;
        """
    )
    op.execute(
        f"""
        DO $$ BEGIN
            EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
        EXCEPTION WHEN OTHERS THEN NULL;
        END $$;
        """
    )
    op.execute(
        """
        CREATE FUNCTION genofab_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% rows cannot be changed or removed', TG_TABLE_NAME;
        END $$;
        """
    )
    tables = [
        "sponsors",
        "users",
        "api_tokens",
        "web_sessions",
        "documents",
        "document_versions",
        "runs",
        "artifacts",
        "demand_requests",
        "scheduled_lots",
        "room_load",
        "audit",
    ]
    for table in tables:
        if table in APPEND_ONLY_TABLES:
            op.execute(f"GRANT SELECT, INSERT ON {table} TO {APP_ROLE}")
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION genofab_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION genofab_refuse_change()"
            )
        else:
            op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        if table != "web_sessions":  # its key is the session hash, not a sequence
            op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {table}_id_seq TO {APP_ROLE}")
    visible = (
        "current_setting('genofab.scope', true) = 'all'"
        " OR sponsor_id = NULLIF(current_setting('genofab.sponsor', true), '')::integer"
    )
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_by_sponsor ON {table} USING ({visible}) WITH CHECK ({visible})"
        )


def downgrade() -> None:
    raise NotImplementedError("the first schema is not undone: restore a backup instead")
