"""Quick fault tests: another connection holds the lock a piece report needs (SQLite's write lock, or the
order's row lock on PostgreSQL) for a moment; the report waits, lands once, and a resend changes nothing.

Longer faults (a gunicorn worker killed with SIGKILL, a lock held past the busy timeout) run against a real
gunicorn in bench/faults.py.
"""

import sqlite3
import threading
import time

from peewee import MySQLDatabase
from peewee import SqliteDatabase

import models


def _holder(order_id, seconds, ready):
    """Hold the lock in another connection, as another process would."""
    database = models.db.obj
    if isinstance(database, SqliteDatabase):
        conn = sqlite3.connect(database.database, isolation_level=None, timeout=30)
        conn.execute("BEGIN IMMEDIATE")
    elif isinstance(database, MySQLDatabase):
        import pymysql

        conn = pymysql.connect(database=database.database, **database.connect_params)
        conn.begin()
        conn.cursor().execute("SELECT id FROM `order` WHERE id = %s FOR UPDATE", (order_id,))
    else:
        import psycopg

        conn = psycopg.connect(dbname=database.database, **database.connect_params)
        conn.cursor().execute('SELECT id FROM "order" WHERE id = %s FOR UPDATE', (order_id,))
    ready.set()
    time.sleep(seconds)
    conn.commit() if not isinstance(database, SqliteDatabase) else conn.execute("COMMIT")
    conn.close()


def test_report_waits_for_a_held_lock_and_lands_once(client, login, make_job):
    _, headers = login("busy")
    job = make_job(total_pieces=50)
    taken = client.post(f"/api/v1/jobs/{job.id}/orders", json={"quantity": 10, "request_id": "busy-o1"},
                        headers=headers)  # fmt: skip
    assert taken.status_code == 201
    order_id = taken.get_json()["id"]
    models.db.close()  # the holder must not share this test's connection
    ready = threading.Event()
    holder = threading.Thread(target=_holder, args=(order_id, 0.4, ready))
    holder.start()
    ready.wait(5)
    started = time.monotonic()
    answer = client.post(f"/api/v1/orders/{order_id}/reports", json={"quantity": 3, "request_id": "busy-r1"},
                         headers=headers)  # fmt: skip
    waited = time.monotonic() - started
    holder.join()
    assert answer.status_code == 201, answer.get_json()
    assert waited >= 0.3  # it really waited for the lock instead of failing or skipping it
    again = client.post(f"/api/v1/orders/{order_id}/reports", json={"quantity": 3, "request_id": "busy-r1"},
                        headers=headers)  # fmt: skip
    assert again.status_code == 200 and again.get_json()["id"] == answer.get_json()["id"]
    models.db.connect(reuse_if_open=True)
    assert models.PieceReport.select().where(models.PieceReport.order == order_id).count() == 1
    assert models.Order.get_by_id(order_id).reported == 3
