"""Reference WSGI apps the targets are compared with: bare WSGI, Flask hello-JSON, raw single-row inserts.

Each `make_*` is a gunicorn app factory (`gunicorn 'bench.refapps:make_bare()'`). Database connections are
opened lazily in each worker after the fork and reused, as the service does.
"""

import json
import os
import sqlite3
import time

from flask import Flask
from flask import jsonify
from flask import request

_HELLO = b'{"hello":"world"}'
_RAW_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS bench_raw (id {pk}, worker_id INTEGER NOT NULL, "
    "request_id VARCHAR(64) NOT NULL, quantity INTEGER NOT NULL, created_at TIMESTAMP NOT NULL, "
    "UNIQUE (worker_id, request_id))"
)


def make_bare():
    """The ceiling: a WSGI callable answering a fixed JSON body."""

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_HELLO)))])
        return [_HELLO]

    return app


def make_flask():
    """The ceiling for any Flask view: a hello-JSON view."""
    app = Flask("bench_flask")

    @app.get("/")
    def hello():
        return jsonify(hello="world")

    return app


class _Sqlite:
    def __init__(self, path):
        self.path = path
        self.conn = None

    def connect(self):
        if self.conn is None:
            self.conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=wal")
            self.conn.execute("PRAGMA synchronous=normal")
        return self.conn

    def insert(self, row):
        conn = self.connect()
        cur = conn.execute(
            "INSERT INTO bench_raw (worker_id, request_id, quantity, created_at) VALUES (?, ?, ?, ?)", row
        )
        return cur.lastrowid


class _Postgres:
    def __init__(self, dsn):
        self.dsn = dsn
        self.conn = None

    def connect(self):
        if self.conn is None:
            import psycopg

            self.conn = psycopg.connect(self.dsn)
        return self.conn

    def insert(self, row):
        conn = self.connect()
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO bench_raw (worker_id, request_id, quantity, created_at) VALUES (%s, %s, %s, %s) "
                "RETURNING id",
                row,
            )
            new_id = cur.fetchone()[0]
        conn.commit()
        return new_id


def _store():
    url = os.environ["BENCH_RAW_DB"]
    if url.startswith("sqlite:///"):
        return _Sqlite(url[len("sqlite:///") :])
    return _Postgres(url)


def create_raw_table(url):
    """Create (or empty) the raw reference table; called by the runner before the first run."""
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///") :], isolation_level=None)
        conn.execute("PRAGMA journal_mode=wal")
        conn.execute(_RAW_SCHEMA.format(pk="INTEGER PRIMARY KEY AUTOINCREMENT"))
        conn.execute("DELETE FROM bench_raw")
        conn.close()
        return
    import psycopg

    conn = psycopg.connect(url)
    with conn, conn.cursor() as cur:
        cur.execute(_RAW_SCHEMA.format(pk="BIGSERIAL PRIMARY KEY"))
        cur.execute("TRUNCATE bench_raw")
    conn.close()


def _parse_row():
    data = request.get_json(silent=True) or {}
    quantity, request_id = data.get("quantity"), data.get("request_id")
    if not isinstance(quantity, int) or not isinstance(request_id, str):
        return None
    worker = request.headers.get("Authorization", "")[-8:]
    return (abs(hash(worker)) % 100000, request_id, quantity, time.strftime("%Y-%m-%d %H:%M:%S"))


def make_raw_insert():
    """A Flask view doing one single-row insert with the raw driver (BENCH_RAW_DB: sqlite:///path or a DSN)."""
    app = Flask("bench_raw")
    store = _store()

    @app.post("/api/v1/jobs/<int:job_id>/orders")
    @app.post("/api/v1/orders/<int:job_id>/reports")
    def insert(job_id):
        row = _parse_row()
        if row is None:
            return jsonify(error={"code": "bad_request", "message": "bad input"}), 400
        return jsonify(id=store.insert(row), quantity=row[2]), 201

    return app


def make_raw_insert_wsgi():
    """The same single-row insert as a bare WSGI callable (no framework at all)."""
    store = _store()

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data = json.loads(environ["wsgi.input"].read(length) or b"{}")
        if environ["REQUEST_METHOD"] != "POST" or "request_id" not in data:
            start_response("400 Bad Request", [("Content-Length", "0")])
            return [b""]
        row = (1, data["request_id"], data["quantity"], time.strftime("%Y-%m-%d %H:%M:%S"))
        body = json.dumps({"id": store.insert(row), "quantity": row[2]}).encode()
        start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app
