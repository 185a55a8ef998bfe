"""A county-year dataset written straight into the service's schema with bulk inserts (executemany / COPY).

3,000 workers, 600 enterprises, 3,400 jobs at 110 village stations, 150,000 orders, 1,000,000 piece reports,
one inspection per report and its earning (one ledger transaction, two postings). Counters agree with rows, so
bench/invariants.py holds on it. `python -m bench.scale DATABASE_URL [--reports N]`; `make bench-scale` uses it.
"""

import argparse
import datetime as dt
import io
import random
import sqlite3
import sys
import time

import models

ROWS_PER_CHUNK = 50_000
MARKER = "bench:scale"


def _fmt(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Writer:
    """Bulk rows into one model's table; columns not given get the model's defaults (computed once)."""

    def __init__(self, url):
        self.url = url
        from bench.scenarios import sqlite_path

        if sqlite_path(url):
            self.conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=wal")
            self.conn.execute("PRAGMA synchronous=off")
            self.conn.execute("BEGIN")
            self.pg = False
        else:
            import psycopg

            self.conn = psycopg.connect(url.replace("+pool://", "://"))
            self.pg = True

    def max_id(self, model):
        sql = f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.table_name}"'
        if self.pg:
            with self.conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchone()[0]
        return self.conn.execute(sql).fetchone()[0]

    def write(self, model, columns, rows):
        fields = model._meta.fields
        extra = []
        for name, f in fields.items():
            if name in columns or f.column_name in columns or f.primary_key:
                continue
            default = f.default() if callable(f.default) else f.default
            extra.append((f.column_name, _fmt(default)))
        names = [fields[c].column_name if c in fields else c for c in columns] + [c for c, _ in extra]
        tail = tuple(v for _, v in extra)
        table = model._meta.table_name
        count, chunk = 0, []
        for row in rows:
            chunk.append(tuple(_fmt(v) for v in row) + tail)
            if len(chunk) >= ROWS_PER_CHUNK:
                count += self._flush(table, names, chunk)
                chunk = []
        count += self._flush(table, names, chunk)
        return count

    def _flush(self, table, names, chunk):
        if not chunk:
            return 0
        if not self.pg:
            marks = ",".join("?" * len(names))
            cols = ",".join(f'"{n}"' for n in names)
            self.conn.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', chunk)
            return len(chunk)
        buf = io.StringIO()
        for row in chunk:
            buf.write("\t".join("\\N" if v is None else str(v).replace("\\", "\\\\") for v in row) + "\n")
        buf.seek(0)
        with self.conn.cursor() as cur:
            with cur.copy(f'COPY "{table}" ({",".join(chr(34) + n + chr(34) for n in names)}) FROM STDIN') as copy:
                copy.write(buf.getvalue())
        return len(chunk)

    def running_totals(self):
        """Account balances and workers' earned totals from the rows just written (as migration 0007 does)."""
        account = (
            "UPDATE account SET balance_fen = (SELECT COALESCE(SUM(amount_fen), 0) FROM posting "
            "WHERE posting.account_id = account.id)"
        )
        worker = (
            "UPDATE worker SET earned_fen = (SELECT COALESCE(SUM(amount_fen), 0) FROM inspection "
            "WHERE inspection.worker_id = worker.id)"
        )
        for statement in (account, worker):
            if self.pg:
                with self.conn.cursor() as cur:
                    cur.execute(statement)
            else:
                self.conn.execute(statement)

    def finish(self, models_with_ids):
        if self.pg:
            with self.conn.cursor() as cur:
                for model in models_with_ids:
                    t = model._meta.table_name
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), (SELECT MAX(id) FROM \"{t}\"))"
                    )
            self.conn.commit()
            # VACUUM as well: a bulk load leaves the visibility map unset, and then every "index-only" scan (the
            # covering earnings indexes) visits the heap for each row, which a live database's autovacuum avoids.
            self.conn.autocommit = True
            with self.conn.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
        else:
            self.conn.execute("COMMIT")
            self.conn.execute("ANALYZE")
        self.conn.close()


def generate(url, workers=3000, enterprises=600, jobs=3400, stations=110, orders=150_000, reports=1_000_000, seed=7):
    """Append a county-year of history to an initialised database (`flask init-db` and `seed-demo` first)."""
    from models import Account
    from models import Enterprise
    from models import Inspection
    from models import Job
    from models import KeyValue
    from models import LedgerTxn
    from models import Order
    from models import PieceReport
    from models import Posting
    from models import Station
    from models import Worker

    rnd = random.Random(seed)
    w = Writer(url)
    start = models.utcnow() - dt.timedelta(days=365)
    base = {m: w.max_id(m) + 1 for m in (Station, Enterprise, Job, Worker, Order, PieceReport, Inspection, Account,
                                          LedgerTxn, Posting)}  # fmt: skip
    inspector = 1  # the demo admin
    market = base[Station]
    st_ids = list(range(market + 1, market + 1 + stations))
    w.write(Station, ["id", "name", "kind", "parent", "created_at"],
            [(market, "县零工市场（规模）", "market", None, start)]
            + [(s, f"规模驿站{s}", "village", market, start) for s in st_ids])  # fmt: skip
    en_ids = list(range(base[Enterprise], base[Enterprise] + enterprises))
    w.write(Enterprise, ["id", "name", "created_at"], [(e, f"规模企业{e}", start) for e in en_ids])
    wk_ids = list(range(base[Worker], base[Worker] + workers))
    w.write(Worker, ["id", "mp_openid", "oa_openid", "home_station", "oa_subscribed", "created_at", "last_seen_at",
                     "earned_fen"],
            [(k, f"scale-mp-{k}", f"scale-oa-{k}", rnd.choice(st_ids), True, start, start, 0) for k in wk_ids])  # fmt: skip
    job_ids = list(range(base[Job], base[Job] + jobs))
    job_info = {j: (rnd.choice(en_ids), rnd.choice(st_ids), rnd.randint(5, 30)) for j in job_ids}

    # Orders, reports and inspections; counters accumulate as rows are made.
    taken = dict.fromkeys(job_ids, 0)
    per_order = reports / orders
    order_rows, report_rows, insp_rows, txn_rows, post_rows = [], [], [], [], []
    acct = {}
    next_acct = base[Account]
    for kind, owners in (("worker_payable", wk_ids), ("enterprise_labour", en_ids)):
        for owner in owners:
            acct[(kind, owner)] = next_acct
            next_acct += 1
    w.write(Account, ["id", "code", "kind", "worker", "enterprise", "balance_fen"],
            [(i, f"worker:{o}:payable" if k == "worker_payable" else f"enterprise:{o}:labour", k,
              o if k == "worker_payable" else None, o if k == "enterprise_labour" else None, 0)
             for (k, o), i in acct.items()])  # fmt: skip
    rid = pid = iid = tid = 0
    made_reports = 0
    for n in range(orders):
        oid = base[Order] + n
        worker = rnd.choice(wk_ids)
        job = rnd.choice(job_ids)
        enterprise, _, rate = job_info[job]
        created = start + dt.timedelta(seconds=int(n * 365 * 86400 / orders))
        k = int(per_order * (n + 1)) - int(per_order * n) if made_reports < reports else 0
        qty = accepted = rejected = 0
        for r in range(k):
            q = rnd.randint(20, 60)
            rej = rnd.choice((0, 0, 0, 1, 2))
            at = created + dt.timedelta(hours=2 * (r + 1))
            report_rows.append((base[PieceReport] + rid, oid, worker, q, f"scale-r{rid}", at))
            amount = (q - rej) * rate
            insp = base[Inspection] + iid
            insp_rows.append((insp, oid, worker, q - rej, rej, 0, rate, amount, inspector, f"scale-i{iid}", at))
            txn = base[LedgerTxn] + tid
            txn_rows.append((txn, f"earning:{insp}", "earning", at.date(), at))
            post_rows.append((base[Posting] + pid, txn, acct[("enterprise_labour", enterprise)], amount, None, at))
            post_rows.append((base[Posting] + pid + 1, txn, acct[("worker_payable", worker)], -amount, insp, at))
            rid, iid, tid, pid = rid + 1, iid + 1, tid + 1, pid + 2
            qty, accepted, rejected = qty + q, accepted + q - rej, rejected + rej
        made_reports += k
        qty = qty or rnd.randint(20, 60)
        status = "done" if k else "open"
        taken[job] += qty
        order_rows.append((oid, job, worker, qty, rate, qty if k else 0, accepted, rejected, 0, status, f"scale-o{n}",
                           created, created))  # fmt: skip
    w.write(Job, ["id", "enterprise", "station", "title", "unit_price_fen", "total_pieces", "taken", "status",
                  "created_at", "updated_at"],
            [(j, e, s, f"规模工作{j}", rate, taken[j] + (5000 if j % 8 == 0 else 0), taken[j],
              "open" if j % 8 == 0 else "closed", start, start) for j, (e, s, rate) in job_info.items()])  # fmt: skip
    w.write(Order, ["id", "job", "worker", "quantity", "rate_fen", "reported", "accepted", "rejected", "reworked",
                    "status", "request_id", "created_at", "updated_at"], order_rows)  # fmt: skip
    w.write(PieceReport, ["id", "order", "worker", "quantity", "request_id", "created_at"], report_rows)
    w.write(Inspection, ["id", "order", "worker", "accepted", "rejected", "rework", "rate_fen", "amount_fen",
                         "inspector", "request_id", "created_at"], insp_rows)  # fmt: skip
    w.write(LedgerTxn, ["id", "key", "kind", "business_date", "created_at"], txn_rows)
    w.write(Posting, ["id", "txn", "account", "amount_fen", "inspection", "created_at"], post_rows)
    w.running_totals()  # the rows were written straight into the schema, not through the ledger
    w.write(KeyValue, ["key", "value"], [(MARKER, f"{workers},{reports}")])
    w.finish([Station, Enterprise, Job, Worker, Order, PieceReport, Inspection, Account, LedgerTxn, Posting])
    return {"workers": wk_ids, "reports": len(report_rows), "orders": len(order_rows)}


def is_generated(url, workers=3000, reports=1_000_000):
    """True when `url` already holds a complete county-year of this size (the marker row is written last)."""
    from playhouse.db_url import connect

    try:
        database = connect(url)
        models.db.initialize(database)
        with database.connection_context():
            row = models.KeyValue.get_or_none(models.KeyValue.key == MARKER)
            return row is not None and row.value == f"{workers},{reports}"
    except Exception:
        return False


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--reports", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    started = time.monotonic()
    counts = generate(args.url, reports=args.reports, orders=max(args.reports * 3 // 20, 1))
    print(f"{counts['reports']} reports, {counts['orders']} orders in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
