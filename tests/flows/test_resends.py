"""A resent order or report gets its first answer, even once the job or the order has no room left for it;
a request id reused for something else is a 409; nothing is written twice. Run on uncapped jobs (one statement
on PostgreSQL) and capped ones (the transaction path)."""

import pytest

from models import Job
from models import Order
from models import PieceReport

pytestmark = pytest.mark.usefixtures("ledger_check")


@pytest.mark.parametrize("cap", [0, 5])
def test_order_resent_after_the_job_filled_up(client, login, make_job, cap):
    job = make_job(total_pieces=5, per_worker_cap=cap)
    _, alice = login("alice")
    _, bob = login("bob")
    url = f"/api/v1/jobs/{job.id}/orders"
    first = client.post(url, headers=alice, json={"quantity": 5, "request_id": "fill"})
    assert first.status_code == 201
    again = client.post(url, headers=alice, json={"quantity": 5, "request_id": "fill"})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert client.post(url, headers=bob, json={"quantity": 1, "request_id": "late"}).status_code == 409
    reused = client.post(url, headers=alice, json={"quantity": 4, "request_id": "fill"})
    assert reused.status_code == 409 and reused.get_json()["error"]["code"] == "request_id_reused"
    assert Order.select().count() == 1 and Job.get_by_id(job.id).taken == 5


def test_report_resent_after_the_order_was_fully_reported(client, login, make_job):
    job = make_job(total_pieces=10)
    _, alice = login("alice")
    order = client.post(f"/api/v1/jobs/{job.id}/orders", headers=alice, json={"quantity": 3, "request_id": "o"})
    url = f"/api/v1/orders/{order.get_json()['id']}/reports"
    first = client.post(url, headers=alice, json={"quantity": 3, "request_id": "all"})
    assert first.status_code == 201
    again = client.post(url, headers=alice, json={"quantity": 3, "request_id": "all"})
    assert again.status_code == 200 and again.get_json() == first.get_json()
    over = client.post(url, headers=alice, json={"quantity": 1, "request_id": "more"})
    assert over.status_code == 409 and over.get_json()["error"]["code"] == "too_many_pieces"
    assert PieceReport.select().count() == 1 and Order.get_by_id(order.get_json()["id"]).reported == 3


def test_report_on_someone_elses_order_is_not_found_and_writes_nothing(client, login, make_job):
    job = make_job(total_pieces=10)
    _, alice = login("alice")
    _, bob = login("bob")
    order = client.post(f"/api/v1/jobs/{job.id}/orders", headers=alice, json={"quantity": 3, "request_id": "o"})
    theft = client.post(f"/api/v1/orders/{order.get_json()['id']}/reports", headers=bob,
                        json={"quantity": 1, "request_id": "t"})  # fmt: skip
    assert theft.status_code == 404 and theft.get_json()["error"]["code"] == "order_not_found"
    assert PieceReport.select().count() == 0 and Order.get_by_id(order.get_json()["id"]).reported == 0
