"""The official-account bind code through the real, signed callback: a few wrong codes per follower, a cap for all
followers together, and codes that stop working after 10 minutes."""

import datetime as dt

import pytest

from models import Worker
from services.people import followers
from services.people import throttle
from tests.oa_helpers import reply_text


@pytest.fixture
def clock(app, now):
    """The app's clock, pinned; clock.move(minutes=…) moves it."""

    class Clock:
        at = now

        def move(self, **delta):
            self.at += dt.timedelta(**delta)

    pinned = Clock()
    app.config["NOW_OVERRIDE"] = lambda: pinned.at
    return pinned


@pytest.fixture
def dora(login, client):
    """A worker without a unionid (so only a bind code joins her follower openid) and a way to get her a code."""
    worker, headers = login("dora-nounion")
    return worker, lambda: client.post("/api/v1/me/oa-bind-code", headers=headers).get_json()["code"]


def wrong(code):
    return f"{(int(code) + 1) % 10**8:08d}"


def test_five_wrong_codes_an_hour_per_follower(clock, dora, oa_user, oa_push):
    worker, new_code = dora
    openid, code = oa_user("dora-nounion"), new_code()
    for n in range(5):
        assert "不对或已过期" in reply_text(oa_push(openid, "text", Content=f"{(int(code) + 1 + n) % 10**8:08d}"))
    refused = reply_text(oa_push(openid, "text", Content=code))  # even the right code: it is not looked at
    assert refused == "绑定码输错次数太多，请 60 分钟后再试。"
    assert Worker.get_by_id(worker.id).oa_openid is None
    clock.move(minutes=60)
    assert "绑定成功" in reply_text(oa_push(openid, "text", Content=new_code()))
    assert Worker.get_by_id(worker.id).oa_openid == openid


def test_a_cap_for_all_followers_together(clock, dora, oa_user, oa_push, monkeypatch):
    monkeypatch.setattr(followers, "BIND_IN_ALL", throttle.Quota(limit=3, window=3600))  # 100 in production
    worker, new_code = dora
    code = new_code()
    for n in range(3):  # three strangers, one guess each
        assert "不对或已过期" in reply_text(oa_push(f"o-stranger-{n}", "text", Content=wrong(code)))
    clock.move(minutes=5)
    paused = reply_text(oa_push(oa_user("dora-nounion"), "text", Content=code))
    assert paused.startswith("现在尝试绑定的次数太多，已暂停绑定，请 55 分钟后再试")
    assert Worker.get_by_id(worker.id).oa_openid is None


def test_a_right_code_is_not_counted_against_anyone(clock, login, client, oa_user, oa_push, monkeypatch):
    monkeypatch.setattr(followers, "BIND_IN_ALL", throttle.Quota(limit=2, window=3600))
    for name in ("ann-nounion", "bea-nounion", "cat-nounion"):
        _, headers = login(name)
        code = client.post("/api/v1/me/oa-bind-code", headers=headers).get_json()["code"]
        assert "绑定成功" in reply_text(oa_push(oa_user(name), "text", Content=code))


def test_a_code_works_for_ten_minutes_once(clock, dora, oa_user, oa_push):
    worker, new_code = dora
    openid = oa_user("dora-nounion")
    stale = new_code()
    clock.move(minutes=10)
    assert "不对或已过期" in reply_text(oa_push(openid, "text", Content=stale))
    assert Worker.get_by_id(worker.id).oa_openid is None
    fresh = new_code()
    clock.move(minutes=9, seconds=59)
    assert "绑定成功" in reply_text(oa_push(openid, "text", Content=fresh))
    assert "不对或已过期" in reply_text(oa_push(oa_user("eve"), "text", Content=fresh))
