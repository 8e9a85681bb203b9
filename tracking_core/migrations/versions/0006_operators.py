"""operators, and who made each ledger record (operator, token)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

LEDGER = ('serial_transactions', 'lot_transactions')


def upgrade() -> None:
    op.create_table(
        'operators',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('badge', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('length(badge) BETWEEN 1 AND 32', name=op.f('ck_operators_badge')),
        sa.CheckConstraint('length(name) BETWEEN 1 AND 200', name=op.f('ck_operators_name')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
        sa.UniqueConstraint('badge', name=op.f('uq_operators_badge')),
    )
    # Plain ADD COLUMN (no batch copy on SQLite): the ledger's triggers stay in place.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in LEDGER:
        fk = f'fk_{table}_operator_id_operators'
        if sqlite:  # SQLite adds a column with an inline reference, not a separate constraint
            op.execute(
                f'ALTER TABLE {table} ADD COLUMN operator_id INTEGER '
                f'CONSTRAINT {fk} REFERENCES operators (id)'
            )
        else:
            op.add_column(table, sa.Column('operator_id', sa.BigInteger(), nullable=True))
            op.create_foreign_key(fk, table, 'operators', ['operator_id'], ['id'])
        op.add_column(table, sa.Column('token', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop a referencing column in place (a batch copy would drop the
    # ledger's triggers), so there operator_id stays, unused.
    for table in LEDGER:
        if op.get_bind().dialect.name != 'sqlite':
            op.drop_constraint(f'fk_{table}_operator_id_operators', table, type_='foreignkey')
            op.drop_column(table, 'operator_id')
        op.drop_column(table, 'token')
    op.drop_table('operators')
