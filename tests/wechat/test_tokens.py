"""The shared access token: one refresh for many callers, one forced refresh per rejection, never a loop."""

import threading

import pytest
from wechatpy.exceptions import WeChatClientException

from models import db
from wechat import clients
from wechat.kvstore import DbStore
from wechat.kvstore import RedisStore
from wechat.sandbox import store
from wechat.tokens import TokenStore


def fetches():
    return len(store.records("stable_token_call"))


def new_client(app, kv=None):
    cfg = app.config
    return clients.build_client(
        cfg["WECHAT_OA_APPID"], cfg["WECHAT_OA_SECRET"], app.extensions["wechat_sandbox"], 5, kv or DbStore()
    )


def send(client):
    return client.post("message/custom/send", data={"touser": "oX", "msgtype": "text", "text": {"content": "hi"}})


def test_token_storm_ends_after_one_refresh_and_one_retry(app, caplog):
    client = new_client(app)
    send(client)
    assert fetches() == 1
    fault = store.add_fault("token_check", errcode=40001, remaining=50)
    with pytest.raises(WeChatClientException) as failed:
        send(client)
    assert failed.value.errcode == 40001
    used = 50 - type(fault).get_by_id(fault.id).remaining
    assert used == 2  # the call and its single retry
    assert fetches() == 2  # one forced refresh
    assert "giving up" in caplog.text


def test_endless_storm_is_bounded_too(app):
    client = new_client(app)
    store.add_fault("token_check", errcode=40001, remaining=-1)
    for _ in range(3):
        with pytest.raises(WeChatClientException):
            send(client)
    assert fetches() <= 1 + 3  # first fetch, then one forced refresh per failed call


def test_expired_token_is_refreshed_once_and_the_call_succeeds(app):
    client = new_client(app)
    send(client)
    store.add_fault("token_check", errcode=42001, remaining=1)
    assert send(client)["errcode"] == 0
    assert fetches() == 2
    assert len(store.records("custom_send")) == 2


def test_processes_share_one_token(app):
    first, second = new_client(app), new_client(app)
    send(first)
    send(second)
    assert fetches() == 1
    assert first.access_token == second.access_token


def test_concurrent_refresh_makes_one_call(app):
    results, errors = [], []
    barrier = threading.Barrier(8)

    def worker():
        try:
            client = new_client(app)
            barrier.wait()
            with db.connection_context():
                results.append(client.tokens.current())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and len(set(results)) == 1 and len(results) == 8
    assert fetches() == 1


def test_concurrent_refresh_with_redis(app, rediskv):
    results = []

    def worker():
        with db.connection_context():
            results.append(new_client(app, rediskv).tokens.current())

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6 and len(set(results)) == 1
    assert fetches() == 1
    assert isinstance(rediskv, RedisStore)


def test_busy_stable_token_is_retried_with_backoff(app, monkeypatch):
    monkeypatch.setattr(TokenStore, "busy_backoff", (0.01, 0.02, 0.03))
    store.add_fault("cgi-bin/stable_token", errcode=-1, remaining=2)
    assert send(new_client(app))["errcode"] == 0
    assert fetches() == 1  # the two busy answers were not recorded as issued tokens


def test_busy_api_call_is_retried(app, monkeypatch):
    from wechat.tokens import SharedTokenClient

    monkeypatch.setattr(SharedTokenClient, "busy_backoff", (0.01, 0.01))
    store.add_fault("cgi-bin/message/custom/send", errcode=-1, remaining=2)
    assert send(new_client(app))["errcode"] == 0
    store.add_fault("cgi-bin/message/custom/send", errcode=-1, remaining=3)
    with pytest.raises(WeChatClientException) as failed:
        send(new_client(app))
    assert failed.value.errcode == -1
