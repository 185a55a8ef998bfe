"""The gig-worker registry (零工登记): skills, availability (weekdays and hours) and preferred stations; for
counsellors and admins only, the hard-to-place category and service tier (分级服务). An ID number is never stored:
only its HMAC-SHA256 keyed with the server secret and its last four characters, shown to admins alone.
"""

import hashlib
import hmac
import uuid

from peewee import IntegrityError

from models import Skill
from models import Station
from models import Worker
from models import WorkerRegistration
from models import WorkerSkill
from models import WorkerStation
from models import WorkerSupport
from models import db
from services import runtime
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import Forbidden
from services.errors import NotFound
from services.errors import Unavailable
from services.people.scope import ensure_counsellor
from services.people.scope import ensure_station
from services.people.scope import ensure_worker_in_scope
from services.people.scope import sees_support
from services.people.scope import station_ids_for

CATEGORIES = {"long_wait": "待工时间长", "low_income": "低收入家庭", "disabled": "残疾", "older": "大龄"}
TIERS = (1, 2, 3)  # 1: the highest (most help)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # GB 11643: ISO 7064 MOD 11-2


def id_number_hash(number):
    """The keyed hash stored for an ID number (the server secret never leaves the server)."""
    secret = runtime.settings().secret_key or ""
    if not secret:
        raise Unavailable("服务器未配置密钥，不能登记身份证号", code="no_secret")
    key = hmac.new(secret.encode(), b"lingong:id-number", hashlib.sha256).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def save_registration(actor, worker_id, data, now, request_id=None):
    """A worker edits their own registration; station staff, counsellors and admins edit one at the desk."""
    worker = _worker(worker_id)
    _ensure_may_edit(actor, worker)
    fields, skills, stations = _clean(data)

    def save():
        registration = _write(worker.id, fields, skills, stations, actor, now)
        if not isinstance(actor, Worker):
            unit.audit("registry.save", registration, worker.home_station_id, worker=worker.id)
        return registration

    return unit.apply(actor, request_id, f"registry.save:{worker.id}", save, WorkerRegistration.get_by_id, now)


def register_walk_in(staff, data, now, request_id=None):
    """The desk registers a walk-in without the mini-program: a worker account of the desk's own, then the
    registration (the worker can be linked to their WeChat later)."""
    if staff.role not in ("admin", "station", "counsellor"):
        raise Forbidden("没有权限", code="role_forbidden")
    name = validate.text(data.get("name"), "姓名", "name", 50)
    phone = validate.text(data.get("phone", ""), "电话", "phone", 32, False)
    home = data.get("home_station_id", staff.station_id)
    if home is not None:
        ensure_station(staff, home)
        if Station.get_or_none(Station.id == home) is None:
            raise NotFound("没有这个驿站", code="station_not_found")
    fields, skills, stations = _clean(data)

    def create():
        worker = Worker.create(mp_openid=f"desk:{uuid.uuid4().hex}", name=name, real_name=name, phone=phone,
                               home_station=home, created_at=now, last_seen_at=now)  # fmt: skip
        registration = _write(worker.id, fields, skills, stations, staff, now)
        unit.audit("registry.walk_in", registration, home, worker=worker.id)
        return registration

    return unit.apply(staff, request_id, "registry.walk_in", create, WorkerRegistration.get_by_id, now)


def set_support(staff, worker_id, category, tier, now, request_id=None):
    """A counsellor (or admin) sets a worker's hard-to-place category and service tier; None clears it."""
    ensure_counsellor(staff)
    worker = _worker(worker_id)
    if category is not None:
        if category not in CATEGORIES:
            raise BadRequest("类别应为：" + "、".join(CATEGORIES.values()), code="invalid_category", field="category")
        if tier not in TIERS:
            raise BadRequest("服务等级应为 1、2 或 3", code="invalid_tier", field="tier")

    def change():
        WorkerSupport.delete().where(WorkerSupport.worker == worker.id).execute()
        unit.audit("registry.support", worker, worker.home_station_id, category=category, tier=tier)
        if category is None:
            return worker
        return WorkerSupport.create(worker=worker.id, category=category, tier=tier, set_by=staff.id, updated_at=now)

    return unit.apply(staff, request_id, f"registry.support:{worker.id}", change, lambda _id: _support_or(worker), now)


def registration_of(viewer, worker_id):
    """A worker's registration as a plain dict: a worker sees only their own; the category and tier only for
    counsellors and admins; the ID number's last four only for admins."""
    worker = _worker(worker_id)
    if isinstance(viewer, Worker):
        if viewer.id != worker.id:
            raise Forbidden("只能查看自己的登记", code="not_own")
    else:
        ensure_worker_in_scope(viewer, worker)
    return _dicts([worker.id], viewer)[0]


def search_registry(staff, skill_id=None, station_id=None, weekday=None, limit=100):
    """Registered workers in the staff member's scope (home or preferred station) by skill, station and weekday."""
    if isinstance(staff, Worker):
        raise Forbidden("没有权限", code="role_forbidden")
    query = WorkerRegistration.select(WorkerRegistration.worker).join(Worker)
    allowed = station_ids_for(staff)
    if allowed is not None:
        preferred = WorkerStation.select(WorkerStation.worker).where(WorkerStation.station.in_(list(allowed)))
        query = query.where(Worker.home_station.in_(list(allowed)) | Worker.id.in_(preferred))
    if skill_id is not None:
        query = query.where(Worker.id.in_(WorkerSkill.select(WorkerSkill.worker).where(WorkerSkill.skill == skill_id)))
    if station_id is not None:
        at = WorkerStation.select(WorkerStation.worker).where(WorkerStation.station == station_id)
        query = query.where((Worker.home_station == station_id) | Worker.id.in_(at))
    if weekday is not None:
        query = query.where(WorkerRegistration.weekdays.contains(str(weekday)))
    ids = [w for (w,) in query.order_by(WorkerRegistration.worker).limit(limit).tuples()]
    return _dicts(ids, staff)


def _dicts(worker_ids, viewer):
    regs = {r.worker_id: r for r in WorkerRegistration.select().where(WorkerRegistration.worker.in_(worker_ids))}
    skills, stations = {}, {}
    for w, s, name in (
        WorkerSkill.select(WorkerSkill.worker, Skill.id, Skill.name)
        .join(Skill)
        .where(WorkerSkill.worker.in_(worker_ids))
        .tuples()
    ):
        skills.setdefault(w, []).append({"id": s, "name": name})
    for w, s in (
        WorkerStation.select(WorkerStation.worker, WorkerStation.station)
        .where(WorkerStation.worker.in_(worker_ids))
        .tuples()
    ):
        stations.setdefault(w, []).append(s)
    support = {}
    if not isinstance(viewer, Worker) and sees_support(viewer):
        support = {s.worker_id: s for s in WorkerSupport.select().where(WorkerSupport.worker.in_(worker_ids))}
    admin = not isinstance(viewer, Worker) and viewer.role == "admin"
    out = []
    for worker_id in worker_ids:
        reg = regs.get(worker_id)
        row = {
            "worker_id": worker_id, "registered": reg is not None, "weekdays": reg.weekdays if reg else "",
            "hour_from": reg.hour_from if reg else None, "hour_to": reg.hour_to if reg else None,
            "skills": skills.get(worker_id, []), "station_ids": sorted(stations.get(worker_id, [])),
            "id_on_file": bool(reg and reg.id_hash),
        }  # fmt: skip
        if admin:
            row["id_last4"] = reg.id_last4 if reg else ""
        if worker_id in support:
            row["support"] = {"category": support[worker_id].category, "tier": support[worker_id].tier}
        elif not isinstance(viewer, Worker) and sees_support(viewer):
            row["support"] = None
        out.append(row)
    return out


def _write(worker_id, fields, skills, stations, actor, now):
    registration = WorkerRegistration.get_or_none(WorkerRegistration.worker == worker_id)
    values = {k: v for k, v in fields.items() if k not in ("id_number",)}
    number = fields.get("id_number")
    if number:
        values.update(id_hash=id_number_hash(number), id_last4=number[-4:])
    staff_id = None if isinstance(actor, Worker) else actor.id
    try:
        with db.atomic():
            if registration is None:
                registration = WorkerRegistration.create(worker=worker_id, registered_by=staff_id, created_at=now,
                                                         updated_at=now, **values)  # fmt: skip
            else:
                WorkerRegistration.update(updated_at=now, **values).where(
                    WorkerRegistration.id == registration.id
                ).execute()
    except IntegrityError as exc:
        raise Conflict("这个身份证号已被其他零工登记", code="duplicate_id_number") from exc
    if skills is not None:
        WorkerSkill.delete().where(WorkerSkill.worker == worker_id).execute()
        for skill_id in skills:
            WorkerSkill.create(worker=worker_id, skill=skill_id)
    if stations is not None:
        WorkerStation.delete().where(WorkerStation.worker == worker_id).execute()
        for station_id in stations:
            WorkerStation.create(worker=worker_id, station=station_id)
    return WorkerRegistration.get(WorkerRegistration.worker == worker_id)


def _clean(data):
    if not isinstance(data, dict):
        raise BadRequest("请求内容应为 JSON 对象", code="invalid_body")
    fields = {}
    if "weekdays" in data:
        days = data["weekdays"]
        if not isinstance(days, list) or any(d not in range(1, 8) or isinstance(d, bool) for d in days):
            raise BadRequest("空闲日应为 1（周一）到 7（周日）", code="invalid_weekdays", field="weekdays")
        fields["weekdays"] = "".join(str(d) for d in sorted(set(days)))
    for name in ("hour_from", "hour_to"):
        if name in data:
            fields[name] = validate.non_negative_int(data[name], "空闲时段", name, 24)
    if fields.get("hour_from", 0) > fields.get("hour_to", 24):
        raise BadRequest("空闲时段的开始应早于结束", code="invalid_hours", field="hour_from")
    if data.get("id_number"):
        fields["id_number"] = _id_number(data["id_number"])
    skills = _ids(data, "skill_ids", Skill, "技能")
    stations = _ids(data, "station_ids", Station, "驿站")
    return fields, skills, stations


def _ids(data, name, model, label):
    if name not in data:
        return None
    values = data[name]
    if not isinstance(values, list):
        raise BadRequest(f"{name} 应为列表", code="invalid_" + name, field=name)
    wanted = sorted({validate.positive_int(v, label, name, validate.MAX_ID) for v in values})
    if model.select().where(model.id.in_(wanted)).count() != len(wanted):
        raise NotFound(f"没有这个{label}", code=name + "_not_found")
    return wanted


def _id_number(value):
    number = value.strip().upper() if isinstance(value, str) else ""
    ok = len(number) == 18 and number[:17].isdigit() and number.isascii()
    if not ok or _ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True)) % 11] != number[17]:
        raise BadRequest("身份证号不正确，请核对", code="invalid_id_number", field="id_number")
    return number


def _worker(worker_id):
    worker = Worker.get_or_none(Worker.id == worker_id)
    if worker is None:
        raise NotFound("没有这个零工", code="worker_not_found")
    return worker


def _ensure_may_edit(actor, worker):
    if isinstance(actor, Worker):
        if actor.id != worker.id:
            raise Forbidden("只能修改自己的登记", code="not_own")
        return
    if actor.role not in ("admin", "station", "counsellor"):
        raise Forbidden("没有权限", code="role_forbidden")
    if worker.home_station_id is not None:
        ensure_station(actor, worker.home_station_id)


def _support_or(worker):
    return WorkerSupport.get_or_none(WorkerSupport.worker == worker.id) or worker
