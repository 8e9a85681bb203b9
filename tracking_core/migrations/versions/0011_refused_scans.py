"""refused_scans: the keys of refused scans whose scan.refused event was written

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

A scan refused by a domain error stores no result, so its retry is evaluated afresh; this
table remembers that its event was written, so a retry of the same scan_id writes none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'refused_scans',
        sa.Column('device', sa.String(length=64), nullable=False),
        sa.Column('scan_id', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('device', 'scan_id', name=op.f('pk_refused_scans')),
    )


def downgrade() -> None:
    op.drop_table('refused_scans')
