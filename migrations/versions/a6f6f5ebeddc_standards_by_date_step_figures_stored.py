"""standards by the day they take effect; a finished step's figures stored with it

Revision ID: a6f6f5ebeddc
Revises: 5b1d7c3e9a20
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6f6f5ebeddc'
down_revision = '5b1d7c3e9a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_standard', schema=None) as batch_op:
        # the versions there are the SOP's originals, in force from its issue (3 February 2020)
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=False,
                                      server_default='2020-02-03'))
        batch_op.drop_constraint('uq_service_standard_number', type_='unique')
        batch_op.create_index(batch_op.f('ix_service_standard_number'), ['number'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_service_standard_number_valid_from'),
                                          ['number', 'valid_from'])
    with op.batch_alter_table('service_standard', schema=None) as batch_op:
        batch_op.alter_column('valid_from', server_default=None, existing_type=sa.Date(),
                              existing_nullable=False)

    # steps finished before this revision keep no figures: the reports measure them on the
    # calendar as before until `flask steps recalculate` stores them
    with op.batch_alter_table('step_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_minutes', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('working_minutes', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('net_minutes', sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table('step_record', schema=None) as batch_op:
        batch_op.drop_column('net_minutes')
        batch_op.drop_column('working_minutes')
        batch_op.drop_column('clock_minutes')

    with op.batch_alter_table('service_standard', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_service_standard_number_valid_from'),
                                 type_='unique')
        batch_op.drop_index(batch_op.f('ix_service_standard_number'))
        batch_op.create_unique_constraint('uq_service_standard_number', ['number'])
        batch_op.drop_column('valid_from')
