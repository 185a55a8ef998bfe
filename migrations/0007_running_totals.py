"""Running totals: every account's balance and every worker's earned total, kept in the transactions that change
them, so a worker's earnings are read from three rows however long the history. Backfilled from the rows."""

from peewee import BigIntegerField

BACKFILL = [
    "UPDATE account SET balance_fen = "
    "(SELECT COALESCE(SUM(p.amount_fen), 0) FROM posting p WHERE p.account_id = account.id)",
    "UPDATE worker SET earned_fen = "
    "(SELECT COALESCE(SUM(i.amount_fen), 0) FROM inspection i WHERE i.worker_id = worker.id)",
]


def up(migrator, db):
    columns = {
        "account": [c.name for c in db.get_columns("account")],
        "worker": [c.name for c in db.get_columns("worker")],
    }
    if "balance_fen" not in columns["account"]:
        migrator.migrate(migrator.add_column("account", "balance_fen", BigIntegerField(default=0)))
    if "earned_fen" not in columns["worker"]:
        migrator.migrate(migrator.add_column("worker", "earned_fen", BigIntegerField(default=0)))
    for statement in BACKFILL:
        db.execute_sql(statement)
