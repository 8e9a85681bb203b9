"""devices with enrolment, operator PINs and roles, the sign-in audit

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ROLE_CHECK = "role IN ('admin', 'setup', 'operator', 'integration')"
RESULT_CHECK = "result IN ('ok', 'wrong_pin', 'locked', 'unknown', 'inactive', 'no_pin')"
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    # Plain ADD COLUMN on SQLite (a batch copy of operators would drop a table the ledger
    # references); the checks go inline there, as table constraints elsewhere.
    if sqlite:
        op.execute(
            "ALTER TABLE operators ADD COLUMN role VARCHAR(16) NOT NULL DEFAULT 'operator' "
            f"CONSTRAINT ck_operators_role CHECK ({ROLE_CHECK})"
        )
        op.execute(
            "ALTER TABLE operators ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0 "
            "CONSTRAINT ck_operators_failed_pins CHECK (failed_pins >= 0)"
        )
    else:
        op.add_column(
            'operators',
            sa.Column('role', sa.String(length=16), nullable=False, server_default='operator'),
        )
        op.add_column(
            'operators', sa.Column('failed_pins', sa.Integer(), nullable=False, server_default='0')
        )
        op.create_check_constraint(op.f('ck_operators_role'), 'operators', ROLE_CHECK)
        op.create_check_constraint(
            op.f('ck_operators_failed_pins'), 'operators', 'failed_pins >= 0'
        )
    op.add_column('operators', sa.Column('pin_hash', sa.String(length=200), nullable=True))
    op.add_column(
        'operators', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True)
    )

    op.create_table(
        'operator_signins',
        sa.Column('id', ID, nullable=False),
        sa.Column('badge', sa.String(length=32), nullable=False),
        sa.Column('operator_id', ID, nullable=True),
        sa.Column('device', sa.String(length=64), nullable=True),
        sa.Column('result', sa.String(length=12), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(RESULT_CHECK, name=op.f('ck_operator_signins_result')),
        sa.ForeignKeyConstraint(
            ['operator_id'], ['operators.id'], name=op.f('fk_operator_signins_operator_id_operators')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_signins')),
    )
    op.create_index('ix_operator_signins_badge', 'operator_signins', ['badge', 'id'])

    op.create_table(
        'devices',
        sa.Column('id', ID, nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('station', sa.String(length=64), nullable=True),
        sa.Column('profile', sa.JSON(), nullable=False),
        sa.Column('token_id', ID, nullable=True),
        sa.Column('enrol_code_hash', sa.String(length=64), nullable=True),
        sa.Column('enrol_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('length(name) BETWEEN 1 AND 64', name=op.f('ck_devices_name')),
        sa.ForeignKeyConstraint(
            ['token_id'], ['api_tokens.id'], name=op.f('fk_devices_token_id_api_tokens')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
        sa.UniqueConstraint('name', name=op.f('uq_devices_name')),
        sa.UniqueConstraint('token_id', name=op.f('uq_devices_token_id')),
        sa.UniqueConstraint('enrol_code_hash', name=op.f('uq_devices_enrol_code_hash')),
    )


def downgrade() -> None:
    op.drop_table('devices')
    op.drop_index('ix_operator_signins_badge', table_name='operator_signins')
    op.drop_table('operator_signins')
    op.drop_column('operators', 'locked_until')
    op.drop_column('operators', 'pin_hash')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_operators_failed_pins'), 'operators', type_='check')
        op.drop_constraint(op.f('ck_operators_role'), 'operators', type_='check')
    op.drop_column('operators', 'failed_pins')
    op.drop_column('operators', 'role')
