"""log-in counters in the database, shared by every worker and app server

Revision ID: 7012a7dcae42
Revises: 93d1f2b47213
Create Date: 2026-12-03 14:56:55.764895

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7012a7dcae42'
down_revision = '93d1f2b47213'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_counter',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_counter'))
    )
    with op.batch_alter_table('login_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_counter_ends_at'), ['ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_counter_ends_at'))

    op.drop_table('login_counter')
