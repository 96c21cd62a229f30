"""a meeting's end time, so that the room is not booked twice

Revision ID: b3e1c0d4f5a6
Revises: 7012a7dcae42
Create Date: 2026-12-03 18:10:00

"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3e1c0d4f5a6'
down_revision = '7012a7dcae42'
branch_labels = None
depends_on = None

#: A meeting recorded before it had an end took the usual two hours (models.meetings.LENGTH).
LENGTH = timedelta(hours=2)


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_at', sa.DateTime(), nullable=True))
    meeting = sa.table('meeting', sa.column('id', sa.Integer), sa.column('scheduled_at', sa.DateTime),
                       sa.column('ends_at', sa.DateTime))
    connection = op.get_bind()
    rows = connection.execute(sa.select(meeting.c.id, meeting.c.scheduled_at)).all()
    if rows:
        connection.execute(meeting.update().where(meeting.c.id == sa.bindparam('key'))
                           .values(ends_at=sa.bindparam('end')),
                           [{'key': key, 'end': start + LENGTH} for key, start in rows])
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.alter_column('ends_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index(batch_op.f('ix_meeting_ends_at'), ['ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_ends_at'))
        batch_op.drop_column('ends_at')
