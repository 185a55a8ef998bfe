"""Benchmark (not a test): reconciling a county peak day on top of a year (or ten) of history.

Seeds 3,000 workers, a history of N days (bulk INSERT ... SELECT, one statement per table per day), reconciles the
last history day (its opening comes from summing history once), then seeds the peak day (30,000 piece reports and
inspections, 30,000 earning transactions, 3,000 WeChat payouts with their bill) and times reconciling it.
  .venv/bin/python bench/recon_bench.py --db sqlite --history-days 365
  .venv/bin/python bench/recon_bench.py --db pg --history-days 3650     (database recon_bench, never `test`)
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

WORKERS, JOBS, HISTORY_JOBS, ENTERPRISES, STATIONS = 3000, 200, 50, 20, 10
PEAK_REPORTS = 30_000
SEND_TXN, PAID_TXN = 100_000_000, 200_000_000
SEND_POSTING, PAID_POSTING = 300_000_000, 500_000_000
PG_URL = "postgresql://postgres@127.0.0.1:5432/recon_bench"


def _series(pg, count):
    if pg:
        return f"FROM generate_series(0, {count - 1}) AS s(n)", ""
    return "FROM s", f"WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < {count - 1}) "


def _at(pg, base, step):
    if pg:
        return f"(TIMESTAMP '{base}' + (n * {step}) * INTERVAL '1 second')"
    return f"datetime('{base}', '+' || (n * {step}) || ' seconds')"


def seed_base(db, models):
    from peewee import chunked

    models.Station.insert_many(
        [{"id": i, "name": f"驿站{i}", "kind": "village" if i > 1 else "market"} for i in range(1, STATIONS + 1)]
    ).execute()
    models.Enterprise.insert_many([{"id": i, "name": f"企业{i}"} for i in range(1, ENTERPRISES + 1)]).execute()
    models.Staff.insert(id=1, username="bench", password_hash="x", role="admin").execute()
    with db.atomic():
        for part in chunked(range(1, WORKERS + 1), 500):
            models.Worker.insert_many([{"id": w, "mp_openid": f"oBench{w:08d}"} for w in part]).execute()
        accounts = [
            {"id": w, "code": f"worker:{w}:payable", "kind": "worker_payable", "worker": w}
            for w in range(1, WORKERS + 1)
        ]
        accounts += [
            {"id": WORKERS + w, "code": f"worker:{w}:inflight", "kind": "worker_inflight", "worker": w}
            for w in range(1, WORKERS + 1)
        ]
        accounts += [
            {"id": 2 * WORKERS + e, "code": f"enterprise:{e}:labour", "kind": "enterprise_labour", "enterprise": e}
            for e in range(1, ENTERPRISES + 1)
        ]
        accounts.append({"id": 2 * WORKERS + ENTERPRISES + 1, "code": "market:wechatpay", "kind": "wechatpay_clearing"})
        for part in chunked(accounts, 500):
            models.Account.insert_many(part).execute()


def seed_day(db, pg, day, day_index, first_id, count, first_job, jobs):
    """One business day: `jobs` jobs published that day, `count` orders -> reports -> inspections -> earnings,
    materials issued, and one WeChat payout per worker confirmed the same day."""
    from services.clock import day_bounds_utc

    start = day_bounds_utc(day)[0] + dt.timedelta(hours=1)
    base = start.strftime("%Y-%m-%d %H:%M:%S")
    step = max(46_800 // count, 1)
    series, with_ = _series(pg, count)
    at = _at(pg, base, step)
    oid = f"({first_id} + n)"
    job = f"({first_job} + ({first_id} + n) % {jobs})"
    worker = f"(({first_id} + n) % {WORKERS} + 1)"
    rate = f"(10 + ({job} - 1) % 20)"
    enterprise_account = f"({2 * WORKERS} + ({job} - 1) % {ENTERPRISES} + 1)"
    d = day.isoformat()
    last = first_id + count - 1
    clearing = 2 * WORKERS + ENTERPRISES + 1
    job_series, job_with = _series(pg, jobs)
    statements = [
        f'{job_with}INSERT INTO "job" (id, enterprise_id, station_id, title, process, unit_price_fen, total_pieces, '
        f"taken, per_worker_cap, quality_standard, status, created_at, updated_at) SELECT {first_job} + n, "
        f"({first_job} + n - 1) % {ENTERPRISES} + 1, ({first_job} + n - 1) % {STATIONS} + 1, '工作', '', "
        f"10 + ({first_job} + n - 1) % 20, 1000000, 0, 0, '', 'open', '{base}', '{base}' {job_series}",
        f'{job_with}INSERT INTO "job_material" (id, job_id, name, unit, per_piece, loss_permille) SELECT '
        f"{first_job} + n, {first_job} + n, '卡扣', '个', 1, 10 {job_series}",
        f'{with_}INSERT INTO "order" (id, job_id, worker_id, quantity, rate_fen, reported, accepted, rejected, '
        f"reworked, status, request_id, created_at, updated_at) SELECT {oid}, {job}, {worker}, 10, {rate}, 10, 9, 1, "
        f"0, 'done', 'o' || {oid}, {at}, {at} {series}",
        f'{with_}INSERT INTO "piece_report" (id, order_id, worker_id, quantity, request_id, created_at) '
        f"SELECT {oid}, {oid}, {worker}, 10, 'r' || {oid}, {at} {series}",
        f'{with_}INSERT INTO "inspection" (id, order_id, worker_id, accepted, rejected, rework, rate_fen, amount_fen, '
        f"inspector_id, note, request_id, created_at) SELECT {oid}, {oid}, {worker}, 9, 1, 0, {rate}, 9 * {rate}, 1, "
        f"'', 'q' || {oid}, {at} {series}",
        f'{with_}INSERT INTO "material_movement" (id, order_id, material_id, kind, quantity, staff_id, request_id, '
        f"created_at) SELECT {oid}, {oid}, {job}, 'issue', 10, 1, 'm' || {oid}, {at} {series}",
        f'UPDATE "job" SET taken = (SELECT COALESCE(SUM(quantity), 0) FROM "order" WHERE "order".job_id = job.id) '
        f"WHERE id BETWEEN {first_job} AND {first_job + jobs - 1}",
        f'{with_}INSERT INTO "ledger_txn" (id, key, kind, memo, business_date, created_at) '
        f"SELECT {oid}, 'earning:' || {oid}, 'earning', '', '{d}', {at} {series}",
        f'{with_}INSERT INTO "posting" (id, txn_id, account_id, amount_fen, inspection_id, created_at) '
        f"SELECT 2 * {oid} - 1, {oid}, {enterprise_account}, 9 * {rate}, NULL, {at} {series}",
        f'{with_}INSERT INTO "posting" (id, txn_id, account_id, amount_fen, inspection_id, created_at) '
        f"SELECT 2 * {oid}, {oid}, {worker}, -9 * {rate}, {oid}, {at} {series}",
        # one WeChat payout per worker, settling the worker's pieces of the day, confirmed the same day
        f'INSERT INTO "payout" (id, worker_id, method, out_bill_no, amount_fen, state, transfer_bill_no, '
        f"package_info, fail_reason, business_date, deadline, attempts, last_error, created_at, updated_at, "
        f"finished_at, paid_at) SELECT {day_index * WORKERS} + worker_id, worker_id, 'wechat', "
        f"'B' || ({day_index * WORKERS} + worker_id), SUM(amount_fen), 'SUCCESS', "
        f"'T' || ({day_index * WORKERS} + worker_id), '', '', '{d}', MAX(created_at), 1, '', MAX(created_at), "
        f"MAX(created_at), MAX(created_at), MAX(created_at) FROM inspection WHERE id BETWEEN {first_id} AND {last} GROUP BY worker_id",
        f'INSERT INTO "payout_item" (id, payout_id, inspection_id, amount_fen) SELECT id, '
        f"{day_index * WORKERS} + worker_id, id, amount_fen FROM inspection WHERE id BETWEEN {first_id} AND {last}",
    ]
    payouts = f"FROM payout WHERE business_date = '{d}'"
    for txn_base, post_base, suffix, kind, debit, credit in (
        (SEND_TXN, SEND_POSTING, "send", "payout_send", "worker_id", f"{WORKERS} + worker_id"),
        (PAID_TXN, PAID_POSTING, "paid", "payout_paid", f"{WORKERS} + worker_id", str(clearing)),
    ):
        statements += [
            f'INSERT INTO "ledger_txn" (id, key, kind, memo, business_date, created_at) SELECT {txn_base} + id, '
            f"'payout:' || out_bill_no || ':{suffix}', '{kind}', '', business_date, finished_at {payouts}",
            f'INSERT INTO "posting" (id, txn_id, account_id, amount_fen, inspection_id, created_at) SELECT '
            f"{post_base} + 2 * id - 1, {txn_base} + id, {debit}, amount_fen, NULL, finished_at {payouts}",
            f'INSERT INTO "posting" (id, txn_id, account_id, amount_fen, inspection_id, created_at) SELECT '
            f"{post_base} + 2 * id, {txn_base} + id, {credit}, -amount_fen, NULL, finished_at {payouts}",
        ]
    with db.atomic():
        for sql in statements:
            db.execute_sql(sql.replace("%", "%%") if pg else sql)  # psycopg reads % as a placeholder


def bill_source(day):
    """The day's fund-flow bill as WeChat writes it (CSV, back-ticks, yuan), parsed by our client's parser."""
    from models import Payout
    from services.clock import day_bounds_utc
    from wechat.pay_bill_csv import parse_fundflow_csv
    from wechat.sandbox.pay_fundflow import HEADER
    from wechat.sandbox.pay_fundflow import yuan

    start, end = day_bounds_utc(day)
    lines = [HEADER]
    for number, amount, finished in (
        Payout.select(Payout.out_bill_no, Payout.amount_fen, Payout.finished_at)
        .where(
            (Payout.state == "SUCCESS")
            & (Payout.method == "wechat")
            & (Payout.finished_at >= start)
            & (Payout.finished_at < end)
        )
        .tuples()
    ):
        fields = [
            finished,
            "T" + number,
            "F" + number,
            "商家转账",
            "转账",
            "支出",
            yuan(amount),
            "0.00",
            "m",
            "工钱",
            number,
        ]
        lines.append(",".join("`" + str(f) for f in fields))
    lines.append("资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额")
    return parse_fundflow_csv("\r\n".join(lines) + "\r\n")


def _ensure_pg_database(url):
    """Create the bench's own PostgreSQL database on a fresh machine (never touches `test`)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    conn = psycopg.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def run(db_kind, history_days, per_day, keep):
    url = PG_URL if db_kind == "pg" else "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="recon_bench_"), "b.db")
    if db_kind == "pg":
        _ensure_pg_database(url)
    os.environ.update(DATABASE_URL=url, LINGONG_ENV="bench", WECHAT_SANDBOX="1")
    import models
    from app import create_app
    from commands.setup import migrate_database
    from services.money import ledger
    from services.reconciliation import nightly as reconciliation
    from wechat.sandbox.store import SANDBOX_MODELS

    app = create_app({"DATABASE_URL": url})
    pg = db_kind == "pg"
    with app.app_context():
        with models.db.connection_context():
            if pg:
                models.db.drop_tables(list(models.ALL_MODELS) + list(SANDBOX_MODELS), safe=True, cascade=True)
                models.db.execute_sql('DROP TABLE IF EXISTS "schema_migration"')
        migrate_database(sandbox=True)
        db = models.db
        with db.connection_context():
            peak = dt.date(2026, 11, 20)
            first_day = peak - dt.timedelta(days=history_days)
            tick = time.monotonic()
            seed_base(db, models)
            for index in range(history_days):
                seed_day(
                    db,
                    pg,
                    first_day + dt.timedelta(days=index),
                    index,
                    index * per_day + 1,
                    per_day,
                    index * HISTORY_JOBS + 1,
                    HISTORY_JOBS,
                )
            ledger.recompute_running_totals()  # bulk rows bypass the services that keep the running totals
            db.execute_sql("ANALYZE")
            seeded = time.monotonic() - tick
            rows = db.execute_sql('SELECT COUNT(*) FROM "posting"').fetchone()[0]
            night = dt.datetime.combine(peak, dt.time(20))
            tick = time.monotonic()
            before, _ = reconciliation.reconcile_day(peak - dt.timedelta(days=1), night, bill_source=bill_source)
            first_run = time.monotonic() - tick
            tick = time.monotonic()
            seed_day(
                db,
                pg,
                peak,
                history_days,
                history_days * per_day + 1,
                PEAK_REPORTS,
                history_days * HISTORY_JOBS + 1,
                JOBS,
            )
            ledger.recompute_running_totals()
            peak_seed = time.monotonic() - tick
            tick = time.monotonic()
            run_, _ = reconciliation.reconcile_day(peak, night, bill_source=bill_source)
            elapsed = time.monotonic() - tick
            import json

            summary = json.loads(run_.summary)
            print(
                f"{db_kind:6} history {history_days:5} days ({rows:,} postings; seeded in {seeded:.0f} s): "
                f"day before (opening from history) {first_run:.2f} s [{before.findings_count} findings]; "
                f"peak day ({PEAK_REPORTS:,} reports, {WORKERS:,} payouts; seeded in {peak_seed:.1f} s) "
                f"{elapsed:.2f} s [{run_.findings_count} findings, opening from "
                f"{summary['checked'].get('opening_from')}]",
                flush=True,
            )
            print("   per check (s): " + ", ".join(f"{k}={v}" for k, v in summary["seconds"].items()), flush=True)
    if not pg and not keep:
        os.remove(url[len("sqlite:///") :])


def rerun(url):
    """Time reconciling the peak day again on a database this script seeded (e.g. after changing a check)."""
    os.environ.update(DATABASE_URL=url, LINGONG_ENV="bench", WECHAT_SANDBOX="1")
    import json

    import models
    from app import create_app
    from services.reconciliation import nightly as reconciliation

    app = create_app({"DATABASE_URL": url})
    peak = dt.date(2026, 11, 20)
    with app.app_context(), models.db.connection_context():
        postings = models.db.execute_sql('SELECT COUNT(*) FROM "posting"').fetchone()[0]
        tick = time.monotonic()
        run_, _ = reconciliation.reconcile_day(peak, dt.datetime.combine(peak, dt.time(20)), bill_source=bill_source)
        elapsed = time.monotonic() - tick
        seconds = json.loads(run_.summary)["seconds"]
    print(
        f"rerun on {url.split(':')[0]} ({postings:,} postings): peak day {elapsed:.2f} s "
        f"[{run_.findings_count} findings]\n   per check (s): " + ", ".join(f"{k}={v}" for k, v in seconds.items())
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--history-days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=1000, help="orders (and inspections) per history day")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--rerun", metavar="DATABASE_URL", help="only time the peak day again on a seeded database")
    args = parser.parse_args()
    if args.rerun:
        return rerun(args.rerun)
    run(args.db, args.history_days, args.per_day, args.keep)


if __name__ == "__main__":
    main()
