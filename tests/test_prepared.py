"""Prepared statements (prepared.py): compiled once per database; psycopg 3 prepares them on the PostgreSQL server
per connection (database.PREPARE_THRESHOLD)."""

import pytest
from peewee import PostgresqlDatabase
from peewee import SqliteDatabase

import models
from database import PREPARE_THRESHOLD
from models import KeyValue
from models import utcnow
from prepared import Arg
from prepared import Prepared
from prepared import as_model
from prepared import model_columns
from wechat.kvstore import DbStore


def test_a_timestamp_frozen_into_a_statement_is_refused(app):
    frozen = Prepared(lambda: KeyValue.insert(key=Arg("key"), value="v", expires_at=utcnow()))
    with pytest.raises(TypeError, match="date/time constant"):
        frozen.sql()


def test_statement_binds_its_arguments_and_runs_again_on_a_new_connection(app):
    models.db.connect(reuse_if_open=True)
    DbStore().set("p:1", "one")
    DbStore().set("p:2", "two")
    value_of = Prepared(lambda: KeyValue.select(KeyValue.value).where(KeyValue.key == Arg("key")))
    assert value_of.scalar(key="p:1") == "one" and value_of.scalar(key="p:2") == "two"
    database = models.db.obj
    if isinstance(database, PostgresqlDatabase):
        assert "%s" in value_of.sql()
        for _ in range(PREPARE_THRESHOLD + 1):
            assert value_of.scalar(key="p:1") == "one"
        statements = [row[0] for row in models.db.execute_sql("SELECT statement FROM pg_prepared_statements")]
        assert value_of.sql().replace("%s", "$1") in statements  # parsed and planned once on this connection
    else:
        assert ("?" if isinstance(database, SqliteDatabase) else "%s") in value_of.sql()
    models.db.manual_close()  # a new connection knows nothing of the old one's prepared statements
    models.db.connect()
    assert value_of.scalar(key="p:2") == "two"


def test_rows_become_models_with_their_types(app, login):
    worker, _ = login("alice")
    from models import Worker

    row = Prepared(lambda: Worker.select().where(Worker.id == Arg("id"))).first(id=worker.id)
    loaded = as_model(Worker, model_columns(Worker), row)
    assert loaded.id == worker.id and loaded.mp_openid == worker.mp_openid
    assert loaded.created_at == Worker.get_by_id(worker.id).created_at
    assert loaded.oa_subscribed is False
