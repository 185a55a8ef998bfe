"""What a worker sees of payouts: transfers to confirm, history with each payout's pieces, what is owed."""

from models import Inspection
from models import Job
from models import Order
from models import Payout
from models import PayoutItem
from services import runtime
from services.errors import NotFound
from services.money import ledger
from services.payouts import sweep as payout_sweep


def pending_for_worker(worker, now):
    """Transfers waiting for the worker's tap, with what wx.requestMerchantTransfer needs."""
    client = runtime.current().client("wechat_pay")
    rows = (
        Payout.select()
        .where(
            (Payout.worker == worker.id)
            & (Payout.state == "WAIT_USER_CONFIRM")
            & (Payout.package_info != "")
            & ((Payout.deadline.is_null()) | (Payout.deadline > now))
        )
        .order_by(Payout.id)
    )
    return {"mch_id": client.mchid, "app_id": client.appid, "payouts": list(rows)}


def history_for_worker(worker, limit=30, before_id=None):
    """Newest payouts first, each with the pieces (inspections) it settled; plus what is owed and in flight."""
    query = Payout.select().where(Payout.worker == worker.id)
    if before_id:
        query = query.where(Payout.id < before_id)
    rows = list(query.order_by(Payout.id.desc()).limit(limit))
    items = {}
    if rows:
        for item in (
            PayoutItem.select(PayoutItem, Inspection, Order, Job)
            .join(Inspection)
            .join(Order)
            .join(Job)
            .where(PayoutItem.payout.in_([p.id for p in rows]))
            .order_by(PayoutItem.id)
        ):
            items.setdefault(item.payout_id, []).append(item)
    balances = ledger.worker_balances([worker.id])[worker.id]
    return rows, items, balances


def own_payout(worker, payout_id):
    payout = Payout.get_or_none((Payout.id == payout_id) & (Payout.worker == worker.id))
    if payout is None:
        raise NotFound("没有这笔转账", code="payout_not_found")
    return payout


def refresh_own_payout(worker, payout_id, now):
    """The worker says they confirmed in WeChat: ask WeChat Pay now instead of waiting for the notify."""
    return payout_sweep.refresh_payout(own_payout(worker, payout_id), now)
