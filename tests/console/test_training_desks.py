"""The training desk, the counsellor desk, the registry page and the month's training figures in the console:
station staff record attendance, only the trainer passes or fails, counsellors record contacts and see notes,
station staff see no categories; each figure links to its records."""

from models import Certificate
from models import GuidanceRecord
from services.training import enrolment
from tests.training_helpers import new_worker
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)


def test_station_staff_sign_in_attendance_and_the_trainer_passes(client, world, console_login, form_post):
    worker = new_worker("李四", world.station)
    session = world.session()
    seat = enrolment.enrol(worker, session.id, world.now)
    console_login(world.make_staff("station", world.station, username="desk1"))
    assert "卡扣装配岗前培训" in client.get("/console/training").get_data(as_text=True)
    page = f"/console/training/sessions/{session.id}"
    assert "李四" in client.get(page).get_data(as_text=True)
    attended = form_post(f"/console/training/enrolments/{seat.id}/attend", {"session_id": str(session.id)}, page)
    assert attended.status_code == 303
    refused = form_post(f"/console/training/enrolments/{seat.id}/result", {"session_id": str(session.id),
                                                                            "passed": "1"}, page)  # fmt: skip
    assert refused.status_code == 403 and not Certificate.select().exists()
    console_login(world.trainer, "trainer-password")
    html = client.get(page).get_data(as_text=True)
    assert "已签到" in html and "合格" in html
    passed = form_post(f"/console/training/enrolments/{seat.id}/result", {"session_id": str(session.id),
                                                                           "passed": "1"}, page)  # fmt: skip
    assert passed.status_code == 303 and Certificate.get(Certificate.worker == worker.id)


def test_counsellor_desk_records_a_contact_and_the_figures_link_to_it(client, world, console_login, form_post):
    worker = new_worker("王五", world.station)
    console_login(world.make_staff("counsellor", world.station, username="coun1"))
    assert "到期回访" in client.get("/console/counsellor").get_data(as_text=True)
    done = form_post("/console/counsellor/contacts", {"worker_id": str(worker.id), "kind": "政策咨询",
                                                      "summary": "问了补贴", "notes": "内部的话",
                                                      "follow_up_on": ""}, "/console/counsellor")  # fmt: skip
    assert done.status_code == 303
    record = GuidanceRecord.get(GuidanceRecord.worker == worker.id)
    assert "内部的话" in client.get(f"/console/counsellor?worker={worker.id}").get_data(as_text=True)
    stats = client.get("/console/statistics").get_data(as_text=True)
    assert "职业指导人次" in stats and "/console/statistics/training/guidance_contacts" in stats
    listed = client.get("/console/statistics/training/guidance_contacts").get_data(as_text=True)
    assert f"<td>{record.id}</td>" in listed


def test_registry_page_hides_categories_from_station_staff(client, world, console_login):
    console_login(world.make_staff("station", world.station, username="desk2"))
    html = client.get("/console/registry").get_data(as_text=True)
    assert "零工登记" in html and "困难类别" not in html
    assert client.get("/console/counsellor").status_code == 403
    assert "培训人次" not in client.get("/console/statistics").get_data(as_text=True)
