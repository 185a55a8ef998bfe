"""Drop single-column indexes that a longer index already leads with: each cost a page write per insert.

order.worker_id and piece_report.worker_id are the first column of their (worker_id, request_id) unique
indexes, inspection.worker_id of the covering earnings index, posting.account_id of the covering balance index.
"""

REDUNDANT = [
    ("order", "worker_id"),
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
