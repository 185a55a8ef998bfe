"""Running totals: every account's balance and every worker's earned total, kept in the transactions that change
them, so a worker's earnings are read from three rows however long the history. Backfilled from the rows."""

from peewee import BigIntegerField


def up(migrator, db):
    columns = {
        "account": [c.name for c in db.get_columns("account")],
        "worker": [c.name for c in db.get_columns("worker")],
    }
    if "balance_fen" not in columns["account"]:
        migrator.migrate(migrator.add_column("account", "balance_fen", BigIntegerField(default=0)))
    if "earned_fen" not in columns["worker"]:
        migrator.migrate(migrator.add_column("worker", "earned_fen", BigIntegerField(default=0)))
    from services import ledger

    ledger.recompute_running_totals()
