"""Training through the real services: seats, attendance, verdicts, append-only certificates, trainer scope."""

import pytest

import models
from models import Certificate
from models import CertificateRevocation
from models import Enrolment
from models import TrainingResult
from models import TrainingSession
from services.errors import Conflict
from services.errors import Forbidden
from services.training import certificates
from services.training import courses
from services.training import enrolment
from tests.training_helpers import new_worker
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)


def test_enrol_takes_a_seat_cancel_frees_it_and_a_full_session_refuses(world):
    session = world.session(capacity=1)
    alice, bob = new_worker(), new_worker()
    first = enrolment.enrol(alice, session.id, world.now, request_id="e-1")
    assert enrolment.enrol(alice, session.id, world.now, request_id="e-1").id == first.id  # a resend: same row
    with pytest.raises(Conflict) as full:
        enrolment.enrol(bob, session.id, world.now)
    assert full.value.code == "session_full"
    with pytest.raises(Conflict) as twice:
        enrolment.enrol(alice, session.id, world.now)
    assert twice.value.code in ("already_enrolled", "session_full")
    enrolment.cancel_enrolment(alice, first.id, world.now)
    assert TrainingSession.get_by_id(session.id).seats_taken == 0
    enrolment.enrol(bob, session.id, world.now)
    assert TrainingSession.get_by_id(session.id).seats_taken == 1
    enrolment.cancel_enrolment(bob, Enrolment.get(Enrolment.worker == bob.id).id, world.now)
    again = enrolment.enrol(alice, session.id, world.now)  # a cancelled seat is taken up again on its own row
    assert again.id == first.id and again.status == "enrolled"
    assert models.Notice.select().where(models.Notice.kind == "training_enrolled").count() == 3


def test_a_worker_enrols_only_themselves(world):
    session = world.session()
    alice, bob = new_worker(), new_worker()
    with pytest.raises(Forbidden):
        enrolment.enrol(alice, session.id, world.now, worker_id=bob.id)
    mine = enrolment.enrol(alice, session.id, world.now)
    with pytest.raises(Forbidden):
        enrolment.cancel_enrolment(bob, mine.id, world.now)


def test_only_attendees_are_judged_and_only_by_the_courses_trainer(world):
    session = world.session()
    alice = new_worker()
    seat = enrolment.enrol(alice, session.id, world.now)
    with pytest.raises(Conflict):
        certificates.record_result(world.trainer, seat.id, True, world.now)  # not attended yet
    enrolment.record_attendance(world.trainer, seat.id, world.now)
    with pytest.raises(Forbidden):
        certificates.record_result(world.admin, seat.id, True, world.now)  # the verdict is the trainer's
    certificates.record_result(world.trainer, seat.id, True, world.now)
    (cert,) = certificates.certificates_of(alice, alice.id, world.now)
    assert cert["status"] == "valid" and cert["skill_id"] == world.skill.id
    assert cert["enterprise_id"] == world.enterprise.id and cert["expires_on"] is not None
    assert models.Notice.select().where(models.Notice.kind == "certificate_issued").count() == 1


def test_trainer_is_scoped_to_their_enterprise(world):
    other = world.make_enterprise()
    stranger = courses.create_trainer(world.admin, "trainer-other", "trainer-password", other.id, world.station.id,
                                      world.now)  # fmt: skip
    with pytest.raises(Forbidden):
        courses.create_course(stranger, {"enterprise_id": world.enterprise.id, "skill_id": world.skill.id,
                                         "title": "不是我的课"}, world.now)  # fmt: skip
    with pytest.raises(Forbidden):
        courses.schedule_session(stranger, world.course.id, {"station_id": world.station.id, "capacity": 3,
                                 "starts_at": "2030-01-01T08:00:00Z", "ends_at": "2030-01-01T10:00:00Z"}, world.now)  # fmt: skip
    session = world.session()
    seat = enrolment.enrol(new_worker(), session.id, world.now)
    with pytest.raises(Forbidden):
        enrolment.record_attendance(stranger, seat.id, world.now)
    with pytest.raises(Forbidden):
        enrolment.roster(stranger, session.id)
    enrolment.record_attendance(world.trainer, seat.id, world.now)
    with pytest.raises(Forbidden):
        certificates.record_result(stranger, seat.id, True, world.now)
    assert courses.courses_for(stranger) == []
    assert [c["id"] for c in courses.courses_for(world.trainer)] == [world.course.id]
    assert courses.upcoming_sessions(world.now, staff=stranger) == []
    cert = world.certify(new_worker())
    with pytest.raises(Forbidden):
        certificates.revoke_certificate(stranger, cert.id, "不是我发的", world.now)
    assert certificates.certificates_of(stranger, cert.worker_id, world.now) == []


def test_revocation_and_correction_are_new_rows_and_history_stays(world):
    alice = new_worker()
    cert = world.certify(alice)
    before = list(Certificate.select().tuples())
    corrected = certificates.correct_certificate(world.trainer, cert.id, "2027-06-30", "有效期录错", world.now)
    assert corrected.supersedes_id == cert.id
    assert CertificateRevocation.get(CertificateRevocation.certificate == cert.id).reason == "更正：有效期录错"
    certificates.revoke_certificate(world.trainer, corrected.id, "质检连续不合格", world.now)
    with pytest.raises(Conflict):
        certificates.revoke_certificate(world.trainer, corrected.id, "再撤一次", world.now)
    rows = list(Certificate.select().order_by(Certificate.id).tuples())
    assert rows[: len(before)] == before and len(rows) == len(before) + 1  # nothing updated, nothing deleted
    history = certificates.certificates_of(world.admin, alice.id, world.now)
    assert [(c["id"], c["status"]) for c in history] == [(corrected.id, "revoked"), (cert.id, "revoked")]
    assert history[0]["revoked_reason"] == "质检连续不合格" and history[0]["supersedes"] == cert.id


def test_a_changed_verdict_is_a_new_result_and_revokes_the_certificate(world):
    alice = new_worker()
    cert = world.certify(alice)
    seat = Enrolment.get(Enrolment.worker == alice.id)
    certificates.record_result(world.trainer, seat.id, False, world.now, note="复核不合格")
    assert TrainingResult.select().where(TrainingResult.enrolment == seat.id).count() == 2
    assert CertificateRevocation.get(CertificateRevocation.certificate == cert.id).reason == "培训结果更正为不合格"
    assert Certificate.select().count() == 1
    assert certificates.valid_skill_ids(alice.id, world.now) == set()


def test_a_worker_sees_only_their_own_certificates(world):
    alice, bob = new_worker(), new_worker()
    world.certify(alice)
    with pytest.raises(Forbidden):
        certificates.certificates_of(bob, alice.id, world.now)
    assert certificates.certificates_of(bob, bob.id, world.now) == []
