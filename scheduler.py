"""The ONE scheduler process of lingong: `python scheduler.py` (APScheduler 3.x BlockingScheduler in market time).

Never started by the web app (gunicorn workers would each run every job). Correctness comes from tables, not from
misfire settings: on start it reconciles every business day since go-live that has no finished run, and a run is
claimed in the database first, so a second scheduler started by mistake does no harm. A run whose process died
is taken over by the every-minute job once its heartbeat is RECON_STALE_MINUTES old (a restart need not wait).
  python scheduler.py            run the jobs
  python scheduler.py --list     print the jobs and their next run times, then exit
  python scheduler.py --run-once catch up missed reconciliations, then exit
  python scheduler.py --run ID   run one job now, then exit
"""

import argparse
import datetime as dt
import importlib
import logging
import sys
from dataclasses import dataclass
from zoneinfo import ZoneInfo

log = logging.getLogger("lingong.scheduler")


@dataclass(frozen=True)
class JobSpec:
    id: str
    target: str  # "module:function", called as function(now)
    trigger: str  # "cron" | "interval"
    args: dict
    grace: int  # misfire grace time, seconds
    description: str


def _cutoff(config):
    hour, minute = str(config.get("PAYOUT_CUTOFF", "17:30")).split(":")
    return {"hour": int(hour), "minute": int(minute)}


def job_specs(config):
    """The declared jobs (explicit ids); times are market time."""
    return [
        JobSpec(
            "reconcile",
            "services.reconciliation.nightly:nightly",
            "cron",
            {"hour": 2, "minute": 0},
            6 * 3600,
            "对账：前一营业日（及所有漏掉的日期）",
        ),
        JobSpec(
            "recon_bill_retry",
            "services.reconciliation.nightly:retry_missing_bills",
            "cron",
            {"hour": 10, "minute": 30},
            6 * 3600,
            "对账：上午账单出来后重对缺账单的日期",
        ),
        JobSpec(
            "recon_takeover",
            "services.reconciliation.nightly:take_over_stale",
            "interval",
            {"minutes": 1},
            50,
            "对账：接手中断（心跳超时）或失败的对账",
        ),
        JobSpec(
            "deliver_notices", "services.notices.outbox:deliver_pending", "interval", {"minutes": 1}, 50, "发送待发通知"
        ),
        JobSpec(
            "sweep_payouts",
            "services.payouts.sweep:sweep_inflight",
            "interval",
            {"minutes": int(config.get("SCHEDULER_SWEEP_MINUTES", 3))},
            120,
            "查询在途付款",
        ),
        JobSpec(
            "cutoff_payouts",
            "services.payouts.transfers:run_cutoff_payouts",
            "cron",
            _cutoff(config),
            3 * 3600,
            "截点统一发工钱",
        ),
        JobSpec(
            "daily_summary",
            "services.notices.daily_summary:enqueue_daily_summaries",
            "cron",
            {"hour": 20, "minute": 0},
            2 * 3600,
            "当日收入汇总通知",
        ),
        # issue 15: training and guidance notices, each idempotent (one notice per key)
        JobSpec(
            "training_reminders",
            "services.notices.training:enqueue_session_reminders",
            "cron",
            {"hour": 18, "minute": 0},
            4 * 3600,
            "培训前一天提醒",
        ),
        JobSpec(
            "certificates_expiring",
            "services.notices.training:enqueue_expiring_certificates",
            "cron",
            {"hour": 9, "minute": 0},
            6 * 3600,
            "合格证 14 天内到期提醒",
        ),
        JobSpec(
            "guidance_follow_ups",
            "services.notices.training:enqueue_follow_ups_due",
            "cron",
            {"hour": 8, "minute": 30},
            6 * 3600,
            "辅导员回访到期提醒",
        ),
        JobSpec(
            "fair_figures",
            "services.fairs.figures:fetch_due",
            "interval",
            {"minutes": 60},
            1800,
            "直播招聘会：结束后从视频号获取观看数据",
        ),
    ]


def _target(spec):
    module_name, _, name = spec.target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        return None


def run_job(job_id, app):
    """One job run: a thin wrapper calling an idempotent service in its own connection, with the app's config."""
    from models import db
    from models import utcnow

    spec = next(s for s in job_specs(app.extensions["settings"]) if s.id == job_id)
    fn = _target(spec)
    if fn is None:
        log.warning("job %s: %s is not available in this build; skipped", job_id, spec.target)
        return None
    from services import unit

    with app.app_context(), db.connection_context(), unit.scope():  # after-commit work runs after the job
        try:
            result = fn(utcnow())
        except Exception:
            log.exception("job %s failed", job_id)
            return None
    log.info("job %s: %s", job_id, result)
    return result


def catch_up(app):
    """Reconcile every business day since go-live with no finished run (start-up); returns [(date, ran, findings)]."""
    from models import db
    from models import utcnow
    from services.reconciliation import nightly as reconciliation

    with app.app_context(), db.connection_context():
        done = reconciliation.catch_up(utcnow())
    return [(day, ran, run.findings_count) for day, run, ran in done]


def build_scheduler(app):
    from apscheduler.schedulers.blocking import BlockingScheduler

    tz = ZoneInfo(app.extensions["settings"].market_timezone)
    scheduler = BlockingScheduler(timezone=tz)
    for spec in job_specs(app.extensions["settings"]):
        scheduler.add_job(
            run_job,
            spec.trigger,
            args=[spec.id, app],
            id=spec.id,
            name=spec.description,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.grace,
            replace_existing=True,
            **spec.args,
        )
    return scheduler


def next_runs(scheduler, now=None):
    """[(job id, trigger, next run time)] without starting the scheduler."""
    now = now or dt.datetime.now(scheduler.timezone)
    return [(job.id, str(job.trigger), job.trigger.get_next_fire_time(None, now)) for job in scheduler.get_jobs()]


def main(argv=None):
    parser = argparse.ArgumentParser(description="lingong's one scheduler process")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--list", action="store_true", help="print the jobs and their next run times, then exit")
    group.add_argument("--run-once", action="store_true", help="catch up missed reconciliations, then exit")
    group.add_argument("--run", metavar="JOB_ID", help="run one job now, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING if args.list else logging.INFO)
    from app import create_app

    app = create_app()
    scheduler = build_scheduler(app)
    if args.list:
        for job_id, trigger, when in next_runs(scheduler):
            print(f"{job_id:16} {when.isoformat() if when else '-':32} {trigger}")
        return 0
    if args.run:
        if args.run not in {s.id for s in job_specs(app.extensions["settings"])}:
            parser.error(f"unknown job {args.run}")
        print(run_job(args.run, app))
        return 0
    for day, ran, findings in catch_up(app):
        print(f"{day} {'reconciled' if ran else 'left to another process'}: {findings} finding(s)", flush=True)
    if args.run_once:
        return 0
    log.info("scheduler started with %d jobs", len(scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
