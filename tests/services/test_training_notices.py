"""Training and guidance notices through the outbox: enrolment, the reminder the day before, certificate issued and
expiring within 14 days, a counsellor's follow-up due; each written once, dropped when no longer true."""

import datetime as dt

from models import Notice
from models import StaffNotice
from services.guidance import records
from services.notices import outbox
from services.notices import training as training_notices
from services.training import certificates
from services.training import enrolment
from tests.training_helpers import new_worker
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)


def _kinds():
    return sorted(Notice.select(Notice.kind).tuples())


def test_reminder_the_day_before_once_and_dropped_after_a_cancel(world):
    alice, bob = new_worker(), new_worker()
    tomorrow, later = world.session(days=1), world.session(days=3)
    seat = enrolment.enrol(alice, tomorrow.id, world.now)
    enrolment.enrol(bob, later.id, world.now)
    assert training_notices.enqueue_session_reminders(world.now) == 1
    training_notices.enqueue_session_reminders(world.now)
    reminders = Notice.select().where(Notice.kind == "training_reminder")
    assert [n.worker_id for n in reminders] == [alice.id]
    enrolment.cancel_enrolment(alice, seat.id, world.now)
    assert outbox._stale(reminders[0]) == "stale: enrolment cancelled"
    fields = outbox.render(reminders[0])
    assert fields["thing1"]["value"] == world.course.title and all(len(f["value"]) <= 20 for f in fields.values())


def test_certificate_issued_and_expiring_within_14_days_once(world):
    alice = new_worker()
    cert = world.certify(alice, at=world.now - dt.timedelta(days=170))  # 180 days: expires in 10
    assert Notice.select().where(Notice.kind == "certificate_issued").count() == 1
    assert training_notices.enqueue_expiring_certificates(world.now - dt.timedelta(days=10)) == 0
    assert training_notices.enqueue_expiring_certificates(world.now) == 1
    training_notices.enqueue_expiring_certificates(world.now)
    (expiring,) = Notice.select().where(Notice.kind == "certificate_expiring")
    assert outbox._stale(expiring) is None and "合格证" in outbox.render(expiring)["thing3"]["value"]
    certificates.revoke_certificate(world.trainer, cert.id, "抽检不合格", world.now)
    assert outbox._stale(expiring) == "stale: certificate revoked"


def test_follow_up_due_reaches_the_counsellor_once(world):
    counsellor = world.make_staff(role="counsellor", station=world.station)
    alice = new_worker()
    today = world.now.date()
    records.record_guidance(counsellor, alice.id, {"kind": "权益维护", "follow_up_on": (today + dt.timedelta(days=3))
                            .isoformat()}, world.now)  # fmt: skip
    assert training_notices.enqueue_follow_ups_due(world.now) == 0
    later = world.now + dt.timedelta(days=4)
    assert training_notices.enqueue_follow_ups_due(later) == 1
    assert training_notices.enqueue_follow_ups_due(later) == 0
    (notice,) = StaffNotice.select()
    assert notice.staff_id == counsellor.id and notice.kind == "guidance_follow_up"
