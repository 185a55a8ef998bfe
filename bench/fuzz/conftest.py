"""An app on a fresh SQLite file with the demo market and one bound worker, shared by a fuzz module."""

import hashlib
import itertools
import os

import pytest

import models
from app import create_app
from commands.setup import migrate_database

OA_TOKEN = "fuzz-oa-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
_nonces = itertools.count(1)


def next_nonce():
    return f"fz{os.getpid()}x{next(_nonces)}"


def digest(skip=()):
    """A hash of every row of the service's tables (except `skip`): equal digests mean no state change."""
    models.db.connect(reuse_if_open=True)
    h = hashlib.sha256()
    for model in models.ALL_MODELS:
        if model.__name__ in skip:
            continue
        for row in model.select().order_by(*model._meta.get_primary_keys()).tuples():
            h.update(repr(row).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp}/fuzz.db",
        "WECHAT_SANDBOX": True,
        "SECRET_KEY": "fuzz-secret",
        "LINGONG_ENV": "test",
        "WECHAT_OA_TOKEN": OA_TOKEN,
        "WECHAT_OA_AES_KEY": AES_KEY,
        "SANDBOX_PAY_KEYS_DIR": str(tmp),
    })  # fmt: skip
    migrate_database(sandbox=True)
    from services.reports import demo

    with application.app_context():
        models.db.connect(reuse_if_open=True)
        demo.seed(models.utcnow())
        client = application.test_client()
        login = client.post("/api/v1/auth/login", json={"code": "test-fuzz0"}).get_json()
        models.Worker.update(oa_openid="oa-fuzz-0").where(models.Worker.id == login["worker"]["id"]).execute()
        staff = client.post("/api/v1/staff/login", json={"username": "admin", "password": demo.DEMO_PASSWORD})
        application.config["FUZZ_WORKER_TOKEN"] = login["token"]
        application.config["FUZZ_STAFF_TOKEN"] = staff.get_json()["token"]
        yield application
        if not models.db.is_closed():
            models.db.close()
