"""Rupiah as whole sen: rka_item.unit_price and total become BIGINT sen on every database

SQLite keeps NUMERIC as a float, exact to 15 digits only: 9,999,999,999,999,999.99 came back as
10,000,000,000,000,000. Whole sen in a 64-bit integer are exact on all three databases.

Existing rows: each amount becomes ROUND(amount * 100). On PostgreSQL and MariaDB that is exact.
On SQLite it gives back the cents of every amount a float held exactly (up to 15 significant
digits, all the office's real amounts); a larger one had already lost its cents when it was
written, and keeps the value SQLite stored.

Revision ID: 5b1d7c3e9a20
Revises: 2ec1a7abbee8
Create Date: 2026-05-02 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b1d7c3e9a20'
down_revision = '2ec1a7abbee8'
branch_labels = None
depends_on = None

AMOUNTS = ("unit_price", "total")


def _swap(name, new_type, value):
    """Replace column `name` by one of `new_type` holding `value` (an SQL expression of the
    old column): add, fill, drop, rename; no table is rebuilt, so no foreign key is touched
    (SQLite 3.35+ drops and renames columns in place)."""
    scratch = f"{name}_new"
    op.add_column("rka_item", sa.Column(scratch, new_type, nullable=False, server_default="0"))
    op.execute(f"UPDATE rka_item SET {scratch} = {value}")
    op.drop_column("rka_item", name)
    op.alter_column("rka_item", scratch, new_column_name=name, existing_type=new_type,
                    existing_nullable=False, existing_server_default="0")
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default in place
        op.alter_column("rka_item", name, server_default=None, existing_type=new_type,
                        existing_nullable=False)


def upgrade():
    for name in AMOUNTS:
        _swap(name, sa.BigInteger(), f"ROUND({name} * 100)")


def downgrade():
    for name in AMOUNTS:
        _swap(name, sa.Numeric(precision=18, scale=2), f"{name} / 100.0")
