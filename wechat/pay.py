"""The one seam around wechatpayv3: 商家转账 transfer bills, the fund-flow bill and result notifies.

wechatpayv3 sends with module-level `requests.get/post`; each call made here routes them through this client's
Session (in sandbox mode one with the in-process WSGI adapter mounted) and turns the package's bare Exceptions
and HTTP answers into PayAmbiguous (outcome unknown: query the same out_bill_no) or PayRejected (definite).
"""

import datetime as dt
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field

import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from wechatpayv3 import WeChatPay
from wechatpayv3 import WeChatPayType

from wechat import pay_route
from wechat.pay_bill_csv import parse_fundflow_csv

NOTIFY_MAX_SKEW = 300
OUT_BILL_NO = re.compile(r"^[A-Za-z0-9]{1,32}$")
SUCCESS_STATES = frozenset({"SUCCESS"})
FAILED_STATES = frozenset({"FAIL", "CANCELLED"})
PENDING_STATES = frozenset({"ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING", "CANCELING"})


class PayError(Exception):
    pass


class PayAmbiguous(PayError):
    """The outcome is unknown (timeout, connection error, 5xx, unverifiable answer): query, never re-issue."""


class PayRejected(PayError):
    """WeChat Pay definitely refused the request."""

    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class PayNotFound(PayRejected):
    """WeChat Pay has no bill with this number."""


class NotifyRejected(PayError):
    """A notify that is forged, a probe, stale or undecryptable: answer 4xx and change nothing."""


def outcome(state):
    """'success', 'failed' or 'pending' for a WeChat transfer-bill state (unknown states stay pending)."""
    if state in SUCCESS_STATES:
        return "success"
    if state in FAILED_STATES:
        return "failed"
    return "pending"


@dataclass
class Bill:
    out_bill_no: str
    state: str
    transfer_bill_no: str = ""
    package_info: str = ""
    amount_fen: int | None = None
    fail_reason: str = ""
    changed_at: dt.datetime | None = None  # WeChat's update_time, naive UTC
    raw: dict = field(default_factory=dict)

    @classmethod
    def from_answer(cls, data):
        return cls(
            out_bill_no=data.get("out_bill_no", ""),
            state=data.get("state", ""),
            transfer_bill_no=data.get("transfer_bill_no", ""),
            package_info=data.get("package_info", ""),
            amount_fen=data.get("transfer_amount"),
            fail_reason=data.get("fail_reason", ""),
            changed_at=parse_time(data.get("update_time")),
            raw=data,
        )


def parse_time(value):
    """WeChat Pay's RFC 3339 time (2025-01-15T10:00:00+08:00) as naive UTC; None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


pay_route.install()


def _public_key_pem(pem):
    """(public key PEM, certificate serial or None) from a public key or a platform certificate PEM."""
    if "BEGIN CERTIFICATE" in pem:
        cert = x509.load_pem_x509_certificate(pem.encode())
        key = cert.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return key.decode(), format(cert.serial_number, "X")
    return pem, None


class PayClient:
    """Merchant calls for 商家转账 (transfer scene 1005 by default) and notify verification."""

    def __init__(
        self,
        *,
        mchid,
        appid,
        private_key,
        cert_serial_no,
        apiv3_key,
        public_key,
        public_key_id=None,
        notify_url="",
        scene_id="1005",
        report_infos=None,
        session=None,
        timeout=(5, 15),
    ):
        public_pem, cert_serial = _public_key_pem(public_key)
        self.mchid = mchid
        self.appid = appid
        self.public_key_id = public_key_id or cert_serial
        self.notify_url = notify_url
        self.scene_id = str(scene_id)
        self.report_infos = report_infos or [
            {"info_type": "岗位类型", "info_content": "计件加工"},
            {"info_type": "报酬说明", "info_content": "计件报酬当日结算"},
        ]
        self.session = session or requests.Session()
        self._pay = WeChatPay(
            wechatpay_type=WeChatPayType.MINIPROG,
            mchid=mchid,
            private_key=private_key,
            cert_serial_no=cert_serial_no,
            appid=appid,
            apiv3_key=apiv3_key,
            notify_url=notify_url,
            timeout=timeout,
            public_key=public_pem,
            public_key_id=self.public_key_id,
        )

    @classmethod
    def from_config(cls, config, session=None):
        """A client from WECHATPAY_* settings (key files are read here, once)."""
        required = ("WECHATPAY_MCHID", "WECHATPAY_PRIVATE_KEY_PATH", "WECHATPAY_CERT_SERIAL_NO",
                    "WECHATPAY_APIV3_KEY", "WECHATPAY_PUBLIC_KEY_PATH")  # fmt: skip
        missing = [key for key in required if not config.get(key)]
        if missing:
            raise RuntimeError("WeChat Pay is not configured: set " + ", ".join(missing))
        with open(config["WECHATPAY_PRIVATE_KEY_PATH"], encoding="utf-8") as f:
            private_key = f.read()
        with open(config["WECHATPAY_PUBLIC_KEY_PATH"], encoding="utf-8") as f:
            public_key = f.read()
        return cls(
            mchid=config["WECHATPAY_MCHID"],
            appid=config.get("WECHATPAY_APPID") or config.get("WECHAT_MP_APPID", ""),
            private_key=private_key,
            cert_serial_no=config["WECHATPAY_CERT_SERIAL_NO"],
            apiv3_key=config["WECHATPAY_APIV3_KEY"],
            public_key=public_key,
            public_key_id=config.get("WECHATPAY_PUBLIC_KEY_ID") or None,
            notify_url=config.get("WECHATPAY_NOTIFY_URL", ""),
            scene_id=config.get("WECHATPAY_TRANSFER_SCENE_ID", "1005"),
            report_infos=[
                {"info_type": "岗位类型", "info_content": config.get("WECHATPAY_REPORT_JOB_TYPE", "计件加工")},
                {"info_type": "报酬说明", "info_content": config.get("WECHATPAY_REPORT_PAY_DESC", "计件报酬当日结算")},
            ],
            session=session,
            timeout=config.get("WECHATPAY_TIMEOUT", (5, 15)),
        )

    # --- API calls ------------------------------------------------------------------------------

    def _call(self, fn, *args, **kwargs):
        state = {"session": self.session, "sent": False}
        token = pay_route.call_state.set(state)
        try:
            code, body = fn(*args, **kwargs)
        except requests.RequestException as exc:
            raise PayAmbiguous(f"network: {exc.__class__.__name__}") from exc
        except Exception as exc:  # wechatpayv3 raises bare Exception for everything
            if state["sent"]:
                raise PayAmbiguous(f"answer not trusted: {exc}") from exc
            raise PayRejected("CLIENT_ERROR", str(exc), 0) from exc
        finally:
            pay_route.call_state.reset(token)
        return code, body

    def _json(self, fn, *args, **kwargs):
        code, body = self._call(fn, *args, **kwargs)
        try:
            data = json.loads(body) if body else {}
        except (TypeError, ValueError):
            data = None
        if 200 <= code < 300:
            if not isinstance(data, dict):
                raise PayAmbiguous(f"HTTP {code} with an unreadable body")
            return data
        if code >= 500 or code == 429 or not isinstance(data, dict) or not data.get("code"):
            raise PayAmbiguous(f"HTTP {code}")
        if code == 404 and data["code"] == "NOT_FOUND":
            raise PayNotFound(data["code"], data.get("message", ""), code)
        if 400 <= code < 500:
            raise PayRejected(data["code"], data.get("message", ""), code)
        raise PayAmbiguous(f"HTTP {code}")

    def create_transfer(self, out_bill_no, openid, amount_fen, remark, user_name=None):
        """Ask WeChat Pay to transfer `amount_fen` to `openid` under our number `out_bill_no` (idempotent)."""
        if not OUT_BILL_NO.match(out_bill_no or ""):
            raise ValueError("out_bill_no must be 1-32 letters or digits")
        data = self._json(
            self._pay.mch_transfer_bills,
            out_bill_no=out_bill_no,
            transfer_scene_id=self.scene_id,
            openid=openid,
            transfer_amount=int(amount_fen),
            transfer_remark=remark[:32],
            user_name=user_name or None,
            transfer_scene_report_infos=self.report_infos,
            notify_url=self.notify_url or None,
        )
        return Bill.from_answer(data)

    def query_transfer(self, out_bill_no):
        """The bill WeChat Pay holds under `out_bill_no`; PayNotFound when there is none."""
        return Bill.from_answer(self._json(self._pay.mch_transfer_bills_query, out_bill_no=out_bill_no))

    def cancel_transfer(self, out_bill_no):
        """Withdraw a bill the worker has not confirmed (it ends CANCELLED; the answer says CANCELING)."""
        return Bill.from_answer(self._json(self._pay.mch_transfer_bills_cancel, out_bill_no))

    def fundflow_bill(self, day):
        """Rows of the fund-flow bill of Beijing date `day`: amounts in fen, back-ticks stripped."""
        meta = self._json(self._pay.fundflow_bill, bill_date=day.isoformat(), account_type="BASIC", tar_type="GZIP")
        code, content = self._call(self._pay.download_bill, meta["download_url"])
        if code != 200 or not isinstance(content, bytes):
            raise PayAmbiguous(f"bill download HTTP {code}")
        raw = gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content
        if meta.get("hash_type", "SHA1") == "SHA1" and hashlib.sha1(raw).hexdigest() != meta.get("hash_value"):
            raise PayAmbiguous("bill file hash mismatch")
        return parse_fundflow_csv(raw.decode("utf-8-sig"))

    # --- notifies -------------------------------------------------------------------------------

    def parse_notify(self, headers, raw_body, now):
        """The verified, decrypted notify: signature over the raw body, timestamp within 300 s of `now`."""
        get = headers.get
        signature = get("Wechatpay-Signature") or ""
        timestamp = get("Wechatpay-Timestamp") or ""
        serial = get("Wechatpay-Serial") or ""
        if not signature or not timestamp.isdigit() or not get("Wechatpay-Nonce"):
            raise NotifyRejected("missing Wechatpay headers")
        if signature.startswith("WECHATPAY/SIGNTEST/"):
            raise NotifyRejected("probe signature")
        if serial != self.public_key_id:
            raise NotifyRejected("unknown Wechatpay-Serial")
        now_ts = now.replace(tzinfo=dt.timezone.utc).timestamp() if isinstance(now, dt.datetime) else float(now)
        if abs(now_ts - int(timestamp)) > NOTIFY_MAX_SKEW:
            raise NotifyRejected("stale timestamp")
        body = raw_body.decode("utf-8") if isinstance(raw_body, bytes) else raw_body
        plain_headers = {
            "Wechatpay-Signature": signature,
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": get("Wechatpay-Nonce"),
            "Wechatpay-Serial": serial,
            "Wechatpay-Signature-Type": get("Wechatpay-Signature-Type") or "WECHATPAY2-SHA256-RSA2048",
        }
        try:
            result = self._pay.callback(plain_headers, body)
        except Exception as exc:
            raise NotifyRejected(f"not verifiable: {exc}") from exc
        if not result or not isinstance(result.get("resource"), dict):
            raise NotifyRejected("bad signature or undecryptable resource")
        return result
