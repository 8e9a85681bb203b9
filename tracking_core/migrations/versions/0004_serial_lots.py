"""serial lots: a serial names its lot row

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

A serialized unit that carries a lot (a phone of batch B) references a ``lots`` row, so a
recall, a quarantine or a trace of the lot reaches its serials. Serials received before
this revision keep their printed ``lot_number``; the upgrade makes the lot rows for them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
FK = 'fk_serial_numbers_lot_id_lots'


def upgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        # SQLite adds a nullable column with a named REFERENCES clause in place; a batch
        # copy of serial_numbers would have to drop a table the ledger references.
        op.execute(
            f'ALTER TABLE serial_numbers ADD COLUMN lot_id INTEGER CONSTRAINT {FK} '
            'REFERENCES lots (id)'
        )
    else:
        op.add_column('serial_numbers', sa.Column('lot_id', ID, nullable=True))
        op.create_foreign_key(FK, 'serial_numbers', 'lots', ['lot_id'], ['id'])
    op.create_index('ix_serial_numbers_lot_id', 'serial_numbers', ['lot_id'], unique=False)
    # Lots printed on serials received earlier become lot rows (earliest expiry wins).
    op.execute(
        """
        INSERT INTO lots (item_id, lot, status, expiry_date, production_date, created_at)
        SELECT sn.item_id, sn.lot_number, 'available', MIN(sn.expiry_date),
               MIN(sn.production_date), CURRENT_TIMESTAMP
        FROM serial_numbers sn
        WHERE sn.lot_number IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM lots l WHERE l.item_id = sn.item_id AND l.lot = sn.lot_number)
        GROUP BY sn.item_id, sn.lot_number
        """
    )
    op.execute(
        """
        UPDATE serial_numbers SET lot_id = (
            SELECT l.id FROM lots l
            WHERE l.item_id = serial_numbers.item_id AND l.lot = serial_numbers.lot_number)
        WHERE lot_number IS NOT NULL
        """
    )


def downgrade() -> None:
    op.drop_index('ix_serial_numbers_lot_id', table_name='serial_numbers')
    if op.get_context().dialect.name == 'sqlite':
        with op.batch_alter_table('serial_numbers') as batch_op:
            batch_op.drop_column('lot_id')
    else:
        op.drop_constraint(FK, 'serial_numbers', type_='foreignkey')
        op.drop_column('serial_numbers', 'lot_id')
