"""Bring a database to the newest schema with Alembic (applied when the workbench starts)."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from genofab.io.db.session import Database


def alembic_config() -> Config:
    """Alembic's configuration pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("genofab.io.db").joinpath("migrations"))
    )
    return config


def upgrade(database: Database) -> str:
    """Apply every migration not yet applied, as the URL's own role; return the revision."""
    config = alembic_config()
    engine = database.owner_engine()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            return str(MigrationContext.configure(connection).get_current_revision())
    finally:
        if engine is not database.engine:
            engine.dispose()


def head_revision() -> str:
    """The newest revision shipped."""
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())
