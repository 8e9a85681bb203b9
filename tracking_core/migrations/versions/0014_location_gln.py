"""locations.gln: a location's GS1 Global Location Number, for EPCIS read points

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Nullable: a location without one is named by a private URI in EPCIS events
(docs/epcis.md). The check digit is checked by the core (tracking_core/catalog.py); the
database holds the length.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


CHECK = 'gln IS NULL OR length(gln) = 13'


def upgrade() -> None:
    if op.get_context().dialect.name == 'sqlite':
        # ADD COLUMN keeps the table: a batch rebuild would drop a table many keys point at
        op.execute(
            f'ALTER TABLE locations ADD COLUMN gln VARCHAR(13) CONSTRAINT ck_locations_gln CHECK ({CHECK})'
        )
    else:
        op.add_column('locations', sa.Column('gln', sa.String(13), nullable=True))
        op.create_check_constraint(op.f('ck_locations_gln'), 'locations', CHECK)


def downgrade() -> None:
    if op.get_context().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_locations_gln'), 'locations', type_='check')
    op.drop_column('locations', 'gln')
