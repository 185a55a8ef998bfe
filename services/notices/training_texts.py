"""The training notices' template fields and their "still holds?" checks, for the outbox (services.notices.outbox)."""

import json

from models import CertificateRevocation
from models import Enrolment
from models import TrainingSession
from services.clock import to_market


def _seat_still_held(notice, data):
    """An enrolment confirmation or a reminder holds while the seat is still taken in a session still on."""
    enrolment = Enrolment.get_or_none(Enrolment.id == data.get("enrolment_id"))
    if enrolment is None or enrolment.status != "enrolled":
        return "stale: enrolment cancelled"
    status = TrainingSession.select(TrainingSession.status).where(TrainingSession.id == enrolment.session_id).scalar()
    return None if status == "open" else "stale: session cancelled"


def _certificate_not_revoked(notice, data):
    revoked = CertificateRevocation.select().where(CertificateRevocation.certificate == data.get("certificate_id"))
    return "stale: certificate revoked" if revoked.exists() else None


CHECKS = {
    "training_enrolled": _seat_still_held,
    "training_reminder": _seat_still_held,
    "certificate_issued": _certificate_not_revoked,
    "certificate_expiring": _certificate_not_revoked,
}


def fields(notice):
    """The template fields of a training notice (values cut by the outbox)."""
    data = json.loads(notice.payload)
    if notice.kind in ("training_enrolled", "training_reminder"):
        return {
            "thing1": data.get("course", "岗前培训"),
            "time2": data.get("starts_at_local", ""),
            "thing3": data.get("station", ""),
            "thing4": "报名成功" if notice.kind == "training_enrolled" else "明天开课，请准时参加",
        }
    if notice.kind == "certificate_issued":
        return {"thing1": data.get("skill", ""), "time2": data.get("issued_on", ""), "thing3": "培训合格证已发放"}
    return {"thing1": data.get("skill", ""), "time2": data.get("expires_on", ""), "thing3": "合格证即将到期，请复训"}


def local_time(value):
    return to_market(value).strftime("%Y-%m-%d %H:%M")
