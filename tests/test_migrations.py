"""The frozen schema history: a database made at the baseline (0001 only) and filled with rows, migrated to head,
is the database a fresh `init-db` makes, and today's models describe it; its rows survive and are backfilled.

On SQLite (temp files) always; on PostgreSQL and MariaDB/MySQL when DATABASE_URL points there, in a scratch database
of the test's own on that server (`<database>_mig`, emptied for each use, dropped after).
"""

import datetime as dt
import os
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest
from peewee import MySQLDatabase
from peewee import PostgresqlDatabase
from playhouse.migrations import Migration
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

import models
from app import create_app
from commands.setup import MIGRATIONS
from database import open_database
from wechat.sandbox.store import SANDBOX_MODELS

EXTERNAL_DB = os.environ.get("DATABASE_URL", "")
HISTORY = "schema_migration"
SANDBOX_TABLES = {model._meta.table_name for model in SANDBOX_MODELS}

# Day-scan indexes made by migration 0004 that models.py does not declare (the database has more than the models).
UNDECLARED_INDEXES = set()  # every index the migrations make is declared in models.py

T0 = dt.datetime(2026, 11, 20, 8, 30, 15, 123456)  # microseconds: MySQL keeps them only in DATETIME(6)


# --- Scratch databases ---------------------------------------------------------------------------------------------


class Scratch:
    """Scratch databases: SQLite files in a temp directory; on the server DATABASE_URL names, one database of the
    test's own (`<database>_mig`), emptied for each use (a PostgreSQL DROP DATABASE waits for a checkpoint) and
    dropped at the end."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.opened = []
        self.server_db = None

    def empty(self, name):
        """The URL of an empty database for `name`; on a server, the scratch database emptied (closing what used it)."""
        if not EXTERNAL_DB:
            return "sqlite:///" + str(self.tmp_path / f"{name}.db")
        self._close()
        parts = urlsplit(EXTERNAL_DB)
        if self.server_db is None:
            self.server_db = f"{parts.path.lstrip('/')}_mig"
            self._server(f"DROP DATABASE IF EXISTS {self._quote(self.server_db)}")
            self._server(f"CREATE DATABASE {self._quote(self.server_db)}{self._charset}")
        elif self._mysql:
            self._server(f"DROP DATABASE {self._quote(self.server_db)}")
            self._server(f"CREATE DATABASE {self._quote(self.server_db)}{self._charset}")
        else:
            self._server("DROP SCHEMA public CASCADE; CREATE SCHEMA public", database=self.server_db)
        return urlunsplit(parts._replace(path="/" + self.server_db))

    def connect(self, url):
        """`url` opened as the app opens it (pooled; DATETIME(6) on MySQL), connected."""
        database = open_database(url)
        database.connect()
        self.opened.append(database)
        return database

    def drop(self):
        self._close()
        if self.server_db is not None:
            self._server(f"DROP DATABASE IF EXISTS {self._quote(self.server_db)}")

    def _close(self):
        for database in self.opened:
            if not database.is_closed():
                database.close()
            database.close_all()
        self.opened = []

    @property
    def _mysql(self):
        return EXTERNAL_DB.startswith("mysql")

    @property
    def _charset(self):
        return " CHARACTER SET utf8mb4" if self._mysql else ""

    def _quote(self, name):
        return f"`{name}`" if self._mysql else f'"{name}"'

    def _server(self, sql, database=None):
        parts = urlsplit(EXTERNAL_DB)
        if self._mysql:
            import pymysql

            conn = pymysql.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username,
                                   password=parts.password or "", autocommit=True)  # fmt: skip
        else:
            import psycopg

            conn = psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                                    password=parts.password, dbname=database or "postgres")  # fmt: skip
            conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
        finally:
            conn.close()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    made = Scratch(tmp_path_factory.mktemp("migrations"))
    yield made
    made.drop()


def _steps():
    return {migration.name: migration for migration in Migration.load_directory(MIGRATIONS)}


def _frozen(name):
    """The frozen classes of one migration step (its module, loaded as the Runner loads it)."""
    return _steps()[name].load()


def _init_db(url, sandbox=False):
    """`flask init-db` on `url`, as an operator runs it."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "WECHAT_SANDBOX": sandbox, "LINGONG_ENV": "test",
                      "SECRET_KEY": "test-secret"})  # fmt: skip
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    models.db.obj.close_all()
    return result.output


# --- Introspection -------------------------------------------------------------------------------------------------


def _columns(database, table):
    """{column: (type as declared, nullable, default in the DDL)}."""
    if isinstance(database, PostgresqlDatabase):
        rows = database.execute_sql(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid)"
            " FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            (f'"{table}"',),
        )
        return {name: (kind, nullable, default) for name, kind, nullable, default in rows}
    if isinstance(database, MySQLDatabase):
        rows = database.execute_sql(
            "SELECT column_name, column_type, is_nullable = 'YES', column_default, extra"
            " FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s",
            (table,),
        )
        return {name: (kind, bool(nullable), default, extra) for name, kind, nullable, default, extra in rows}
    rows = database.execute_sql(f'PRAGMA table_info("{table}")')
    return {name: (kind.upper(), not notnull and not pk, default) for _, name, kind, notnull, default, pk in rows}


def _foreign_keys(database, table):
    """{(column, referenced table, referenced column, ON DELETE)}."""
    if isinstance(database, PostgresqlDatabase):
        rows = database.execute_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            (f'"{table}"',),
        )
        return {definition for (definition,) in rows}
    if isinstance(database, MySQLDatabase):
        rows = database.execute_sql(
            "SELECT k.column_name, k.referenced_table_name, k.referenced_column_name, r.delete_rule"
            " FROM information_schema.key_column_usage k JOIN information_schema.referential_constraints r"
            " ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name"
            " WHERE k.table_schema = DATABASE() AND k.table_name = %s AND k.referenced_table_name IS NOT NULL",
            (table,),
        )
        return set(rows)
    rows = database.execute_sql(f'PRAGMA foreign_key_list("{table}")')
    return {(column, target, target_column, on_delete) for _, _, target, column, target_column, _, on_delete, _ in rows}


def _indexes(database, table):
    """{name: (columns, unique)}."""
    return {index.name: (tuple(index.columns), bool(index.unique)) for index in database.get_indexes(table)}


def schema(database, skip=()):
    """Every table of `database` (but the migration history and `skip`): columns, foreign keys, indexes."""
    tables = sorted(set(database.get_tables()) - {HISTORY} - set(skip))
    return {
        table: {
            "columns": _columns(database, table),
            "foreign_keys": _foreign_keys(database, table),
            "indexes": _indexes(database, table),
        }
        for table in tables
    }


def _without_undeclared(described):
    """`described` without the indexes migration 0004 adds and the models do not declare."""
    out = {}
    for table, parts in described.items():
        indexes = {n: (c, u) for n, (c, u) in parts["indexes"].items() if u or (table, c) not in UNDECLARED_INDEXES}
        out[table] = dict(parts, indexes=indexes)
    return out


def assert_models_describe(database):
    """playhouse.schema_diff finds nothing today's models lack or have beyond the database (but UNDECLARED_INDEXES)."""
    diff = diff_models(database, models.ALL_MODELS)
    assert not diff.create_tables and not diff.add_columns and not diff.drop_columns and not diff.add_indexes, diff
    extra = {(index.table, tuple(index.columns)) for index in diff.drop_indexes if not index.unique}
    assert len(extra) == len(diff.drop_indexes) and extra <= UNDECLARED_INDEXES, diff


def assert_same_schema(got, expected, index_names=True):
    """Same tables, columns, foreign keys and indexes; with `index_names` False, indexes by their columns and
    uniqueness only (0010 names its indexes requestkey_*, where the models would say request_key_*)."""
    assert sorted(got) == sorted(expected)
    for table in expected:
        for part in ("columns", "foreign_keys", "indexes"):
            mine, theirs = got[table][part], expected[table][part]
            if part == "indexes" and not index_names:
                mine, theirs = sorted(mine.values()), sorted(theirs.values())
            assert mine == theirs, (table, part)


@pytest.fixture(scope="module")
def fresh(scratch):
    """The schema a fresh `init-db` makes today, described once for the module. The sandbox is on: init-db makes its
    tables too (described apart), and run again it applies nothing."""
    url = scratch.empty("fresh")
    _init_db(url, sandbox=True)
    assert "0 migration(s) applied" in _init_db(url, sandbox=True)
    database = scratch.connect(url)
    assert sorted(Runner(database, directory=MIGRATIONS).applied()) == sorted(_steps())
    assert SANDBOX_TABLES <= set(database.get_tables())
    return schema(database, skip=SANDBOX_TABLES)


# --- The baseline, with rows ---------------------------------------------------------------------------------------


def _fill_baseline(database):
    """Rows of every kind the first release kept, through 0001's frozen classes; returns those classes, the running
    totals the rows make (what 0007 must backfill) and the ids later rows refer to."""
    m = _frozen("0001_initial")
    with database.bind_ctx(m.TABLES):
        market = m.Station.create(name="城安县零工市场", kind="market", created_at=T0)
        village = m.Station.create(name="东村驿站", parent=market, created_at=T0)
        firm = m.Enterprise.create(name="鞋灯厂", industry="鞋灯", created_at=T0)
        job = m.Job.create(enterprise=firm, station=village, title="卡扣组装", unit_price_fen=10, total_pieces=100,
                           taken=60, created_at=T0, updated_at=T0)  # fmt: skip
        material = m.JobMaterial.create(job=job, name="卡扣", per_piece=2)
        alice = m.Worker.create(mp_openid="mp-alice", oa_openid="oa-alice", home_station=village, created_at=T0,
                                last_seen_at=T0)  # fmt: skip
        bob = m.Worker.create(mp_openid="mp-bob", created_at=T0, last_seen_at=T0)
        carol = m.Worker.create(mp_openid="mp-carol", created_at=T0, last_seen_at=T0)  # no inspections: earns 0
        staff = m.Staff.create(username="station0", password_hash="x", role="station", station=village, created_at=T0)
        m.AuthToken.create(token_hash="h" * 64, worker=alice, expires_at=T0 + dt.timedelta(days=30), created_at=T0)
        order = m.Order.create(job=job, worker=alice, quantity=50, rate_fen=10, reported=50, accepted=48,
                               request_id="o-1", created_at=T0, updated_at=T0)  # fmt: skip
        other = m.Order.create(job=job, worker=bob, quantity=10, rate_fen=10, reported=10, accepted=10,
                               request_id="o-1", created_at=T0, updated_at=T0)  # fmt: skip
        m.MaterialMovement.create(order=order, material=material, kind="issue", quantity=100, staff=staff,
                                  request_id="mm-1", created_at=T0)  # fmt: skip
        m.PieceReport.create(order=order, worker=alice, quantity=50, request_id="r-1", created_at=T0)
        first = m.Inspection.create(order=order, worker=alice, accepted=50, rate_fen=10, amount_fen=500,
                                    inspector=staff, request_id="i-1", created_at=T0)  # fmt: skip
        m.Inspection.create(order=order, worker=alice, accepted=-2, rejected=2, rate_fen=10, amount_fen=-20,
                            inspector=staff, corrects=first, request_id="i-2", created_at=T0)  # fmt: skip
        m.Inspection.create(order=other, worker=bob, accepted=10, rate_fen=10, amount_fen=100, inspector=staff,
                            request_id="i-3", created_at=T0)  # fmt: skip
        payable = {w.id: m.Account.create(code=f"worker:{w.id}:payable", kind="worker_payable", worker=w)
                   for w in (alice, bob, carol)}  # fmt: skip
        labour = m.Account.create(code=f"enterprise:{firm.id}:labour", kind="enterprise_labour", enterprise=firm)
        m.Account.create(code="station:cash", kind="station_cash", station=village)  # no postings: balance 0
        for n, inspection in enumerate(m.Inspection.select().order_by(m.Inspection.id), start=1):
            txn = m.LedgerTxn.create(key=f"earn:{n}", kind="earning", business_date=T0.date(), created_at=T0)
            m.Posting.create(txn=txn, account=payable[inspection.worker_id], amount_fen=-inspection.amount_fen,
                             inspection=inspection, created_at=T0)  # fmt: skip
            m.Posting.create(txn=txn, account=labour, amount_fen=inspection.amount_fen, inspection=inspection,
                             created_at=T0)  # fmt: skip
        m.AuditLog.create(staff=staff, action="inspect", object_type="order", object_id=str(order.id),
                          station=village, created_at=T0)  # fmt: skip
        m.KeyValue.create(key="wechat:token", value="{}", expires_at=T0)
        m.Notice.create(worker=alice, kind="pieces_accepted", dedup_key="n-1", next_attempt_at=T0, created_at=T0)
        m.SubscribeConsent.create(mp_openid="mp-alice", template_id="tpl", remaining=2, updated_at=T0)
        m.CheckIn.create(worker=alice, station=village, created_at=T0)
    totals = {"accounts": {payable[alice.id].id: -480, payable[bob.id].id: -100, payable[carol.id].id: 0,
                           labour.id: 580},
              "workers": {alice.id: 480, bob.id: 100, carol.id: 0}}  # fmt: skip
    return m.TABLES, totals, {"alice": alice.id, "bob": bob.id, "inspection": first.id}


def _fill_payouts(database, ids):
    """Payouts as 0002 made them (no paid_at yet): one paid, one still with WeChat."""
    m = _frozen("0002_payouts")
    with database.bind_ctx(m.TABLES):
        paid = m.Payout.create(worker=ids["alice"], out_bill_no="P1", amount_fen=300, state="SUCCESS",
                               business_date=T0.date(), created_at=T0, updated_at=T0,
                               finished_at=T0 + dt.timedelta(minutes=5))  # fmt: skip
        m.Payout.create(worker=ids["bob"], out_bill_no="P2", amount_fen=100, state="PROCESSING",
                        business_date=T0.date(), created_at=T0, updated_at=T0)  # fmt: skip
        m.PayoutItem.create(payout=paid, inspection=ids["inspection"], amount_fen=300)
        m.PayNotifyReceipt.create(notify_id="N1", out_bill_no="P1", state="SUCCESS", received_at=T0)
    return m.TABLES


def _rows(database, tables):
    """Every row of `tables` (frozen classes: the columns they had then), in key order."""
    with database.bind_ctx(tables):
        return {model._meta.table_name: list(model.select().order_by(model._meta.primary_key).tuples())
                for model in tables}  # fmt: skip


def test_baseline_with_rows_migrates_to_what_a_fresh_init_makes(scratch, fresh):
    database = scratch.connect(scratch.empty("baseline"))
    runner = Runner(database, directory=MIGRATIONS)
    assert runner.up(target="0001_initial") == ["0001_initial"]
    baseline_tables, totals, ids = _fill_baseline(database)
    assert not SANDBOX_TABLES & set(database.get_tables())
    before = _rows(database, baseline_tables)

    assert runner.up(target="0002_payouts") == ["0002_payouts"]
    payout_tables = _fill_payouts(database, ids)
    before.update(_rows(database, payout_tables))

    assert runner.up() == sorted(set(_steps()) - {"0001_initial", "0002_payouts"})
    assert runner.up() == []
    assert not SANDBOX_TABLES & set(database.get_tables()), "the migrations made sandbox tables"

    assert_same_schema(schema(database), fresh)
    assert_models_describe(database)
    assert _rows(database, baseline_tables + payout_tables) == before
    with database.bind_ctx([models.Account, models.Worker, models.Payout]):  # today's models read them
        balances = dict(models.Account.select(models.Account.id, models.Account.balance_fen).tuples())
        earned = dict(models.Worker.select(models.Worker.id, models.Worker.earned_fen).tuples())
        paid = dict(models.Payout.select(models.Payout.out_bill_no, models.Payout.paid_at).tuples())
    assert balances == {**dict.fromkeys(balances, 0), **totals["accounts"]}
    assert earned == totals["workers"]
    assert paid == {"P1": T0 + dt.timedelta(minutes=5), "P2": None}


def test_fresh_init_is_the_schema_of_todays_models(scratch, fresh):
    """Column types, nulls, foreign keys and indexes of a fresh init are those of today's models (created directly);
    such a database, taken as an existing deployment at 0001 (its old 0001 made every table of its day, the sandbox's
    too), migrates cleanly to the same schema: every later step finds its work done or does only what is missing."""
    database = scratch.connect(scratch.empty("models"))
    with database.bind_ctx(models.ALL_MODELS + SANDBOX_MODELS):
        database.create_tables(models.ALL_MODELS + SANDBOX_MODELS)
    made = schema(database, skip=SANDBOX_TABLES)
    assert_same_schema(_without_undeclared(made), _without_undeclared(fresh), index_names=False)

    runner = Runner(database, directory=MIGRATIONS)
    runner.fake(target="0001_initial")
    assert runner.up() == sorted(set(_steps()) - {"0001_initial"})
    assert_same_schema(schema(database, skip=SANDBOX_TABLES), fresh, index_names=False)
    assert SANDBOX_TABLES <= set(database.get_tables())  # left as they were
