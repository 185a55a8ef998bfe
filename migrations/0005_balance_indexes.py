"""Covering indexes so a worker's earnings and balances are read from indexes, not table rows, however long the history."""

INDEXES = [
    ("inspection", ("worker_id", "created_at", "amount_fen", "accepted")),
    ("posting", ("account_id", "amount_fen")),
]


def up(migrator, db):
    for table, columns in INDEXES:
        if not any(index.columns == list(columns) for index in db.get_indexes(table)):
            migrator.migrate(migrator.add_index(table, columns, False))
