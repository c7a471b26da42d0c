"""Alembic environment: run the migrations on the connection genofab hands over (batch mode,
so SQLite's limited ALTER TABLE works the same way as PostgreSQL's)."""

from __future__ import annotations

from alembic import context

from genofab.io.db.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
