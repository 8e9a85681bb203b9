"""the event outbox, its sequence counter row, subscriptions and deliveries

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
    op.create_table(
        'event_subscriptions',
        sa.Column('id', ID, nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('channel', sa.String(length=8), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=True),
        sa.Column('topic_prefix', sa.String(length=200), nullable=True),
        sa.Column('kinds', sa.JSON(), nullable=True),
        sa.Column('cursor', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "channel IN ('webhook', 'mqtt')", name=op.f('ck_event_subscriptions_channel')
        ),
        sa.CheckConstraint('cursor >= 0', name=op.f('ck_event_subscriptions_cursor')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_subscriptions')),
        sa.UniqueConstraint('name', name=op.f('uq_event_subscriptions_name')),
    )
    op.create_table(
        'event_deliveries',
        sa.Column('subscription_id', ID, nullable=False),
        sa.Column('seq', ID, autoincrement=False, nullable=False),
        sa.Column('document', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('not_before', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'delivered', 'dead')",
            name=op.f('ck_event_deliveries_status'),
        ),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_event_deliveries_attempts')),
        sa.ForeignKeyConstraint(
            ['seq'], ['event_outbox.seq'], name=op.f('fk_event_deliveries_seq_event_outbox')
        ),
        sa.ForeignKeyConstraint(
            ['subscription_id'],
            ['event_subscriptions.id'],
            name=op.f('fk_event_deliveries_subscription_id_event_subscriptions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('subscription_id', 'seq', name=op.f('pk_event_deliveries')),
    )
    op.create_index(
        'ix_event_deliveries_claim', 'event_deliveries', ['status', 'subscription_id', 'seq']
    )
    op.create_index(
        'ix_event_deliveries_document', 'event_deliveries', ['subscription_id', 'document', 'seq']
    )


def downgrade() -> None:
    op.drop_index('ix_event_deliveries_document', table_name='event_deliveries')
    op.drop_index('ix_event_deliveries_claim', table_name='event_deliveries')
    op.drop_table('event_deliveries')
    op.drop_table('event_subscriptions')
    op.execute("DELETE FROM counters WHERE key = 'event_outbox.seq'")
    op.drop_index('ix_event_outbox_document', table_name='event_outbox')
    op.drop_table('event_outbox')
