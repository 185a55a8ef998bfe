"""Fault tests on the callback and the database: duplicate and forged pushes under load, SQLite held busy."""

import random
import sqlite3
import threading
import time
import uuid

from bench import common_faults as common
from bench import scenarios
from bench import signed


def duplicate_forged_callbacks(db, url, fixture, events=120, copies=3, forged=120):
    from models import CheckIn
    from models import KeyValue
    from models import Station

    problems, database = common.state(url)
    with database.connection_context():
        station = Station.select(Station.id).order_by(Station.id).scalar()
        before = CheckIn.select().count()
        keys_before = KeyValue.select().where(KeyValue.key.startswith("wx:msg:oa:")).count()
    now = int(time.time())
    run = uuid.uuid4().hex[:8]
    requests_ = []
    for k in range(events):
        user = signed.oa_openid(k % len(fixture["tokens"]))
        body = (
            f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{now - k // len(fixture['tokens'])}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[{station}]]></EventKey><Ticket>t</Ticket></xml>"
        )
        for c in range(copies):
            query = signed.signed_query(now, f"{run}g{k}c{c}", user, fixture["oa_token"])
            requests_.append(("genuine", query, body))
    for k in range(forged):
        user = signed.oa_openid(k % len(fixture["tokens"]))
        query = signed.signed_query(now, f"{run}f{k}", user, "not-the-token")
        body = f"<xml><FromUserName><![CDATA[{user}]]></FromUserName><MsgType><![CDATA[text]]></MsgType><Content>收入</Content><MsgId>{k}</MsgId><CreateTime>{now}</CreateTime></xml>"
        requests_.append(("forged", query, body))
    random.Random(7).shuffle(requests_)
    statuses = {"genuine": [], "forged": []}
    server = common.start(url, fixture)
    try:
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not requests_:
                        return
                    kind, query, body = requests_.pop()
                status, _ = common.request("POST", f"/wechat/oa?{query}", body.encode(), {"Content-Type": "text/xml"})
                with lock:
                    statuses[kind].append(status)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    problems, database = common.state(url)
    with database.connection_context():
        checkins = CheckIn.select().count() - before
        keys = KeyValue.select().where(KeyValue.key.startswith("wx:msg:oa:")).count() - keys_before
    users = min(events, len(fixture["tokens"]))
    g_bad = [s for s in statuses["genuine"] if s != 200]
    f_bad = [s for s in statuses["forged"] if not 400 <= s < 500]
    ok = not problems and not g_bad and not f_bad and keys == events and checkins == users
    common.record(
        "duplicate-forged-callbacks", db, ok,
        f"{events} SCAN events x{copies} copies + {forged} forged, 8 clients: genuine non-200 {len(g_bad)} "
        f"{sorted(set(g_bad))}, forged not 4xx {len(f_bad)} {sorted(set(f_bad))}; de-dup keys {keys} (expected "
        f"{events}); check-ins {checkins} (expected {users}: one per worker, repeat scans are one arrival)",
    )  # fmt: skip


def sqlite_busy(db, url, fixture, short_hold=2.0, long_hold=17.0):
    """Another process holds the write lock: a short hold is waited out, a long one fails cleanly (not 500)."""
    if db != "sqlite":
        return
    from models import PieceReport

    path = scenarios.sqlite_path(url)
    run = uuid.uuid4().hex[:8]
    pairs = list(zip(fixture["order_ids"], fixture["tokens"], strict=True))
    server = common.start(url, fixture)
    outcome = {}
    try:
        for label, hold in (("short", short_hold), ("long", long_hold)):
            ready = threading.Event()

            def holder(hold=hold, ready=ready):
                conn = sqlite3.connect(path, isolation_level=None, timeout=30)
                conn.execute("BEGIN IMMEDIATE")
                ready.set()
                time.sleep(hold)
                conn.execute("COMMIT")
                conn.close()

            lock_thread = threading.Thread(target=holder)
            lock_thread.start()
            ready.wait()
            answers, lock = [], threading.Lock()

            def client(n, label=label, answers=answers, lock=lock):
                order_id, token = pairs[n % len(pairs)]
                rid = f"busy-{run}-{label}-{n}"
                started = time.monotonic()
                status, _ = common.post_json(
                    f"/api/v1/orders/{order_id}/reports", token, {"quantity": 1, "request_id": rid}
                )
                with lock:
                    answers.append((rid, status, time.monotonic() - started))

            clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
            for t in clients:
                t.start()
            for t in clients:
                t.join()
            lock_thread.join()
            # Resend what failed once the lock is gone: the service must answer again.
            resent = []
            for rid, status, _ in answers:
                if status not in (200, 201):
                    order_id, token = pairs[int(rid.rsplit("-", 1)[1]) % len(pairs)]
                    resent.append(common.post_json(f"/api/v1/orders/{order_id}/reports", token,
                                             {"quantity": 1, "request_id": rid})[0])  # fmt: skip
            outcome[label] = (answers, resent)
    finally:
        server.stop()
    problems, database = common.state(url)
    with database.connection_context():
        rows = PieceReport.select().where(PieceReport.request_id.startswith(f"busy-{run}-")).count()
    short_ok = all(s in (200, 201) for _, s, _ in outcome["short"][0])
    long_statuses = sorted({s for _, s, _ in outcome["long"][0]})
    long_clean = all(s in (200, 201, 503) for s in long_statuses)
    resent_ok = all(s in (200, 201) for s in outcome["long"][1] + outcome["short"][1])
    ok = short_ok and long_clean and resent_ok and rows == 8 and not problems
    common.record(
        "sqlite-busy", db, ok,
        f"short hold {short_hold}s: statuses {sorted({s for _, s, _ in outcome['short'][0]})}, slowest "
        f"{max(t for _, _, t in outcome['short'][0]):.1f}s; long hold {long_hold}s (> busy_timeout): statuses "
        f"{long_statuses} (a clean 503 expected, never 500); resent after release: {outcome['long'][1]}; "
        f"rows {rows} of 8; invariants {problems or 'ok'}",
    )  # fmt: skip
