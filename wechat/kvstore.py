"""A small key/value store shared by every process: the database (models.KeyValue) or Redis when REDIS_URL is set.

Used for callback nonces, message de-duplication, access tokens and their refresh lock. `add` is the
atomic primitive (set-if-absent with a time to live); an expired key counts as absent.
"""

import datetime as dt
import random

from models import KeyValue
from models import upsert
from models import utcnow

PURGE_EVERY = 200  # on average one purge of expired rows per this many successful adds


class DbStore:
    """KeyValue rows; expiry is checked on read, expired rows are purged now and then."""

    def add(self, key, value, ttl):
        """Set `key` only if it is absent or expired; True when this call set it."""
        now = utcnow()
        expires = now + dt.timedelta(seconds=ttl)
        # One statement on the hot path (a callback adds a nonce and a de-duplication key every time).
        inserted = KeyValue.insert(key=key, value=value, expires_at=expires).on_conflict_ignore().as_rowcount().execute()
        if not inserted:
            taken = (
                KeyValue.update(value=value, expires_at=expires)
                .where((KeyValue.key == key) & KeyValue.expires_at.is_null(False) & (KeyValue.expires_at <= now))
                .execute()
            )
            return taken == 1
        if random.randrange(PURGE_EVERY) == 0:
            self.purge()
        return True

    def get(self, key):
        row = KeyValue.get_or_none(KeyValue.key == key)
        if row is None or (row.expires_at is not None and row.expires_at <= utcnow()):
            return None
        return row.value

    def set(self, key, value, ttl=None):
        expires = utcnow() + dt.timedelta(seconds=ttl) if ttl else None
        insert = KeyValue.insert(key=key, value=value, expires_at=expires)
        upsert(insert, KeyValue.key, [KeyValue.value, KeyValue.expires_at]).execute()

    def replace(self, key, value):
        """Overwrite the value of a live key, keeping its expiry; False when the key is gone."""
        now = utcnow()
        return (
            KeyValue.update(value=value)
            .where((KeyValue.key == key) & (KeyValue.expires_at.is_null() | (KeyValue.expires_at > now)))
            .execute()
            == 1
        )

    def delete(self, key, value=None):
        """Delete `key` (only while it still holds `value`, when given)."""
        query = KeyValue.delete().where(KeyValue.key == key)
        if value is not None:
            query = query.where(KeyValue.value == value)
        return query.execute()

    def purge(self):
        return KeyValue.delete().where(KeyValue.expires_at.is_null(False) & (KeyValue.expires_at <= utcnow())).execute()


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisStore:
    """Redis strings with EX; Redis expires keys itself."""

    def __init__(self, url, prefix="lingong:"):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix

    def add(self, key, value, ttl):
        return bool(self.redis.set(self.prefix + key, value, nx=True, ex=max(1, int(ttl))))

    def get(self, key):
        return self.redis.get(self.prefix + key)

    def set(self, key, value, ttl=None):
        self.redis.set(self.prefix + key, value, ex=int(ttl) if ttl else None)

    def replace(self, key, value):
        return bool(self.redis.set(self.prefix + key, value, xx=True, keepttl=True))

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
