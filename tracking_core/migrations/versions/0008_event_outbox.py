"""the event outbox and its sequence counter row

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'event_outbox',
        sa.Column('seq', ID, autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('document', sa.String(length=64), nullable=True),
        sa.Column('item', sa.String(length=64), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.CheckConstraint('seq >= 1', name=op.f('ck_event_outbox_seq')),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_event_outbox')),
    )
    op.create_index('ix_event_outbox_document', 'event_outbox', ['document', 'seq'])
    # the counter row exists before the first writer, so no two first writers race to add it
    op.execute("INSERT INTO counters (key, value) VALUES ('event_outbox.seq', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE key = 'event_outbox.seq'")
    op.drop_index('ix_event_outbox_document', table_name='event_outbox')
    op.drop_table('event_outbox')
