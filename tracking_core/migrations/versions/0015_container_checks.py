"""container checks: what an operator found opening an announced case at the dock

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A receipt's ship notice announces containers and their contents (``expected_contents``,
0013). "Open and check" stores what the operator scanned in a case: one
``container_checks`` row per check, its lines in ``checked_contents``. The latest check
of a container is what receiving it brings in. See docs/receiving-by-sscc.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'container_checks',
        sa.Column('id', ID, nullable=False),
        sa.Column('container_id', ID, nullable=False),
        sa.Column('document_id', ID, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('operator', sa.String(length=64), nullable=True),
        sa.Column('operator_id', ID, nullable=True),
        sa.Column('token', sa.String(length=64), nullable=True),
        sa.Column('device', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['container_id'], ['containers.id'], name=op.f('fk_container_checks_container_id_containers')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_container_checks_document_id_documents')),
        sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_container_checks_operator_id_operators')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_container_checks')),
    )
    op.create_index('ix_container_checks_container', 'container_checks', ['container_id', 'id'])
    op.create_index(op.f('ix_container_checks_document_id'), 'container_checks', ['document_id'])
    op.create_table(
        'checked_contents',
        sa.Column('id', ID, nullable=False),
        sa.Column('check_id', ID, nullable=False),
        sa.Column('line_id', ID, nullable=False),
        sa.Column('serial', sa.String(length=64), nullable=True),
        sa.Column('lot', sa.String(length=64), nullable=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('expiry_date', sa.Date(), nullable=True),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_checked_contents_quantity')),
        sa.CheckConstraint('serial IS NULL OR quantity = 1', name=op.f('ck_checked_contents_serial_one')),
        sa.ForeignKeyConstraint(['check_id'], ['container_checks.id'], name=op.f('fk_checked_contents_check_id_container_checks')),
        sa.ForeignKeyConstraint(['line_id'], ['document_lines.id'], name=op.f('fk_checked_contents_line_id_document_lines')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checked_contents')),
    )
    op.create_index('ix_checked_contents_check', 'checked_contents', ['check_id'])


def downgrade() -> None:
    op.drop_table('checked_contents')
    op.drop_table('container_checks')
