"""Counsellors' guidance and the registry through the real services: versions never overwrite, notes and
categories stay with counsellors and admins, a worker sees only their own, the case list."""

import datetime as dt

import pytest

from models import GuidanceRecord
from models import WorkerRegistration
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import Forbidden
from services.guidance import cases
from services.guidance import records
from services.people import registry
from tests.training_helpers import new_worker
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)

ID_NUMBER = "11010519491231002X"  # the standard's own example: check character X


@pytest.fixture
def desk(world):
    world.counsellor = world.make_staff(role="counsellor", station=world.station)
    world.clerk = world.make_staff(role="station", station=world.station)
    return world


def test_a_correction_is_a_new_version_and_the_worker_never_sees_notes(desk):
    alice, bob = new_worker(station=desk.station), new_worker(station=desk.station)
    first = records.record_guidance(desk.counsellor, alice.id, {"kind": "职业指导", "summary": "推荐鞋灯卡扣岗",
                                    "notes": "家里有老人要照顾", "referral_course_id": desk.course.id}, desk.now)  # fmt: skip
    before = list(GuidanceRecord.select().tuples())
    fixed = records.correct_guidance(desk.counsellor, first.id, {"kind": "培训推荐"}, desk.now)
    assert (fixed.corrects_id, fixed.version, fixed.notes) == (first.id, 2, "家里有老人要照顾")
    assert list(GuidanceRecord.select().where(GuidanceRecord.id == first.id).tuples()) == before
    (mine,) = records.my_guidance(alice)
    assert mine["kind"] == "培训推荐" and "notes" not in mine and mine["referral_course_id"] == desk.course.id
    assert records.my_guidance(bob) == []
    with pytest.raises(Forbidden):
        records.my_guidance(alice, worker_id=bob.id)
    (full,) = records.guidance_of(desk.counsellor, alice.id)
    assert full["notes"] == "家里有老人要照顾" and [v["version"] for v in full["versions"]] == [1, 2]
    with pytest.raises(Forbidden):
        records.guidance_of(desk.clerk, alice.id)
    with pytest.raises(Forbidden):
        records.record_guidance(desk.clerk, alice.id, {"kind": "职业指导"}, desk.now)
    with pytest.raises(BadRequest):
        records.record_guidance(desk.counsellor, alice.id, {"kind": "闲聊"}, desk.now)


def test_case_list_follow_ups_due_and_top_tier_until_contacted_this_month(desk):
    now = dt.datetime(2026, 11, 30, 17, 0)  # 01:00 on 1 December in Shanghai: a new month there
    alice, bob = new_worker(station=desk.station), new_worker(station=desk.station)
    registry.set_support(desk.counsellor, alice.id, "older", 1, now)
    registry.set_support(desk.counsellor, bob.id, "disabled", 2, now)
    # 23:00 on 30 November in Shanghai: last month's contact there
    records.record_guidance(desk.counsellor, alice.id, {"kind": "政策咨询", "contacted_at": "2026-11-30T15:00:00Z",
                            "follow_up_on": "2026-12-01"}, now)  # fmt: skip
    listed = cases.case_list(desk.counsellor, now)
    assert [w["worker_id"] for w in listed["top_tier_uncontacted"]] == [alice.id]
    assert [f["worker_id"] for f in listed["follow_ups_due"]] == [alice.id]
    records.record_guidance(desk.counsellor, alice.id, {"kind": "职业指导", "contacted_at": "2026-11-30T16:30:00Z"},
                            now)  # fmt: skip
    listed = cases.case_list(desk.counsellor, now)
    assert listed == {"follow_ups_due": [], "top_tier_uncontacted": []}
    with pytest.raises(Forbidden):
        cases.case_list(desk.clerk, now)


def test_registry_hides_categories_from_station_staff_and_the_id_number_from_all_but_admins(desk):
    alice = new_worker(station=desk.station)
    registry.save_registration(alice, alice.id, {"weekdays": [1, 3, 5], "hour_from": 8, "hour_to": 17,
                               "skill_ids": [desk.skill.id], "station_ids": [desk.station.id],
                               "id_number": ID_NUMBER}, desk.now)  # fmt: skip
    stored = WorkerRegistration.get(WorkerRegistration.worker == alice.id)
    assert ID_NUMBER not in str(list(WorkerRegistration.select().tuples())) and stored.id_last4 == "002X"
    assert stored.id_hash == registry.id_number_hash(ID_NUMBER)
    registry.set_support(desk.counsellor, alice.id, "low_income", 1, desk.now)
    own = registry.registration_of(alice, alice.id)
    assert own["weekdays"] == "135" and own["id_on_file"] and "support" not in own and "id_last4" not in own
    clerk = registry.search_registry(desk.clerk, skill_id=desk.skill.id)
    assert [r["worker_id"] for r in clerk] == [alice.id] and "support" not in clerk[0] and "id_last4" not in clerk[0]
    counsellor = registry.registration_of(desk.counsellor, alice.id)
    assert counsellor["support"] == {"category": "low_income", "tier": 1} and "id_last4" not in counsellor
    assert registry.registration_of(desk.admin, alice.id)["id_last4"] == "002X"
    with pytest.raises(Forbidden):
        registry.set_support(desk.clerk, alice.id, "older", 1, desk.now)
    bob = new_worker()
    with pytest.raises(Forbidden):
        registry.registration_of(bob, alice.id)
    with pytest.raises(Forbidden):
        registry.save_registration(bob, alice.id, {"weekdays": [1]}, desk.now)
    with pytest.raises(Conflict):
        registry.save_registration(bob, bob.id, {"id_number": ID_NUMBER}, desk.now)
    with pytest.raises(BadRequest):
        registry.save_registration(bob, bob.id, {"id_number": "110105194912310021"}, desk.now)


def test_the_desk_registers_a_walk_in(desk):
    reg = registry.register_walk_in(desk.clerk, {"name": "赵大姐", "phone": "13800000000", "weekdays": [6, 7]},
                                    desk.now, request_id="walk-1")  # fmt: skip
    again = registry.register_walk_in(desk.clerk, {"name": "赵大姐"}, desk.now, request_id="walk-1")
    assert again.id == reg.id and reg.worker.home_station_id == desk.station.id
    other = desk.make_station()
    with pytest.raises(Forbidden):
        registry.register_walk_in(desk.clerk, {"name": "钱大哥", "home_station_id": other.id}, desk.now)


def test_station_staff_see_only_their_own_stations_workers(desk, make_station, make_staff):
    """Skills, availability and certificates are personal data: another station's desk is refused them."""
    from services.training import certificates

    alice = new_worker(station=desk.station)
    registry.save_registration(alice, alice.id, {"weekdays": [2]}, desk.now)
    elsewhere = make_staff("station", make_station())
    with pytest.raises(Forbidden) as refused:
        registry.registration_of(elsewhere, alice.id)
    assert refused.value.code == "other_station"
    with pytest.raises(Forbidden):
        certificates.certificates_of(elsewhere, alice.id, desk.now)
    assert registry.registration_of(desk.clerk, alice.id)["weekdays"] == "2"
    assert certificates.certificates_of(desk.clerk, alice.id, desk.now) == []
    carol = new_worker()
    registry.save_registration(desk.clerk, carol.id, {"station_ids": [desk.station.id]}, desk.now)
    assert registry.registration_of(desk.clerk, carol.id)["station_ids"] == [desk.station.id]
