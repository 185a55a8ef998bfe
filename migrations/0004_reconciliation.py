"""Reconciliation (issue 5): run rows, findings, daily closing balances, staff notices, and day-scan indexes."""

import models

INDEXES = [
    ('order_created_at', '"order"', "created_at"),
    ('payout_finished_at', '"payout"', "finished_at"),
    ('ledger_txn_created_at', '"ledger_txn"', "created_at"),
]


def up(migrator, db):
    db.create_tables([models.ReconRun, models.ReconFinding, models.DailyBalance, models.StaffNotice], safe=True)
    for name, table, column in INDEXES:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON {table} ({column})')
