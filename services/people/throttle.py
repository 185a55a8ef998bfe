"""Failure counters shared by every process (KeyValue rows), for staff sign-in and the official-account bind code.

A caller holds the rows of its keys for one transaction (`held`), decides with a limit's `wait` whether the attempt
may go on, counts it, and `save`s; so two processes counting one key at once never lose a count or both slip
through a closing gate. Limits take `now`, so tests pin the clock.
"""

import dataclasses
import datetime as dt
import json
import math
import random

from models import KeyValue
from models import is_sqlite
from models import upsert

PURGE_EVERY = 200


@dataclasses.dataclass(frozen=True)
class Count:
    """`n` failures; `at` is when the last one happened (Backoff) or when the window opened (Quota)."""

    n: int = 0
    at: dt.datetime | None = None


ZERO = Count()


@dataclasses.dataclass(frozen=True)
class Backoff:
    """After `free` failures each further attempt waits 2^k seconds after the last failure (k = failures beyond
    `free`), at most `cap` seconds; `forget` seconds without a failure and the count starts again."""

    free: int
    cap: int
    forget: int

    def current(self, count, now):
        return ZERO if count.at is None or now >= count.at + dt.timedelta(seconds=self.forget) else count

    def wait(self, count, now):
        """Seconds until the next attempt may be checked (0: now)."""
        count = self.current(count, now)
        if count.n < self.free:
            return 0
        opens = count.at + dt.timedelta(seconds=min(2 ** min(count.n - self.free, 30), self.cap))
        return max(0.0, (opens - now).total_seconds())

    def failed(self, count, now):
        return Count(self.current(count, now).n + 1, now)

    def expires(self, count):
        return count.at + dt.timedelta(seconds=self.forget)


@dataclasses.dataclass(frozen=True)
class Quota:
    """At most `limit` failures in a window of `window` seconds that opens with the first of them."""

    limit: int
    window: int

    def current(self, count, now):
        return ZERO if count.at is None or now >= count.at + dt.timedelta(seconds=self.window) else count

    def wait(self, count, now):
        count = self.current(count, now)
        if count.n < self.limit:
            return 0
        return max(0.0, (count.at + dt.timedelta(seconds=self.window) - now).total_seconds())

    def failed(self, count, now):
        count = self.current(count, now)
        return Count(count.n + 1, count.at or now)

    def expires(self, count):
        return count.at + dt.timedelta(seconds=self.window)


def taken_back(count):
    """The count without one failure: an attempt counted up front that turned out right."""
    return dataclasses.replace(count, n=max(0, count.n - 1))


def prepare(keys, now):
    """Make sure the rows of `keys` exist, outside the caller's transaction, so `held` can lock them (a locking
    read of a missing row locks nothing on PostgreSQL, and a gap on MySQL that deadlocks two inserters)."""
    if is_sqlite():  # the write transaction itself serialises every writer
        return
    rows = [{KeyValue.key: key, KeyValue.value: "{}", KeyValue.expires_at: now + dt.timedelta(days=1)} for key in keys]
    KeyValue.insert_many(sorted(rows, key=lambda row: row[KeyValue.key])).on_conflict_ignore().execute()


def held(keys):
    """{key: Count} for `keys`, their rows locked until the caller's transaction ends (always in key order)."""
    query = KeyValue.select(KeyValue.key, KeyValue.value).where(KeyValue.key.in_(sorted(set(keys))))
    if not is_sqlite():
        query = query.order_by(KeyValue.key).for_update()
    found = {key: _parse(value) for key, value in query.tuples()}
    return {key: found.get(key, ZERO) for key in keys}


def save(key, limit, count, now):
    """Store `count` for `key` under `limit` (it expires when the limit would have forgotten it)."""
    if count.n <= 0 or count.at is None:
        KeyValue.delete().where(KeyValue.key == key).execute()
        return
    value = json.dumps({"n": count.n, "at": count.at.isoformat()})
    insert = KeyValue.insert(key=key, value=value, expires_at=limit.expires(count))
    upsert(insert, KeyValue.key, [KeyValue.value, KeyValue.expires_at]).execute()
    if random.randrange(PURGE_EVERY) == 0:  # forgotten counts go now and then (also when REDIS_URL is set)
        prefix = key.split(":", 1)[0] + ":"
        KeyValue.delete().where((KeyValue.expires_at <= now) & KeyValue.key.startswith(prefix)).execute()


def seconds(wait):
    """A wait as whole seconds for Retry-After (at least 1)."""
    return max(1, math.ceil(wait))


def in_words(wait):
    """A wait in Chinese: '30 秒' or '15 分钟'."""
    wait = seconds(wait)
    return f"{wait} 秒" if wait < 60 else f"{math.ceil(wait / 60)} 分钟"


def _parse(value):
    try:
        data = json.loads(value)
        return Count(int(data["n"]), dt.datetime.fromisoformat(data["at"]))
    except (ValueError, TypeError, KeyError):
        return ZERO
