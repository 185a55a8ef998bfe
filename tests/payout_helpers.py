"""Shared fixtures and checks for the payout tests: pieces accepted through the API, the sandbox worker's tap,
notifies delivered through the test client, and the money invariants checked after every test."""

import itertools

import pytest
from peewee import fn

from app import reconfigure
from models import Inspection
from models import Payout
from models import PayoutItem
from services import runtime
from services.money import ledger
from services.payouts.transfers import FINAL
from tests.invariants import assert_ledger_balanced
from wechat.sandbox import pay_bills
from wechat.sandbox import pay_notify
from wechat.sandbox.pay_crypto import load_keys

_ids = itertools.count(1)


def assert_payout_invariants():
    """Ledger balanced; per worker paid + owed + in flight == accepted value; in flight == open payouts;
    every payout settles exactly its amount of pieces."""
    assert_ledger_balanced()
    earned = dict(
        Inspection.select(Inspection.worker, fn.SUM(Inspection.amount_fen)).group_by(Inspection.worker).tuples()
    )
    workers = set(earned) | {p.worker_id for p in Payout.select(Payout.worker)}
    for worker_id in workers:
        balances = ledger.worker_balances([worker_id])[worker_id]
        paid = int(
            Payout.select(fn.COALESCE(fn.SUM(Payout.amount_fen), 0))
            .where((Payout.worker == worker_id) & (Payout.state == "SUCCESS"))
            .scalar()
        )
        open_fen = int(
            Payout.select(fn.COALESCE(fn.SUM(Payout.amount_fen), 0))
            .where((Payout.worker == worker_id) & Payout.state.not_in(list(FINAL)))
            .scalar()
        )
        assert balances["owed"] >= 0 and balances["inflight"] >= 0
        assert paid + balances["owed"] + balances["inflight"] == int(earned.get(worker_id) or 0)
        assert balances["inflight"] == open_fen
    for payout in Payout.select():
        items = PayoutItem.select(fn.COALESCE(fn.SUM(PayoutItem.amount_fen), 0)).where(PayoutItem.payout == payout.id)
        assert int(items.scalar()) == payout.amount_fen, f"payout {payout.out_bill_no} items"


class Market:
    """Drives the market through the API the way the mini-program and the desk do."""

    def __init__(self, app, client, login, make_job, make_station, make_staff, staff_headers):
        self.app, self.client, self.login = app, client, login
        self.station = make_station()
        self.staff = make_staff("station", self.station)
        self.staff_h = staff_headers(self.staff)
        self.make_job = make_job
        self.keys = load_keys(app.config["SANDBOX_PAY_KEYS_DIR"])

    def worker(self, name=None):
        return self.login(name or f"w{next(_ids)}")

    def accept(self, headers, pieces, rate_fen=10):
        """Order, report and have `pieces` accepted at `rate_fen`; returns the inspection JSON."""
        n = next(_ids)
        job = self.make_job(station=self.station, unit_price_fen=rate_fen, total_pieces=pieces + 10)
        order = self.client.post(
            f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": pieces, "request_id": f"o{n}"}
        )
        assert order.status_code == 201, order.get_json()
        order_id = order.get_json()["id"]
        report = self.client.post(
            f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": pieces, "request_id": f"r{n}"}
        )
        assert report.status_code == 201, report.get_json()
        qc = self.client.post(
            f"/api/v1/staff/orders/{order_id}/inspections",
            headers=self.staff_h,
            json={"accepted": pieces, "request_id": f"q{n}"},
        )
        assert qc.status_code == 201, qc.get_json()
        return qc.get_json()

    def deliver(self, now=None, **faults):
        return pay_notify.deliver_notifies(self.keys, pay_notify.client_sender(self.client), now=now, **faults)

    def confirm(self, payout, now=None, **faults):
        """The worker taps 'confirm' in WeChat; WeChat then notifies us."""
        pay_bills.confirm(payout.out_bill_no, now=now)
        return self.deliver(now=now, **faults)


@pytest.fixture(name="market")
def market_fixture(app, client, login, make_job, make_station, make_staff, staff_headers):
    reconfigure(app, PAYOUT_MODE="immediate")
    _register_payout_blueprints(app)
    runtime.current().client("wechat_pay")  # sandbox keys in place before the first call
    yield Market(app, client, login, make_job, make_station, make_staff, staff_headers)
    assert_payout_invariants()


def _register_payout_blueprints(app):
    # Until app.py wires them (handlers.payouts, handlers.pay_notify, pay_dev.register), register them here.
    from handlers import pay_notify as notify_handler
    from handlers import payouts as payouts_handler
    from wechat.sandbox import pay_dev

    for blueprint in (payouts_handler.bp, notify_handler.bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    if pay_dev.bp.name not in app.blueprints:
        pay_dev.register(app)


def payouts_of(worker):
    return list(Payout.select().where(Payout.worker == worker.id).order_by(Payout.id))
