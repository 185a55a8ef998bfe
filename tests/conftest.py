"""Fixtures in the flaskr shape: a fresh database per test (SQLite file, or PostgreSQL from DATABASE_URL),
the app with the WeChat sandbox, a client, and factories that go through the real services."""

import datetime as dt
import itertools
import os
import uuid
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest
from peewee import MySQLDatabase
from peewee import SqliteDatabase
from playhouse.migrations import Runner

import models
from app import create_app
from commands.setup import migrate_database
from services.people import accounts
from services.work import catalog
from tests import contract_check
from tests.invariants import assert_ledger_balanced


def _database_of_this_worker(url):
    """Under pytest-xdist each worker gets its own server database (`<name>_gw0`, …), created when missing, and the
    environment names it, so every test (and every subprocess a test starts) uses that worker's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or url.startswith("sqlite") or not worker:
        return url
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{worker}"
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
    else:
        import pymysql

        conn = pymysql.connect(
            host=parts.hostname, port=parts.port or 3306, user=parts.username or "root", password=parts.password or ""
        )
        with conn.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
        conn.close()
    worker_url = urlunsplit(parts._replace(path="/" + name))
    os.environ["DATABASE_URL"] = worker_url
    return worker_url


EXTERNAL_DB = _database_of_this_worker(os.environ.get("DATABASE_URL", ""))
_counter = itertools.count(1)
_schema_ready = False


def _truncate_all():
    """Empty every table a test touched, ids starting again at 1. Truncating some 80 tables costs about a second per
    test on PostgreSQL and more on MariaDB, so only the tables with rows or a used id counter are truncated (found
    in two queries)."""
    tables = [m._meta.table_name for m in models.ALL_MODELS]
    from wechat.sandbox.store import SANDBOX_MODELS

    tables += [m._meta.table_name for m in SANDBOX_MODELS]
    if isinstance(models.db.obj, SqliteDatabase):
        for table in tables:
            models.db.execute_sql(f'DELETE FROM "{table}"')
        return
    mysql = isinstance(models.db.obj, MySQLDatabase)
    quote = (lambda t: f"`{t}`") if mysql else (lambda t: f'"{t}"')
    dual = " FROM DUAL" if mysql else ""
    probe = " UNION ALL ".join(f"SELECT '{t}'{dual} WHERE EXISTS (SELECT 1 FROM {quote(t)})" for t in tables)
    touched = {row[0] for row in models.db.execute_sql(probe).fetchall()}
    if mysql:
        counters = models.db.execute_sql(
            "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        ).fetchall()
        touched |= {name for name, next_id in counters if next_id is not None and next_id > 1}
        touched &= set(tables)
        models.db.execute_sql("SET FOREIGN_KEY_CHECKS = 0")
        for table in sorted(touched):
            models.db.execute_sql(f"TRUNCATE TABLE `{table}`")
        models.db.execute_sql("SET FOREIGN_KEY_CHECKS = 1")
        return
    used = models.db.execute_sql(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
    ).fetchall()
    touched |= {name[: -len("_id_seq")] for (name,) in used if name.endswith("_id_seq")}
    touched &= set(tables)
    if touched:
        models.db.execute_sql(f"TRUNCATE {', '.join(quote(t) for t in sorted(touched))} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def pay_keys_dir(tmp_path_factory):
    """Sandbox WeChat Pay keys, generated once per test session (never committed)."""
    return str(tmp_path_factory.mktemp("sandbox_pay"))


@pytest.fixture
def app(tmp_path, pay_keys_dir):
    global _schema_ready
    url = EXTERNAL_DB or "sqlite:///" + str(tmp_path / "test.db")
    redis_prefix = {}
    if os.environ.get("REDIS_URL"):  # a fresh store per test, like the database: its own prefix under REDIS_PREFIX
        redis_prefix["REDIS_PREFIX"] = f"{os.environ.get('REDIS_PREFIX', 'lingong-test:')}{uuid.uuid4().hex[:12]}:"
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "WECHAT_SANDBOX": True,
            "SECRET_KEY": "test-secret",
            "LINGONG_ENV": "test",
            "SANDBOX_PAY_KEYS_DIR": pay_keys_dir,
            **redis_prefix,
        }
    )
    contract_check.install(application)
    if EXTERNAL_DB:
        if not _schema_ready:
            with models.db.connection_context():
                models.db.drop_tables(_all_models(), safe=True, cascade=True)
                models.db.drop_tables([Runner(models.db.obj).History], safe=True)
            migrate_database(sandbox=True)
            _schema_ready = True
        with models.db.connection_context():
            _truncate_all()
    else:
        migrate_database(sandbox=True)
    with application.app_context():
        models.db.connect(reuse_if_open=True)
        yield application
        if not models.db.is_closed():
            models.db.close()
    contract_check.assert_conforming(application)
    if hasattr(models.db.obj, "close_all"):
        models.db.obj.close_all()
    store = application.extensions.get("lingong_kvstore")
    if redis_prefix and store is not None:
        for key in store.redis.scan_iter(store.prefix + "*"):
            store.redis.delete(key)


def _all_models():
    from wechat.sandbox.store import SANDBOX_MODELS

    return list(models.ALL_MODELS) + list(SANDBOX_MODELS)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    return models.utcnow()


@pytest.fixture
def admin(app):
    return accounts.create_staff("admin", "admin-password", "admin", name="管理员")


@pytest.fixture
def make_station(admin):
    def make(name=None, kind="village", parent=None):
        return catalog.create_station(
            admin, name or f"驿站{next(_counter)}", kind, parent.id if parent is not None else None
        )

    return make


@pytest.fixture
def make_enterprise(admin):
    def make(name=None):
        return catalog.create_enterprise(admin, name or f"企业{next(_counter)}", "鞋灯")

    return make


@pytest.fixture
def make_job(admin, make_station, make_enterprise):
    def make(
        station=None,
        enterprise=None,
        unit_price_fen=10,
        total_pieces=100,
        per_worker_cap=0,
        materials=None,
        now=None,
        **extra,
    ):
        data = {
            "station_id": (station or make_station()).id,
            "enterprise_id": (enterprise or make_enterprise()).id,
            "title": extra.pop("title", "鞋灯卡扣组装"),
            "unit_price_fen": unit_price_fen,
            "total_pieces": total_pieces,
            "per_worker_cap": per_worker_cap,
            "materials": materials
            if materials is not None
            else [{"name": "卡扣", "unit": "个", "per_piece": 2, "loss_permille": 10}],
            **extra,
        }
        return catalog.publish_job(admin, data, now or models.utcnow())

    return make


@pytest.fixture
def make_staff():
    def make(role="station", station=None, username=None, password="station-password"):
        return accounts.create_staff(
            username or f"staff{next(_counter)}", password, role, station=station.id if station is not None else None
        )

    return make


@pytest.fixture
def login(client):
    """Log a worker in through the API and the sandbox; returns (worker, auth headers)."""

    def do(name="alice"):
        response = client.post("/api/v1/auth/login", json={"code": f"test-{name}"})
        assert response.status_code == 200, response.get_json()
        worker = models.Worker.get_by_id(response.get_json()["worker"]["id"])
        return worker, {"Authorization": "Bearer " + response.get_json()["token"]}

    return do


@pytest.fixture
def staff_headers(client):
    def do(staff, password="station-password"):
        response = client.post("/api/v1/staff/login", json={"username": staff.username, "password": password})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": "Bearer " + response.get_json()["token"]}

    return do


@pytest.fixture
def ledger_check(app):
    """Flow tests request this: the ledger invariant is checked after the test body."""
    yield
    assert_ledger_balanced()


def at(year, month, day, hour=0, minute=0):
    """A naive-UTC instant, for pinning the clock in tests."""
    return dt.datetime(year, month, day, hour, minute)
