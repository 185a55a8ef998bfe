"""The shared store: set-if-absent, expiry, compare-and-set, compare-and-delete, on the database and on Redis."""

import datetime as dt

from models import KeyValue
from models import utcnow
from wechat.kvstore import DbStore


def test_add_is_set_if_absent(kv):
    assert kv.add("k", "first", 60)
    assert not kv.add("k", "second", 60)
    assert kv.get("k") == "first"


def test_delete_only_while_holding_the_value(kv):
    kv.add("lock", "owner-a", 60)
    assert not kv.delete("lock", "owner-b")
    assert kv.get("lock") == "owner-a"
    assert kv.delete("lock", "owner-a")
    assert kv.get("lock") is None and kv.add("lock", "owner-b", 60)


def test_set_overwrites(kv):
    kv.set("t", "1", 60)
    kv.set("t", "2")
    assert kv.get("t") == "2"


def test_expired_rows_count_as_absent_and_are_purged(dbkv):
    KeyValue.create(key="old", value="x", expires_at=utcnow() - dt.timedelta(seconds=1))
    assert dbkv.get("old") is None
    assert dbkv.add("old", "new", 60) and dbkv.get("old") == "new"
    KeyValue.create(key="gone", value="x", expires_at=utcnow() - dt.timedelta(seconds=1))
    assert DbStore().purge() == 1 and KeyValue.get_or_none(KeyValue.key == "gone") is None


def test_swap_sets_only_a_live_key_holding_the_old_value(kv):
    assert kv.add("s", "claim-a", 60)
    assert not kv.swap("s", "claim-b", "answer", 600)
    assert kv.swap("s", "claim-a", "answer", 600) and kv.get("s") == "answer"
    assert not kv.swap("missing", "claim-a", "answer", 600) and kv.get("missing") is None


def test_swap_refuses_an_expired_key(dbkv):
    KeyValue.create(key="late", value="claim-a", expires_at=utcnow() - dt.timedelta(seconds=1))
    assert not dbkv.swap("late", "claim-a", "answer", 600)
