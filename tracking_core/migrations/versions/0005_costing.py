"""costing: a unit cost per lot, a price on document lines

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=18, scale=4)


def upgrade() -> None:
    # Existing lots start at 0 (their records carried line costs): `scantrack check` shows
    # where a database from before this revision needs a cost adjustment.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite takes a CHECK in ADD COLUMN; a table rebuild would fight the ledger's FKs
        op.execute(
            'ALTER TABLE lots ADD COLUMN unit_cost NUMERIC(18, 4) DEFAULT 0 NOT NULL'
            ' CONSTRAINT ck_lots_unit_cost CHECK (unit_cost >= 0)'
        )
        op.execute(
            'ALTER TABLE document_lines ADD COLUMN unit_price NUMERIC(18, 4)'
            ' CONSTRAINT ck_document_lines_unit_price CHECK (unit_price >= 0)'
        )
        return
    op.add_column('lots', sa.Column('unit_cost', MONEY, server_default='0', nullable=False))
    op.alter_column('lots', 'unit_cost', server_default=None)
    op.create_check_constraint(op.f('ck_lots_unit_cost'), 'lots', 'unit_cost >= 0')
    op.add_column('document_lines', sa.Column('unit_price', MONEY, nullable=True))
    op.create_check_constraint(
        op.f('ck_document_lines_unit_price'), 'document_lines', 'unit_price >= 0'
    )


def downgrade() -> None:
    with op.batch_alter_table('document_lines') as batch:
        batch.drop_column('unit_price')
    with op.batch_alter_table('lots') as batch:
        batch.drop_column('unit_cost')
