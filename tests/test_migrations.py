"""The migrations build exactly the schema the models declare, on each database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import db
from models.db import in_models


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                       "include_object": in_models})
        assert compare_metadata(context, db.metadata) == []
