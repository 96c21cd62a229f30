"""the desk's first page on PostgreSQL: open steps and letters in their desk order

Revision ID: f5a9c3d1e207
Revises: e41f7a2c9b10
Create Date: 2026-12-04 16:00:00

PostgreSQL cannot take the order of ix_step_record_desk and ix_request_letter_desk past their
"IS NULL" column, so at a million letters it walked every step by due time (or every letter by
reception) looking for a person's few open ones: 250-650 ms a desk. These partial indexes hold
only the open rows, in the desk's order. SQLite's planner does without them (models/db.py
in_models leaves them out of the models' comparison).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f5a9c3d1e207'
down_revision = 'e41f7a2c9b10'
branch_labels = None
depends_on = None

#: name, table, columns, which rows.
INDEXES = (
    ("pgpart_step_record_desk", "step_record", "holder_id, due_at, id", "finished_at IS NULL"),
    ("pgpart_request_letter_desk", "request_letter", "status, received_at, id",
     "archived_at IS NULL"),
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, table, columns, rows in INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} ({columns}) WHERE {rows}")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _, _, _ in INDEXES:
            op.execute(f"DROP INDEX {name}")
