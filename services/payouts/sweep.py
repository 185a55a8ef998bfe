"""The in-flight sweeper (a scheduler job): query every WeChat payout still in flight and resolve it.

CREATED rows whose API call may never have happened are queried after a few minutes; NOT_FOUND sends the SAME
out_bill_no. Transfers left unconfirmed past WeChat's 24 h window are withdrawn so the money is owed again.
"""

import datetime as dt
import logging

from models import Payout
from services import runtime
from services.errors import DomainError
from services.payouts import policy as payout_policy
from services.payouts.transfers import FINAL
from services.payouts.transfers import apply_bill
from services.payouts.transfers import defer_check
from services.payouts.transfers import ensure_package_info
from services.payouts.transfers import resolve_by_query
from wechat.pay import PayAmbiguous
from wechat.pay import PayRejected

log = logging.getLogger(__name__)

EXPIRY_GRACE = dt.timedelta(minutes=10)


def refresh_payout(payout, now):
    """Query WeChat Pay for one payout in flight and apply what it says (worker's 'I confirmed', the sweeper)."""
    policy = payout_policy.current()
    payout = Payout.get_by_id(payout if isinstance(payout, int) else payout.id)
    if payout.method != "wechat" or payout.state in FINAL:
        return payout
    if payout.state == "CREATED":
        return resolve_by_query(payout, now, policy)
    try:
        bill = runtime.current().client("wechat_pay").query_transfer(payout.out_bill_no)
    except (PayAmbiguous, PayRejected) as exc:
        return defer_check(payout, f"query: {exc}", now + policy.sweep_after)
    payout = ensure_package_info(apply_bill(payout, bill, now)[0], now, policy)
    if payout.state == "WAIT_USER_CONFIRM" and payout.deadline and now >= payout.deadline + EXPIRY_GRACE:
        # WeChat's own expiry may lag: withdraw it ourselves so the money can be offered again.
        try:
            runtime.current().client("wechat_pay").cancel_transfer(payout.out_bill_no)
            payout = apply_bill(payout, runtime.current().client("wechat_pay").query_transfer(payout.out_bill_no), now)[
                0
            ]
        except (PayAmbiguous, PayRejected) as exc:
            return defer_check(payout, f"cancel: {exc}", now + policy.sweep_after)
    return payout


def sweep_inflight(now):
    """Scheduler job: resolve every WeChat payout in flight whose check is due (CREATED ones after a few minutes)."""
    due = Payout.select(Payout.id).where(
        (Payout.method == "wechat") & Payout.state.not_in(list(FINAL)) & (Payout.next_check_at <= now)
    )
    states = {}
    for (payout_id,) in list(due.order_by(Payout.id).tuples()):
        try:
            payout = refresh_payout(payout_id, now)
        except DomainError as exc:
            log.error("sweep of payout %s: %s", payout_id, exc.message)
            continue
        states[payout.state] = states.get(payout.state, 0) + 1
    return states
