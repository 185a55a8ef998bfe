"""/wechat/oa end to end: refusals act on nothing; subscribe, bind, menu, keywords, voice, scan, unsubscribe."""

import subprocess
import sys
import textwrap

import pytest

import models
from models import CheckIn
from models import Worker
from tests.oa_helpers import reply_text
from wechat.simulate import message_xml
from wechat.simulate import signed_echo
from wechat.simulate import signed_push


def scan_xml(openid, station_id, now=None):
    return message_xml("gh_lingong", openid, "event", now=now, Event="SCAN", EventKey=str(station_id))


@pytest.fixture()
def bound(login, oa_user, oa_push):
    """Alice logged in to the mini-program and followed the account (joined by unionid)."""
    worker, headers = login("alice")
    openid = oa_user("alice")
    response = oa_push(openid, "event", Event="subscribe", EventKey="")
    assert response.status_code == 200
    return Worker.get_by_id(worker.id), openid, headers


def test_echo(client, oa_endpoint):
    args = signed_echo(oa_endpoint, "8264")
    assert client.get("/wechat/oa", query_string=args).get_data(as_text=True) == "8264"
    args = signed_echo(oa_endpoint, "8264")
    args["signature"] = "f" * 40
    assert client.get("/wechat/oa", query_string=args).status_code == 403


def _hostile_requests(oa_endpoint, openid, station_id):
    good = scan_xml(openid, station_id)
    forged_args, body = signed_push(oa_endpoint, good)
    forged_args["signature"] = "0" * 40
    yield "forged", forged_args, body
    args, body = signed_push(oa_endpoint, good, encrypted=True)
    yield "signature for msg_signature", dict(args, msg_signature=args["signature"]), body
    import time

    yield ("stale",) + signed_push(oa_endpoint, good, now=int(time.time()) - 3600)
    dtd = '<!DOCTYPE xml [<!ENTITY e "1">]>' + good.replace("<xml>", "<xml><X>&e;</X>")
    yield ("doctype",) + signed_push(oa_endpoint, dtd)
    yield ("oversized",) + signed_push(oa_endpoint, good.replace("</xml>", "<Pad>" + "x" * 70000 + "</Pad></xml>"))
    yield ("broken",) + signed_push(oa_endpoint, good[:-3])


def test_refused_pushes_act_on_nothing(client, oa_endpoint, bound, make_station):
    worker, openid, _ = bound
    station = make_station()
    for label, args, body in _hostile_requests(oa_endpoint, openid, station.id):
        response = client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")
        assert 400 <= response.status_code < 500, label
    assert CheckIn.select().count() == 0


def test_replayed_nonce_is_refused(client, oa_endpoint, bound, make_station):
    _, openid, _ = bound
    args, body = signed_push(oa_endpoint, scan_xml(openid, make_station().id))
    assert client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml").status_code == 200
    assert client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml").status_code == 403
    assert CheckIn.select().count() == 1


def test_retry_reaching_another_process_is_acted_on_once(app, client, oa_endpoint, bound, make_station):
    _, openid, _ = bound
    xml = scan_xml(openid, make_station().id)
    args, body = signed_push(oa_endpoint, xml)
    first = client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")
    assert "签到" in reply_text(first)
    retry_args, retry_body = signed_push(oa_endpoint, xml)  # WeChat's retry: same message, new nonce
    shared = {name: app.config[name] for name in ("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX") if name in app.config}
    script = textwrap.dedent(f"""
        from app import create_app
        app = create_app({{"TESTING": True, "WECHAT_SANDBOX": True, **{shared!r}}})
        answer = app.test_client().post("/wechat/oa", query_string={retry_args!r}, data={retry_body!r},
                                        content_type="text/xml")
        print(answer.status_code, answer.get_data(as_text=True))
    """)
    models.db.close()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=app.root_path)
    models.db.connect(reuse_if_open=True)
    assert done.stdout.startswith("200"), done.stderr[-2000:]
    assert "签到" in done.stdout  # the retry gets the first answer again
    assert CheckIn.select().count() == 1


def test_subscribe_joins_by_unionid_and_menu_commands_answer(bound, oa_push, oa_endpoint):
    worker, openid, _ = bound
    assert worker.oa_openid == openid and worker.oa_subscribed
    earnings = reply_text(oa_push(openid, "event", Event="CLICK", EventKey="MY_EARNINGS"))
    assert "今天验收 0 件" in earnings and "0.00元" in earnings
    assert "今天验收" in reply_text(oa_push(openid, "text", Content="收入"))
    assert "今天验收" in reply_text(oa_push(openid, "voice", MediaId="m", Format="amr", Recognition="我今天收入多少。"))
    assert "没有进行中的工单" in reply_text(oa_push(openid, "text", Content="工单"))
    assert "暂无结算记录" in reply_text(oa_push(openid, "event", Event="CLICK", EventKey="MY_PAYOUTS"))
    assert "辅导员" in reply_text(oa_push(openid, "text", Content="帮助"))
    encrypted = oa_push(openid, "event", encrypted=True, Event="CLICK", EventKey="MY_EARNINGS")
    assert "Encrypt" in encrypted.get_data(as_text=True)
    assert "今天验收" in reply_text(encrypted, oa_endpoint)


def test_orders_and_station_jobs(bound, oa_push, client, make_job, make_station):
    worker, openid, headers = bound
    station = make_station()
    job = make_job(station=station, unit_price_fen=12, title="箱包拉链")
    taken = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 30, "request_id": "r1"})
    assert taken.status_code in (200, 201), taken.get_json()
    assert "箱包拉链：接 30 件" in reply_text(oa_push(openid, "event", Event="CLICK", EventKey="MY_ORDERS"))
    assert "没选站点" in reply_text(oa_push(openid, "text", Content="有活吗"))
    assert "签到" in reply_text(oa_push(openid, "event", Event="SCAN", EventKey=str(station.id)))
    jobs = reply_text(oa_push(openid, "event", Event="CLICK", EventKey="STATION_JOBS"))
    assert "箱包拉链：每件 0.12元，还剩 70 件" in jobs


def test_unbound_follower_gets_how_to_bind(oa_user, oa_push):
    openid = oa_user("carol")
    welcome = reply_text(oa_push(openid, "event", Event="subscribe", EventKey=""))
    assert "欢迎关注" in welcome and "绑定" in welcome
    assert "还没有绑定" in reply_text(oa_push(openid, "event", Event="CLICK", EventKey="MY_EARNINGS"))
    assert "还没有绑定" in reply_text(oa_push(openid, "text", Content="收入"))


def test_bind_code_without_unionid(login, oa_user, oa_push, client):
    worker, headers = login("dora-nounion")
    openid = oa_user("dora-nounion")
    assert "还没有绑定" in reply_text(oa_push(openid, "event", Event="subscribe", EventKey=""))
    code = client.post("/api/v1/me/oa-bind-code", headers=headers).get_json()["code"]
    assert "绑定成功" in reply_text(oa_push(openid, "text", Content=code))
    assert Worker.get_by_id(worker.id).oa_openid == openid
    assert "今天验收" in reply_text(oa_push(openid, "text", Content="收入"))
    other = oa_user("eve")
    assert "不对或已过期" in reply_text(oa_push(other, "text", Content=code))
    assert client.post("/api/v1/me/oa-bind-code").status_code == 401


def test_subscribe_with_station_scene_checks_in(login, oa_user, oa_push, make_station):
    station = make_station(name="南关驿站")
    login("frank")
    reply = reply_text(oa_push(oa_user("frank"), "event", Event="subscribe", EventKey=f"qrscene_{station.id}"))
    assert "已在南关驿站签到" in reply
    assert CheckIn.select().where(CheckIn.station == station.id).count() == 1


def test_scan_of_unknown_station_and_unsubscribe(bound, oa_push):
    worker, openid, _ = bound
    assert "没有这个站点" in reply_text(oa_push(openid, "event", Event="SCAN", EventKey="99999"))
    assert oa_push(openid, "event", Event="unsubscribe", EventKey="").get_data(as_text=True) == "success"
    assert not Worker.get_by_id(worker.id).oa_subscribed


def test_unknown_types_and_failing_commands_answer_success(bound, oa_push, caplog):
    from wechat import commands

    _, openid, _ = bound
    assert oa_push(openid, "event", Event="some_new_event").get_data(as_text=True) == "success"
    assert oa_push(openid, "shortvideo", MediaId="x").get_data(as_text=True) == "success"
    assert oa_push(openid, "event", Event="CLICK", EventKey="NO_SUCH_KEY").get_data(as_text=True) == "success"

    @commands.command("TEST_BOOM")
    def boom(ctx):
        raise RuntimeError("boom")

    try:
        response = oa_push(openid, "event", Event="CLICK", EventKey="TEST_BOOM")
    finally:
        commands.COMMANDS.pop("TEST_BOOM")
    assert response.status_code == 200 and response.get_data(as_text=True) == "success"
    assert "command failed" in caplog.text


def test_mini_program_push_url_verification(client, app):
    from wechat.callback import Endpoint
    from wechat.callback import sign

    cfg = app.config
    mp = Endpoint("mp", cfg["WECHAT_MP_TOKEN"], cfg["WECHAT_MP_APPID"], cfg["WECHAT_MP_AES_KEY"])
    assert client.get("/wechat/mp", query_string=signed_echo(mp, "77")).get_data(as_text=True) == "77"
    oa_signed = signed_echo(mp, "77")
    oa_signed["signature"] = sign("wrong-token", oa_signed["timestamp"], oa_signed["nonce"])
    assert client.get("/wechat/mp", query_string=oa_signed).status_code == 403


def test_dedupe_through_redis_when_configured(app, bound, make_station, oa_endpoint):
    import uuid

    from app import create_app

    _, openid, _ = bound
    redis_config = {
        "TESTING": True,
        "WECHAT_SANDBOX": True,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "REDIS_PREFIX": f"t{uuid.uuid4().hex}:",
    }
    first, second = create_app(redis_config), create_app(redis_config)
    xml = scan_xml(openid, make_station().id)
    for instance in (first, second, first):
        args, body = signed_push(oa_endpoint, xml)
        response = instance.test_client().post("/wechat/oa", query_string=args, data=body, content_type="text/xml")
        assert response.status_code == 200 and "签到" in reply_text(response)
    assert CheckIn.select().count() == 1
    store = first.extensions["lingong_kvstore"]
    assert type(store).__name__ == "RedisStore"
    for key in store.redis.scan_iter(store.prefix + "*"):
        store.redis.delete(key)


def test_racing_scans_of_one_worker_are_one_arrival(app, bound, make_station):
    """Two different scans (two dedupe keys) handled at once in two threads: still one check-in."""
    import threading

    from services.people import followers

    worker, _, _ = bound
    station = make_station()
    start = threading.Barrier(4)
    errors = []

    def scan():
        try:
            with app.app_context():
                models.db.connect(reuse_if_open=True)
                start.wait()
                followers.record_checkin(worker, station.id, models.utcnow())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if not models.db.is_closed():
                models.db.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert CheckIn.select().where(CheckIn.worker == worker.id).count() == 1
