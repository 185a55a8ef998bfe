"""What the console's views share: the sign-in decorator, form parsing and the once-only submit of a form."""

import functools
from decimal import Decimal
from decimal import InvalidOperation

from flask import flash
from flask import g
from flask import redirect
from flask import request
from flask import url_for

from services import idempotency
from services.errors import BadRequest
from services.errors import Forbidden
from services.validate import request_id as valid_request_id


def signed_in(*roles):
    """The view needs a signed-in staff member (of one of `roles` when given)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("staff") is None:
                return redirect(url_for("console.login", next=request.full_path if request.method == "GET" else None))
            if roles and g.staff.role not in roles:
                raise Forbidden("您的角色不能进行这个操作", code="role_forbidden")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def writer():
    return signed_in("admin", "station")


def form_text(name, default=""):
    value = request.form.get(name)
    return default if value is None else value.strip()


def form_int(name, label, required=True, default=0):
    raw = (request.form.get(name) or "").strip()
    if raw == "":
        if required:
            raise BadRequest(f"请填写{label}", code="invalid_" + name)
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # "²" is a digit to isdigit, not to int
        raise BadRequest(f"{label}必须是整数", code="invalid_" + name)
    return int(raw)


def form_fen(name, label, required=True):
    """An amount typed in yuan ('0.12') as integer fen."""
    raw = (request.form.get(name) or "").strip()
    if raw == "" and not required:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadRequest(f"{label}请填写金额，例如 0.12", code="invalid_" + name) from None
    if not value.is_finite() or value <= 0 or value > 100000 or value != value.quantize(Decimal("0.01")):
        raise BadRequest(f"{label}应大于 0，最多两位小数", code="invalid_" + name)
    return int(value * 100)


def once(act, done_url, message=None):
    """Run `act(request_id)` with the form's request id, which the service's unit of work keys by the signed-in staff
    member in the write's own transaction: a double tap or a resent form does the work once, and a form whose write
    failed (a database error) does it when sent again."""
    rid = valid_request_id(request.form.get("request_id"))
    if idempotency.seen(g.staff, rid):
        flash("这个操作已经提交过了，没有重复执行", "info")
        return redirect(done_url, 303)
    target = act(rid) or done_url
    if message:
        flash(message, "ok")
    return redirect(target, 303)
