"""indexes that keep the event claim cheap at 10^5 pending deliveries

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

The claim walks pending rows by seq (``status, seq``), checks each document for a row
that holds it back (a partial index over the few sending, dead or backing-off rows) and
that its batch is a prefix of the document's undelivered rows (a partial index over the
undelivered rows; delivered rows, the bulk of the table, are in neither).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = "status != 'delivered'"  # tracking_core/models.py: OPEN
BLOCKING = "status != 'delivered' AND (status != 'pending' OR not_before IS NOT NULL)"
KEYS = ['subscription_id', 'document', 'seq']


def _partial(name: str, where: str) -> None:
    op.create_index(
        name,
        'event_deliveries',
        KEYS,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    op.drop_index('ix_event_deliveries_claim', table_name='event_deliveries')
    op.drop_index('ix_event_deliveries_document', table_name='event_deliveries')
    op.create_index('ix_event_deliveries_claim', 'event_deliveries', ['status', 'seq'])
    _partial('ix_event_deliveries_open', OPEN)
    _partial('ix_event_deliveries_blocking', BLOCKING)


def downgrade() -> None:
    op.drop_index('ix_event_deliveries_blocking', table_name='event_deliveries')
    op.drop_index('ix_event_deliveries_open', table_name='event_deliveries')
    op.drop_index('ix_event_deliveries_claim', table_name='event_deliveries')
    op.create_index(
        'ix_event_deliveries_claim', 'event_deliveries', ['status', 'subscription_id', 'seq']
    )
    op.create_index('ix_event_deliveries_document', 'event_deliveries', KEYS)
