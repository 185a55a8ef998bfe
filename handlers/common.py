"""What every JSON handler shares: bearer-token auth decorators, body parsing, the clock."""

import functools

from flask import current_app
from flask import g
from flask import request

from handlers import edge
from models import utcnow
from services.errors import BadRequest
from services.errors import Forbidden
from services.errors import Unauthorized
from services.people.accounts import resolve_token
from services.people.accounts import worker_for_token


def now():
    """The request's clock (tests may pin it with config NOW_OVERRIDE)."""
    pinned = current_app.config.get("NOW_OVERRIDE")
    return pinned() if callable(pinned) else utcnow()


def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def bearer_token():
    """The request's bearer token ('' without one): what a sign-out revokes."""
    return _bearer()


def worker_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        worker = worker_for_token(_bearer(), now())
        if worker is None:
            raise Unauthorized("请先登录", code="login_required")
        g.worker = worker
        return view(*args, **kwargs)

    return wrapped


def staff_required(*roles, employers=False):
    """The view needs a signed-in staff member (of one of `roles` when given). An employer's account is market
    staff's only where `roles` names it or `employers` lets it in (signing out): elsewhere it is not signed in."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            row = resolve_token(_bearer(), now())
            if row is None or row.staff_id is None or not row.staff.active:
                raise Unauthorized("请先登录", code="login_required")
            if row.staff.role == "employer" and not roles and not employers:
                raise Unauthorized("请用零工市场工作人员账号登录", code="login_required")
            if roles and row.staff.role not in roles:
                raise Forbidden("没有权限", code="role_forbidden")
            g.staff = row.staff
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body():
    """The request's JSON object (parsed and checked at the edge), its fields of the types the OpenAPI document
    declares; or a clear 400."""
    if not request.is_json:
        raise BadRequest("请用 JSON 格式提交", code="json_required")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("请求内容不是有效的 JSON 对象", code="invalid_json")
    return edge.check_body(data)


def query_args():
    """The request's query parameters as the operation's query model declares them (a clear 400 otherwise)."""
    return edge.query()


def next_before_id(rows, limit):
    """The paging rule's cursor: the last row's id when the page is full, else None (the last page)."""
    return rows[-1].id if len(rows) == limit and rows else None


def wechat_mp():
    return current_app.extensions["wechat_mp"]
