"""Sandbox of api.mch.weixin.qq.com: 商家转账 transfer bills (create, query, cancel) and the fund-flow bill.

Requests must carry a valid merchant signature (WECHATPAY2-SHA256-RSA2048); every 2xx answer is signed with
the sandbox's platform key in WeChat-Pay-public-key mode. Faults (store.add_fault): `pay/transfer-bills` answers
before acting, `pay/transfer-bills:after` after the bill exists (status 599 = read timeout), `pay/query`,
`pay/cancel`, `pay/fundflowbill`.
"""

import datetime as dt
import gzip
import hashlib
import json
import re
import secrets
import time

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request

from models import utcnow
from wechat.sandbox import pay_bills
from wechat.sandbox import pay_fundflow
from wechat.sandbox import store
from wechat.sandbox.pay_bills import BillError
from wechat.sandbox.pay_crypto import decrypt_field
from wechat.sandbox.pay_crypto import load_keys
from wechat.sandbox.pay_crypto import signed_headers
from wechat.sandbox.pay_crypto import verify_authorization

bp = Blueprint("sandbox_pay", __name__)

PREFIX = "/v3/fund-app/mch-transfer/transfer-bills"
SCENE_ID = "1005"
SCENE_REPORT_TYPES = ("岗位类型", "报酬说明")
REAL_NAME_FROM_FEN = 200000
MIN_FEN = 10
OUT_BILL_NO = re.compile(r"^[A-Za-z0-9]{1,32}$")
FAULT_CODES = {400: "PARAM_ERROR", 401: "SIGN_ERROR", 403: "NOT_ENOUGH", 429: "FREQUENCY_LIMITED"}


def keys():
    config = current_app.config
    directory = config.get("SANDBOX_PAY_KEYS_DIR") or config.get("SERVICE_CONFIG", {}).get("SANDBOX_PAY_KEYS_DIR")
    return load_keys(directory)


def error(status, code, message):
    body = json.dumps({"code": code, "message": message}, ensure_ascii=False)
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def signed(payload, status=200):
    body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=status, headers=signed_headers(keys(), body), content_type="application/json")


def fault(name):
    """The answer a planned fault for `name` gives instead of the real one, or None."""
    planned = store.take_fault(name)
    if planned is None:
        return None
    store.record("pay_fault", name, {"status": planned.status})
    if planned.delay_ms:
        time.sleep(planned.delay_ms / 1000)
    if planned.status == 599:
        return Response("", status="599 Network Read Timeout")
    if planned.status >= 500:
        return error(planned.status, "SYSTEM_ERROR", "系统繁忙，请稍后重试")
    if planned.status >= 400:
        return error(planned.status, FAULT_CODES.get(planned.status, "INVALID_REQUEST"), "sandbox fault")
    return None


@bp.before_request
def authenticate():
    path = request.environ.get("PATH_INFO", "")
    query = request.environ.get("QUERY_STRING", "")
    reason = verify_authorization(
        keys(),
        request.method,
        path + ("?" + query if query else ""),
        request.get_data(as_text=True),
        request.headers.get("Authorization", ""),
    )
    if reason:
        store.record("pay_sign_error", path, {"reason": reason})
        return error(401, "SIGN_ERROR", reason)
    return None


@bp.errorhandler(BillError)
def bill_error(exc):
    return error(exc.status, exc.code, exc.message)


def _validate(body):
    """The transfer-bill request, checked as WeChat checks it; returns the decrypted user name (or "")."""
    if not isinstance(body, dict):
        raise BillError(400, "PARAM_ERROR", "请求体不是合法的JSON")
    if body.get("appid") not in current_app.config.get("SANDBOX_APPS", {}):
        raise BillError(400, "INVALID_REQUEST", "APPID不存在或未与商户号绑定")
    if not OUT_BILL_NO.match(str(body.get("out_bill_no", ""))):
        raise BillError(400, "PARAM_ERROR", "out_bill_no 只能由数字、大小写字母组成，最长32位")
    if str(body.get("transfer_scene_id", "")) != SCENE_ID:
        raise BillError(400, "INVALID_REQUEST", "你尚未获取该转账场景")
    infos = body.get("transfer_scene_report_infos") or []
    reported = {i.get("info_type"): i.get("info_content") for i in infos if isinstance(i, dict)}
    for info_type in SCENE_REPORT_TYPES:
        if not reported.get(info_type):
            raise BillError(400, "PARAM_ERROR", f"转账场景报备信息缺少“{info_type}”")
    if not body.get("openid") or len(str(body["openid"])) > 64:
        raise BillError(400, "PARAM_ERROR", "openid 不能为空")
    amount = body.get("transfer_amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < MIN_FEN:
        raise BillError(400, "PARAM_ERROR", "转账金额不能低于0.1元")
    remark = body.get("transfer_remark")
    if not remark or len(remark) > 32:
        raise BillError(400, "PARAM_ERROR", "transfer_remark 必填，最多32个字符")
    user_name = ""
    if body.get("user_name"):
        if request.headers.get("Wechatpay-Serial") != keys().public_key_id:
            raise BillError(400, "PARAM_ERROR", "Wechatpay-Serial 与加密所用的微信支付公钥不一致")
        try:
            user_name = decrypt_field(keys(), body["user_name"])
        except Exception:
            raise BillError(400, "PARAM_ERROR", "user_name 解密失败") from None
    if amount >= REAL_NAME_FROM_FEN and not user_name:
        raise BillError(400, "PARAM_ERROR", "转账金额大于等于2000元时，收款用户姓名必填")
    return user_name


@bp.post(PREFIX)
def create_transfer_bill():
    planned = fault("pay/transfer-bills")
    if planned is not None:
        return planned
    body = request.get_json(silent=True)
    user_name = _validate(body)
    bill = pay_bills.create_bill(keys().mchid, body, user_name, now=utcnow())
    store.record("pay_transfer_bill", bill.out_bill_no, {"amount": bill.amount, "openid": bill.openid})
    after = fault("pay/transfer-bills:after")
    if after is not None:
        return after
    answer = {
        "out_bill_no": bill.out_bill_no,
        "transfer_bill_no": bill.transfer_bill_no,
        "create_time": pay_bills.rfc3339(bill.created_at),
        "state": bill.state,
    }
    if bill.state == "WAIT_USER_CONFIRM":
        answer["package_info"] = bill.package_info
    if bill.fail_reason:
        answer["fail_reason"] = bill.fail_reason
    return signed(answer)


def _query(bill):
    planned = fault("pay/query")
    if planned is not None:
        return planned
    if bill is None:
        return error(404, "NOT_FOUND", "记录不存在")
    if bill.state == "WAIT_USER_CONFIRM" and utcnow() - bill.created_at >= pay_bills.CONFIRM_WINDOW:
        pay_bills.expire_unconfirmed(utcnow())
        bill = pay_bills.get_bill(bill.out_bill_no)
    return signed(pay_bills.describe(bill))


@bp.get(PREFIX + "/out-bill-no/<out_bill_no>")
def query_by_out_bill_no(out_bill_no):
    return _query(pay_bills.get_bill(out_bill_no))


@bp.get(PREFIX + "/transfer-bill-no/<transfer_bill_no>")
def query_by_transfer_bill_no(transfer_bill_no):
    bill = store.SandboxPayBill.get_or_none(store.SandboxPayBill.transfer_bill_no == transfer_bill_no)
    return _query(bill)


@bp.post(PREFIX + "/out-bill-no/<out_bill_no>/cancel")
def cancel_transfer_bill(out_bill_no):
    planned = fault("pay/cancel")
    if planned is not None:
        return planned
    bill = pay_bills.cancel(out_bill_no, now=utcnow())
    return signed(
        {
            "out_bill_no": bill.out_bill_no,
            "transfer_bill_no": bill.transfer_bill_no,
            "state": "CANCELING",
            "update_time": pay_bills.rfc3339(bill.updated_at),
        }
    )


@bp.get("/v3/bill/fundflowbill")
def fundflowbill():
    planned = fault("pay/fundflowbill")
    if planned is not None:
        return planned
    try:
        day = dt.date.fromisoformat(request.args.get("bill_date", ""))
    except ValueError:
        return error(400, "PARAM_ERROR", "bill_date 格式应为 YYYY-MM-DD")
    if day > pay_bills.beijing_date(utcnow()):
        return error(400, "NO_STATEMENT_EXIST", "账单日期不正确，账单尚未生成")
    if request.args.get("account_type", "BASIC") != "BASIC":
        return error(400, "PARAM_ERROR", "沙箱只提供基本账户(BASIC)的资金账单")
    raw = pay_fundflow.bill_csv(day).encode("utf-8")
    token = secrets.token_urlsafe(24)
    gzip_it = request.args.get("tar_type") == "GZIP"
    store.set_state("pay:bill_token:" + token, {"date": day.isoformat(), "gzip": gzip_it})
    return signed(
        {
            "download_url": "https://api.mch.weixin.qq.com/v3/billdownload/file?token=" + token,
            "hash_type": "SHA1",
            "hash_value": hashlib.sha1(raw).hexdigest(),
        }
    )


@bp.get("/v3/billdownload/file")
def billdownload():
    ticket = store.get_state("pay:bill_token:" + request.args.get("token", ""))
    if not ticket:
        return error(400, "PARAM_ERROR", "token 无效或已过期")
    raw = pay_fundflow.bill_csv(dt.date.fromisoformat(ticket["date"])).encode("utf-8")
    data = gzip.compress(raw) if ticket["gzip"] else raw
    return Response(data, status=200, content_type="application/octet-stream")
