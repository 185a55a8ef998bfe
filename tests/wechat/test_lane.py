"""The push lane (wechat/lane.py) answers pushes exactly as the Flask views do, and keeps their limits."""

import sqlite3

import psycopg
import pytest
from peewee import PostgresqlDatabase
from peewee import SqliteDatabase

import models
from models import KeyValue
from tests.oa_helpers import reply_text
from wechat.lane import PushLane
from wechat.lane import query_args
from wechat.simulate import message_xml
from wechat.simulate import signed_push


@pytest.fixture()
def follower(login, oa_user, oa_push):
    """Alice, bound to the official account (joined by unionid)."""
    login("alice")
    openid = oa_user("alice")
    assert oa_push(openid, "event", Event="subscribe", EventKey="").status_code == 200
    return openid


def _pushes(oa_endpoint, openid):
    """(label, query args, body) of pushes worth comparing: answered ones and refused ones."""
    text = message_xml("gh_lingong", openid, "text", msg_id=4242, Content="收入")
    yield ("earnings keyword",) + signed_push(oa_endpoint, text)
    yield ("earnings keyword, safe mode",) + signed_push(oa_endpoint, text, encrypted=True)
    yield ("menu click",) + signed_push(oa_endpoint, message_xml("gh_lingong", openid, "event", Event="CLICK",
                                                                 EventKey="MY_ORDERS"))  # fmt: skip
    yield ("unknown text",) + signed_push(oa_endpoint, message_xml("gh_lingong", openid, "text", msg_id=4243,
                                                                   Content="你好"))  # fmt: skip
    forged, body = signed_push(oa_endpoint, text)
    yield "forged", dict(forged, signature="0" * 40), body
    yield ("doctype",) + signed_push(oa_endpoint, '<!DOCTYPE xml [<!ENTITY e "1">]>' + text)
    yield ("broken",) + signed_push(oa_endpoint, text[:-4])
    yield ("oversized",) + signed_push(oa_endpoint, text.replace("</xml>", "<Pad>" + "x" * 70000 + "</Pad></xml>"))


def _answer(client, args, body):
    response = client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")
    return response.status_code, response


def test_lane_and_flask_view_answer_alike(app, client, oa_endpoint, follower, monkeypatch):
    lane = app.wsgi_app.wsgi_app  # under the after-response layer (handlers.after_response)
    assert isinstance(lane, PushLane)
    for label, args, body in _pushes(oa_endpoint, follower):
        status, through_lane = _answer(client, args, body)
        with monkeypatch.context() as m:
            m.setattr(app.wsgi_app, "wsgi_app", lane.flask)  # the Flask view alone
            again_args, again_body = args, body
            if status == 200:  # a fresh signature: the lane already used this nonce
                again_args, again_body = signed_push(oa_endpoint, _plain(oa_endpoint, args, body),
                                                     encrypted="encrypt_type" in args)  # fmt: skip
            view_status, through_view = _answer(client, again_args, again_body)
        assert status == view_status, label
        if status == 200:
            assert reply_text(through_lane, oa_endpoint) == reply_text(through_view, oa_endpoint), label
            assert reply_text(through_lane, oa_endpoint), label
            assert through_lane.mimetype == through_view.mimetype, label
        else:
            assert 400 <= status < 500, label


def _plain(endpoint, args, body):
    from wechat.callback import decrypt_text
    from wechat.xmlsafe import parse_xml

    text = body.decode() if isinstance(body, bytes) else body
    if "encrypt_type" not in args:
        return text
    return decrypt_text(endpoint, parse_xml(text)["Encrypt"])


def test_lane_can_be_turned_off(app):
    from app import create_app

    database = models.db.obj
    try:
        off = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY")}, "TESTING": True,
                          "WECHAT_SANDBOX": True, "WECHAT_PUSH_LANE": "0"})  # fmt: skip
    finally:
        models.db.initialize(database)  # the test's own app keeps its database
    assert not isinstance(off.wsgi_app.wsgi_app, PushLane)  # under the after-response layer (handlers.after_response)
    assert isinstance(app.wsgi_app.wsgi_app, PushLane)


def test_query_push_is_answered_again_on_retry_and_stores_no_answer(client, oa_endpoint, follower):
    cached = KeyValue.select().where(KeyValue.key.startswith("wx:msg:"))
    before = cached.count()  # the follow event's key: a subscribe changes state, so it is de-duplicated
    xml = message_xml("gh_lingong", follower, "text", msg_id=99001, Content="收入")
    first_args, first_body = signed_push(oa_endpoint, xml)
    first = client.post("/wechat/oa", query_string=first_args, data=first_body, content_type="text/xml")
    retry_args, retry_body = signed_push(oa_endpoint, xml)  # WeChat's retry: the same message, a new nonce
    retry = client.post("/wechat/oa", query_string=retry_args, data=retry_body, content_type="text/xml")
    assert "今天验收" in reply_text(first) and reply_text(retry) == reply_text(first)
    assert cached.count() == before  # nothing cached for a query
    replay = client.post("/wechat/oa", query_string=first_args, data=first_body, content_type="text/xml")
    assert replay.status_code == 403  # its nonce was claimed all the same


def test_lane_answers_busy_while_the_database_is_locked(app, client, oa_endpoint, follower):
    models.db.connect(reuse_if_open=True)
    database = models.db.obj
    if isinstance(database, SqliteDatabase):
        models.db.execute_sql("PRAGMA busy_timeout = 100")
        holder = sqlite3.connect(database.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    elif isinstance(database, PostgresqlDatabase):
        models.db.execute_sql("SET lock_timeout = '100ms'")
        holder = psycopg.connect(dbname=database.database, **database.connect_params)
        holder.cursor().execute("LOCK TABLE key_value IN EXCLUSIVE MODE")
    else:  # MySQL / MariaDB
        import pymysql

        models.db.execute_sql("SET SESSION lock_wait_timeout = 1")
        holder = pymysql.connect(database=database.database, **database.connect_params)
        holder.cursor().execute("LOCK TABLES key_value WRITE")
    xml = message_xml("gh_lingong", follower, "text", msg_id=99002, Content="收入")
    args, body = signed_push(oa_endpoint, xml)
    try:
        busy = client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")
    finally:
        if isinstance(database, SqliteDatabase):
            holder.execute("ROLLBACK")
        elif isinstance(database, PostgresqlDatabase):
            holder.rollback()
        else:
            holder.cursor().execute("UNLOCK TABLES")
        holder.close()
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    models.db.connect(reuse_if_open=True)
    if isinstance(database, PostgresqlDatabase):
        models.db.execute_sql("SET lock_timeout = 0")
    args, body = signed_push(oa_endpoint, xml)
    answered = client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")
    assert answered.status_code == 200 and "今天验收" in reply_text(answered)


def test_query_args_take_the_first_value_and_decode_only_when_needed():
    assert query_args("signature=ab&timestamp=1&nonce=2&nonce=3") == {"signature": "ab", "timestamp": "1", "nonce": "2"}
    assert query_args("openid=o%2Bx&msg_signature=a+b&empty=") == {"openid": "o+x", "msg_signature": "a b", "empty": ""}
    assert query_args("") == {}


def test_chunked_body_over_the_cap_is_refused_unread(app):
    import io

    lane = app.wsgi_app
    stream = io.BytesIO(b"<xml>" + b"x" * (70 * 1024) + b"</xml>")
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/wechat/oa", "QUERY_STRING": "", "wsgi.input": stream}
    statuses = []
    body = b"".join(lane(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["413 Content Too Large"] and body == b"body too large"
    assert stream.tell() <= 64 * 1024 + 1


def test_text_reply_keeps_a_cdata_terminator_in_the_content():
    from wechat.message import Message
    from wechat.message import text_reply_xml
    from wechat.xmlsafe import parse_xml

    message = Message({"MsgType": "text", "FromUserName": "o]]>user", "ToUserName": "gh_x"})
    fields = parse_xml(text_reply_xml(message, "甲]]>乙", 1700000000))
    assert (
        fields["Content"] == "甲]]>乙" and fields["ToUserName"] == "o]]>user" and fields["CreateTime"] == "1700000000"
    )
