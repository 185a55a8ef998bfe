"""Concurrent payout runs and concurrent duplicate notifies for one worker: one payout, one state change."""

import threading

import models
from app import reconfigure
from models import LedgerTxn
from models import PayNotifyReceipt
from models import Payout
from models import utcnow
from services.money import ledger
from services.payouts import notify as payout_notify
from services.payouts import transfers as payouts
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from tests.payout_helpers import payouts_of
from wechat.sandbox import pay_bills
from wechat.sandbox import pay_notify
from wechat.sandbox.store import SandboxPayBill
from wechat.sandbox.store import SandboxPayNotify


def _race(app, fn, n=6):
    errors, results = [], []
    barrier = threading.Barrier(n)

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(fn())
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                if not models.db.is_closed():
                    models.db.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_payout_runs_pay_once(market):
    reconfigure(market.app, PAYOUT_MODE="cutoff")
    worker, headers = market.worker()
    market.accept(headers, 44)
    results, errors = _race(market.app, lambda: payouts.payout_for_worker(worker.id, utcnow()))
    assert errors == []
    assert len(payouts_of(worker)) == 1 and SandboxPayBill.select().count() == 1
    assert ledger.inflight_fen(worker) == 440 and ledger.owed_fen(worker) == 0


def test_concurrent_duplicate_notifies_change_state_once(market):
    worker, headers = market.worker()
    market.accept(headers, 44)
    (payout,) = payouts_of(worker)
    pay_bills.confirm(payout.out_bill_no)
    notify = SandboxPayNotify.get()

    def deliver():
        headers, body = pay_notify.build_notify(market.keys, notify)
        return payout_notify.handle_notify(headers, body.encode(), utcnow())

    results, errors = _race(market.app, deliver)
    assert errors == []
    assert sorted(results).count("applied") == 1 and len(results) == 6
    assert Payout.get_by_id(payout.id).state == "SUCCESS"
    assert LedgerTxn.select().where(LedgerTxn.kind == "payout_paid").count() == 1
    assert PayNotifyReceipt.select().count() == 1
