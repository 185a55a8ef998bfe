"""Result notifies of the WeChat Pay sandbox: build them signed and encrypted, deliver through a sender.

`sender(url, headers, body_bytes)` returns the HTTP status (tests pass the Flask test client through
`client_sender`, the dev CLI posts over HTTP with `http_sender`). Un-acknowledged notifies are retried on
WeChat's schedule. Faults: duplicates, probes with bad signatures (planned or per call).
"""

import datetime as dt
import json
from urllib.parse import urlsplit

from models import utcnow
from wechat.sandbox import store
from wechat.sandbox.pay_crypto import encrypt_resource
from wechat.sandbox.pay_crypto import signed_headers
from wechat.sandbox.store import SandboxPayNotify

RETRY_AFTER = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600]


def build_notify(keys, notify, now_ts=None, bad_signature=False):
    """(headers, body) of one MCHTRANSFER.BILL.FINISHED notify, freshly signed (and encrypted)."""
    body = json.dumps(
        {
            "id": notify.notify_id,
            "create_time": notify.create_time,
            "resource_type": "encrypt-resource",
            "event_type": "MCHTRANSFER.BILL.FINISHED",
            "summary": "商家转账单据终态通知",
            "resource": encrypt_resource(keys.apiv3_key, notify.resource, "mch_payment", "mch_payment"),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    headers = {"Content-Type": "application/json"}
    headers.update(signed_headers(keys, body, now_ts=now_ts, bad_signature=bad_signature))
    return headers, body


def _status(result):
    return getattr(result, "status_code", result)


def deliver_notifies(keys, sender, now=None, out_bill_no=None, duplicates=1, probe=False, default_url=""):
    """Send every due notify; an acknowledged (2xx) one is done, others wait for the next retry.

    `duplicates` sends each notify that many times (WeChat may repeat after an acknowledgement); `probe`
    first sends a copy with a bad signature. Returns [(notify_id, status, kind)] of every send.
    """
    now = now or utcnow()
    now_ts = now.replace(tzinfo=dt.timezone.utc).timestamp()
    query = SandboxPayNotify.select().where(SandboxPayNotify.delivered_at.is_null() & (SandboxPayNotify.next_at <= now))
    if out_bill_no is not None:
        query = query.where(SandboxPayNotify.out_bill_no == out_bill_no)
    sent = []
    for notify in list(query.order_by(SandboxPayNotify.id)):
        url = notify.url or default_url
        planned_probe = store.take_fault("pay/notify:probe")
        if probe or planned_probe is not None:
            headers, body = build_notify(keys, notify, now_ts, bad_signature=True)
            sent.append((notify.notify_id, _status(sender(url, headers, body.encode())), "probe"))
        copies = duplicates
        planned_dup = store.take_fault("pay/notify:duplicate")
        if planned_dup is not None:
            copies = max(copies, planned_dup.errcode or 2)
        acknowledged = False
        status = 0
        for _ in range(copies):
            headers, body = build_notify(keys, notify, now_ts)
            try:
                status = int(_status(sender(url, headers, body.encode())))
            except Exception:  # the merchant's endpoint did not answer: retry later
                status = 0
            sent.append((notify.notify_id, status, "notify"))
            acknowledged = acknowledged or 200 <= status < 300
        notify.attempts += 1
        notify.last_status = status
        if acknowledged:
            notify.delivered_at = now
        elif notify.attempts <= len(RETRY_AFTER):
            notify.next_at = now + dt.timedelta(seconds=RETRY_AFTER[notify.attempts - 1])
        else:
            notify.delivered_at = now  # WeChat gives up after its last retry
        notify.save()
        store.record("pay_notify_sent", notify.out_bill_no, {"id": notify.notify_id, "status": status})
    return sent


def client_sender(client):
    """A sender that posts to the Flask test `client` (the path of the notify URL)."""

    def send(url, headers, body):
        path = urlsplit(url).path or "/wechat/pay/notify"
        return client.post(path, data=body, headers=headers).status_code

    return send


def http_sender(timeout=5):
    """A sender that posts over HTTP (the dev CLI, to the running service)."""
    import requests

    def send(url, headers, body):
        try:
            return requests.post(url, data=body, headers=headers, timeout=timeout).status_code
        except requests.RequestException:
            return 0

    return send
