"""Payout.paid_at: when the money moved. For a WeChat transfer that is WeChat Pay's own time of success, the time
its fund-flow bill books it under: a transfer that succeeds at 23:59 and is heard of after midnight (a late notify,
the sweep) is in that day's bill, and reconciliation matches payouts to a day's bill by this time (indexed, so the
check reads one day's payouts, not every payout ever made). Earlier payouts get the best time known: finished_at."""

from peewee import DateTimeField


def up(migrator, db):
    if "paid_at" not in [c.name for c in db.get_columns("payout")]:
        migrator.migrate(migrator.add_column("payout", "paid_at", DateTimeField(null=True)))
    db.execute_sql("UPDATE payout SET paid_at = finished_at WHERE state = 'SUCCESS' AND paid_at IS NULL")
    if not any(index.columns == ["paid_at"] for index in db.get_indexes("payout")):
        migrator.migrate(migrator.add_index("payout", ("paid_at",), False))
