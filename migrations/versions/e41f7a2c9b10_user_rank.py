"""a user's rank (pangkat/golongan), printed under the signer's name

Revision ID: e41f7a2c9b10
Revises: d06362940e57
Create Date: 2026-12-03 19:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e41f7a2c9b10'
down_revision = 'd06362940e57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rank', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('rank')
