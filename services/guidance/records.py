"""Guidance records: one per contact of a counsellor with a worker. A correction is a new version (same first
version in `corrects`, version + 1); the newest version of a contact holds and every version stays. The internal
notes are for counsellors and admins; a worker sees their own contacts without them.
"""

from models import Course
from models import GuidanceRecord
from models import Job
from models import Staff
from models import Worker
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Forbidden
from services.errors import NotFound
from services.people.scope import ensure_counsellor

KINDS = ("职业指导", "政策咨询", "权益维护", "培训推荐")
FIELDS = ("kind", "summary", "notes", "referral_course", "referral_job", "follow_up_on", "contacted_at")


def record_guidance(staff, worker_id, data, now, request_id=None):
    """A counsellor (or admin) records a contact with a worker: kind, what was said, notes, referral, follow-up."""
    ensure_counsellor(staff)
    if Worker.get_or_none(Worker.id == worker_id) is None:
        raise NotFound("没有这个零工", code="worker_not_found")
    fields = _fields(data, {"contacted_at": now, "kind": None, "summary": "", "notes": "", "referral_course": None,
                            "referral_job": None, "follow_up_on": None})  # fmt: skip

    def create():
        record = GuidanceRecord.create(worker=worker_id, counsellor=staff.id, version=1, created_at=now, **fields)
        unit.audit("guidance.record", record, None, worker=worker_id, kind=record.kind)
        return record

    return unit.apply(staff, request_id, "guidance.record", create, GuidanceRecord.get_by_id, now)


def correct_guidance(staff, record_id, data, now, request_id=None):
    """A correction of a contact: a new version with the changed fields; the earlier versions stay as they were."""
    ensure_counsellor(staff)
    record = GuidanceRecord.get_or_none(GuidanceRecord.id == record_id)
    if record is None:
        raise NotFound("没有这条指导记录", code="guidance_not_found")
    root = record.corrects_id or record.id

    def correct():
        current = _versions(GuidanceRecord.id == root)[root][-1]
        base = {name: getattr(current, name + "_id" if name.startswith("referral") else name) for name in FIELDS}
        fields = _fields(data, base)
        new = GuidanceRecord.create(
            worker=current.worker_id, counsellor=staff.id, corrects=root, version=current.version + 1, created_at=now,
            **fields,
        )  # fmt: skip
        unit.audit("guidance.correct", new, None, corrects=root, version=new.version)
        return new

    return unit.apply(staff, request_id, f"guidance.correct:{root}", correct, GuidanceRecord.get_by_id, now)


def guidance_of(staff, worker_id):
    """A worker's contacts for counsellors and admins: the holding version with notes, and every version."""
    ensure_counsellor(staff)
    contacts = _versions(GuidanceRecord.worker == worker_id)
    return sorted(
        ({**_dict(versions[-1], notes=True), "versions": [_dict(v, notes=True) for v in versions]}
         for versions in contacts.values()),
        key=lambda c: c["contacted_at"], reverse=True,
    )  # fmt: skip


def my_guidance(viewer, worker_id=None):
    """The worker's own contacts (holding versions), newest first, without the internal notes."""
    if not isinstance(viewer, Worker):
        raise Forbidden("只能查看自己的指导记录", code="not_own")
    if worker_id is not None and worker_id != viewer.id:
        raise Forbidden("只能查看自己的指导记录", code="not_own")
    contacts = _versions(GuidanceRecord.worker == viewer.id)
    rows = [_dict(versions[-1], notes=False) for versions in contacts.values()]
    return sorted(rows, key=lambda c: c["contacted_at"], reverse=True)


def record_dict(record):
    """One version for counsellors and admins (with the notes)."""
    return _dict(record, notes=True)


def current_versions(where):
    """The holding version of each contact matching `where` (on any version), as rows."""
    return [versions[-1] for versions in _versions(where).values()]


def _versions(where):
    """{first version id: [versions, oldest first]} of the contacts any of whose versions match `where`."""
    roots = {
        r.corrects_id or r.id for r in GuidanceRecord.select(GuidanceRecord.id, GuidanceRecord.corrects).where(where)
    }
    if not roots:
        return {}
    rows = (
        GuidanceRecord.select()
        .where(GuidanceRecord.id.in_(list(roots)) | GuidanceRecord.corrects.in_(list(roots)))
        .order_by(GuidanceRecord.version, GuidanceRecord.id)
    )
    out = {}
    for row in rows:
        out.setdefault(row.corrects_id or row.id, []).append(row)
    return out


def _fields(data, base):
    if not isinstance(data, dict):
        raise BadRequest("请求内容应为 JSON 对象", code="invalid_body")
    out = dict(base)
    if "kind" in data or out["kind"] is None:
        if data.get("kind") not in KINDS:
            raise BadRequest("指导类别应为：" + "、".join(KINDS), code="invalid_kind", field="kind")
        out["kind"] = data["kind"]
    if "summary" in data:
        out["summary"] = validate.text(data["summary"], "指导内容", "summary", 500, False)
    if "notes" in data:
        out["notes"] = validate.text(data["notes"], "内部备注", "notes", 5000, False)
    if "contacted_at" in data:
        out["contacted_at"] = validate.utc_datetime(data["contacted_at"], "contacted_at") or out["contacted_at"]
    if "follow_up_on" in data:
        out["follow_up_on"] = validate.iso_date(data["follow_up_on"], "follow_up_on")
    for name, model in (("referral_course", Course), ("referral_job", Job)):
        if name + "_id" in data:
            value = data[name + "_id"]
            if value is not None and model.get_or_none(model.id == value) is None:
                raise NotFound("转介的课程或工作不存在", code=name + "_not_found")
            out[name] = value
    return out


def _dict(record, notes):
    row = {
        "id": record.id, "contact_id": record.corrects_id or record.id, "version": record.version,
        "worker_id": record.worker_id, "counsellor_id": record.counsellor_id,
        "counsellor": Staff.select(Staff.name).where(Staff.id == record.counsellor_id).scalar(),
        "contacted_at": record.contacted_at, "kind": record.kind, "summary": record.summary,
        "referral_course_id": record.referral_course_id, "referral_job_id": record.referral_job_id,
        "follow_up_on": record.follow_up_on.isoformat() if record.follow_up_on else None,
    }  # fmt: skip
    if notes:
        row["notes"] = record.notes
    return row
