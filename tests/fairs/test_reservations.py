"""Reservations: once per worker and fair (also when sent twice at once), cancel and reserve again, upcoming
fairs paged, featured posts."""

import datetime as dt
import threading

import models
from models import FairReservation
from services.fairs import events


def test_reserving_twice_is_one_reservation(client, desk, login):
    fair = desk.fair(starts=models.utcnow() + dt.timedelta(days=1))
    worker, headers = login("alice")
    first = client.post(f"/api/v1/fairs/{fair.id}/reservation", headers=headers)
    again = client.post(f"/api/v1/fairs/{fair.id}/reservation", headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"] and first.get_json()["status"] == "reserved"
    assert FairReservation.select().count() == 1
    shown = client.get(f"/api/v1/fairs/{fair.id}", headers=headers).get_json()
    assert shown["reserved"] is True and shown["finder_username"] == "sphChengAn"


def test_concurrent_reservations_make_one_row(app, desk, login):
    fair = desk.fair(starts=models.utcnow() + dt.timedelta(days=1))
    worker, _ = login("bob")
    results, errors = [], []
    barrier = threading.Barrier(6)

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(events.reserve(worker, fair.id, models.utcnow()).id)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)
            finally:
                if not models.db.is_closed():
                    models.db.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 6 and len(set(results)) == 1
    assert FairReservation.select().count() == 1


def test_cancel_and_reserve_again(client, desk, login):
    fair = desk.fair(starts=models.utcnow() + dt.timedelta(days=1))
    _, headers = login("carol")
    url = f"/api/v1/fairs/{fair.id}/reservation"
    missing = client.delete(url, headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "reservation_not_found"
    client.post(url, headers=headers)
    cancelled = client.delete(url, headers=headers)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.delete(url, headers=headers).get_json()["status"] == "cancelled"
    renewed = client.post(url, headers=headers).get_json()
    assert renewed["status"] == "reserved" and renewed["id"] == cancelled.get_json()["id"]
    mine = client.get("/api/v1/me/fair-reservations", headers=headers).get_json()
    assert [r["fair_id"] for r in mine["reservations"]] == [fair.id] and mine["next_before_id"] is None


def test_a_fair_that_is_over_cannot_be_reserved(client, desk, login):
    fair = desk.fair(starts=models.utcnow() - dt.timedelta(days=2))
    _, headers = login("dan")
    answer = client.post(f"/api/v1/fairs/{fair.id}/reservation", headers=headers)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "fair_over"
    assert "结束" in answer.get_json()["error"]["message"]
    absent = client.post("/api/v1/fairs/999999/reservation", headers=headers)
    assert absent.status_code == 404 and absent.get_json()["error"]["code"] == "fair_not_found"


def test_upcoming_fairs_are_paged_newest_first(client, desk, login):
    soon = models.utcnow() + dt.timedelta(days=1)
    desk.fair(title="已结束", starts=models.utcnow() - dt.timedelta(days=3))
    ids = [desk.fair(title=f"第{n}场", starts=soon + dt.timedelta(days=n)).id for n in range(3)]
    _, headers = login("erin")
    page = client.get("/api/v1/fairs?limit=2", headers=headers).get_json()
    assert [f["id"] for f in page["fairs"]] == ids[::-1][:2] and page["next_before_id"] == ids[1]
    rest = client.get(f"/api/v1/fairs?limit=2&before_id={page['next_before_id']}", headers=headers).get_json()
    assert [f["id"] for f in rest["fairs"]] == [ids[0]] and rest["next_before_id"] is None
    assert all(f["reserved"] is False for f in page["fairs"])
    local = dt.datetime.strptime(page["fairs"][0]["starts_local"], "%Y-%m-%d %H:%M")
    utc = dt.datetime.fromisoformat(page["fairs"][0]["starts_at"].replace("Z", ""))
    assert local - utc.replace(second=0, microsecond=0) == dt.timedelta(hours=8)  # shown in Asia/Shanghai


def test_featured_posts_are_listed_once(client, desk, login):
    fair = desk.fair(starts=models.utcnow() + dt.timedelta(days=1))
    url = f"/api/v1/staff/fairs/{fair.id}/posts"
    assert client.post(url, headers=desk.headers, json={"post_ids": [7, 3]}).get_json()["post_ids"] == [3, 7]
    assert client.post(url, headers=desk.headers, json={"post_ids": [3, 9]}).get_json()["post_ids"] == [3, 7, 9]
    _, headers = login("fay")
    assert client.get(f"/api/v1/fairs/{fair.id}", headers=headers).get_json()["post_ids"] == [3, 7, 9]


def test_a_fair_must_end_after_it_starts(client, desk):
    start = "2026-06-01T08:00:00+08:00"
    body = {"station_id": desk.station.id, "title": "倒着的", "starts_at": start, "ends_at": start}
    answer = client.post("/api/v1/staff/fairs", headers=desk.headers, json=body)
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_window"
