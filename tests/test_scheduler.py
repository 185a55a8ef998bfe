"""The one scheduler process: declared jobs, start-up catch-up of missed days, and two processes racing."""

import datetime as dt
import os
import subprocess
import sys

import pytest

import scheduler
from app import reconfigure
from models import DailyBalance
from models import ReconFinding
from models import ReconRun
from models import utcnow
from services.clock import business_date
from services.reconciliation import nightly as reconciliation
from services.reconciliation import runs as recon_runs
from tests.recon_helpers import DAY
from tests.recon_helpers import market_time
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(app, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINGONG_", "RECON_", "DATABASE_URL"))}
    env.update(DATABASE_URL=app.config["DATABASE_URL"], LINGONG_ENV="test", WECHAT_SANDBOX="1", **extra)
    return env


JOB_IDS = [  # the declared jobs, in the order scheduler.py --list prints them
    "reconcile",
    "recon_bill_retry",
    "recon_takeover",
    "deliver_notices",
    "sweep_payouts",
    "cutoff_payouts",
    "daily_summary",
    "training_reminders",
    "certificates_expiring",
    "guidance_follow_ups",
    "fair_figures",
]


def test_jobs_are_declared_with_ids_coalesce_one_instance_and_grace(app):
    built = scheduler.build_scheduler(app)
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == set(JOB_IDS)
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1 and job.misfire_grace_time >= 50
    assert str(built.timezone) == "Asia/Shanghai"
    runs = dict((job_id, when) for job_id, _, when in scheduler.next_runs(built))
    assert (runs["reconcile"].hour, runs["reconcile"].minute) == (2, 0)
    assert (runs["cutoff_payouts"].hour, runs["cutoff_payouts"].minute) == (17, 30)
    assert jobs["recon_takeover"].trigger.interval == dt.timedelta(minutes=1)  # well within the stale window
    assert all(scheduler._target(spec) is not None for spec in scheduler.job_specs(app.config))


def test_list_prints_the_jobs_and_exits(app):
    done = subprocess.run(
        [sys.executable, "scheduler.py", "--list"], cwd=ROOT, env=_env(app), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == JOB_IDS


def test_nothing_in_the_web_app_starts_a_scheduler(app):
    assert "apscheduler.schedulers.blocking" not in sys.modules or not any(
        "scheduler" in name for name in app.extensions
    )
    assert "scheduler" not in app.extensions


def test_days_missed_while_down_are_caught_up_on_start(app, seeded):
    reconfigure(app, LINGONG_GO_LIVE=DAY.isoformat())
    reconciliation.reconcile_day(DAY, market_time(DAY + dt.timedelta(days=1), 2))
    yesterday = business_date(utcnow()) - dt.timedelta(days=1)
    caught = scheduler.catch_up(app)
    assert [day for day, ran, _ in caught] == [DAY + dt.timedelta(days=n) for n in range(1, (yesterday - DAY).days + 1)]
    assert all(ran for _, ran, _ in caught)
    assert ReconRun.get(ReconRun.business_date == DAY).attempts == 1  # the finished day was not redone
    assert scheduler.catch_up(app) == []
    assert scheduler.run_job("reconcile", app) == {}


def test_go_live_defaults_to_the_first_ledger_date(app, seeded):
    assert reconciliation.go_live_date() == DAY


def test_two_scheduler_processes_reconcile_each_day_once(app, seeded):
    env = _env(app, LINGONG_GO_LIVE=DAY.isoformat())
    procs = [
        subprocess.Popen(
            [sys.executable, "scheduler.py", "--run-once"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-2000:] for o in outputs]
    reconciled = [line.split()[0] for out, _ in outputs for line in out.splitlines() if " reconciled:" in line]
    yesterday = business_date(utcnow()) - dt.timedelta(days=1)
    expected = [(DAY + dt.timedelta(days=n)).isoformat() for n in range((yesterday - DAY).days + 1)]
    assert sorted(reconciled) == expected  # each day by exactly one of the two
    runs = list(ReconRun.select().order_by(ReconRun.business_date))
    assert [r.business_date.isoformat() for r in runs] == expected
    assert all(r.status == "finished" and r.attempts == 1 for r in runs)


def test_a_scheduler_killed_mid_run_is_taken_over_when_stale(app, seeded):
    env = _env(app, LINGONG_GO_LIVE=DAY.isoformat(), RECON_CRASH_AFTER="counters_match_rows:exit")
    killed = subprocess.run(
        [sys.executable, "scheduler.py", "--run-once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert killed.returncode == 137
    run = ReconRun.get(ReconRun.business_date == DAY)
    assert run.status == "running"
    fresh, ran = reconciliation.reconcile_day(
        DAY, utcnow(), force=False, clock=lambda: run.heartbeat + dt.timedelta(minutes=1)
    )
    assert not ran
    taken, ran = reconciliation.reconcile_day(
        DAY, utcnow(), force=False, clock=lambda: run.heartbeat + dt.timedelta(minutes=11)
    )
    assert ran and taken.status == "finished" and taken.attempts == 2 and taken.findings_count == 0


class Clock:
    """A clock the test moves by hand: claims and heartbeats read it."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def advance(self, **delta):
        self.at += dt.timedelta(**delta)


def test_a_dead_claim_is_taken_over_by_the_running_scheduler_once_stale(app, seeded):
    reconfigure(app, LINGONG_GO_LIVE=DAY.isoformat())
    clock = Clock(utcnow())
    recon_runs.claim(DAY, clock(), owner="lingong-host:4242")  # killed half-way; systemd restarts it at once
    clock.advance(seconds=5)
    restarted = reconciliation.catch_up(utcnow(), clock=clock)
    assert [(day, ran) for day, _, ran in restarted] == [(DAY, False), (DAY + dt.timedelta(days=1), True)]
    clock.advance(minutes=9)
    assert reconciliation.take_over_stale(utcnow(), clock=clock) == {}  # its heartbeat is not stale yet
    clock.advance(minutes=1)
    assert reconciliation.take_over_stale(utcnow(), clock=clock) == {DAY.isoformat(): 0}
    run = ReconRun.get(ReconRun.business_date == DAY)
    assert run.status == "finished" and run.attempts == 2 and run.claimed_by == recon_runs.owner_id()
    assert reconciliation.take_over_stale(utcnow(), clock=clock) == {}


def test_the_takeover_job_retries_a_failed_run_after_the_stale_window(app, seeded):
    reconfigure(app, RECON_CRASH_AFTER="counters_match_rows")
    with pytest.raises(reconciliation.SimulatedCrash):
        reconciliation.reconcile_day(DAY, utcnow(), clock=lambda: utcnow() - dt.timedelta(minutes=4))
    reconfigure(app, RECON_CRASH_AFTER="")
    run = ReconRun.get(ReconRun.business_date == DAY)
    assert run.status == "failed"
    assert scheduler.run_job("recon_takeover", app) == {}  # failed 4 minutes ago: not retried every minute
    ReconRun.update(heartbeat=utcnow() - dt.timedelta(minutes=10)).where(ReconRun.id == run.id).execute()
    assert scheduler.run_job("recon_takeover", app) == {DAY.isoformat(): 0}
    run = ReconRun.get(ReconRun.business_date == DAY)
    assert run.status == "finished" and run.attempts == 2 and run.error == ""


def test_heartbeats_follow_the_clock_through_a_long_catch_up(app, seeded, monkeypatch):
    clock = Clock(utcnow().replace(microsecond=0))  # MySQL keeps whole seconds
    days = 12
    second = []

    def slow_day(day):  # each day takes 4 minutes: the catch-up lasts far longer than the stale window
        clock.advance(minutes=4)
        second.append(recon_runs.claim(day.date, clock(), owner="other-host:7"))
        return []

    monkeypatch.setattr(reconciliation, "CHECKS", [*reconciliation.CHECKS, ("slow_day", slow_day)])
    go_live = business_date(utcnow()) - dt.timedelta(days=days)
    done = reconciliation.catch_up(clock(), go_live=go_live, clock=clock)
    assert len(done) == days and all(ran for _, _, ran in done)
    assert second == [None] * days  # the live run never looked stale to a second scheduler
    last = ReconRun.get(ReconRun.business_date == done[-1][0])
    assert last.heartbeat == last.finished_at == clock() and last.attempts == 1


def test_a_run_taken_over_half_way_stops_cleanly_and_the_catch_up_goes_on(app, seeded, monkeypatch, caplog):
    reconfigure(app, LINGONG_GO_LIVE=DAY.isoformat())
    checked_after = []

    def taken_over(day):
        if day.date == DAY:
            ReconRun.update(claimed_by="other-host:7").where(ReconRun.business_date == DAY).execute()
        return []

    def next_check(day):
        checked_after.append(day.date)
        return []

    first, *rest = reconciliation.CHECKS
    monkeypatch.setattr(reconciliation, "CHECKS", [first, ("taken_over", taken_over), ("next", next_check), *rest])
    result = scheduler.run_job("reconcile", app)
    assert result is not None and result[DAY.isoformat()] == "held (running)"  # no exception out of the job
    next_day = DAY + dt.timedelta(days=1)
    assert isinstance(result[next_day.isoformat()], int) and checked_after == [next_day]
    run = ReconRun.get(ReconRun.business_date == DAY)
    assert run.claimed_by == "other-host:7" and run.status == "running" and run.error == ""
    assert ReconFinding.select().where(ReconFinding.run == run.id).count() == 0
    assert not DailyBalance.select().where(DailyBalance.business_date == DAY).exists()
    assert ReconRun.get(ReconRun.business_date == next_day).status == "finished"
    assert f"reconciliation of {DAY} stopped: run of {DAY} was taken over by other-host:7" in caplog.text
