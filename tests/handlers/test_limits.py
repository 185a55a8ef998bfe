"""Numbers the database cannot hold, and a database that is too busy, give clean 4xx/503 answers."""

from peewee import OperationalError

from models import Station


def test_huge_ids_in_paths_are_404_not_500(client, login):
    _, headers = login("alice")
    for url in ("/api/v1/jobs/9223372036854775808", "/api/v1/orders/99999999999999999999"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.get_json()["error"]["code"]
    response = client.post("/api/v1/orders/18446744073709551616/reports", headers=headers,
                           json={"quantity": 1, "request_id": "r"})
    assert response.status_code == 404


def test_huge_ids_in_bodies_are_400(client, login, admin, staff_headers):
    _, headers = login("bob")
    response = client.patch("/api/v1/me", headers=headers, json={"home_station_id": 2**70})
    assert response.status_code == 400
    admin_h = staff_headers(admin, "admin-password")
    before = Station.select().count()
    response = client.post("/api/v1/staff/stations", headers=admin_h, json={"name": "远方", "parent_id": 2**64})
    assert response.status_code == 400 and Station.select().count() == before


def test_database_busy_is_503_with_retry_after(app, client):
    @app.get("/_test/busy")
    def busy():
        raise OperationalError("database is locked")

    response = client.get("/_test/busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.get_json()["error"]["code"] == "busy"
