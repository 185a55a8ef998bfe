"""Followers of the official account: joining openids to workers, bind codes, unsubscribes, check-ins, consents.

A worker's official-account openid is joined by unionid, or by a one-time code shown in the mini-program and
sent to the account. Nothing here talks to WeChat.
"""

import datetime as dt
import secrets

from models import CheckIn
from models import Station
from models import SubscribeConsent
from models import Worker
from models import lock_worker
from prepared import Arg
from prepared import Prepared
from prepared import as_model
from prepared import model_columns
from services.errors import NotFound
from services.errors import TooManyRequests
from services.people import throttle
from services.unit import transaction

BIND_CODE_TTL = 600  # seconds a bind code works
BIND_PER_OPENID = throttle.Quota(limit=5, window=3600)  # wrong codes one follower may send in an hour
BIND_IN_ALL = throttle.Quota(limit=100, window=3600)  # wrong codes all followers together may send in an hour
CHECKIN_QUIET = dt.timedelta(minutes=10)


_WORKER_COLUMNS = model_columns(Worker)
_WORKER_BY_OPENID = Prepared(lambda: Worker.select().where(Worker.oa_openid == Arg("openid")))


def worker_for_openid(oa_openid):
    """The worker following the official account as `oa_openid`, or None (one prepared statement per push)."""
    if not oa_openid:
        return None
    row = _WORKER_BY_OPENID.first(openid=oa_openid)
    return None if row is None else as_model(Worker, _WORKER_COLUMNS, row)


def _attach(worker_id, oa_openid):
    """Give `oa_openid` to worker `worker_id` (taking it from any other worker: an openid is one person)."""
    Worker.update(oa_openid=None).where((Worker.oa_openid == oa_openid) & (Worker.id != worker_id)).execute()
    Worker.update(oa_openid=oa_openid, oa_subscribed=True).where(Worker.id == worker_id).execute()


def record_subscribe(oa_openid, unionid, now):
    """A follow: the worker with this openid, or else with this unionid, is marked subscribed; None if unknown."""
    with transaction():
        worker = worker_for_openid(oa_openid)
        if worker is None and unionid:
            worker = Worker.get_or_none(Worker.unionid == unionid)
        if worker is None:
            return None
        _attach(worker.id, oa_openid)
        return Worker.get_by_id(worker.id)


def record_unsubscribe(oa_openid, now):
    """An unfollow: no official-account notice goes to this openid afterwards."""
    with transaction():
        return Worker.update(oa_subscribed=False).where(Worker.oa_openid == oa_openid).execute()


def issue_bind_code(worker, store, now):
    """A one-time 8-digit code, valid 10 minutes, that binds the official account when sent to it as text."""
    expires_at = now + dt.timedelta(seconds=BIND_CODE_TTL)
    for _ in range(5):
        code = f"{secrets.randbelow(10**8):08d}"
        if store.add(f"oa-bind:{code}", f"{worker.id}|{expires_at.isoformat()}", BIND_CODE_TTL):
            return code, expires_at
    raise RuntimeError("could not allocate a bind code")


def looks_like_bind_code(text):
    text = (text or "").strip()
    return len(text) == 8 and text.isdigit()


def bind_with_code(oa_openid, code, store, now):
    """Join `oa_openid` to the worker who was shown `code`: once, within 10 minutes; None when wrong, used or expired.

    8 digits are guessable without a limit: after 5 wrong codes from this follower, or 100 from all followers, in
    an hour, TooManyRequests comes before the code is looked at."""
    keys = (f"oa_bind:openid:{(oa_openid or '')[:64]}", "oa_bind:all")
    _claim_bind_attempt(keys, now)
    key = f"oa-bind:{(code or '').strip()}"
    value = store.get(key)
    if value is None or not store.delete(key, value):
        return None
    worker_id, _, expires = value.partition("|")
    if expires and now >= dt.datetime.fromisoformat(expires):
        return None
    with transaction():
        held = throttle.held(keys)
        for key, quota in zip(keys, (BIND_PER_OPENID, BIND_IN_ALL), strict=True):
            throttle.save(key, quota, throttle.taken_back(held[key]), now)
        _attach(int(worker_id), oa_openid)
        return Worker.get_by_id(int(worker_id))


def _claim_bind_attempt(keys, now):
    """Count this attempt as a wrong code up front (a right one takes it back), unless a quota is spent."""
    quotas = (BIND_PER_OPENID, BIND_IN_ALL)
    refusals = (
        "绑定码输错次数太多，请 {}后再试。",
        "现在尝试绑定的次数太多，已暂停绑定，请 {}后再试，或请驿站工作人员帮忙。",
    )
    throttle.prepare(keys, now)
    with transaction():
        held = throttle.held(keys)
        for key, quota, refusal in zip(keys, quotas, refusals, strict=True):
            wait = quota.wait(held[key], now)
            if wait > 0:
                raise TooManyRequests(refusal.format(throttle.in_words(wait)), throttle.seconds(wait))
        for key, quota in zip(keys, quotas, strict=True):
            throttle.save(key, quota, quota.failed(held[key], now), now)


def record_checkin(worker, station_id, now, source="oa_scan"):
    """The worker arrived at the station (a repeat scan within 10 minutes is the same arrival)."""
    with transaction():
        # First, before any read: two scans racing each other are still one arrival (and on MySQL a consistent
        # read before the lock would fix the transaction's snapshot before the other scan committed).
        lock_worker(worker.id)
        station = Station.get_or_none(Station.id == station_id)
        if station is None:
            raise NotFound("没有这个站点", code="station_not_found")
        recent = (
            CheckIn.select()
            .where(
                (CheckIn.worker == worker.id)
                & (CheckIn.station == station.id)
                & (CheckIn.created_at > now - CHECKIN_QUIET)
            )
            .first()
        )
        if recent is not None:
            return recent, station
        return CheckIn.create(worker=worker.id, station=station.id, source=source, created_at=now), station


def station_from_scene(scene):
    """The station id in a QR scene (`qrscene_12`, `12`, `station_12`), or None."""
    scene = str(scene or "")
    for prefix in ("qrscene_", "station_"):
        if scene.startswith(prefix):
            scene = scene[len(prefix) :]
    return int(scene) if scene.isdigit() and len(scene) < 10 else None


def record_consents(mp_openid, items, now):
    """Subscribe-message choices [(template_id, 'accept'|'reject'|'ban')]: each accept allows one more send."""
    with transaction():
        for template_id, status in items:
            if not template_id:
                continue
            consent, _ = SubscribeConsent.get_or_create(mp_openid=mp_openid, template_id=template_id)
            if status == "accept":
                consent.remaining += 1
            else:
                consent.remaining = 0
            consent.status = status if status in ("accept", "reject", "ban") else "reject"
            consent.updated_at = now
            consent.save()
