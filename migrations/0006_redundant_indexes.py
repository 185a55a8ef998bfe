"""Drop single-column indexes that a longer index already leads with: each cost a page write per insert.

piece_report.worker_id is the first column of its (worker_id, request_id) unique index, inspection.worker_id of
the covering earnings index, posting.account_id of the covering balance index. order.worker_id stays: a worker's
orders are listed newest first, and on SQLite that index is (worker_id, rowid), read in order without a sort.
"""

REDUNDANT = [
    ("piece_report", "worker_id"),
    ("inspection", "worker_id"),
    ("posting", "account_id"),
]


def up(migrator, db):
    for table, column in REDUNDANT:
        indexes = db.get_indexes(table)
        longer = any(len(index.columns) > 1 and index.columns[0] == column for index in indexes)
        for index in indexes:
            if longer and index.columns == [column] and not index.unique:
                migrator.migrate(migrator.drop_index(table, index.name))
