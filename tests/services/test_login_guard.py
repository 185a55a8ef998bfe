"""The one sign-in rule, on a pinned clock: delays that grow with failures, per username at an address, per address,
per username across addresses; a right password from a place that is not itself guessing gets in."""

import datetime as dt

import pytest

from models import AuditLog
from services.errors import TooManyRequests
from services.errors import Unauthorized
from services.people import signin as login_guard
from services.people import throttle

RIGHT = "station-password"


def sign_in(staff_or_name, password, address, at, channel="api"):
    name = getattr(staff_or_name, "username", staff_or_name)
    return login_guard.sign_in_staff(name, password, address, at, channel)


def fail(name, address, at, times=1):
    for _ in range(times):
        with pytest.raises(Unauthorized):
            sign_in(name, "wrong-password", address, at)


def refused(name, password, address, at):
    with pytest.raises(TooManyRequests) as info:
        sign_in(name, password, address, at)
    assert "后再试" in info.value.message
    return info.value.retry_after


@pytest.fixture
def staff(make_staff, make_station):
    return make_staff(station=make_station(), username="station1")


def test_backoff_waits_two_to_the_k_seconds_capped_and_forgets():
    limit = throttle.Backoff(free=5, cap=900, forget=3600)
    t0 = dt.datetime(2030, 1, 1)
    count = throttle.ZERO
    for _ in range(5):
        assert limit.wait(count, t0) == 0
        count = limit.failed(count, t0)
    waits = []
    for _ in range(12):
        waits.append(limit.wait(count, t0))
        count = limit.failed(count, t0)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert limit.wait(count, t0 + dt.timedelta(seconds=899)) == 1
    assert limit.current(count, t0 + dt.timedelta(hours=1)) == throttle.ZERO


def test_wrong_passwords_wait_longer_and_longer_even_the_right_one(staff, now):
    fail(staff, "10.0.0.1", now, times=5)
    assert refused(staff, RIGHT, "10.0.0.1", now) == 1  # refused before the password is looked at
    fail(staff, "10.0.0.1", now + dt.timedelta(seconds=1))
    assert refused(staff, RIGHT, "10.0.0.1", now + dt.timedelta(seconds=2)) == 1
    later = now + dt.timedelta(seconds=3)
    assert sign_in(staff, RIGHT, "10.0.0.1", later)[0].id == staff.id
    fail(staff, "10.0.0.1", later, times=5)  # the right password started this place afresh
    assert AuditLog.select().where(AuditLog.action == "api.login_failed").count() == 11


def test_one_address_guessing_every_username_locks_nobody_out(staff, admin, now, monkeypatch):
    monkeypatch.setattr(login_guard, "ADDRESS", throttle.Backoff(free=4, cap=900, forget=3600))  # 20: slow hashes
    sign_in(admin, "admin-password", "192.168.1.10", now)  # the admin's usual place, behind the station's NAT
    for n in range(4):
        fail(f"user{n}", "192.168.1.10", now)
    assert refused("nobody", "x-password", "192.168.1.10", now) == 1  # 4 free across usernames, then 1 s, 2 s ...
    later = now + dt.timedelta(seconds=0.5)
    assert sign_in(admin, "admin-password", "192.168.1.10", later)[0].id == admin.id  # known here: not slowed
    assert sign_in(staff, RIGHT, "10.9.9.9", later)[0].id == staff.id  # elsewhere: nothing to do with it


def test_one_stranger_guessing_a_username_never_slows_the_user_elsewhere(admin, now):
    at = now
    for _ in range(12):  # more than the username's 10 free, as the stranger's own gate lets them
        at += dt.timedelta(seconds=901)
        fail("admin", "203.0.113.66", at)
    assert refused("admin", "admin-password", "203.0.113.66", at) == 2 ** (12 - 5)
    assert sign_in(admin, "admin-password", "198.51.100.7", at)[0].id == admin.id  # a new place, not slowed


def test_guessing_from_many_places_slows_the_username_where_the_user_is_new(admin, now):
    sign_in(admin, "admin-password", "10.1.1.1", now)  # the office
    for n in range(2):
        fail("admin", f"203.0.113.{n}", now, times=5)  # 10 free across addresses (5 from each at most), then 1 s ...
    retry = refused("admin", "admin-password", "198.51.100.7", now)  # a hotel: the guessers' gate holds it too
    assert retry == 1
    assert sign_in(admin, "admin-password", "10.1.1.1", now)[0].id == admin.id  # the office is known: in
    assert sign_in(admin, "admin-password", "198.51.100.7", now + dt.timedelta(seconds=1))[0].id == admin.id


def test_a_right_password_is_not_a_failure(staff, now, monkeypatch):
    monkeypatch.setattr(login_guard, "ADDRESS", throttle.Backoff(free=3, cap=900, forget=3600))
    monkeypatch.setattr(login_guard, "USERNAME", throttle.Backoff(free=3, cap=900, forget=3600))
    for n in range(4):  # more sign-ins than either gate has free failures: none is left behind as one
        sign_in(staff, RIGHT, f"10.0.0.{n}", now)
        sign_in(staff, RIGHT, "10.0.0.99", now)
    fail("typo", "10.0.0.99", now, times=3)
    assert refused("other", RIGHT, "10.0.0.99", now) == 1


def test_failures_are_forgotten_after_an_hour(staff, now):
    fail(staff, "10.0.0.1", now, times=5)
    refused(staff, RIGHT, "10.0.0.1", now + dt.timedelta(seconds=0.5))
    fail(staff, "10.0.0.1", now + dt.timedelta(hours=1), times=5)


def test_unknown_and_inactive_usernames_are_refused_alike(staff, now):
    from services.people import accounts

    accounts.deactivate_staff(staff.username, now)
    for name in (staff.username, "ghost"):
        with pytest.raises(Unauthorized) as info:
            sign_in(name, RIGHT, "10.0.0.1", now)
        assert info.value.message == "用户名或密码错误"
