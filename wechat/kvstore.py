"""A small key/value store shared by every process: the database (models.KeyValue) or Redis when REDIS_URL is set.

Used for callback nonces, message de-duplication, access tokens and their refresh lock. `add` is the
atomic primitive (set-if-absent with a time to live); an expired key counts as absent. `swap` is its partner:
compare-and-set with a new time to live, so a short claim becomes a long-lived answer only for its holder.
"""

import datetime as dt
import random

from peewee import MySQLDatabase

from models import KeyValue
from models import db
from models import upsert
from models import utcnow
from prepared import Arg
from prepared import Prepared

PURGE_EVERY = 200  # on average one purge of expired rows per this many successful adds


def _row(n):
    return {KeyValue.key: Arg(f"k{n}"), KeyValue.value: Arg(f"v{n}"), KeyValue.expires_at: Arg(f"e{n}")}


# The callback's hot statements, compiled once per database (see prepared.py).
_ADD = Prepared(lambda: KeyValue.insert(_row(0)).on_conflict_ignore().as_rowcount())
_ADD_TWO = Prepared(lambda: KeyValue.insert_many([_row(0), _row(1)]).on_conflict_ignore().returning(KeyValue.key))
_TAKE_EXPIRED = Prepared(
    lambda: KeyValue.update(value=Arg("value"), expires_at=Arg("expires")).where(
        (KeyValue.key == Arg("key")) & KeyValue.expires_at.is_null(False) & (KeyValue.expires_at <= Arg("now"))
    )
)
_GET = Prepared(
    lambda: KeyValue.select(KeyValue.value).where(
        (KeyValue.key == Arg("key")) & (KeyValue.expires_at.is_null() | (KeyValue.expires_at > Arg("now")))
    )
)
_SWAP = Prepared(
    lambda: KeyValue.update(value=Arg("value"), expires_at=Arg("expires")).where(
        (KeyValue.key == Arg("key"))
        & (KeyValue.value == Arg("old"))
        & (KeyValue.expires_at.is_null() | (KeyValue.expires_at > Arg("now")))
    )
)


class DbStore:
    """KeyValue rows; expiry is checked on read, expired rows are purged now and then."""

    def add(self, key, value, ttl):
        """Set `key` only if it is absent or expired; True when this call set it."""
        now = utcnow()
        expires = now + dt.timedelta(seconds=ttl)
        if not _ADD.rowcount(k0=key, v0=value, e0=expires):
            return _TAKE_EXPIRED.rowcount(key=key, value=value, expires=expires, now=now) == 1
        self._maybe_purge()
        return True

    def add_many(self, items):
        """`add` for {key: (value, ttl)}; the set of keys this call set. Two keys are one statement where the
        database can say which rows it inserted (a callback claims its nonce and its message key together)."""
        if len(items) != 2 or isinstance(db.obj, MySQLDatabase):  # MySQL/MariaDB: no INSERT … RETURNING
            return {key for key, (value, ttl) in items.items() if self.add(key, value, ttl)}
        now = utcnow()
        args = {}
        for n, (key, (value, ttl)) in enumerate(items.items()):
            args.update({f"k{n}": key, f"v{n}": value, f"e{n}": now + dt.timedelta(seconds=ttl)})
        added = {row[0] for row in _ADD_TWO.rows(**args)}
        for key, (value, ttl) in items.items():  # taken but perhaps expired: the one-key path takes it over
            if key not in added and self.add(key, value, ttl):
                added.add(key)
        if added:
            self._maybe_purge()
        return added

    def _maybe_purge(self):
        if random.randrange(PURGE_EVERY) == 0:
            self.purge()

    def get(self, key):
        return _GET.scalar(key=key, now=utcnow())

    def set(self, key, value, ttl=None):
        expires = utcnow() + dt.timedelta(seconds=ttl) if ttl else None
        insert = KeyValue.insert(key=key, value=value, expires_at=expires)
        upsert(insert, KeyValue.key, [KeyValue.value, KeyValue.expires_at]).execute()

    def swap(self, key, old, value, ttl):
        """Set `key` to `value` for `ttl` seconds only while it is live and holds `old`; True when this call set it."""
        now = utcnow()
        return _SWAP.rowcount(key=key, old=old, value=value, expires=now + dt.timedelta(seconds=ttl), now=now) == 1

    def delete(self, key, value=None):
        """Delete `key` (only while it still holds `value`, when given)."""
        query = KeyValue.delete().where(KeyValue.key == key)
        if value is not None:
            query = query.where(KeyValue.value == value)
        return query.execute()

    def purge(self):
        return KeyValue.delete().where(KeyValue.expires_at.is_null(False) & (KeyValue.expires_at <= utcnow())).execute()


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
_SWAP_SCRIPT = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 "
    "else return 0 end"
)


class RedisStore:
    """Redis strings with EX; Redis expires keys itself."""

    def __init__(self, url, prefix="lingong:"):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix

    def add(self, key, value, ttl):
        return bool(self.redis.set(self.prefix + key, value, nx=True, ex=max(1, int(ttl))))

    def add_many(self, items):
        """`add` for {key: (value, ttl)} in one round trip; the set of keys this call set."""
        pipe = self.redis.pipeline(transaction=False)
        for key, (value, ttl) in items.items():
            pipe.set(self.prefix + key, value, nx=True, ex=max(1, int(ttl)))
        return {key for key, done in zip(items, pipe.execute(), strict=True) if done}

    def get(self, key):
        return self.redis.get(self.prefix + key)

    def set(self, key, value, ttl=None):
        self.redis.set(self.prefix + key, value, ex=int(ttl) if ttl else None)

    def swap(self, key, old, value, ttl):
        return bool(self.redis.eval(_SWAP_SCRIPT, 1, self.prefix + key, old, value, max(1, int(ttl))))

    def delete(self, key, value=None):
        if value is None:
            return self.redis.delete(self.prefix + key)
        return self.redis.eval(_RELEASE, 1, self.prefix + key, value)

    def purge(self):
        return 0


def store_for(config):
    """The shared store configured by `config` (REDIS_URL -> Redis, else the database)."""
    url = config.get("REDIS_URL")
    if url:
        return RedisStore(url, prefix=config.get("REDIS_PREFIX", "lingong:"))
    return DbStore()


def current_store():
    """The store of the current Flask app, built once per app."""
    from flask import current_app

    store = current_app.extensions.get("lingong_kvstore")
    if store is None:
        store = current_app.extensions["lingong_kvstore"] = store_for(current_app.config)
    return store
