"""Nightly reconciliation of one business day: claimed in the database (one run row per date), idempotent.

The checks live in recon_ledger, recon_ops, recon_payouts and recon_bill; a run replaces its findings in one
transaction (keeping staff notes), so re-running a day gives the same findings. Nothing in history is changed.
A day that is not over is only checked "so far": a provisional run that stores nothing final (recon_runs holds
the claims).
"""

import datetime as dt
import hashlib
import json
import logging
import os
import time

from models import LedgerTxn
from models import ReconFinding
from models import ReconRun
from models import Staff
from models import StaffNotice
from models import utcnow
from services import runtime
from services.clock import business_date
from services.clock import iso_utc
from services.reconciliation import bill as recon_bill
from services.reconciliation import counters as recon_ops
from services.reconciliation import ledger_checks as recon_ledger
from services.reconciliation import materials_checks as recon_materials
from services.reconciliation import payout_checks as recon_payouts
from services.reconciliation import runs as recon_runs
from services.reconciliation import totals as recon_totals
from services.reconciliation.context import Day
from services.reconciliation.runs import TakenOver
from services.unit import transaction

log = logging.getLogger(__name__)

# The checks of a day in their run order: the ledger first (the closing balances it stores are what the running
# totals are checked against last), then the counters, materials and payouts, then WeChat Pay's bill.
CHECKS = [
    ("transactions_balance", recon_ledger.transactions_balance),
    ("earnings_match_inspections", recon_ledger.earnings_match_inspections),
    ("closing_balances", recon_ledger.closing_balances),
    ("counters_match_rows", recon_ops.counters_match_rows),
    ("request_ids_unique", recon_ops.request_ids_unique),
    ("materials_issued", recon_materials.materials_issued),
    ("materials_balance", recon_materials.materials_balance),
    ("payouts_match_postings", recon_payouts.payouts_match_postings),
    ("nothing_settled_twice", recon_payouts.nothing_settled_twice),
    ("no_payout_stuck", recon_payouts.no_payout_stuck),
    ("payouts_match_bill", recon_bill.payouts_match_bill),
    ("running_totals", recon_totals.running_totals),
]


class SimulatedCrash(RuntimeError):
    """Raised by the RECON_CRASH_AFTER test hook."""


def reconcile_day(day, now, bill_source=None, force=True, owner=None, clock=utcnow):
    """Reconcile business date `day` as of `now`, once at a time; returns (run, ran). A run held by another process
    is left alone, and so is one taken over from us half-way (logged; ran is False). A future date is refused.

    force=False (the scheduler) skips a day already finished; force=True (the CLI) re-runs it with the same result.
    A day not over at `now` is checked so far: a provisional run, no closing balances stored, no notices; the nightly
    run replaces it. `clock` (the real clock unless a test drives it) stamps the claim and the heartbeats.
    """
    recon_runs.refuse_future(day, now)
    owner = owner or recon_runs.owner_id()
    run = recon_runs.claim(day, clock(), force=force, owner=owner)
    if run is None:
        return ReconRun.get(ReconRun.business_date == day), False
    hold = recon_runs.Hold(run, owner, clock)
    try:
        hold.beat()
        context = Day(day, now, bill_source)
        context.closing_was_stored = bool(json.loads(run.summary or "{}").get("closing_stored"))
        findings = []
        timings = {}
        for name, fn in CHECKS:
            tick = time.monotonic()
            findings.extend(fn(context))
            timings[name] = round(time.monotonic() - tick, 3)
            hold.beat()
            _crash_hook(name)
        context.stats["seconds"] = timings
        return _finish(run, hold, context, findings, final=day < business_date(now)), True
    except TakenOver as exc:
        log.warning("reconciliation of %s stopped: %s", day, exc)
        return ReconRun.get_by_id(run.id), False
    except Exception as exc:
        hold.fail(exc)
        log.exception("reconciliation of %s failed", day)
        raise


def _crash_hook(check_name):
    """Tests: RECON_CRASH_AFTER=<check> raises after that check; <check>:exit kills the process there."""
    settings = runtime.settings()
    name, _, mode = (settings.recon_crash_after or "").partition(":")
    if name != check_name or settings.lingong_env == "production":
        return
    if mode == "exit":
        os._exit(137)
    raise SimulatedCrash(f"crash planned after {check_name}")


def _finish(run, hold, context, findings, final):
    """Replace the run's findings; a final run also stores the closing balances and tells the admins."""
    finished_at = hold.clock()
    kinds = {}
    for finding in findings:
        kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
    summary = {
        "findings": kinds,
        "checked": {k: v for k, v in context.stats.items() if k != "seconds"},
        "seconds": context.stats.get("seconds", {}),
        "closing_stored": final or context.closing_was_stored,
    }
    if not final:
        summary.update(provisional=True, as_of=iso_utc(context.now))
    with transaction():
        hold.finish(  # first: it locks the run row and proves the run is still ours
            status="finished" if final else "provisional",
            finished_at=finished_at,
            heartbeat=finished_at,
            error="",
            summary=json.dumps(summary, ensure_ascii=False, default=str),
            findings_count=len(findings),
        )
        kept = {
            (f.kind, f.object_type, f.object_id): f for f in ReconFinding.select().where(ReconFinding.run == run.id)
        }
        ReconFinding.delete().where(ReconFinding.run == run.id).execute()
        rows = []
        for finding in findings:
            old = kept.get(finding.identity)
            rows.append(
                {
                    "run": run.id,
                    "kind": finding.kind,
                    "severity": finding.severity,
                    "object_type": finding.object_type,
                    "object_id": str(finding.object_id),
                    "message": finding.message[:500],
                    "detail": json.dumps(finding.detail, ensure_ascii=False, default=str),
                    "status": old.status if old else "open",
                    "note": old.note if old else "",
                    "acted_by": old.acted_by_id if old else None,
                    "acted_at": old.acted_at if old else None,
                    "created_at": old.created_at if old else finished_at,
                }
            )
        for i in range(0, len(rows), 500):
            ReconFinding.insert_many(rows[i : i + 500]).execute()
        if final:
            recon_ledger.store_closing(context)
            if findings:
                _notify_admins(run.business_date, findings, finished_at)
    return ReconRun.get_by_id(run.id)


def _notify_admins(day, findings, now):
    """One staff notice per admin per distinct set of findings (a re-run with the same findings adds none)."""
    digest = hashlib.sha1("|".join(sorted(":".join(f.identity) for f in findings)).encode()).hexdigest()[:16]
    kinds = sorted({f.kind for f in findings})
    payload = json.dumps(
        {
            "date": day.isoformat(),
            "count": len(findings),
            "kinds": kinds,
            "message": f"{day} 对账发现 {len(findings)} 个问题",
        },
        ensure_ascii=False,
    )
    for (staff_id,) in Staff.select(Staff.id).where((Staff.role == "admin") & (Staff.active == True)).tuples():  # noqa: E712
        StaffNotice.insert(
            staff=staff_id,
            kind="recon_findings",
            payload=payload,
            dedup_key=f"recon:{day.isoformat()}:{digest}:{staff_id}",
            created_at=now,
        ).on_conflict_ignore().execute()


def go_live_date(config_value=None):
    """LINGONG_GO_LIVE (YYYY-MM-DD), else the date of the first ledger transaction, else None."""
    value = config_value if config_value is not None else runtime.settings().lingong_go_live
    if value:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    first = LedgerTxn.select(LedgerTxn.business_date).order_by(LedgerTxn.business_date).limit(1).scalar()
    return first


def days_to_catch_up(now, go_live=None):
    """Every business date from go-live to yesterday that has no finished reconciliation, oldest first."""
    start = go_live_date(go_live)
    last = business_date(now) - dt.timedelta(days=1)
    if start is None or start > last:
        return []
    done = {
        d
        for (d,) in ReconRun.select(ReconRun.business_date)
        .where((ReconRun.business_date >= start) & (ReconRun.status == "finished"))
        .tuples()
    }
    days = []
    day = start
    while day <= last:
        if day not in done:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def catch_up(now, bill_source=None, go_live=None, clock=utcnow):
    """Reconcile every missed day (scheduler start-up and the nightly job); a day another process holds, or takes
    over from us half-way, is skipped and the catch-up goes on with the next day."""
    results = []
    for day in days_to_catch_up(now, go_live):
        run, ran = reconcile_day(day, now, bill_source=bill_source, force=False, clock=clock)
        results.append((day, run, ran))
    return results


def nightly(now, bill_source=None):
    """Scheduler job (02:00 market time): yesterday and every earlier day still missing; {date: findings}."""
    return {
        day.isoformat(): run.findings_count if ran else f"held ({run.status})"
        for day, run, ran in catch_up(now, bill_source)
    }


def take_over_stale(now, bill_source=None, clock=utcnow):
    """Scheduler job (every minute): finish the past days whose run a dead process left claimed or running (no
    heartbeat for RECON_STALE_MINUTES) or that failed that long ago, without waiting for a restart or 02:00.
    Returns {date: findings}."""
    done = {}
    for day in recon_runs.stale_days(clock(), before=business_date(now)):
        try:
            run, ran = reconcile_day(day, now, bill_source=bill_source, force=False, clock=clock)
        except Exception:  # logged and marked failed by reconcile_day; the other days still get their turn
            done[day.isoformat()] = "failed"
            continue
        done[day.isoformat()] = run.findings_count if ran else f"held ({run.status})"
    return done


def retry_missing_bills(now, bill_source=None, days=3):
    """Scheduler job (late morning): WeChat Pay publishes the fund-flow bill in the morning, after the 02:00 run;
    re-run the recent days whose bill was unavailable. Returns {date: findings}."""
    since = business_date(now) - dt.timedelta(days=days)
    waiting = (
        ReconRun.select(ReconRun.business_date)
        .distinct()
        .join(ReconFinding)
        .where(
            (ReconRun.business_date >= since)
            & (ReconRun.status == "finished")
            & (ReconFinding.kind == "bill_unavailable")
        )
        .tuples()
    )
    done = {}
    for (day,) in list(waiting):
        run, ran = reconcile_day(day, now, bill_source=bill_source, force=True)
        done[day.isoformat()] = run.findings_count if ran else f"held ({run.status})"
    return done
