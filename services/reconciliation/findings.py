"""Reading reconciliation runs and findings, and the staff's only write on them: acknowledge or resolve a finding.

Resolving a finding changes nothing in the ledger: fixes are correcting entries made through the usual services.
"""

import datetime as dt
import json

from models import ReconFinding
from models import ReconRun
from models import Staff
from models import StaffNotice
from services import unit
from services import validate
from services.clock import iso_utc
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.people.scope import ensure_admin
from services.reconciliation.runs import refuse_future


def latest_run():
    return ReconRun.select().order_by(ReconRun.business_date.desc()).first()


def runs(limit=30, before=None):
    """The latest runs, newest date first."""
    query = ReconRun.select()
    if before is not None:
        query = query.where(ReconRun.business_date < before)
    return list(query.order_by(ReconRun.business_date.desc()).limit(limit))


def run_for(day, now=None):
    """The run of business date `day` (YYYY-MM-DD); a date after today at `now` is refused, not just missing."""
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise BadRequest("日期格式应为 YYYY-MM-DD", code="invalid_date") from None
    if now is not None:
        refuse_future(day, now)
    run = ReconRun.get_or_none(ReconRun.business_date == day)
    if run is None:
        raise NotFound("这一天还没有对账", code="run_not_found")
    return run


def findings_for(run, status=None):
    """Findings of a run (errors first), optionally only those with `status`."""
    query = ReconFinding.select().where(ReconFinding.run == (run if isinstance(run, int) else run.id))
    if status:
        query = query.where(ReconFinding.status == status)
    return list(query.order_by(ReconFinding.severity, ReconFinding.kind, ReconFinding.id))


def open_findings_count():
    return ReconFinding.select().where(ReconFinding.status == "open").count()


def _act(staff, finding_id, note, now, status, allowed_from, request_id=None):
    ensure_admin(staff)
    note = validate.text(note or "", "备注", "note", 500, required=status == "resolved")

    def act():
        finding = ReconFinding.get_or_none(ReconFinding.id == finding_id)
        if finding is None:
            raise NotFound("没有这条对账问题", code="finding_not_found")
        if finding.status not in allowed_from:
            raise Conflict("这条对账问题已经处理过了", code="finding_already_" + finding.status)
        ReconFinding.update(status=status, note=note, acted_by=staff.id, acted_at=now).where(
            ReconFinding.id == finding.id
        ).execute()
        unit.audit(f"recon.finding.{status}", finding, kind=finding.kind, note=note)
        return finding

    unit.apply(staff, request_id, f"recon.finding.{status}:{finding_id}", act, ReconFinding.get_by_id, now)
    return ReconFinding.get_by_id(finding_id)


def acknowledge_finding(staff, finding_id, note, now, request_id=None):
    """An admin has seen an open finding and is on it."""
    return _act(staff, finding_id, note, now, "acknowledged", ("open",), request_id)


def resolve_finding(staff, finding_id, note, now, request_id=None):
    """An admin closes a finding with a note saying how it was put right (a correcting entry, not an edit)."""
    return _act(staff, finding_id, note, now, "resolved", ("open", "acknowledged"), request_id)


def staff_notices(staff, unread_only=True, limit=50):
    """The staff member's notices (the nightly run's findings summary), newest first: shown in the console until read."""
    query = StaffNotice.select().where(StaffNotice.staff == (staff if isinstance(staff, int) else staff.id))
    if unread_only:
        query = query.where(StaffNotice.read_at.is_null())
    notices = list(query.order_by(StaffNotice.id.desc()).limit(limit))
    for notice in notices:
        notice.message = json.loads(notice.payload or "{}").get("message", notice.kind)
    return notices


def mark_notices_read(staff, notice_ids, now, request_id=None):
    """A staff member has read their notices: they leave the console's front page."""
    ids = [validate.positive_int(i, "通知", "notice_id", validate.MAX_ID) for i in notice_ids][:200]

    def mark():
        query = StaffNotice.update(read_at=now).where(
            (StaffNotice.staff == staff.id) & StaffNotice.id.in_(ids) & StaffNotice.read_at.is_null()
        )
        query.execute()
        return staff

    unit.apply(staff, request_id, "staff_notice.read", mark, lambda _: staff, now)
    return len(ids)


def run_dict(run):
    return {
        "business_date": run.business_date.isoformat(),
        "status": run.status,
        "provisional": run.status == "provisional",  # the day was not over: findings so far, replaced at night
        "claimed_by": run.claimed_by,
        "claimed_at": iso_utc(run.claimed_at),
        "finished_at": iso_utc(run.finished_at),
        "attempts": run.attempts,
        "findings_count": run.findings_count,
        "error": run.error,
        "summary": json.loads(run.summary or "{}"),
    }


def finding_dicts(findings):
    """JSON shapes of findings, with the acting staff's username (one query for all of them)."""
    ids = {f.acted_by_id for f in findings if f.acted_by_id}
    names = dict(Staff.select(Staff.id, Staff.username).where(Staff.id.in_(list(ids))).tuples()) if ids else {}
    return [
        {
            "id": f.id,
            "kind": f.kind,
            "severity": f.severity,
            "object_type": f.object_type,
            "object_id": f.object_id,
            "message": f.message,
            "detail": json.loads(f.detail or "{}"),
            "status": f.status,
            "note": f.note,
            "acted_by": names.get(f.acted_by_id),
            "acted_at": iso_utc(f.acted_at),
        }
        for f in findings
    ]
