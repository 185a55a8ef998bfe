"""Transfer bills in the WeChat Pay sandbox: create, confirm (the worker's tap), cancel, fail and expire.

States follow WeChat: WAIT_USER_CONFIRM until the user confirms (SUCCESS) or the merchant cancels or 24 h pass
(CANCELLED); FAIL when WeChat refuses. Reaching a final state queues a MCHTRANSFER.BILL.FINISHED notify.
"""

import datetime as dt
import hashlib
import json
import secrets
from zoneinfo import ZoneInfo

from models import db
from models import utcnow
from wechat.sandbox.store import SandboxPayBill
from wechat.sandbox.store import SandboxPayNotify

BEIJING = ZoneInfo("Asia/Shanghai")
CONFIRM_WINDOW = dt.timedelta(hours=24)
FINAL_STATES = ("SUCCESS", "FAIL", "CANCELLED")
CANCELLABLE = ("ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM")


class BillError(Exception):
    """A definite refusal, answered as WeChat does: HTTP status, `code` and `message`."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def rfc3339(value):
    """Naive UTC -> WeChat's time format, e.g. 2025-01-15T10:00:00+08:00."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).replace(microsecond=0).isoformat()


def beijing_date(value):
    return value.replace(tzinfo=dt.timezone.utc).astimezone(BEIJING).date()


def day_bounds(day):
    """Naive-UTC [start, end) of a Beijing calendar day (WeChat's bills are cut at 00:00 Beijing time)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=BEIJING).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return start, start + dt.timedelta(days=1)


def params_digest(appid, openid, amount, scene_id, user_name):
    canonical = json.dumps([appid, openid, amount, scene_id, user_name], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def get_bill(out_bill_no):
    return SandboxPayBill.get_or_none(SandboxPayBill.out_bill_no == out_bill_no)


def create_bill(mchid, params, user_name, now=None):
    """The bill for `params` (already validated); the same out_bill_no with the same params is the same bill."""
    now = now or utcnow()
    digest = params_digest(
        params["appid"], params["openid"], params["transfer_amount"], params["transfer_scene_id"], user_name
    )
    with db.atomic():
        bill = get_bill(params["out_bill_no"])
        if bill is not None:
            if bill.params_digest != digest:
                raise BillError(400, "INVALID_REQUEST", "商户单号重复，但请求参数与原单据不一致")
            return bill
        return SandboxPayBill.create(
            out_bill_no=params["out_bill_no"],
            transfer_bill_no="1330"
            + mchid[-6:].rjust(6, "0")
            + "".join(secrets.choice("0123456789") for _ in range(30)),
            mchid=mchid,
            appid=params["appid"],
            openid=params["openid"],
            amount=params["transfer_amount"],
            remark=params.get("transfer_remark", ""),
            user_name=user_name or "",
            notify_url=params.get("notify_url") or "",
            params_digest=digest,
            state="WAIT_USER_CONFIRM",
            package_info="SBX" + secrets.token_urlsafe(60),
            created_at=now,
            updated_at=now,
        )


def _finish(bill, state, now, fail_reason="", notify_at=None):
    bill.state = state
    bill.fail_reason = fail_reason
    bill.updated_at = now
    bill.finished_at = now
    bill.save()
    resource = {
        "mch_id": bill.mchid,
        "out_bill_no": bill.out_bill_no,
        "transfer_bill_no": bill.transfer_bill_no,
        "state": state,
        "transfer_amount": bill.amount,
        "openid": bill.openid,
        "create_time": rfc3339(bill.created_at),
        "update_time": rfc3339(now),
    }
    if fail_reason:
        resource["fail_reason"] = fail_reason
    SandboxPayNotify.create(
        notify_id="EV-" + secrets.token_hex(12),
        out_bill_no=bill.out_bill_no,
        url=bill.notify_url,
        resource=json.dumps(resource, ensure_ascii=False),
        create_time=rfc3339(now),
        next_at=notify_at or now,
    )
    return bill


def _expired(bill, now):
    return bill.state == "WAIT_USER_CONFIRM" and now - bill.created_at >= CONFIRM_WINDOW


def confirm(out_bill_no=None, package_info=None, now=None):
    """The worker taps 'confirm' in WeChat: WAIT_USER_CONFIRM -> SUCCESS (an expired bill closes instead)."""
    now = now or utcnow()
    with db.atomic():
        if package_info:
            bill = SandboxPayBill.get_or_none(SandboxPayBill.package_info == package_info)
        else:
            bill = get_bill(out_bill_no or "")
        if bill is None:
            raise BillError(404, "NOT_FOUND", "转账单据不存在")
        if _expired(bill, now):
            return _finish(bill, "CANCELLED", now, "TRANSFER_EXPIRED")
        if bill.state != "WAIT_USER_CONFIRM":
            raise BillError(400, "INVALID_REQUEST", f"单据状态为 {bill.state}，无法确认收款")
        return _finish(bill, "SUCCESS", now)


def cancel(out_bill_no, now=None):
    """The merchant withdraws a bill not yet received: it ends CANCELLED (the answer says CANCELING)."""
    now = now or utcnow()
    with db.atomic():
        bill = get_bill(out_bill_no)
        if bill is None:
            raise BillError(404, "NOT_FOUND", "转账单据不存在")
        if bill.state == "CANCELLED":
            return bill
        if bill.state not in CANCELLABLE:
            raise BillError(400, "INVALID_REQUEST", f"单据状态为 {bill.state}，不支持撤销")
        return _finish(bill, "CANCELLED", now, "MERCHANT_REVOCATION")


def fail(out_bill_no, reason="REAL_NAME_CHECK_FAIL", now=None):
    """WeChat refuses a bill that was waiting (e.g. the real name does not match): -> FAIL."""
    now = now or utcnow()
    with db.atomic():
        bill = get_bill(out_bill_no)
        if bill is None or bill.state in FINAL_STATES:
            raise BillError(400, "INVALID_REQUEST", "单据不存在或已终结")
        return _finish(bill, "FAIL", now, reason)


def expire_unconfirmed(now=None, notify_at=None):
    """Bills unconfirmed for 24 h return to the merchant: -> CANCELLED. Returns their out_bill_nos.

    `notify_at` lets developer tools pretend time passed yet have the notify go out at the real time.
    """
    now = now or utcnow()
    expired = []
    with db.atomic():
        query = SandboxPayBill.select().where(
            (SandboxPayBill.state == "WAIT_USER_CONFIRM") & (SandboxPayBill.created_at <= now - CONFIRM_WINDOW)
        )
        for bill in query:
            _finish(bill, "CANCELLED", now, "TRANSFER_EXPIRED", notify_at=notify_at)
            expired.append(bill.out_bill_no)
    return expired


def describe(bill):
    """The bill as the query API answers it."""
    answer = {
        "mch_id": bill.mchid,
        "out_bill_no": bill.out_bill_no,
        "transfer_bill_no": bill.transfer_bill_no,
        "appid": bill.appid,
        "state": bill.state,
        "transfer_amount": bill.amount,
        "transfer_remark": bill.remark,
        "openid": bill.openid,
        "create_time": rfc3339(bill.created_at),
        "update_time": rfc3339(bill.updated_at),
    }
    if bill.fail_reason:
        answer["fail_reason"] = bill.fail_reason
    return answer
