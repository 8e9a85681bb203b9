"""containers: cases and pallets (SSCCs, licence plates), what they hold, and packing records

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

A container holds serials (``container_serials``), lot quantities (``container_lots``) and
other containers (``parent_id``). The keys say what the code must keep: a serial in one
container (it is the key), a container in one parent (one column), no cycles (a child's
height is below its parent's, by a key on (parent, parent height)), and contents where
their container is (keys on (container, location) and (serial or lot stock, location),
checked at commit). ``lot_stock.packed`` counts the packed units no document holds, so a
loose allocation cannot take them. Packing steps are append-only records; ledger records
name the container their unit moved in.

See docs/containers.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

LEDGER = ('serial_transactions', 'lot_transactions')
PACKING = ('pack_operations', 'pack_operation_lines')
DEFERRED = {'deferrable': True, 'initially': 'DEFERRED'}
LOCATED = "status IN ('in_stock', 'allocated')"
HELD = "status IN ('expected', 'pending', 'allocated')"
STATUSES = "status IN ('expected', 'pending', 'in_stock', 'allocated', 'shipped')"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.create_index(
        'ux_serial_numbers_id_location', 'serial_numbers', ['id', 'location_id'], unique=True
    )
    op.create_table(
        'containers',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('scheme', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('location_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('parent_height', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("scheme IN ('sscc', 'plate')", name=op.f('ck_containers_scheme')),
        sa.CheckConstraint(STATUSES, name=op.f('ck_containers_status')),
        sa.CheckConstraint('height >= 0', name=op.f('ck_containers_height')),
        sa.CheckConstraint(
            '(parent_id IS NULL AND parent_height IS NULL)'
            ' OR (parent_id IS NOT NULL AND parent_height > height)',
            name=op.f('ck_containers_tree'),
        ),
        sa.CheckConstraint(f'({LOCATED}) = (location_id IS NOT NULL)', name=op.f('ck_containers_located')),
        sa.CheckConstraint(f'({HELD}) = (document_id IS NOT NULL)', name=op.f('ck_containers_held')),
        sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_containers_location_id_locations')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_containers_document_id_documents')),
        sa.ForeignKeyConstraint(['parent_id'], ['containers.id'], name=op.f('fk_containers_parent_id_containers')),
        sa.ForeignKeyConstraint(
            ['parent_id', 'parent_height'], ['containers.id', 'containers.height'],
            name='fk_containers_parent_height', **DEFERRED,
        ),
        sa.ForeignKeyConstraint(
            ['parent_id', 'location_id'], ['containers.id', 'containers.location_id'],
            name='fk_containers_parent_location', **DEFERRED,
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_containers')),
        sa.UniqueConstraint('code', name=op.f('uq_containers_code')),
        sa.UniqueConstraint('id', 'location_id', name=op.f('uq_containers_id_location_id')),
        sa.UniqueConstraint('id', 'height', name='uq_containers_id_height'),
    )
    op.create_index('ix_containers_parent', 'containers', ['parent_id'])
    op.create_index('ix_containers_document', 'containers', ['document_id'])

    op.create_table(
        'container_serials',
        sa.Column('serial_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('container_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['serial_id'], ['serial_numbers.id'], name=op.f('fk_container_serials_serial_id_serial_numbers')),
        sa.ForeignKeyConstraint(['container_id'], ['containers.id'], name=op.f('fk_container_serials_container_id_containers')),
        sa.ForeignKeyConstraint(
            ['container_id', 'location_id'], ['containers.id', 'containers.location_id'],
            name='fk_container_serials_container_location', **DEFERRED,
        ),
        sa.ForeignKeyConstraint(
            ['serial_id', 'location_id'], ['serial_numbers.id', 'serial_numbers.location_id'],
            name='fk_container_serials_serial_location', **DEFERRED,
        ),
        sa.PrimaryKeyConstraint('serial_id', name=op.f('pk_container_serials')),
    )
    op.create_index('ix_container_serials_container', 'container_serials', ['container_id', 'location_id'])

    if sqlite:  # ADD COLUMN keeps the table (a copy would lose nothing here, but stay alike)
        op.execute(
            'ALTER TABLE lot_stock ADD COLUMN packed INTEGER NOT NULL DEFAULT 0 '
            'CONSTRAINT ck_lot_stock_packed CHECK (packed >= 0 AND allocated + packed <= on_hand)'
        )
    else:
        op.add_column('lot_stock', sa.Column('packed', sa.Integer(), nullable=False, server_default='0'))
        op.create_check_constraint(
            'ck_lot_stock_packed', 'lot_stock', 'packed >= 0 AND allocated + packed <= on_hand'
        )
    op.create_table(
        'container_lots',
        sa.Column('container_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('lot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_container_lots_quantity')),
        sa.ForeignKeyConstraint(['container_id'], ['containers.id'], name=op.f('fk_container_lots_container_id_containers')),
        sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_container_lots_lot_id_lots')),
        sa.ForeignKeyConstraint(
            ['container_id', 'location_id'], ['containers.id', 'containers.location_id'],
            name='fk_container_lots_container_location', **DEFERRED,
        ),
        sa.ForeignKeyConstraint(
            ['lot_id', 'location_id'], ['lot_stock.lot_id', 'lot_stock.location_id'],
            name='fk_container_lots_stock', **DEFERRED,
        ),
        sa.PrimaryKeyConstraint('container_id', 'lot_id', name=op.f('pk_container_lots')),
    )
    op.create_index('ix_container_lots_lot', 'container_lots', ['lot_id', 'location_id'])

    op.create_table(
        'expected_contents',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('container_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('serial', sa.String(length=64), nullable=True),
        sa.Column('lot', sa.String(length=64), nullable=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('expiry_date', sa.Date(), nullable=True),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_expected_contents_quantity')),
        sa.CheckConstraint('serial IS NULL OR quantity = 1', name=op.f('ck_expected_contents_serial_one')),
        sa.ForeignKeyConstraint(['container_id'], ['containers.id'], name=op.f('fk_expected_contents_container_id_containers')),
        sa.ForeignKeyConstraint(['line_id'], ['document_lines.id'], name=op.f('fk_expected_contents_line_id_document_lines')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_contents')),
    )
    op.create_index('ix_expected_contents_container', 'expected_contents', ['container_id'])
    op.create_index(op.f('ix_expected_contents_line_id'), 'expected_contents', ['line_id'])

    op.create_table(
        'pack_operations',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('action', sa.String(length=8), nullable=False),
        sa.Column('container_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('location_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('reverses_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('operator', sa.String(length=64), nullable=True),
        sa.Column('operator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('token', sa.String(length=64), nullable=True),
        sa.Column('device', sa.String(length=64), nullable=True),
        sa.CheckConstraint("action IN ('pack', 'unpack')", name=op.f('ck_pack_operations_action')),
        sa.ForeignKeyConstraint(['container_id'], ['containers.id'], name=op.f('fk_pack_operations_container_id_containers')),
        sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_pack_operations_location_id_locations')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_pack_operations_document_id_documents')),
        sa.ForeignKeyConstraint(['reverses_id'], ['pack_operations.id'], name=op.f('fk_pack_operations_reverses_id_pack_operations')),
        sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_pack_operations_operator_id_operators')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_operations')),
        sa.UniqueConstraint('reverses_id', name=op.f('uq_pack_operations_reverses_id')),
    )
    op.create_index('ix_pack_operations_container', 'pack_operations', ['container_id', 'id'])
    op.create_table(
        'pack_operation_lines',
        sa.Column('operation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('serial_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('lot_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('child_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_pack_operation_lines_quantity')),
        sa.CheckConstraint(
            '(serial_id IS NOT NULL AND lot_id IS NULL AND child_id IS NULL)'
            ' OR (serial_id IS NULL AND lot_id IS NOT NULL AND child_id IS NULL)'
            ' OR (serial_id IS NULL AND lot_id IS NULL AND child_id IS NOT NULL)',
            name=op.f('ck_pack_operation_lines_one_thing'),
        ),
        sa.CheckConstraint('lot_id IS NOT NULL OR quantity = 1', name=op.f('ck_pack_operation_lines_unit')),
        sa.ForeignKeyConstraint(['operation_id'], ['pack_operations.id'], name=op.f('fk_pack_operation_lines_operation_id_pack_operations')),
        sa.ForeignKeyConstraint(['serial_id'], ['serial_numbers.id'], name=op.f('fk_pack_operation_lines_serial_id_serial_numbers')),
        sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_pack_operation_lines_lot_id_lots')),
        sa.ForeignKeyConstraint(['child_id'], ['containers.id'], name=op.f('fk_pack_operation_lines_child_id_containers')),
        sa.PrimaryKeyConstraint('operation_id', 'line_no', name=op.f('pk_pack_operation_lines')),
    )
    _append_only(sqlite)

    # Plain ADD COLUMN on the ledger (a copy would drop its triggers): the container a
    # record's unit moved in.
    for table in LEDGER:
        fk = f'fk_{table}_container_id_containers'
        if sqlite:
            op.execute(
                f'ALTER TABLE {table} ADD COLUMN container_id INTEGER '
                f'CONSTRAINT {fk} REFERENCES containers (id)'
            )
        else:
            op.add_column(table, sa.Column('container_id', sa.BigInteger(), nullable=True))
            op.create_foreign_key(fk, table, 'containers', ['container_id'], ['id'])


def _append_only(sqlite: bool) -> None:
    """Packing records are never changed or deleted (the ledger's function, 0001)."""
    for table in PACKING:
        if sqlite:
            for event in ('UPDATE', 'DELETE'):
                op.execute(
                    f'CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} '
                    f"BEGIN SELECT RAISE(ABORT, 'packing records in {table} are append-only'); END"
                )
        else:
            op.execute(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE '
                f'ON {table} FOR EACH STATEMENT EXECUTE FUNCTION scantrack_ledger_append_only()'
            )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in LEDGER:
        if not sqlite:  # SQLite keeps the column (see 0006)
            op.drop_constraint(f'fk_{table}_container_id_containers', table, type_='foreignkey')
            op.drop_column(table, 'container_id')
    for table in reversed(PACKING):
        op.drop_table(table)  # its triggers go with it
    op.drop_table('expected_contents')
    op.drop_table('container_lots')
    if sqlite:
        with op.batch_alter_table('lot_stock') as batch:
            batch.drop_constraint('ck_lot_stock_packed', type_='check')
            batch.drop_column('packed')
    else:
        op.drop_constraint('ck_lot_stock_packed', 'lot_stock', type_='check')
        op.drop_column('lot_stock', 'packed')
    op.drop_table('container_serials')
    op.drop_table('containers')
    op.drop_index('ux_serial_numbers_id_location', table_name='serial_numbers')
