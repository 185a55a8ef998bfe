"""The trainer's verdict and the certificates it issues: append-only. A pass issues a certificate (skill, issuing
enterprise, date, expiry when the course sets a validity); a revocation is a row of its own with the reason; a
correction revokes the old certificate and issues a new one that supersedes it; a changed verdict is a new result.
Nothing here updates or deletes a certificate, a revocation or a result.
"""

import datetime as dt

from peewee import IntegrityError

from models import Certificate
from models import CertificateRevocation
from models import Enrolment
from models import Skill
from models import TrainingResult
from models import Worker
from models import db
from services import unit
from services import validate
from services.clock import business_date
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import Forbidden
from services.errors import NotFound
from services.notices import training as training_notices
from services.people.scope import ensure_trainer_of
from services.people.scope import ensure_worker_in_scope
from services.people.scope import trainer_enterprise
from services.training.courses import get_course
from services.training.courses import get_session
from services.training.gate import valid_certificates


def record_result(staff, enrolment_id, passed, now, note="", request_id=None):
    """The course's trainer passes or fails an attendee; a pass issues the certificate, a pass changed to a fail
    revokes it (both new rows)."""
    enrolment = Enrolment.get_or_none(Enrolment.id == enrolment_id)
    if enrolment is None:
        raise NotFound("没有这个报名", code="enrolment_not_found")
    session = get_session(enrolment.session_id)
    course = get_course(session.course_id)
    ensure_trainer_of(staff, course.enterprise_id, admin_too=False)  # the verdict is the trainer's only
    if not isinstance(passed, bool):
        raise BadRequest("请选择合格或不合格", code="invalid_passed", field="passed")
    note = validate.text(note, "备注", "note", 200, False)

    def judge():
        fresh = Enrolment.get_by_id(enrolment.id)
        if fresh.status != "enrolled" or fresh.attended_at is None:
            raise Conflict("只能评定已签到的学员", code="not_attended")
        current = _current_result(enrolment.id)
        if current is not None and current.passed == passed:
            return current
        result = TrainingResult.create(enrolment=enrolment.id, passed=passed, note=note, staff=staff.id, created_at=now)
        if passed:
            _issue(enrolment.worker_id, course, result, staff, now)
        elif current is not None:
            for cert in Certificate.select().where(Certificate.result == current.id):
                _revoke(cert, "培训结果更正为不合格", staff, now)
        unit.audit("training.result", result, session.station_id, passed=passed, worker=enrolment.worker_id)
        return result

    return unit.apply(staff, request_id, f"training.result:{enrolment.id}", judge, TrainingResult.get_by_id, now)


def revoke_certificate(staff, certificate_id, reason, now, request_id=None):
    """A trainer of the issuing enterprise (or an admin) revokes a certificate with a reason; orders already taken
    stay, new ones are refused."""
    cert = _certificate(certificate_id)
    ensure_trainer_of(staff, cert.enterprise_id)
    reason = validate.text(reason, "撤销原因", "reason", 200)

    def revoke():
        revocation = _revoke(cert, reason, staff, now)
        unit.audit("certificate.revoke", cert, None, reason=reason, worker=cert.worker_id)
        return revocation

    return unit.apply(staff, request_id, f"certificate.revoke:{cert.id}", revoke, CertificateRevocation.get_by_id, now)


def correct_certificate(staff, certificate_id, expires_on, reason, now, request_id=None):
    """Correct a certificate's expiry: the old one is revoked ('更正：reason') and a new one supersedes it."""
    cert = _certificate(certificate_id)
    ensure_trainer_of(staff, cert.enterprise_id)
    reason = validate.text(reason, "更正原因", "reason", 190)
    expires_on = validate.iso_date(expires_on, "expires_on")  # None: no expiry

    def correct():
        _revoke(cert, "更正：" + reason, staff, now)
        fields = {f: getattr(cert, f + "_id") for f in ("worker", "skill", "course", "enterprise", "result")}
        new = Certificate.create(
            **fields, issued_on=cert.issued_on, expires_on=expires_on, issued_by=staff.id, supersedes=cert.id,
            created_at=now,
        )  # fmt: skip
        unit.audit("certificate.correct", new, None, supersedes=cert.id, reason=reason)
        return new

    return unit.apply(staff, request_id, f"certificate.correct:{cert.id}", correct, Certificate.get_by_id, now)


def certificates_of(viewer, worker_id, now):
    """A worker's certificates with their history (revocations, what supersedes what), newest first, as plain
    dicts. A worker sees only their own; a trainer only those of their enterprise."""
    if isinstance(viewer, Worker):
        if viewer.id != worker_id:
            raise Forbidden("只能查看自己的证书", code="not_own")
    else:
        worker = Worker.get_or_none(Worker.id == worker_id)
        if worker is None:
            raise NotFound("没有这个零工", code="worker_not_found")
        ensure_worker_in_scope(viewer, worker)
    query = (
        Certificate.select(Certificate, Skill)
        .join(Skill)
        .where(Certificate.worker == worker_id)
        .order_by(Certificate.id.desc())
    )
    if not isinstance(viewer, Worker) and viewer.role == "trainer":
        query = query.where(Certificate.enterprise == (trainer_enterprise(viewer) or 0))
    certs = list(query)
    revoked = {
        r.certificate_id: r
        for r in CertificateRevocation.select().where(CertificateRevocation.certificate.in_([c.id for c in certs]))
    }
    today = business_date(now)
    return [_cert_dict(c, revoked.get(c.id), today) for c in certs]


def certificate_dict(cert, now):
    """One certificate as `certificates_of` lists it."""
    revocation = CertificateRevocation.get_or_none(CertificateRevocation.certificate == cert.id)
    return _cert_dict(Certificate.select(Certificate, Skill).join(Skill).where(Certificate.id == cert.id).get(),
                      revocation, business_date(now))  # fmt: skip


def issued_by(result):
    """The id of the certificate a result issued, or None (a fail)."""
    return Certificate.select(Certificate.id).where(Certificate.result == result.id).scalar()


def verdicts(enrolment_ids):
    """{enrolment id: passed} of the current (latest) result of each enrolment that has one."""
    rows = (
        TrainingResult.select(TrainingResult.enrolment, TrainingResult.passed)
        .where(TrainingResult.enrolment.in_(list(enrolment_ids) or [0]))
        .order_by(TrainingResult.id)
        .tuples()
    )
    return dict(rows)


def valid_skill_ids(worker_id, now):
    """Skills the worker holds a valid certificate for today."""
    query = valid_certificates(worker_id, business_date(now)).select(Certificate.skill).distinct()
    return {skill_id for (skill_id,) in query.tuples()}


def _cert_dict(c, revocation, today):
    if revocation is not None:
        status = "revoked"
    elif c.expires_on is not None and c.expires_on < today:
        status = "expired"
    else:
        status = "valid"
    return {
        "id": c.id, "skill_id": c.skill_id, "skill": c.skill.name, "enterprise_id": c.enterprise_id,
        "course_id": c.course_id, "issued_on": c.issued_on.isoformat(),
        "expires_on": c.expires_on.isoformat() if c.expires_on else None, "status": status,
        "revoked_reason": revocation.reason if revocation else None,
        "revoked_at": revocation.created_at if revocation else None, "supersedes": c.supersedes_id,
    }  # fmt: skip


def _issue(worker_id, course, result, staff, now):
    issued_on = business_date(now)
    expires_on = issued_on + dt.timedelta(days=course.validity_days) if course.validity_days else None
    cert = Certificate.create(
        worker=worker_id, skill=course.skill_id, course=course.id, enterprise=course.enterprise_id, result=result.id,
        issued_on=issued_on, expires_on=expires_on, issued_by=staff.id, created_at=now,
    )  # fmt: skip
    training_notices.certificate_issued(cert, now)
    return cert


def _revoke(cert, reason, staff, now):
    try:
        with db.atomic():
            return CertificateRevocation.create(certificate=cert.id, reason=reason, staff=staff.id, created_at=now)
    except IntegrityError as exc:
        raise Conflict("这个证书已经撤销", code="certificate_revoked") from exc


def _current_result(enrolment_id):
    return (
        TrainingResult.select()
        .where(TrainingResult.enrolment == enrolment_id)
        .order_by(TrainingResult.id.desc())
        .first()
    )


def _certificate(certificate_id):
    cert = Certificate.get_or_none(Certificate.id == certificate_id)
    if cert is None:
        raise NotFound("没有这个证书", code="certificate_not_found")
    return cert
