"""Fault tests that kill gunicorn workers with SIGKILL mid-request: piece reports, and payouts made at once.

Clients resend what failed with the same request id (as the mini-program and the desk do); afterwards nothing is
lost, nothing is done twice, and every answer matches the row it names.
"""

import json
import os
import random
import signal
import threading
import time
import uuid

from bench import common_faults as common
from bench import fixtures
from bench import runner
from bench import scenarios


def worker_killed_mid_report(db, url, fixture, seconds=4.0, kill_every=0.25):
    from models import PieceReport

    server = common.start(url, fixture)
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
                status, body = common.post_json(
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
                status, body = common.post_json(
                    f"/api/v1/orders/{order_id}/reports", token, {"quantity": 1, "request_id": rid}
                )
                if status in (200, 201):
                    answered[rid] = body["id"]
                    break
                time.sleep(0.2)
    finally:
        server.stop()
    problems, database = common.state(url)
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
    common.record(
        "worker-killed-mid-report", db, ok,
        f"{len(kills)} workers killed, {len(sent)} reports sent, {len(failed)} failed mid-fault (statuses "
        f"{statuses}) and were resent; rows {len(rows)}, lost {len(lost)}, unanswered {len(unanswered)}, "
        f"unknown {len(ghost)}, answer/row id mismatches {len(mismatched)}, invariants {problems or 'ok'}",
    )  # fmt: skip


def worker_killed_mid_payout(db, url, fixture, seconds=5.0, kill_every=0.3, per_worker=6):
    """Inspections pay at once (PAYOUT_MODE=immediate) through the WeChat Pay sandbox while workers are killed."""
    from peewee import fn

    from models import Inspection
    from models import Payout
    from models import PayoutItem
    from services.money import ledger
    from wechat.sandbox.store import SandboxPayBill

    env = {**fixture["env"], "PAYOUT_MODE": "immediate", "PAYOUT_SWEEP_AFTER_SECONDS": "0"}
    run = uuid.uuid4().hex[:8]
    staff = {"Authorization": fixture["staff_auth"], "Content-Type": "application/json"}
    server = runner.Server("app:create_app()", env, os.path.join(scenarios.OUT, "faults-gunicorn.log")).start()
    try:
        pairs = list(zip(fixture["order_ids"], fixture["tokens"], strict=True))
        for n, (order_id, token) in enumerate(pairs):  # pieces to inspect, reported before the fault
            status, _ = common.post_json(f"/api/v1/orders/{order_id}/reports", token,
                                   {"quantity": per_worker, "request_id": f"pay-{run}-r{n}"})  # fmt: skip
            assert status == 201, status
        plan = [(order_id, f"pay-{run}-i{n}-{k}") for k in range(per_worker) for n, (order_id, _) in enumerate(pairs)]
        queue, failed, answered, lock, kills = list(reversed(plan)), [], {}, threading.Lock(), []
        stop = time.monotonic() + seconds

        def inspect(order_id, rid):
            body = json.dumps({"accepted": 1, "rejected": 0, "rework": 0, "request_id": rid})
            return common.request("POST", f"/api/v1/staff/orders/{order_id}/inspections", body, staff)

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
    problems, database = common.state(url)
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
    common.record(
        "worker-killed-mid-payout", db, ok,
        f"{len(kills)} workers killed during {len(sent)} inspections paying at once, {len(failed)} resent "
        f"(last answers {sorted({r[0] for r in resent})}{'' if ok else ' ' + str(resent[:2])}); "
        f"inspections {rows} of {len(sent)} (answer/row id mismatches {len(mismatched_ids)}); live payouts {payouts_made} (after `payouts sweep` and `cutoff`), "
        f"inspections paid twice {twice}, payouts whose items differ {len(bad_sums)}, sandbox bills without a "
        f"matching payout {len(orphan_bills)}, stuck in CREATED {stuck}, workers whose paid + owed != earned "
        f"{len(mismatched_workers)}; invariants {problems or 'ok'}",
    )  # fmt: skip
