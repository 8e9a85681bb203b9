"""The Alembic migrations produce exactly the schema the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracking_core.db import Database
from tracking_core.migrate import current, head
from tracking_core.models import Base


def test_migrated_schema_matches_models(db: Database) -> None:
    assert current(db.engine) == head()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
