"""Stations, enterprises and the piece-work jobs they supply. A rate change applies to new orders only."""

from peewee import IntegrityError

from models import Enterprise
from models import Job
from models import JobMaterial
from models import Station
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.people.scope import ensure_admin
from services.people.scope import ensure_station

MAX_RATE_FEN = 100_000
STATION_KINDS = ("market", "village")


def create_station(
    staff,
    name,
    kind="village",
    parent_id=None,
    address="",
    counsellor_name="",
    counsellor_phone="",
    now=None,
    request_id=None,
):
    """Admins open the county market and the village stations under it."""
    ensure_admin(staff)
    name = validate.text(name, "驿站名称", "name", 100)
    if kind not in STATION_KINDS:
        raise BadRequest("kind 只能是 market（县市场）或 village（乡村驿站）", code="invalid_kind")
    if parent_id is not None:
        parent_id = validate.positive_int(parent_id, "上级驿站", "parent_id", validate.MAX_ID)
    if parent_id is not None and Station.get_or_none(Station.id == parent_id) is None:
        raise NotFound("parent station not found", code="station_not_found")
    fields = {
        "name": name,
        "kind": kind,
        "parent": parent_id,
        "address": validate.text(address, "地址", "address", 200, False),
        "counsellor_name": validate.text(counsellor_name, "辅导员", "counsellor_name", 50, False),
        "counsellor_phone": validate.text(counsellor_phone, "辅导员电话", "counsellor_phone", 32, False),
    }

    def create():
        station = Station.create(**fields)
        unit.audit("station.create", station, station.id, name=name)
        return station

    try:
        return unit.apply(staff, request_id, "station.create", create, Station.get_by_id, now)
    except IntegrityError as exc:
        raise Conflict("已有同名驿站", code="duplicate_station") from exc


def create_enterprise(staff, name, industry="", contact_name="", contact_phone="", now=None, request_id=None):
    """Admins register an enterprise that supplies work."""
    ensure_admin(staff)
    fields = {
        "name": validate.text(name, "企业名称", "name", 100),
        "industry": validate.text(industry, "行业", "industry", 50, False),
        "contact_name": validate.text(contact_name, "联系人", "contact_name", 50, False),
        "contact_phone": validate.text(contact_phone, "联系电话", "contact_phone", 32, False),
    }

    def create():
        enterprise = Enterprise.create(**fields)
        unit.audit("enterprise.create", enterprise, name=fields["name"])
        return enterprise

    try:
        return unit.apply(staff, request_id, "enterprise.create", create, Enterprise.get_by_id, now)
    except IntegrityError as exc:
        raise Conflict("已有同名企业", code="duplicate_enterprise") from exc


def _materials(items):
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > 20:
        raise BadRequest("物料清单应为列表，最多 20 项", code="invalid_materials")
    clean = []
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("物料清单的每一项应为对象", code="invalid_materials")
        clean.append(
            {
                "name": validate.text(item.get("name"), "物料名称", "material_name", 100),
                "unit": validate.text(item.get("unit", "个"), "单位", "material_unit", 16),
                "per_piece": validate.positive_int(item.get("per_piece", 1), "每件用量", "per_piece", 1000),
                "loss_permille": validate.non_negative_int(
                    item.get("loss_permille", 0), "损耗率", "loss_permille", 1000
                ),
            }
        )
    return clean


def publish_job(staff, data, now, request_id=None):
    """Publish an enterprise's piece-work job at a station, with its bill of materials and standard."""
    if not isinstance(data, dict):
        raise BadRequest("请求内容应为 JSON 对象", code="invalid_body")
    station_id = validate.positive_int(data.get("station_id"), "驿站", "station_id", validate.MAX_ID)
    ensure_station(staff, station_id)
    enterprise_id = validate.positive_int(data.get("enterprise_id"), "企业", "enterprise_id", validate.MAX_ID)
    if Station.get_or_none(Station.id == station_id) is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    if Enterprise.get_or_none(Enterprise.id == enterprise_id) is None:
        raise NotFound("没有这个企业", code="enterprise_not_found")
    fields = {
        "enterprise": enterprise_id,
        "station": station_id,
        "title": validate.text(data.get("title"), "工作名称", "title", 100),
        "process": validate.text(data.get("process", ""), "工序", "process", 200, False),
        "unit_price_fen": validate.positive_int(
            data.get("unit_price_fen"), "单价（分）", "unit_price_fen", MAX_RATE_FEN
        ),
        "total_pieces": validate.positive_int(data.get("total_pieces"), "总件数", "total_pieces"),
        "per_worker_cap": validate.non_negative_int(data.get("per_worker_cap", 0), "每人上限", "per_worker_cap"),
        "quality_standard": validate.text(
            data.get("quality_standard", ""), "质量标准", "quality_standard", 2000, False
        ),
        "opens_at": validate.utc_datetime(data.get("opens_at"), "opens_at"),
        "closes_at": validate.utc_datetime(data.get("closes_at"), "closes_at"),
        "created_at": now,
        "updated_at": now,
    }
    if fields["opens_at"] and fields["closes_at"] and fields["closes_at"] <= fields["opens_at"]:
        raise BadRequest("截止时间应晚于开始时间", code="invalid_window")
    materials = _materials(data.get("materials"))

    def create():
        job = Job.create(**fields)
        for item in materials:
            JobMaterial.create(job=job, **item)
        unit.audit("job.publish", job, station_id, title=job.title, rate=job.unit_price_fen)
        return job

    return unit.apply(staff, request_id, "job.publish", create, Job.get_by_id, now)


def get_job(job_id):
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        raise NotFound("没有这个工作", code="job_not_found")
    return job


def update_job(staff, job_id, data, now, request_id=None):
    """Edit a job; a new rate applies to orders taken from now on, never to orders already taken."""
    job = get_job(job_id)
    ensure_station(staff, job.station_id)
    if not isinstance(data, dict) or not data:
        raise BadRequest("没有要修改的内容", code="empty_update")
    allowed = {"unit_price_fen", "total_pieces", "per_worker_cap", "quality_standard", "title", "process", "closes_at"}
    unknown = set(data) - allowed
    if unknown:
        raise BadRequest(f"不能修改这些字段：{'、'.join(sorted(unknown))}", code="invalid_field")
    fields = {Job.updated_at: now}
    if "unit_price_fen" in data:
        fields[Job.unit_price_fen] = validate.positive_int(
            data["unit_price_fen"], "单价（分）", "unit_price_fen", MAX_RATE_FEN
        )
    if "per_worker_cap" in data:
        fields[Job.per_worker_cap] = validate.non_negative_int(data["per_worker_cap"], "每人上限", "per_worker_cap")
    if "quality_standard" in data:
        fields[Job.quality_standard] = validate.text(
            data["quality_standard"], "质量标准", "quality_standard", 2000, False
        )
    if "title" in data:
        fields[Job.title] = validate.text(data["title"], "工作名称", "title", 100)
    if "process" in data:
        fields[Job.process] = validate.text(data["process"], "工序", "process", 200, False)
    if "closes_at" in data:
        fields[Job.closes_at] = validate.utc_datetime(data["closes_at"], "closes_at")
    total = validate.positive_int(data["total_pieces"], "总件数", "total_pieces") if "total_pieces" in data else None

    def change():
        # Guarded: the total may never drop below what workers already took.
        if (
            total is not None
            and not Job.update(total_pieces=total).where((Job.id == job.id) & (Job.taken <= total)).execute()
        ):
            raise Conflict("总件数不能少于已接单的件数", code="total_below_taken")
        Job.update(fields).where(Job.id == job.id).execute()
        unit.audit("job.update", job, job.station_id, **data)
        return job

    unit.apply(staff, request_id, f"job.update:job:{job.id}", change, Job.get_by_id, now)
    return get_job(job.id)


def close_job(staff, job_id, now, request_id=None):
    """Close a job to new orders; orders already taken go on."""
    job = get_job(job_id)
    ensure_station(staff, job.station_id)

    def close():
        Job.update(status="closed", updated_at=now).where(Job.id == job.id).execute()
        unit.audit("job.close", job, job.station_id)
        return job

    unit.apply(staff, request_id, f"job.close:job:{job.id}", close, Job.get_by_id, now)
    return get_job(job.id)
