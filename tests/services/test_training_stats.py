"""Each monthly figure recomputed by hand from generated records (in market time) and compared with the code's."""

import datetime as dt
import random

import pytest

from models import Certificate
from models import Enrolment
from services.clock import business_date
from services.errors import Forbidden
from services.guidance import records
from services.people import registry
from services.reports import training_stats
from services.training import certificates
from services.training import courses
from services.training import enrolment
from tests.training_helpers import new_worker
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)

# Around November 2026 in Shanghai: 2026-10-31T16:00Z is 1 November 00:00 there, 2026-11-30T16:00Z is 1 December.
INSTANTS = [dt.datetime(2026, 10, 31, 15, 30), dt.datetime(2026, 10, 31, 16, 30), dt.datetime(2026, 11, 9, 2, 0),
            dt.datetime(2026, 11, 18, 9, 0), dt.datetime(2026, 11, 30, 15, 59), dt.datetime(2026, 11, 30, 16, 1)]  # fmt: skip


def _in_november(instant):
    day = business_date(instant)
    return (day.year, day.month) == (2026, 11)


def test_monthly_figures_match_a_count_by_hand(world):
    rng = random.Random(15)
    counsellor = world.make_staff(role="counsellor", station=world.station)
    workers = [new_worker(station=world.station) for _ in range(8)]
    tiers = {}
    for worker in workers[:5]:
        tiers[worker.id] = rng.choice([1, 2, 3])
        registry.set_support(counsellor, worker.id, "long_wait", tiers[worker.id], INSTANTS[0])
    hand = {"attended": set(), "attended_enrolments": [], "certs": [], "contacts": {}, "served": set()}

    for n, at in enumerate(INSTANTS):
        start = at + dt.timedelta(hours=1)
        session = courses.schedule_session(world.trainer, world.course.id, {
            "station_id": world.station.id, "capacity": 8, "starts_at": start.isoformat() + "Z",
            "ends_at": (start + dt.timedelta(hours=2)).isoformat() + "Z"}, at - dt.timedelta(days=3))  # fmt: skip
        for worker in rng.sample(workers, 4):
            seat = enrolment.enrol(worker, session.id, at - dt.timedelta(days=1))
            if rng.random() < 0.25:
                enrolment.cancel_enrolment(worker, seat.id, at - dt.timedelta(hours=12))
                continue
            if rng.random() < 0.2:
                continue  # enrolled, never came
            enrolment.record_attendance(world.trainer, seat.id, at)
            if _in_november(at):
                hand["attended"].add((worker.id, session.id))
                hand["attended_enrolments"].append(seat.id)
                hand["served"].add(worker.id)
            if rng.random() < 0.6:
                result = certificates.record_result(world.trainer, seat.id, True, at)
                cert = Certificate.get(Certificate.result == result.id)
                if _in_november(at):
                    hand["certs"].append(cert.id)
                if n % 2:  # corrections are not new certificates; revoked ones were still issued
                    certificates.correct_certificate(world.trainer, cert.id, "2027-12-31", "有效期", at)
        for worker in rng.sample(workers, 3):
            for _ in range(rng.choice([1, 2])):  # twice the same day is one 人次
                record = records.record_guidance(counsellor, worker.id, {"kind": "职业指导",
                                                 "contacted_at": at.isoformat() + "Z"}, at)  # fmt: skip
                if rng.random() < 0.3:
                    records.correct_guidance(counsellor, record.id, {"summary": "更正"}, at)
                if _in_november(at):
                    hand["contacts"].setdefault((worker.id, business_date(at)), []).append(record.id)
                    hand["served"].add(worker.id)

    figures = training_stats.month_figures(counsellor, 2026, 11)
    assert figures["training_attendances"]["value"] == len(hand["attended"]) > 0
    assert sorted(figures["training_attendances"]["records"]) == sorted(hand["attended_enrolments"])
    assert figures["certificates_issued"]["value"] == len(hand["certs"]) > 0
    assert figures["certificates_issued"]["records"] == sorted(hand["certs"])
    assert figures["guidance_contacts"]["value"] == len(hand["contacts"]) > 0
    assert figures["guidance_contacts"]["records"] == sorted(i for ids in hand["contacts"].values() for i in ids)
    by_tier = {}
    for worker_id in sorted(hand["served"] & set(tiers)):
        by_tier.setdefault(tiers[worker_id], []).append(worker_id)
    assert figures["hard_to_place_served"]["records"] == dict(sorted(by_tier.items()))
    assert figures["hard_to_place_served"]["value"] == {t: len(ids) for t, ids in sorted(by_tier.items())}
    assert all(figure["rule"] for figure in figures.values())
    assert Enrolment.select().where(Enrolment.status == "cancelled").exists()  # the generator exercised cancels
    with pytest.raises(Forbidden):
        training_stats.month_figures(world.make_staff(role="station", station=world.station), 2026, 11)
