"""the ledger's one sequence: seq on serial and lot records, unique across both

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

Existing records are numbered 1..N in one global order: posted_at, then serial records
before lot records (the order a posting writes them), then id. The counter row
``counters['ledger']`` is set to N, so new records carry on from N + 1
(tracking_core/ledger_seq.py). The ids stay as they were.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

LEDGER = ('serial_transactions', 'lot_transactions')
KEY = 'ledger'  # tracking_core/ledger_seq.py: KEY


def _other(table: str) -> str:
    return LEDGER[1] if table == LEDGER[0] else LEDGER[0]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in LEDGER:
        if sqlite:
            # Plain ADD COLUMN (a rebuild would drop the ledger's triggers and fight its
            # FKs): SQLite wants a default for NOT NULL. 1 is never a number a writer can
            # leave it at: seq 1 is taken by then, or the trigger below refuses it.
            op.execute(
                f'ALTER TABLE {table} ADD COLUMN seq BIGINT NOT NULL DEFAULT 1'
                f' CONSTRAINT ck_{table}_seq CHECK (seq > 0)'
            )
            op.execute(f'DROP TRIGGER {table}_no_update')
        else:
            op.add_column(table, sa.Column('seq', sa.BigInteger(), nullable=True))
            op.execute(f'ALTER TABLE {table} DISABLE TRIGGER {table}_append_only')
    _number_existing_records()
    for table in LEDGER:
        if sqlite:
            op.execute(
                f'CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} '
                f"BEGIN SELECT RAISE(ABORT, 'transaction records in {table} are append-only'); END"
            )
        else:
            op.execute(f'ALTER TABLE {table} ENABLE TRIGGER {table}_append_only')
            op.alter_column(table, 'seq', nullable=False)
            op.create_check_constraint(op.f(f'ck_{table}_seq'), table, 'seq > 0')
        op.create_index(f'ix_{table}_seq', table, ['seq'], unique=True)
    _one_sequence_across_both()


def _number_existing_records() -> None:
    """One pass: the global order into a scratch table, then each table's seq from it."""
    op.execute(
        'CREATE TEMPORARY TABLE ledger_order AS '
        'SELECT kind, id, row_number() OVER (ORDER BY posted_at, kind, id) AS seq FROM ('
        ' SELECT 0 AS kind, id, posted_at FROM serial_transactions'
        ' UNION ALL SELECT 1 AS kind, id, posted_at FROM lot_transactions) AS records'
    )
    op.execute('CREATE UNIQUE INDEX ledger_order_kind_id ON ledger_order (kind, id)')
    for kind, table in enumerate(LEDGER):
        op.execute(
            f'UPDATE {table} SET seq = o.seq FROM ledger_order AS o'
            f' WHERE o.kind = {kind} AND o.id = {table}.id'
        )
    op.execute(
        f"INSERT INTO counters (key, value) SELECT '{KEY}', count(*) FROM ledger_order"
    )
    op.execute('DROP TABLE ledger_order')


def _one_sequence_across_both() -> None:
    """The database refuses a seq the other table holds, or one the counter never gave."""
    given = f"coalesce((SELECT value FROM counters WHERE key = '{KEY}'), 0)"
    for table in LEDGER:
        other = _other(table)
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(
                f'CREATE TRIGGER {table}_seq BEFORE INSERT ON {table} '
                f'WHEN NEW.seq > {given} OR EXISTS (SELECT 1 FROM {other} WHERE seq = NEW.seq) '
                f"BEGIN SELECT RAISE(ABORT, 'ledger seq taken or not handed out: {table}'); END"
            )
            continue
        # one check per statement (a posting inserts a whole block at once)
        op.execute(
            f"""
            CREATE FUNCTION scantrack_{table}_seq() RETURNS trigger AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM new_rows WHERE seq > {given})
                   OR EXISTS (SELECT 1 FROM new_rows n JOIN {other} o ON o.seq = n.seq) THEN
                    RAISE EXCEPTION 'ledger seq taken or not handed out: %', TG_TABLE_NAME
                        USING ERRCODE = 'unique_violation';
                END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f'CREATE TRIGGER {table}_seq AFTER INSERT ON {table} '
            f'REFERENCING NEW TABLE AS new_rows '
            f'FOR EACH STATEMENT EXECUTE FUNCTION scantrack_{table}_seq()'
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table in LEDGER:
        if sqlite:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_seq')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_seq ON {table}')
            op.execute(f'DROP FUNCTION IF EXISTS scantrack_{table}_seq()')
        op.drop_index(f'ix_{table}_seq', table_name=table)
        if not sqlite:
            # SQLite cannot drop a column a CHECK names: there seq stays, defaulting to 1
            op.drop_constraint(op.f(f'ck_{table}_seq'), table, type_='check')
            op.drop_column(table, 'seq')
    op.execute(f"DELETE FROM counters WHERE key = '{KEY}'")
