"""Workers and staff: mini-program login, phone binding, profile, bearer tokens and console sessions, sign-out,
staff passwords and deactivation (staff sign-in itself is services/people/signin.py)."""

import datetime as dt
import hashlib
import secrets

from peewee import JOIN
from peewee import IntegrityError
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
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import NotFound
from services.errors import Unauthorized
from services.errors import Unavailable
from services.unit import transaction
from wechat.errors import WeChatError

WORKER_TOKEN_TTL = dt.timedelta(days=30)
STAFF_TOKEN_TTL = dt.timedelta(hours=12)
MAX_LIVE_TOKENS = 5
CONSOLE_PREFIX = "console-session:"
ROLES = ("admin", "station", "counsellor", "trainer", "employer")  # employer: an Employer's own account (matching)


def _hash(token, console=False):
    """SHA-256 of a token; a console session's handle is hashed under its own prefix, so a handle read from the
    (signed, not encrypted) session cookie matches no API token, and an API token opens no console session."""
    return hashlib.sha256((CONSOLE_PREFIX + token if console else token).encode()).hexdigest()


def issue_token(now, worker=None, staff=None, console=False):
    """A new opaque token (an API bearer token, or a console session handle); only its hash is stored.

    Signing in again keeps at most MAX_LIVE_TOKENS of the holder's tokens: the oldest and the expired go."""
    token = secrets.token_urlsafe(32)
    ttl = WORKER_TOKEN_TTL if worker is not None else STAFF_TOKEN_TTL
    with transaction():
        _prune_tokens(worker, staff, now)
        AuthToken.create(
            token_hash=_hash(token, console), worker=worker, staff=staff, expires_at=now + ttl, created_at=now
        )
    return token, now + ttl


def _prune_tokens(worker, staff, now):
    holder = (AuthToken.worker == worker.id) if worker is not None else (AuthToken.staff == staff.id)
    # Read first, then delete by primary key: a range DELETE on (holder, expires_at) takes gap locks on MySQL, and a
    # crowd of first sign-ins (no tokens to prune) then deadlocks on each other's inserts.
    rows = AuthToken.select(AuthToken.id, AuthToken.expires_at).where(holder).order_by(AuthToken.id.desc()).tuples()
    gone = [row_id for n, (row_id, expires_at) in enumerate(rows) if n >= MAX_LIVE_TOKENS - 1 or expires_at <= now]
    if gone:
        AuthToken.delete().where(AuthToken.id.in_(gone)).execute()


def _live(token_hash, now):
    row = (
        AuthToken.select(AuthToken, Worker, Staff)
        .join(Worker, JOIN.LEFT_OUTER, on=(AuthToken.worker == Worker.id))
        .switch(AuthToken)
        .join(Staff, JOIN.LEFT_OUTER, on=(AuthToken.staff == Staff.id))
        .where(AuthToken.token_hash == token_hash)
        .first()
    )
    if row is None or row.expires_at <= now:
        return None
    return row


def resolve_token(token, now):
    """The live AuthToken for an API bearer token, or None."""
    if not isinstance(token, str) or not token or len(token) > 128:
        return None
    return _live(_hash(token), now)


def console_session(handle, now):
    """The active staff member a console session handle belongs to, or None."""
    if not isinstance(handle, str) or not handle or len(handle) > 128:
        return None
    row = _live(_hash(handle, console=True), now)
    return row.staff if row is not None and row.staff_id is not None and row.staff.active else None


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


def sign_out(token, now, staff=None, console=False):
    """Revoke the presented token (or console session handle); a staff member's sign-out is audited."""
    with transaction(staff, now):
        AuthToken.delete().where(AuthToken.token_hash == _hash(token or "", console)).execute()
        if staff is not None:
            unit.audit("console.logout" if console else "api.logout", staff, staff.station_id)


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
    if role not in ("admin", "employer") and station is None:
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


def change_password(username, password, now, actor=None):
    """Set a staff member's password; every token and console session they hold is revoked."""
    _check_password(password)
    staff = _staff_named(username)
    with transaction(actor, now):
        Staff.update(password_hash=generate_password_hash(password)).where(Staff.id == staff.id).execute()
        revoked = AuthToken.delete().where(AuthToken.staff == staff.id).execute()
        unit.audit("staff.password_changed", staff, staff.station_id, revoked=revoked)
    return Staff.get_by_id(staff.id)


def deactivate_staff(username, now, actor=None):
    """Stop a staff member signing in; every token and console session they hold is revoked."""
    staff = _staff_named(username)
    with transaction(actor, now):
        Staff.update(active=False).where(Staff.id == staff.id).execute()
        revoked = AuthToken.delete().where(AuthToken.staff == staff.id).execute()
        unit.audit("staff.deactivated", staff, staff.station_id, revoked=revoked)
    return Staff.get_by_id(staff.id)


def _staff_named(username):
    staff = Staff.get_or_none(Staff.username == (username or "").strip())
    if staff is None:
        raise NotFound("没有这个工作人员账号", code="staff_not_found")
    return staff


def _check_password(password):
    if not isinstance(password, str) or len(password) < 8:
        raise BadRequest("密码至少 8 位", code="weak_password")
