"""Long fault tests against a real gunicorn: nothing is lost or done twice, and the service answers again after.

`python -m bench.faults [--db sqlite|pg] [--only NAME]`; results go to bench/RESULTS-faults.md.
- worker-killed-mid-report: gunicorn workers are killed with SIGKILL while piece reports stream in; clients
  resend what failed with the same request id (as the mini-program does).
- duplicate-forged-callbacks: signed SCAN events each sent three times at once (WeChat's retries, racing in
  different workers), interleaved with forged ones; one check-in per event, forged ones refused and not acted on.
- sqlite-busy: another process holds SQLite's write lock; writes wait (short hold) or fail cleanly (long hold),
  then succeed once it is released.
"""

import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import sys
import threading
import time
import uuid

from bench import fixtures
from bench import invariants
from bench import runner
from bench import scenarios
from bench import signed

RESULTS = []


def _request(method, path, body=None, headers=None, timeout=30):
    """(status, parsed body or text); status 0 when the connection failed (reset by a killed worker)."""
    conn = http.client.HTTPConnection(runner.HOST, runner.PORT, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        data = answer.read()
        try:
            return answer.status, json.loads(data)
        except ValueError:
            return answer.status, data.decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return 0, None
    finally:
        conn.close()


def _post_json(path, token, body):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return _request("POST", path, json.dumps(body), headers)


def _record(name, db, ok, detail):
    RESULTS.append((name, db, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'} {name}/{db}: {detail}", flush=True)


def _state(url):
    database = invariants.bind(url)
    with database.connection_context():
        return invariants.check(), database


def _start(url, fixture):
    log = os.path.join(scenarios.OUT, "faults-gunicorn.log")
    return runner.Server("app:create_app()", fixture["env"], log).start()


def worker_killed_mid_report(db, url, fixture, seconds=4.0, kill_every=0.25):
    from models import PieceReport

    server = _start(url, fixture)
    plan = queue = None
    try:
        run = uuid.uuid4().hex[:8]
        pairs = list(zip(fixture["order_ids"], fixture["tokens"], strict=True))
        plan = {f"kill-{run}-{n}": pairs[n % len(pairs)] for n in range(100_000)}
        queue = list(plan)
        answered, failed, lock = {}, [], threading.Lock()
        stop = time.monotonic() + seconds

        def client():
            while time.monotonic() < stop:
                with lock:
                    if not queue:
                        return
                    rid = queue.pop()
                order_id, token = plan[rid]
                status, body = _post_json(
                    f"/api/v1/orders/{order_id}/reports", token, {"quantity": 1, "request_id": rid}
                )
                with lock:
                    (answered.__setitem__(rid, body["id"]) if status in (200, 201) else failed.append((rid, status)))

        def killer():
            while time.monotonic() < stop:
                time.sleep(kill_every)
                pids = runner.worker_pids(server.proc.pid)
                if pids:
                    os.kill(random.choice(pids), signal.SIGKILL)
                    kills.append(1)

        kills = []
        threads = [threading.Thread(target=client) for _ in range(8)] + [threading.Thread(target=killer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent = set(answered) | {rid for rid, _ in failed}
        statuses = sorted({s for _, s in failed})
        # The fault is over: resend what failed, with the same request id, until it is answered.
        for rid, _ in failed:
            order_id, token = plan[rid]
            for _attempt in range(20):
                status, body = _post_json(
                    f"/api/v1/orders/{order_id}/reports", token, {"quantity": 1, "request_id": rid}
                )
                if status in (200, 201):
                    answered[rid] = body["id"]
                    break
                time.sleep(0.2)
    finally:
        server.stop()
    problems, database = _state(url)
    with database.connection_context():
        rows = dict(
            PieceReport.select(PieceReport.request_id, PieceReport.id)
            .where(PieceReport.request_id.startswith(f"kill-{run}-"))
            .tuples()
        )
    lost = sent - set(rows)
    unanswered = sent - set(answered)
    ghost = set(rows) - sent
    mismatched = [rid for rid in answered if rows.get(rid) != answered[rid]]
    ok = not (problems or lost or unanswered or ghost or mismatched) and kills and failed
    _record(
        "worker-killed-mid-report", db, ok,
        f"{len(kills)} workers killed, {len(sent)} reports sent, {len(failed)} failed mid-fault (statuses "
        f"{statuses}) and were resent; rows {len(rows)}, lost {len(lost)}, unanswered {len(unanswered)}, "
        f"unknown {len(ghost)}, answer/row id mismatches {len(mismatched)}, invariants {problems or 'ok'}",
    )  # fmt: skip


def duplicate_forged_callbacks(db, url, fixture, events=120, copies=3, forged=120):
    from models import CheckIn
    from models import KeyValue
    from models import Station

    problems, database = _state(url)
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
    server = _start(url, fixture)
    try:
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not requests_:
                        return
                    kind, query, body = requests_.pop()
                status, _ = _request("POST", f"/wechat/oa?{query}", body.encode(), {"Content-Type": "text/xml"})
                with lock:
                    statuses[kind].append(status)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    problems, database = _state(url)
    with database.connection_context():
        checkins = CheckIn.select().count() - before
        keys = KeyValue.select().where(KeyValue.key.startswith("wx:msg:oa:")).count() - keys_before
    users = min(events, len(fixture["tokens"]))
    g_bad = [s for s in statuses["genuine"] if s != 200]
    f_bad = [s for s in statuses["forged"] if not 400 <= s < 500]
    ok = not problems and not g_bad and not f_bad and keys == events and checkins == users
    _record(
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
    server = _start(url, fixture)
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
                status, _ = _post_json(f"/api/v1/orders/{order_id}/reports", token, {"quantity": 1, "request_id": rid})
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
                    resent.append(_post_json(f"/api/v1/orders/{order_id}/reports", token,
                                             {"quantity": 1, "request_id": rid})[0])  # fmt: skip
            outcome[label] = (answers, resent)
    finally:
        server.stop()
    problems, database = _state(url)
    with database.connection_context():
        rows = PieceReport.select().where(PieceReport.request_id.startswith(f"busy-{run}-")).count()
    short_ok = all(s in (200, 201) for _, s, _ in outcome["short"][0])
    long_statuses = sorted({s for _, s, _ in outcome["long"][0]})
    long_clean = all(s in (200, 201, 503) for s in long_statuses)
    resent_ok = all(s in (200, 201) for s in outcome["long"][1] + outcome["short"][1])
    ok = short_ok and long_clean and resent_ok and rows == 8 and not problems
    _record(
        "sqlite-busy", db, ok,
        f"short hold {short_hold}s: statuses {sorted({s for _, s, _ in outcome['short'][0]})}, slowest "
        f"{max(t for _, _, t in outcome['short'][0]):.1f}s; long hold {long_hold}s (> busy_timeout): statuses "
        f"{long_statuses} (a clean 503 expected, never 500); resent after release: {outcome['long'][1]}; "
        f"rows {rows} of 8; invariants {problems or 'ok'}",
    )  # fmt: skip


def worker_killed_mid_payout(db, url, fixture, seconds=5.0, kill_every=0.3, per_worker=6):
    """Inspections pay at once (PAYOUT_MODE=immediate) through the WeChat Pay sandbox while workers are killed."""
    from peewee import fn

    from models import Inspection
    from models import Payout
    from models import PayoutItem
    from services import ledger
    from wechat.sandbox.store import SandboxPayBill

    env = {**fixture["env"], "PAYOUT_MODE": "immediate", "PAYOUT_SWEEP_AFTER_SECONDS": "0"}
    run = uuid.uuid4().hex[:8]
    staff = {"Authorization": fixture["staff_auth"], "Content-Type": "application/json"}
    server = runner.Server("app:create_app()", env, os.path.join(scenarios.OUT, "faults-gunicorn.log")).start()
    try:
        pairs = list(zip(fixture["order_ids"], fixture["tokens"], strict=True))
        for n, (order_id, token) in enumerate(pairs):  # pieces to inspect, reported before the fault
            status, _ = _post_json(f"/api/v1/orders/{order_id}/reports", token,
                                   {"quantity": per_worker, "request_id": f"pay-{run}-r{n}"})  # fmt: skip
            assert status == 201, status
        plan = [(order_id, f"pay-{run}-i{n}-{k}") for k in range(per_worker) for n, (order_id, _) in enumerate(pairs)]
        queue, failed, answered, lock, kills = list(reversed(plan)), [], {}, threading.Lock(), []
        stop = time.monotonic() + seconds

        def inspect(order_id, rid):
            body = json.dumps({"accepted": 1, "rejected": 0, "rework": 0, "request_id": rid})
            return _request("POST", f"/api/v1/staff/orders/{order_id}/inspections", body, staff)

        def client():
            while time.monotonic() < stop:
                with lock:
                    if not queue:
                        return
                    order_id, rid = queue.pop()
                status, body = inspect(order_id, rid)
                with lock:
                    (answered.__setitem__(rid, body["id"]) if status in (200, 201) else failed.append((order_id, rid)))

        def killer():
            while time.monotonic() < stop and (queue or any(t.is_alive() for t in threads[:-1])):
                time.sleep(kill_every)
                pids = runner.worker_pids(server.proc.pid)
                if pids:
                    os.kill(random.choice(pids), signal.SIGKILL)
                    kills.append(1)

        threads = [threading.Thread(target=client) for _ in range(6)] + [threading.Thread(target=killer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        resent = []
        for order_id, rid in failed:  # the fault is over: the desk resends with the same request id
            for _attempt in range(20):
                status, body = inspect(order_id, rid)
                if status in (200, 201):
                    answered[rid] = body["id"]
                    break
                time.sleep(0.2)
            resent.append((status, str(body)[:160]))
    finally:
        server.stop()
    fixtures.cli(url, "payouts", "sweep", extra_env=env)
    fixtures.cli(url, "payouts", "cutoff", extra_env=env)
    problems, database = _state(url)
    with database.connection_context():
        sent = {rid for _, rid in failed} | set(answered)
        found = dict(
            Inspection.select(Inspection.request_id, Inspection.id)
            .where(Inspection.request_id.startswith(f"pay-{run}-"))
            .tuples()
        )
        rows = len(found)
        mismatched_ids = [rid for rid, iid in answered.items() if found.get(rid) != iid]
        live = Payout.select().where(Payout.state.not_in(["FAIL", "CANCELLED"]))
        twice = (
            PayoutItem.select(PayoutItem.inspection).join(Payout)
            .where(Payout.state.not_in(["FAIL", "CANCELLED"]))
            .group_by(PayoutItem.inspection).having(fn.COUNT(PayoutItem.id) > 1).count()
        )  # fmt: skip
        item_sums = dict(
            PayoutItem.select(PayoutItem.payout, fn.SUM(PayoutItem.amount_fen)).group_by(PayoutItem.payout).tuples()
        )
        bad_sums = [p.id for p in live if p.method == "wechat" and item_sums.get(p.id, 0) != p.amount_fen]
        bills = dict(SandboxPayBill.select(SandboxPayBill.out_bill_no, SandboxPayBill.amount).tuples())
        wechat = {p.out_bill_no: p for p in Payout.select().where(Payout.method == "wechat")}
        orphan_bills = [b for b in bills if b not in wechat or wechat[b].amount_fen != bills[b]]
        stuck = live.where(Payout.state == "CREATED").count()
        mismatched_workers = []
        for worker_id, earned in (
            Inspection.select(Inspection.worker, fn.SUM(Inspection.amount_fen)).group_by(Inspection.worker).tuples()
        ):
            paid = sum(p.amount_fen for p in live.where(Payout.worker == worker_id))
            if paid + ledger.owed_fen(worker_id) != int(earned):
                mismatched_workers.append(worker_id)
        payouts_made = live.count()
    ok = (
        not (problems or twice or bad_sums or orphan_bills or stuck or mismatched_workers)
        and rows == len(sent)
        and kills
    )
    _record(
        "worker-killed-mid-payout", db, ok,
        f"{len(kills)} workers killed during {len(sent)} inspections paying at once, {len(failed)} resent "
        f"(last answers {sorted({r[0] for r in resent})}{'' if ok else ' ' + str(resent[:2])}); "
        f"inspections {rows} of {len(sent)} (answer/row id mismatches {len(mismatched_ids)}); live payouts {payouts_made} (after `payouts sweep` and `cutoff`), "
        f"inspections paid twice {twice}, payouts whose items differ {len(bad_sums)}, sandbox bills without a "
        f"matching payout {len(orphan_bills)}, stuck in CREATED {stuck}, workers whose paid + owed != earned "
        f"{len(mismatched_workers)}; invariants {problems or 'ok'}",
    )  # fmt: skip


FAULTS = {
    "worker-killed-mid-report": worker_killed_mid_report,
    "duplicate-forged-callbacks": duplicate_forged_callbacks,
    "worker-killed-mid-payout": worker_killed_mid_payout,
    "sqlite-busy": sqlite_busy,
}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "pg"])
    parser.add_argument("--only", action="append")
    parser.add_argument("--snapshot", metavar="REV")
    parser.add_argument("--results", default="bench/RESULTS-faults.md")
    args = parser.parse_args(argv)
    lock = runner.exclusive(scenarios.OUT)  # noqa: F841 (held until exit)
    if args.snapshot:
        from bench.bench import snapshot

        snapshot(args.snapshot)
    os.makedirs(scenarios.OUT, exist_ok=True)
    for db in args.db or ["sqlite", "pg"]:
        url = scenarios.DATABASES[db]["service"]
        fixture = fixtures.prepare(db, url, workers=40)
        for name, fault in FAULTS.items():
            if args.only and not any(o in name for o in args.only):
                continue
            if "callbacks" in name and fixture["unavailable"].get("oa"):
                _record(name, db, False, "n/a — " + fixture["unavailable"]["oa"])
                continue
            fault(db, url, fixture)
    lines = ["# lingong fault tests", "", f"- {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; command: "
             f"`python -m bench.faults {' '.join(argv if argv is not None else sys.argv[1:])}`", "",
             "| fault | db | result | detail |", "|---|---|---|---|"]  # fmt: skip
    lines += [f"| {n} | {d} | {'pass' if ok else 'FAIL'} | {detail} |" for n, d, ok, detail in RESULTS]
    with open(args.results, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0 if all(ok for _, _, ok, _ in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
