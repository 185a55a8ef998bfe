"""The skills gate at order acceptance and the seat counter, racing or not (threads; SQLite, PostgreSQL, MariaDB)."""

import datetime as dt
import time

import pytest

from models import Enrolment
from models import Job
from models import Order
from models import TrainingSession
from services.errors import Conflict
from services.training import certificates
from services.training import enrolment
from services.work import orders
from tests.training_helpers import new_worker
from tests.training_helpers import race
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)


def test_without_a_certificate_the_order_is_refused_with_the_next_sessions(world):
    job = world.gated_job()
    soon, later = world.session(days=2), world.session(days=5)
    alice = new_worker()
    with pytest.raises(Conflict) as refused:
        orders.accept_order(alice, job.id, 5, "o-1", world.now)
    error = refused.value
    assert error.code == "certificate_required" and "培训合格证" in error.message and world.skill.name in error.message
    assert [s["session_id"] for s in error.detail["sessions"]] == [soon.id, later.id]
    assert error.detail["skill_ids"] == [world.skill.id]
    assert Job.get_by_id(job.id).taken == 0 and Order.select().count() == 0  # the pieces went back
    world.certify(alice)
    order, _ = orders.accept_order(alice, job.id, 5, "o-1", world.now)
    assert order.quantity == 5 and Job.get_by_id(job.id).taken == 5


def test_an_expired_certificate_does_not_count(world):
    alice = new_worker()
    world.certify(alice, at=world.now - dt.timedelta(days=200))  # valid 180 days
    job = world.gated_job()
    with pytest.raises(Conflict) as refused:
        orders.accept_order(alice, job.id, 1, "o-1", world.now)
    assert refused.value.code == "certificate_required"


def test_jobs_without_required_skills_are_untouched(world):
    job = world.make_job(station=world.station, enterprise=world.enterprise)
    assert not Job.get_by_id(job.id).requires_skills
    assert orders.accept_order(new_worker(), job.id, 2, "o-1", world.now)[0].quantity == 2


def test_revoking_keeps_orders_already_taken_and_stops_new_ones(world):
    alice = new_worker()
    cert = world.certify(alice)
    job = world.gated_job()
    taken, _ = orders.accept_order(alice, job.id, 4, "o-1", world.now)
    certificates.revoke_certificate(world.trainer, cert.id, "质检不合格", world.now)
    kept = Order.get_by_id(taken.id)
    assert (kept.status, kept.quantity, kept.rate_fen) == ("open", 4, taken.rate_fen)
    assert orders.accept_order(alice, job.id, 4, "o-1", world.now)[0].id == taken.id  # a resend still answers
    with pytest.raises(Conflict) as refused:
        orders.accept_order(alice, job.id, 1, "o-2", world.now)
    assert refused.value.code == "certificate_required"
    assert Job.get_by_id(job.id).taken == 4


def test_capacity_is_never_exceeded_under_a_race(world):
    session = world.session(capacity=3)
    workers = [new_worker() for _ in range(8)]
    outcomes = race(world.app, [lambda w=w: enrolment.enrol(w, session.id, world.now) for w in workers])
    won = [r for r, e in outcomes if e is None]
    assert len(won) == 3, outcomes
    assert all(isinstance(e, Conflict) and e.code == "session_full" for r, e in outcomes if e is not None), outcomes
    assert TrainingSession.get_by_id(session.id).seats_taken == 3
    assert Enrolment.select().where((Enrolment.session == session.id) & (Enrolment.status == "enrolled")).count() == 3


def test_one_worker_racing_themselves_takes_one_seat(world):
    session = world.session(capacity=5)
    alice = new_worker()
    outcomes = race(world.app, [lambda i=i: enrolment.enrol(alice, session.id, world.now, request_id=f"r{i}")
                                for i in range(4)])  # fmt: skip
    assert sum(e is None for _, e in outcomes) == 1, outcomes
    assert TrainingSession.get_by_id(session.id).seats_taken == 1


def test_racing_workers_without_a_certificate_never_get_an_order(world):
    job = world.gated_job(total_pieces=1000)
    certified = [new_worker() for _ in range(3)]
    for worker in certified:
        world.certify(worker)
    others = [new_worker() for _ in range(5)]
    racers = certified + others
    outcomes = race(
        world.app, [lambda w=w: orders.accept_order(w, job.id, 2, f"o-{w.id}", world.now)[0] for w in racers]
    )
    for worker, (order, error) in zip(racers, outcomes, strict=True):
        if worker in certified:
            assert error is None and order.quantity == 2, error
        else:
            assert isinstance(error, Conflict) and error.code == "certificate_required", error
    assert {o.worker_id for o in Order.select()} == {w.id for w in certified}
    assert Job.get_by_id(job.id).taken == 6


def test_an_order_racing_a_revocation_never_leaks_past_it(world):
    alice = new_worker()
    cert = world.certify(alice)
    job = world.gated_job(total_pieces=1000)
    marks = {}

    def accept(i):
        time.sleep(0.002 * i)  # spread the orders around the revocation
        started = time.monotonic()
        try:
            return orders.accept_order(alice, job.id, 1, f"o-{i}", world.now)[0]
        finally:
            marks[i] = started

    def revoke():
        certificates.revoke_certificate(world.trainer, cert.id, "抽检不合格", world.now)
        marks["revoked"] = time.monotonic()
        return "revoked"

    outcomes = race(world.app, [revoke] + [lambda i=i: accept(i) for i in range(10)])
    assert outcomes[0] == ("revoked", None), outcomes[0]
    for i, (order, error) in enumerate(outcomes[1:]):
        assert error is None or (isinstance(error, Conflict) and error.code == "certificate_required"), error
        if marks[i] > marks["revoked"]:  # began after the revocation committed: refused
            assert error is not None, (i, order)
    with pytest.raises(Conflict):
        orders.accept_order(alice, job.id, 1, "after", world.now)
    taken = Order.select().where(Order.worker == alice.id).count()
    assert Job.get_by_id(job.id).taken == taken
