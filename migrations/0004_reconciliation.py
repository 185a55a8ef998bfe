"""Reconciliation (issue 5): run rows, findings, daily closing balances, staff notices, and day-scan indexes."""

import models

INDEXES = [
    ("order", "created_at"),
    ("payout", "finished_at"),
    ("ledger_txn", "created_at"),
]


def up(migrator, db):
    db.create_tables([models.ReconRun, models.ReconFinding, models.DailyBalance, models.StaffNotice], safe=True)
    for table, column in INDEXES:
        # Portable quoting (SQLite, PostgreSQL, MySQL); skipped where an index on the column already exists.
        if not any(index.columns == [column] for index in db.get_indexes(table)):
            migrator.migrate(migrator.add_index(table, (column,), False))
