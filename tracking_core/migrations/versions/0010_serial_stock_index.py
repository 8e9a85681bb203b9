"""the serials on hand in an index of their own: GET /stock reads those, not every serial

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

The stock query counts and values the serials ``in_stock`` or ``allocated`` per item and
location (tracking_core/inquiry.py: stock). With only (item_id, location_id, status) to go by
it read every serial ever received, shipped ones included (a full scan on SQLite), so its cost
grew with the ledger. A partial index of the serials on hand, carrying their cost, answers it
alone; a serial leaves it when it is shipped, so it stays the size of the stock.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ON_HAND = "status IN ('in_stock', 'allocated')"  # tracking_core/vocabulary.py: SERIALS_ON_HAND


def upgrade() -> None:
    op.create_index(
        'ix_serial_numbers_on_hand',
        'serial_numbers',
        ['item_id', 'location_id', 'status', 'cost'],
        sqlite_where=sa.text(ON_HAND),
        postgresql_where=sa.text(ON_HAND),
    )


def downgrade() -> None:
    op.drop_index('ix_serial_numbers_on_hand', table_name='serial_numbers')
