"""Login through the sandbox's jscode2session, phone binding, profile, and token checks."""

from models import AuthToken
from models import Worker


def test_login_creates_worker_once_and_hides_session_key(client):
    first = client.post("/api/v1/auth/login", json={"code": "test-alice"})
    again = client.post("/api/v1/auth/login", json={"code": "test-alice"})
    assert first.status_code == again.status_code == 200
    assert first.get_json()["worker"]["id"] == again.get_json()["worker"]["id"]
    assert Worker.select().count() == 1
    worker = Worker.get()
    assert worker.session_key and worker.unionid
    for response in (first, again):
        assert worker.session_key not in response.get_data(as_text=True)
        assert "session_key" not in response.get_data(as_text=True)
    # tokens are stored hashed, never in clear
    assert AuthToken.select().where(AuthToken.token_hash == first.get_json()["token"]).count() == 0


def test_bad_code_is_401_and_creates_nothing(client):
    response = client.post("/api/v1/auth/login", json={"code": "not-a-sandbox-code"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_code"
    assert Worker.select().count() == 0
    assert AuthToken.select().count() == 0


def test_login_refuses_missing_or_malformed_code(client):
    assert client.post("/api/v1/auth/login", json={}).status_code == 400
    assert client.post("/api/v1/auth/login", json={"code": 12}).status_code == 400
    assert client.post("/api/v1/auth/login", data="{", content_type="application/json").status_code == 400
    assert Worker.select().count() == 0


def test_worker_without_unionid(client):
    response = client.post("/api/v1/auth/login", json={"code": "test-bob-nounion"})
    assert response.status_code == 200
    assert Worker.get_by_id(response.get_json()["worker"]["id"]).unionid is None


def test_endpoints_require_a_valid_token(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/me/earnings", headers={"Authorization": "Basic abc"}).status_code == 401


def test_bind_phone_with_single_use_code(client, login):
    worker, headers = login("carol")
    ok = client.post("/api/v1/me/phone", headers=headers, json={"code": "phone-13800138000"})
    assert ok.status_code == 200 and ok.get_json()["phone"] == "13800138000"
    reused = client.post("/api/v1/me/phone", headers=headers, json={"code": "phone-13800138000"})
    assert reused.status_code == 400
    bad = client.post("/api/v1/me/phone", headers=headers, json={"code": "garbage"})
    assert bad.status_code == 400
    assert Worker.get_by_id(worker.id).phone == "13800138000"


def test_profile_name_and_home_station(client, login, make_station):
    station = make_station("商城镇乡村驿站")
    worker, headers = login("dan")
    response = client.patch("/api/v1/me", headers=headers, json={"name": "张大妈", "home_station_id": station.id})
    assert response.status_code == 200
    assert response.get_json()["home_station_id"] == station.id
    assert client.patch("/api/v1/me", headers=headers, json={"home_station_id": 999}).status_code == 404
    assert client.patch("/api/v1/me", headers=headers, json={"name": ""}).status_code == 400
    assert client.patch("/api/v1/me", headers=headers, json={}).status_code == 400
    assert Worker.get_by_id(worker.id).name == "张大妈"
