"""WeChat Pay result notifies (MCHTRANSFER.BILL.FINISHED): verified, de-duplicated, applied once.

The signature is checked over the raw body, the timestamp within 300 s, the resource decrypted; the notify id is
recorded so retries and duplicates change nothing; the state moves through `payouts.apply_state`, the same
function the query path uses, after the amount is checked against ours. Forged or probe notifies change nothing.
"""

import logging

from peewee import IntegrityError

from models import PayNotifyReceipt
from models import Payout
from services import runtime
from services.errors import BadRequest
from services.errors import NotFound
from services.errors import Unauthorized
from services.payouts import transfers as payouts
from services.unit import transaction
from wechat import pay as wechat_pay
from wechat.pay import NotifyRejected

log = logging.getLogger(__name__)

EVENT = "MCHTRANSFER.BILL.FINISHED"


def handle_notify(headers, raw_body, now):
    """Apply one notify; returns 'applied', 'unchanged' or 'duplicate'. Raises a 4xx DomainError when refused."""
    client = runtime.current().client("wechat_pay")
    try:
        event = client.parse_notify(headers, raw_body, now)
    except NotifyRejected as exc:
        log.warning("WeChat Pay notify refused: %s", exc)
        raise Unauthorized("签名验证失败", code="notify_rejected") from None
    notify_id = str(event.get("id") or "")[:64]
    resource = event["resource"]
    if not notify_id:
        raise BadRequest("通知缺少 id", code="notify_without_id")
    if PayNotifyReceipt.get_or_none(PayNotifyReceipt.notify_id == notify_id) is not None:
        return "duplicate"
    if event.get("event_type") != EVENT:
        _receipt(notify_id, resource.get("out_bill_no", ""), event.get("event_type", ""), "", now)
        return "unchanged"
    if str(resource.get("mch_id", client.mchid)) != str(client.mchid):
        raise BadRequest("商户号不符", code="notify_wrong_merchant")
    payout = Payout.get_or_none(Payout.out_bill_no == str(resource.get("out_bill_no", "")))
    if payout is None:
        raise NotFound("没有这笔转账", code="payout_not_found")
    amount = resource.get("transfer_amount")
    if not isinstance(amount, int) or amount != payout.amount_fen:
        log.error("notify %s for %s: amount %r != ours %s", notify_id, payout.out_bill_no, amount, payout.amount_fen)
        raise BadRequest("转账金额与本地记录不一致", code="amount_mismatch")
    try:
        with transaction():
            if PayNotifyReceipt.get_or_none(PayNotifyReceipt.notify_id == notify_id) is not None:
                return "duplicate"
            _, changed = payouts.apply_state(
                payout, resource.get("state", ""), now, amount_fen=amount,
                transfer_bill_no=resource.get("transfer_bill_no", ""), fail_reason=resource.get("fail_reason", ""),
                wechat_time=wechat_pay.parse_time(resource.get("update_time")),
            )  # fmt: skip
            _receipt(notify_id, payout.out_bill_no, EVENT, resource.get("state", ""), now)
    except IntegrityError:
        return "duplicate"
    return "applied" if changed else "unchanged"


def _receipt(notify_id, out_bill_no, event_type, state, now):
    PayNotifyReceipt.create(
        notify_id=notify_id, out_bill_no=out_bill_no[:32], event_type=event_type[:64], state=state[:24], received_at=now
    )
