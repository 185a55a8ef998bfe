"""Payout.paid_at: WeChat Pay's own time of a transfer's success, the time its fund-flow bill books it under.

A transfer that succeeds at 23:59 and is heard of after midnight (a late notify, the sweep) is in the day's bill;
reconciliation matches payouts to a day's bill by this time. Earlier successes keep finished_at (null here)."""

from peewee import DateTimeField


def up(migrator, db):
    if "paid_at" not in [c.name for c in db.get_columns("payout")]:
        migrator.migrate(migrator.add_column("payout", "paid_at", DateTimeField(null=True)))
