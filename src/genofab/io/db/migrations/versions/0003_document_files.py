"""Versions may keep uploaded files as they came: a batch-records version keeps its lot file
(CSV or Excel bytes) and, optionally, its environment-monitoring file. The columns sit on
``document_versions``, so those files are versioned, audited, never changed and scoped to their
sponsor (row-level security on PostgreSQL) as every other version is.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("document_versions", sa.Column("payload", sa.LargeBinary, nullable=True))
    op.add_column("document_versions", sa.Column("attachment", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_versions") as table:
        table.drop_column("attachment")
        table.drop_column("payload")
