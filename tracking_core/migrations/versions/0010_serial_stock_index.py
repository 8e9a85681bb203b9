"""serial stock by status first: GET /stock reads the serials on hand, not every serial

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

The stock query counts and values the serials ``in_stock`` or ``allocated`` per item and
location (tracking_core/inquiry.py: stock). With only (item_id, location_id, status) to go by,
it read every serial ever received (a full scan on SQLite), shipped ones included, so its cost
grew with the ledger. Led by status and carrying the cost, this index answers it from the
serials on hand alone, without touching the table.
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_serial_numbers_stock',
        'serial_numbers',
        ['status', 'item_id', 'location_id', 'cost'],
    )


def downgrade() -> None:
    op.drop_index('ix_serial_numbers_stock', table_name='serial_numbers')
