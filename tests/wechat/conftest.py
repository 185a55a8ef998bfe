"""Fixtures for the WeChat transport tests: our own token and AES key, and the shared stores."""

import base64
import os
import uuid

import pytest

from tests.oa_helpers import mp_push_fixture  # noqa: F401 (fixtures shared with tests/flows)
from tests.oa_helpers import oa_endpoint_fixture  # noqa: F401
from tests.oa_helpers import oa_push_fixture  # noqa: F401
from tests.oa_helpers import oa_user_fixture  # noqa: F401
from tests.oa_helpers import reply_text  # noqa: F401
from wechat.callback import Endpoint

TEST_TOKEN = "lingongTestToken"
TEST_APPID = "wxlingongtest0001"


def new_aes_key():
    """A fresh EncodingAESKey (43 base64 chars), made at run time."""
    return base64.b64encode(os.urandom(32)).decode("ascii")[:43]


@pytest.fixture()
def endpoint():
    return Endpoint("oa", TEST_TOKEN, TEST_APPID, new_aes_key())


@pytest.fixture()
def dbkv(tmp_path):
    from peewee import SqliteDatabase

    from models import KeyValue
    from models import db
    from wechat.kvstore import DbStore

    database = SqliteDatabase(str(tmp_path / "kv.db"), pragmas={"journal_mode": "wal", "busy_timeout": 5000})
    db.initialize(database)
    database.create_tables([KeyValue])
    yield DbStore()
    database.close()


@pytest.fixture()
def rediskv():
    from wechat.kvstore import RedisStore

    store = RedisStore(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"), prefix=f"t{uuid.uuid4().hex}:")
    yield store
    for key in store.redis.scan_iter(store.prefix + "*"):
        store.redis.delete(key)


@pytest.fixture(params=["db", "redis"])
def kv(request):
    return request.getfixturevalue("dbkv" if request.param == "db" else "rediskv")
