"""Same-day payouts through WeChat Pay 商家转账: two phases, one state machine, a sweeper.

Phase 1 (one transaction): the payout row with a unique out_bill_no, the pieces it settles and the posting
payable -> in-flight. Phase 2 (after commit): the API call with that number. An ambiguous answer is resolved by
querying that number, never by a new one; only a confirmed failure releases the money to be paid again.
"""

import datetime as dt
import logging
import secrets

from peewee import fn

from models import Account
from models import Payout
from models import Posting
from models import Worker
from models import lock_worker
from services import runtime
from services.clock import business_date
from services.errors import Conflict
from services.errors import DomainError
from services.money import ledger
from services.notices import outbox as notices
from services.payouts import policy as payout_policy
from services.payouts.items import allocate
from services.unit import transaction
from wechat import pay as wechat_pay
from wechat.pay import PayAmbiguous
from wechat.pay import PayNotFound
from wechat.pay import PayRejected

log = logging.getLogger(__name__)

FINAL = frozenset({"SUCCESS", "FAIL", "CANCELLED"})
FAILED = frozenset({"FAIL", "CANCELLED"})
PENDING = wechat_pay.PENDING_STATES
CONFIRM_WINDOW = dt.timedelta(hours=24)
CLOCK_SKEW = dt.timedelta(minutes=5)  # how far WeChat's clock and ours may disagree


def new_out_bill_no(now):
    """Our idempotency key at WeChat Pay: letters and digits, 26 characters, unique."""
    return "LG" + now.strftime("%Y%m%d") + secrets.token_hex(8).upper()


def transition_allowed(old, new):
    """Allowed moves: CREATED -> any WeChat state; pending -> pending or final; final states never move."""
    if old in FINAL or new == old or new == "CREATED":
        return False
    return new in PENDING or new in FINAL


def _sent_today(day, worker_id=None):
    query = Payout.select(fn.COALESCE(fn.SUM(Payout.amount_fen), 0)).where(
        (Payout.method == "wechat") & (Payout.business_date == day) & (Payout.state.not_in(list(FAILED)))
    )
    if worker_id is not None:
        query = query.where(Payout.worker == worker_id)
    return int(query.scalar() or 0)


def prepare_payouts(worker, now, policy=None):
    """Phase 1: payout rows for what `worker` is owed, within policy, and payable -> in-flight; no WeChat call.

    Returns (payouts, reason); reason says why less than everything owed was taken ('' when all of it).
    """
    policy = policy or payout_policy.current()
    worker = Worker.get_by_id(worker if isinstance(worker, int) else worker.id)
    day = business_date(now)
    with transaction():
        lock_worker(worker.id)
        owed = ledger.owed_fen(worker.id)
        amounts, reason = payout_policy.plan_amounts(policy, owed, _sent_today(day, worker.id), _sent_today(day))
        if any(amount >= policy.real_name_from_fen for amount in amounts) and not worker.real_name.strip():
            raise Conflict(
                "单笔2000元及以上的工钱需要实名才能转账，请先在小程序“我的”里填写真实姓名",
                code="real_name_required",
            )
        payouts = []
        for amount in amounts:
            payout = Payout.create(
                worker=worker.id, method="wechat", out_bill_no=new_out_bill_no(now), amount_fen=amount,
                state="CREATED", business_date=day, deadline=now + CONFIRM_WINDOW,
                next_check_at=now + policy.sweep_after, created_at=now, updated_at=now,
            )  # fmt: skip
            allocate(payout, worker.id, amount)
            ledger.post(
                f"payout:{payout.out_bill_no}:send", "payout_send",
                [(ledger.worker_payable(worker.id), amount), (ledger.worker_inflight(worker.id), -amount)],
                day, memo=f"payout {payout.out_bill_no} to WeChat Pay", now=now,
            )  # fmt: skip
            payouts.append(payout)
    return payouts, reason


def send_payout(payout, now, policy=None):
    """Phase 2: ask WeChat Pay for the transfer under the payout's own out_bill_no (safe to repeat)."""
    policy = policy or payout_policy.current()
    payout = Payout.get_by_id(payout if isinstance(payout, int) else payout.id)
    if payout.state != "CREATED":
        return payout
    try:
        bill = _create_call(payout, now, policy)
    except PayAmbiguous as exc:
        return defer_check(payout, f"ambiguous: {exc}", now + policy.sweep_after)
    except PayRejected as exc:
        return resolve_by_query(payout, now, policy, rejected=exc)
    return apply_bill(payout, bill, now)[0]


def _create_call(payout, now, policy):
    """The create API under the payout's own number (WeChat answers an existing bill with that bill)."""
    worker = payout.worker
    Payout.update(attempts=Payout.attempts + 1, updated_at=now).where(Payout.id == payout.id).execute()
    user_name = worker.real_name.strip() if payout.amount_fen >= policy.real_name_from_fen else None
    return (
        runtime.current()
        .client("wechat_pay")
        .create_transfer(payout.out_bill_no, worker.mp_openid, payout.amount_fen, policy.remark, user_name=user_name)
    )


def ensure_package_info(payout, now, policy):
    """The query answer carries no package_info: ask again with the same number to get it for the worker."""
    if payout.state != "WAIT_USER_CONFIRM" or payout.package_info:
        return payout
    try:
        return apply_bill(payout, _create_call(payout, now, policy), now)[0]
    except (PayAmbiguous, PayRejected) as exc:
        return defer_check(payout, f"package: {exc}", now + policy.sweep_after)


def payout_for_worker(worker, now, policy=None):
    """Pay out everything the worker is owed, within policy: prepare, commit, then call WeChat Pay."""
    policy = policy or payout_policy.current()
    payouts, reason = prepare_payouts(worker, now, policy)
    return [send_payout(p, now, policy) for p in payouts], reason


def payout_after_inspection(worker, now):
    """Hook run AFTER an inspection commits: in immediate mode, pay the worker at once. Never raises."""
    policy = payout_policy.current()
    if policy.mode != "immediate":
        return []
    try:
        return payout_for_worker(worker, now, policy)[0]
    except DomainError as exc:
        log.info("payout after inspection not made for worker %s: %s", getattr(worker, "id", worker), exc.message)
    except Exception:
        log.exception("payout after inspection failed; the sweeper and the cut-off run will retry")
    return []


def run_cutoff_payouts(now):
    """Daily cut-off (scheduler job): pay every worker what is owed (also the catch-up in immediate mode)."""
    policy = payout_policy.current()
    owing = (
        Posting.select(Account.worker)
        .join(Account)
        .where(Account.kind == "worker_payable")
        .group_by(Account.worker)
        .having(fn.SUM(Posting.amount_fen) <= -policy.min_fen)
        .tuples()
    )
    summary = {"workers": 0, "payouts": 0, "amount_fen": 0, "skipped": {}}
    for (worker_id,) in list(owing):
        summary["workers"] += 1
        try:
            payouts, reason = payout_for_worker(worker_id, now, policy)
        except DomainError as exc:
            summary["skipped"][worker_id] = exc.code
            continue
        if reason:
            summary["skipped"][worker_id] = reason
        summary["payouts"] += len(payouts)
        summary["amount_fen"] += sum(p.amount_fen for p in payouts)
    return summary


def defer_check(payout, error, when):
    Payout.update(last_error=error[:200], next_check_at=when).where(Payout.id == payout.id).execute()
    log.warning("payout %s unresolved (%s); will query again", payout.out_bill_no, error)
    return Payout.get_by_id(payout.id)


def resolve_by_query(payout, now, policy, rejected=None):
    """Ask WeChat Pay what became of `payout`; NOT_FOUND after a rejection is a confirmed failure."""
    try:
        bill = runtime.current().client("wechat_pay").query_transfer(payout.out_bill_no)
    except PayNotFound:
        if rejected is not None:
            return apply_state(payout, "FAIL", now, fail_reason=rejected.code[:64])[0]
        return send_payout(payout, now, policy)  # never reached WeChat: send the SAME number
    except (PayAmbiguous, PayRejected) as exc:
        return defer_check(payout, f"query: {exc}", now + policy.sweep_after)
    return ensure_package_info(apply_bill(payout, bill, now)[0], now, policy)


def apply_bill(payout, bill, now):
    return apply_state(
        payout, bill.state, now, amount_fen=bill.amount_fen, transfer_bill_no=bill.transfer_bill_no,
        package_info=bill.package_info, fail_reason=bill.fail_reason, wechat_time=bill.changed_at,
    )  # fmt: skip


class AmountMismatch(Conflict):
    code = "amount_mismatch"


def apply_state(
    payout, state, now, amount_fen=None, transfer_bill_no="", package_info="", fail_reason="", wechat_time=None
):
    """The one state machine (notify, query and create paths): move along allowed transitions, post money once.

    SUCCESS posts in-flight -> WeChat Pay clearing; FAIL or CANCELLED reverses in-flight -> payable.
    `wechat_time` is WeChat's own time of the new state: on SUCCESS it is kept as `paid_at`, the time WeChat's
    fund-flow bill books the transfer under, which may be the day before we hear of it (a notify or a sweep
    after midnight). Returns (payout, changed).
    """
    policy = payout_policy.current()
    payout_id = payout if isinstance(payout, int) else payout.id
    with transaction():
        current = Payout.get_by_id(payout_id)
        if amount_fen is not None and amount_fen != current.amount_fen:
            log.error("payout %s: WeChat amount %s != ours %s", current.out_bill_no, amount_fen, current.amount_fen)
            raise AmountMismatch("转账金额与本地记录不一致", amount_fen=amount_fen)
        if not transition_allowed(current.state, state):
            if state == current.state and package_info and not current.package_info:
                Payout.update(package_info=package_info).where(Payout.id == payout_id).execute()
            return Payout.get_by_id(payout_id), False
        fields = {"state": state, "updated_at": now, "last_error": ""}
        if transfer_bill_no:
            fields["transfer_bill_no"] = transfer_bill_no
        if package_info:
            fields["package_info"] = package_info
        if state in FINAL:
            fields.update(finished_at=now, next_check_at=None, fail_reason=(fail_reason or "")[:64])
        else:
            fields["next_check_at"] = now + policy.recheck
        if state == "SUCCESS":
            fields["paid_at"] = _paid_at(current, wechat_time, now)
        moved = Payout.update(**fields).where((Payout.id == payout_id) & (Payout.state == current.state)).execute()
        if not moved:
            return Payout.get_by_id(payout_id), False
        _post_outcome(current, state, now)
    return Payout.get_by_id(payout_id), True


def _paid_at(payout, wechat_time, now):
    """WeChat's time of success when it is plausible (after the payout was made, not after now), else now."""
    if wechat_time is None:
        return now
    if payout.created_at - CLOCK_SKEW <= wechat_time <= now + CLOCK_SKEW:
        return min(wechat_time, now)
    log.warning("payout %s: WeChat's update_time %s is implausible, using %s", payout.out_bill_no, wechat_time, now)
    return now


def _post_outcome(payout, state, now):
    worker_id, amount, number = payout.worker_id, payout.amount_fen, payout.out_bill_no
    day = business_date(now)
    if state == "SUCCESS":
        ledger.post(
            f"payout:{number}:paid", "payout_paid",
            [(ledger.worker_inflight(worker_id), amount), (ledger.wechatpay_clearing(), -amount)],
            day, memo=f"payout {number} received", now=now,
        )  # fmt: skip
        notices.enqueue(worker_id, "payout_arrived", {"amount_fen": amount}, key=f"payout_arrived:{number}", now=now)
    elif state in FAILED:
        ledger.post(
            f"payout:{number}:reverse", "payout_reversed",
            [(ledger.worker_inflight(worker_id), amount), (ledger.worker_payable(worker_id), -amount)],
            day, memo=f"payout {number} {state.lower()}: owed again", now=now,
        )  # fmt: skip
    elif state == "WAIT_USER_CONFIRM":
        notices.enqueue(
            worker_id,
            "payout_sent_confirm",
            {"amount_fen": amount, "out_bill_no": number},  # read again when it is due: still awaiting confirmation?
            key=f"payout_confirm:{number}",
            now=now,
        )


def recent_for_worker(worker, limit=5):
    """(when, amount_fen, state) of the worker's latest payouts, for the official-account menu."""
    rows = Payout.select().where(Payout.worker == worker.id).order_by(Payout.id.desc()).limit(limit)
    return [(p.created_at, p.amount_fen, p.state) for p in rows]
