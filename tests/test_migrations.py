"""The migrations build exactly the schema the models declare, on each database."""

from decimal import Decimal
from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from models import RkaItem, db
from models.db import in_models

from .builders import make_rka_item

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
#: The revision before Rupiah were stored as whole sen.
BEFORE_SEN = "2ec1a7abbee8"


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                       "include_object": in_models})
        assert compare_metadata(context, db.metadata) == []


def test_existing_amounts_keep_their_value_when_rupiah_become_whole_sen(app):
    make_rka_item(volume=Decimal("3"), unit_price=Decimal("33333333.33"))
    db.session.commit()
    db.session.remove()
    read = text("SELECT unit_price, total FROM rka_item")
    flask_migrate.downgrade(directory=MIGRATIONS, revision=BEFORE_SEN)
    try:
        with db.engine.connect() as conn:
            stored = conn.execute(read).one()
        assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in stored] == [
            Decimal("33333333.33"), Decimal("99999999.99")]
    finally:
        flask_migrate.upgrade(directory=MIGRATIONS)
    with db.engine.connect() as conn:
        assert tuple(conn.execute(read).one()) == (3333333333, 9999999999)
    item = db.session.query(RkaItem).one()
    assert (item.unit_price, item.total) == (Decimal("33333333.33"), Decimal("99999999.99"))
