"""Payouts (issue 4): payout rows, the pieces they settle, handled notify ids, and the Pay sandbox tables."""

import models
from wechat.sandbox import store


def up(migrator, db):
    db.create_tables(
        [models.Payout, models.PayoutItem, models.PayNotifyReceipt, store.SandboxPayBill, store.SandboxPayNotify],
        safe=True,
    )
