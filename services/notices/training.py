"""Training and guidance notices: enrolment confirmed and certificate issued (written in the business transaction),
the session reminder the day before, certificates expiring within 14 days and counsellors' follow-ups due (daily
scheduler jobs, idempotent: each notice's key is written once)."""

import datetime as dt
import json
import uuid

from peewee import JOIN
from peewee import IntegrityError

from models import Certificate
from models import CertificateRevocation
from models import Course
from models import Enrolment
from models import Skill
from models import StaffNotice
from models import Station
from models import TrainingSession
from models import db
from services.clock import business_date
from services.clock import day_bounds_utc
from services.guidance.cases import follow_ups_due
from services.notices import outbox
from services.notices.training_texts import local_time
from services.unit import transaction

EXPIRY_WARNING_DAYS = 14


def _session_data(enrolment, session):
    course = Course.get_by_id(session.course_id)
    station = Station.get_by_id(session.station_id)
    return {
        "enrolment_id": enrolment.id,
        "session_id": session.id,
        "course": course.title,
        "station": station.name,
        "starts_at_local": local_time(session.starts_at),
    }


def enrolment_confirmed(enrolment, session, now):
    """Inside the enrolment's transaction: one confirmation per seat taken (a re-enrolment confirms again; a resent
    request takes no seat, so it writes none)."""
    key = f"training_enrolled:{enrolment.id}:{uuid.uuid4().hex}"
    return outbox.enqueue(enrolment.worker_id, "training_enrolled", _session_data(enrolment, session), key, now)


def certificate_issued(certificate, now):
    skill = Skill.get_by_id(certificate.skill_id)
    data = {"certificate_id": certificate.id, "skill": skill.name, "issued_on": certificate.issued_on.isoformat()}
    return outbox.enqueue(
        certificate.worker_id, "certificate_issued", data, f"certificate_issued:{certificate.id}", now
    )


def enqueue_session_reminders(now):
    """Each worker enrolled in a session that starts tomorrow (market date) is reminded once."""
    start, end = day_bounds_utc(business_date(now) + dt.timedelta(days=1))
    rows = list(
        Enrolment.select(Enrolment, TrainingSession)
        .join(TrainingSession)
        .where(
            (Enrolment.status == "enrolled")
            & (TrainingSession.status == "open")
            & (TrainingSession.starts_at >= start)
            & (TrainingSession.starts_at < end)
        )
    )
    with transaction():
        for enrolment in rows:
            data = _session_data(enrolment, enrolment.session)
            outbox.enqueue(enrolment.worker_id, "training_reminder", data, f"training_reminder:{enrolment.id}", now)
    return len(rows)


def enqueue_expiring_certificates(now):
    """Each valid certificate expiring within 14 days (market dates) is announced once to its holder."""
    today = business_date(now)
    rows = list(
        Certificate.select(Certificate, Skill)
        .join(Skill)
        .switch(Certificate)
        .join(CertificateRevocation, JOIN.LEFT_OUTER)
        .where(
            CertificateRevocation.id.is_null()
            & (Certificate.expires_on >= today)
            & (Certificate.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS))
        )
    )
    with transaction():
        for cert in rows:
            data = {"certificate_id": cert.id, "skill": cert.skill.name, "expires_on": cert.expires_on.isoformat()}
            outbox.enqueue(cert.worker_id, "certificate_expiring", data, f"certificate_expiring:{cert.id}", now)
    return len(rows)


def enqueue_follow_ups_due(now):
    """Each counsellor gets one console notice per follow-up that falls due (the contact's follow-up date)."""
    due = follow_ups_due(business_date(now))
    written = 0
    with transaction():
        for row in due:
            key = f"guidance_follow_up:{row['record_id']}:{row['follow_up_on']}"
            payload = json.dumps(row, ensure_ascii=False, default=str)
            try:
                with db.atomic():
                    StaffNotice.create(
                        staff=row["counsellor_id"], kind="guidance_follow_up", payload=payload, dedup_key=key,
                        created_at=now,
                    )  # fmt: skip
                    written += 1
            except IntegrityError:
                continue
    return written
