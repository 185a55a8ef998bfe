"""Workers and staff: mini-program login, phone binding, profile, staff sign-in and bearer tokens."""

import datetime as dt
import hashlib
import secrets

from peewee import JOIN
from peewee import IntegrityError
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from models import AuthToken
from models import Staff
from models import Station
from models import Worker
from models import db
from prepared import Arg
from prepared import Prepared
from prepared import as_model
from prepared import model_columns
from services import validate
from services.errors import BadRequest
from services.errors import NotFound
from services.errors import Unauthorized
from services.errors import Unavailable
from services.unit import transaction
from wechat.errors import WeChatError

WORKER_TOKEN_TTL = dt.timedelta(days=30)
STAFF_TOKEN_TTL = dt.timedelta(hours=12)
ROLES = ("admin", "station", "counsellor")


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(now, worker=None, staff=None):
    """A new opaque bearer token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    ttl = WORKER_TOKEN_TTL if worker is not None else STAFF_TOKEN_TTL
    AuthToken.create(token_hash=_hash(token), worker=worker, staff=staff, expires_at=now + ttl, created_at=now)
    return token, now + ttl


def resolve_token(token, now):
    """The live AuthToken for a bearer token, or None."""
    if not token or len(token) > 128:
        return None
    row = (
        AuthToken.select(AuthToken, Worker, Staff)
        .join(Worker, JOIN.LEFT_OUTER, on=(AuthToken.worker == Worker.id))
        .switch(AuthToken)
        .join(Staff, JOIN.LEFT_OUTER, on=(AuthToken.staff == Staff.id))
        .where(AuthToken.token_hash == _hash(token))
        .first()
    )
    if row is None or row.expires_at <= now:
        return None
    return row


_WORKER_COLUMNS = model_columns(Worker)
_WORKER_BY_TOKEN = Prepared(
    lambda: (
        Worker.select()
        .join(AuthToken, on=(AuthToken.worker == Worker.id))
        .where((AuthToken.token_hash == Arg("token_hash")) & (AuthToken.expires_at > Arg("now")))
    )
)


def worker_for_token(token, now):
    """The worker holding a live bearer token, or None (the hot path of every worker request: one statement)."""
    if not token or len(token) > 128:
        return None
    row = _WORKER_BY_TOKEN.first(token_hash=_hash(token), now=now)
    return None if row is None else as_model(Worker, _WORKER_COLUMNS, row)


def revoke_token(token):
    AuthToken.delete().where(AuthToken.token_hash == _hash(token)).execute()


def login_worker(wechat, code, now):
    """Exchange a wx.login code for a worker (created on first login) and a session token."""
    if not isinstance(code, str) or not code.strip() or len(code) > 128:
        raise BadRequest("登录凭证不能为空", code="invalid_code")
    try:
        session = wechat.code_to_session(code.strip())
    except WeChatError as exc:
        if exc.errcode in (40029, 40163, 40226):
            raise Unauthorized("登录凭证无效或已过期，请重新打开小程序", code="invalid_code") from exc
        raise Unavailable("微信服务暂时不可用，请稍后再试", code="wechat_unavailable") from exc
    openid = session["openid"]
    unionid = session.get("unionid")
    with transaction():
        worker = Worker.get_or_none(Worker.mp_openid == openid)
        if worker is None:
            worker = _create_worker(openid, unionid, session["session_key"], now)
        else:
            fields = {Worker.session_key: session["session_key"], Worker.last_seen_at: now}
            if unionid and not worker.unionid:
                fields[Worker.unionid] = unionid
            Worker.update(fields).where(Worker.id == worker.id).execute()
            worker = Worker.get_by_id(worker.id)
        token, expires_at = issue_token(now, worker=worker)
    return worker, token, expires_at


def _create_worker(openid, unionid, session_key, now):
    try:
        with db.atomic():
            return Worker.create(
                mp_openid=openid, unionid=unionid, session_key=session_key, created_at=now, last_seen_at=now
            )
    except IntegrityError:
        return Worker.get(Worker.mp_openid == openid)


def bind_phone(wechat, worker, code):
    """Bind the worker's phone with a single-use getuserphonenumber code."""
    if not isinstance(code, str) or not code.strip() or len(code) > 128:
        raise BadRequest("手机号授权码不能为空", code="invalid_code")
    try:
        phone = wechat.phone_number(code.strip())
    except WeChatError as exc:
        if exc.errcode in (40029, 40163, 40013):
            raise BadRequest("手机号授权已失效，请重新授权", code="invalid_code") from exc
        raise Unavailable("微信服务暂时不可用，请稍后再试", code="wechat_unavailable") from exc
    with transaction():
        Worker.update(phone=phone).where(Worker.id == worker.id).execute()
    return Worker.get_by_id(worker.id)


def update_profile(worker, name=None, home_station_id=None, real_name=None):
    """Set the worker's name, home station and (for large payouts) real name."""
    fields = {}
    if name is not None:
        fields[Worker.name] = _clean_name(name, "姓名")
    if real_name is not None:
        fields[Worker.real_name] = _clean_name(real_name, "真实姓名")
    if home_station_id is not None:
        home_station_id = validate.positive_int(home_station_id, "驿站", "home_station_id", validate.MAX_ID)
        if Station.get_or_none(Station.id == home_station_id) is None:
            raise NotFound("没有这个驿站", code="station_not_found")
        fields[Worker.home_station] = home_station_id
    if not fields:
        raise BadRequest("没有要修改的内容", code="empty_update")
    with transaction():
        Worker.update(fields).where(Worker.id == worker.id).execute()
    return Worker.get_by_id(worker.id)


def _clean_name(value, label):
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 50:
        raise BadRequest(f"{label}应为 1 到 50 个字", code="invalid_name")
    return value.strip()


def create_staff(username, password, role, station=None, name="", now=None):
    """Create a staff account; station staff and counsellors belong to one station."""
    if role not in ROLES:
        raise BadRequest("unknown role", code="invalid_role")
    if role != "admin" and station is None:
        raise BadRequest("station staff need a station", code="station_required")
    if not username or not password or len(password) < 8:
        raise BadRequest("username and a password of 8+ characters are required", code="invalid_credentials")
    try:
        with transaction():
            return Staff.create(
                username=username,
                password_hash=generate_password_hash(password),
                role=role,
                station=station,
                name=name or username,
            )
    except IntegrityError as exc:
        raise BadRequest("username already exists", code="duplicate_username") from exc


def authenticate_staff(username, password):
    """The active staff member with these credentials, or Unauthorized."""
    staff = Staff.get_or_none((Staff.username == username) & (Staff.active == True))  # noqa: E712
    if staff is None or not check_password_hash(staff.password_hash, password or ""):
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    return staff


def login_staff(username, password, now):
    staff = authenticate_staff(username, password)
    token, expires_at = issue_token(now, staff=staff)
    return staff, token, expires_at
