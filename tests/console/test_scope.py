"""Station staff see and change only their own station: other stations' pages answer 403 with a Chinese page."""

from models import Inspection
from services.people import worker_code


def test_other_station_pages_are_forbidden(client, loop, console_login, form_post, make_staff):
    intruder = make_staff(station=loop["other"], username="daodongbao")
    console_login(intruder)
    for path in (
        f"/console/stations/{loop['station'].id}",
        f"/console/jobs/{loop['job'].id}",
        f"/console/orders/{loop['order_id']}",
        f"/console/workers/{loop['worker'].id}",
        f"/console/statistics?station={loop['station'].id}",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "没有权限" in response.get_data(as_text=True)
    response = form_post(
        f"/console/orders/{loop['order_id']}/inspect",
        {"accepted": "1", "rejected": "0", "rework": "0", "step": "confirm"},
    )
    assert response.status_code == 403 and "无权操作其他驿站的数据" in response.get_data(as_text=True)
    assert Inspection.select().count() == 0
    lists = "".join(
        client.get(p).get_data(as_text=True)
        for p in ("/console/jobs", "/console/inspections", "/console/", "/console/materials?q=张")
    )
    assert "鞋灯卡扣组装" not in lists and "张三" not in lists and "商城镇" not in lists


def test_desk_code_finds_the_worker(client, loop, console_login, app):
    code = client.get("/api/v1/me/qr", headers=loop["headers"]).get_json()["code"]
    assert code == worker_code.code_for(loop["worker"].id, app.config["SECRET_KEY"])
    assert worker_code.worker_id_from(code, app.config["SECRET_KEY"]) == loop["worker"].id
    assert worker_code.worker_id_from(code[:-1] + ("A" if code[-1] != "A" else "B"), "test-secret") is None
    console_login(loop["staff"])
    page = client.get("/console/materials", query_string={"q": code.lower()}).get_data(as_text=True)
    assert f"/console/workers/{loop['worker'].id}" in page
    assert client.get("/api/v1/me/qr").status_code == 401
