"""WeChat Pay result notify endpoint: POST /wechat/pay/notify (raw body verified before anything parses it)."""

from flask import Blueprint
from flask import jsonify
from flask import request

from handlers.common import now
from services.errors import DomainError
from services.payouts import notify as payout_notify

bp = Blueprint("pay_notify", __name__)


@bp.post("/wechat/pay/notify")
def notify():
    raw = request.get_data(cache=True)
    try:
        payout_notify.handle_notify(request.headers, raw, now())
    except DomainError as exc:
        # WeChat's error shape; a 4xx tells WeChat (and probes) it was refused, and nothing changed.
        return jsonify({"code": "FAIL", "message": exc.message}), exc.status
    return "", 204
