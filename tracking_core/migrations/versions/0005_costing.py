"""costing: a unit cost per lot, a price on document lines

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=18, scale=4)


def upgrade() -> None:
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
    else:
        op.add_column('lots', sa.Column('unit_cost', MONEY, server_default='0', nullable=False))
        op.alter_column('lots', 'unit_cost', server_default=None)
        op.create_check_constraint(op.f('ck_lots_unit_cost'), 'lots', 'unit_cost >= 0')
        op.add_column('document_lines', sa.Column('unit_price', MONEY, nullable=True))
        op.create_check_constraint(
            op.f('ck_document_lines_unit_price'), 'document_lines', 'unit_price >= 0'
        )
    _unit_costs_from_the_ledger()


def _unit_costs_from_the_ledger() -> None:
    """A lot from before this revision gets the unit cost its ledger says: its records' value
    over its quantity on hand (0 if negative). `scantrack check` shows what is left."""
    bind = op.get_bind()
    value: dict[int, Decimal] = {}
    for lot_id, src, dst, cost in bind.execute(
        sa.text('SELECT lot_id, from_location_id, to_location_id, cost FROM lot_transactions')
    ):
        if src is not None and dst is not None and src != dst:
            continue  # a transfer moves value within the lot
        sign = 1 if dst is not None else -1
        value[lot_id] = value.get(lot_id, Decimal(0)) + sign * Decimal(str(cost))
    on_hand = bind.execute(
        sa.text(
            'SELECT lot_id, SUM(on_hand) FROM lot_stock GROUP BY lot_id HAVING SUM(on_hand) > 0'
        )
    ).all()
    for lot_id, qty in on_hand:
        unit = max(Decimal(0), value.get(lot_id, Decimal(0)) / int(qty))
        update = sa.text('UPDATE lots SET unit_cost = :u WHERE id = :id').bindparams(
            sa.bindparam('u', type_=MONEY)
        )
        bind.execute(
            update, {'u': unit.quantize(Decimal('0.0001'), rounding=ROUND_HALF_EVEN), 'id': lot_id}
        )


def downgrade() -> None:
    with op.batch_alter_table('document_lines') as batch:
        batch.drop_column('unit_price')
    with op.batch_alter_table('lots') as batch:
        batch.drop_column('unit_cost')
