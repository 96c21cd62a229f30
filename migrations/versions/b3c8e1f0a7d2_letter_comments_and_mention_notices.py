"""comments on a letter's timeline, and the notice of an "@" mention

Revision ID: b3c8e1f0a7d2
Revises: b3e1c0d4f5a6
Create Date: 2026-12-03 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

#: The notice kinds before and after this revision (the CHECK constraint on notice.kind).
KINDS = ('meeting_scheduled', 'decided', 'disposed', 'forwarded', 'submitted', 'overdue')
NEW_KINDS = KINDS + ('mentioned',)


def _kinds(kinds):
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notice_noticekind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_notice_noticekind'),
            sa.column('kind').in_(kinds))


# revision identifiers, used by Alembic.
revision = 'b3c8e1f0a7d2'
down_revision = "b3e1c0d4f5a6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_letter_comment_author_id_user_account')),
    sa.ForeignKeyConstraint(['letter_id'], ['request_letter.id'], name=op.f('fk_letter_comment_letter_id_request_letter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_comment'))
    )
    with op.batch_alter_table('letter_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_comment_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_comment_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_comment_letter_id'), ['letter_id'], unique=False)
    _kinds(NEW_KINDS)


def downgrade():
    op.execute(sa.text("DELETE FROM outgoing_mail WHERE notice_id IN (SELECT id FROM notice "
                       "WHERE kind = 'mentioned')"))
    op.execute(sa.text("DELETE FROM notice WHERE kind = 'mentioned'"))
    _kinds(KINDS)
    # the table with its indexes (MariaDB will not drop an index a foreign key needs alone)
    op.drop_table('letter_comment')
