"""The fair peer of the official-account callback: WeRoBot doing the same durable work per request as ours.

`gunicorn 'bench.werobot_durable:make_app()'` with BENCH_WEROBOT_DB = sqlite:///file or a PostgreSQL URL
(`?options=-csearch_path%3Dschema` for its own schema in the `bench` database). Written as a WeRoBot user
would: plain handlers, sessions off, one DB-API connection per worker (opened after the fork, reused), SQL by
hand. Per signed push, as our callback does for the read-only 收入 / MY_EARNINGS command:

1. WeRoBot checks the signature; `check_signature` (the one method overridden) also refuses a timestamp more
   than 300 s from the clock and claims the push's timestamp + nonce with one durable insert into `seen`
   (INSERT OR IGNORE / ON CONFLICT DO NOTHING, committed; a nonce already there is refused with 403, expired
   rows purged on one insert in 200, as our key/value store does);
2. the text handler (keyword 收入) or the CLICK handler (MY_EARNINGS) reads the worker row by the sender's
   openid (not bound: the bind hint);
3. one statement reads the earnings: today's accepted pieces and value and the all-time earned value summed
   over the worker's inspections (no running totals: with a year of history it sums the year), less what
   payouts paid or have in flight;
4. the reply is the same text as ours, rendered by WeRoBot as a text reply.

Its data is copied from the service's own fixture by `load_fixture` (the same workers bound by openid, the
same inspections and payouts), into tables of its own with the same covering index on inspections as ours.
"""

import datetime as dt
import io
import os
import random
import sqlite3
import time
from zoneinfo import ZoneInfo

from werobot import WeRoBot

from bench.signed import CLICK_KEY
from bench.signed import OA_TOKEN
from bench.signed import TEXT_KEYWORD

MAX_SKEW = 300
NONCE_TTL = 2 * MAX_SKEW + 60
PURGE_EVERY = 200
MARKET_TZ = ZoneInfo("Asia/Shanghai")
NOT_BOUND = "还没有绑定零工账号。请打开“零工市场”小程序，点“我的”→“绑定公众号”，把显示的8位数字发到这里就好了。"
HELP = "点下面的菜单，或者直接发“收入”查看今天挣了多少、还欠多少。"

# {id}: INTEGER PRIMARY KEY on SQLite (the rowid), BIGINT PRIMARY KEY on PostgreSQL.
SCHEMA = [
    "CREATE TABLE worker (id {id}, openid VARCHAR(64) NOT NULL UNIQUE, name VARCHAR(50) NOT NULL)",
    "CREATE TABLE inspection (id {id}, worker_id BIGINT NOT NULL, accepted INTEGER NOT NULL, "
    "amount_fen INTEGER NOT NULL, created_at TIMESTAMP NOT NULL)",
    "CREATE INDEX inspection_worker_day ON inspection (worker_id, created_at, amount_fen, accepted)",
    "CREATE TABLE payout (id {id}, worker_id BIGINT NOT NULL, amount_fen INTEGER NOT NULL, "
    "status VARCHAR(16) NOT NULL)",
    "CREATE INDEX payout_worker ON payout (worker_id, status)",
    "CREATE TABLE seen (key VARCHAR(128) PRIMARY KEY, expires_at TIMESTAMP NOT NULL)",
    "CREATE INDEX seen_expires ON seen (expires_at)",
    "CREATE TABLE meta (key VARCHAR(32) PRIMARY KEY, value TEXT NOT NULL)",
]
WORKER_SQL = "SELECT id, name FROM worker WHERE openid = ?"
EARNINGS_SQL = (
    "SELECT COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN amount_fen ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN accepted ELSE 0 END), 0), "
    "COALESCE(SUM(amount_fen), 0), "
    "(SELECT COALESCE(SUM(amount_fen), 0) FROM payout WHERE worker_id = ? AND status = 'paid'), "
    "(SELECT COALESCE(SUM(amount_fen), 0) FROM payout WHERE worker_id = ? AND status = 'sending') "
    "FROM inspection WHERE worker_id = ?"
)


def sqlite_file(url):
    return url[len("sqlite:///") :] if url.startswith("sqlite:///") else None


class Store:
    """One connection per worker process, opened on first use (after gunicorn's fork)."""

    def __init__(self, url):
        self.url = url
        self.path = sqlite_file(url)
        self.conn = None
        # Times are naive UTC; on SQLite stored as text the way peewee writes them ('YYYY-MM-DD HH:MM:SS[.ffffff]').
        self.stamp = (lambda value: value.isoformat(" ")) if self.path else (lambda value: value)

    def _connect(self):
        if self.path:
            conn = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
            # The same settings as the service's SQLite connections.
            conn.execute("PRAGMA journal_mode=wal")
            conn.execute("PRAGMA synchronous=normal")
            return conn
        import psycopg

        conn = psycopg.connect(self.url)
        conn.autocommit = True  # each statement commits by itself, as the service's do outside a transaction
        return conn

    def execute(self, sql, args):
        if self.conn is None:
            self.conn = self._connect()
        if self.path:
            return self.conn.execute(sql, args)
        cur = self.conn.cursor()
        cur.execute(sql.replace("?", "%s"), args)
        return cur

    def claim(self, key):
        """Insert the replay-protection row; False when the key is already there (a replay)."""
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        expires = now + dt.timedelta(seconds=NONCE_TTL)
        verb = "INSERT OR IGNORE INTO" if self.path else "INSERT INTO"
        tail = "" if self.path else " ON CONFLICT DO NOTHING"
        added = self.execute(f"{verb} seen (key, expires_at) VALUES (?, ?){tail}", (key, self.stamp(expires))).rowcount
        if added and random.randrange(PURGE_EVERY) == 0:
            self.execute("DELETE FROM seen WHERE expires_at <= ?", (self.stamp(now),))
        return added == 1

    def earnings_reply(self, openid):
        row = self.execute(WORKER_SQL, (openid,)).fetchone()
        if row is None:
            return NOT_BOUND
        worker = row[0]
        start, end = _today_utc()
        start, end = self.stamp(start), self.stamp(end)
        today_fen, pieces, earned, paid, sending = (
            int(v) for v in self.execute(EARNINGS_SQL, (start, end, start, end, worker, worker, worker)).fetchone()
        )
        lines = [f"今天验收 {pieces} 件，挣了 {yuan(today_fen)}", f"还没结给您的：{yuan(earned - paid - sending)}"]
        if sending:
            lines.append(f"正在发放：{yuan(sending)}")
        return "\n".join(lines)


def _today_utc():
    """The naive-UTC bounds of the market's calendar day (Asia/Shanghai)."""
    today = dt.datetime.now(MARKET_TZ).date()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=MARKET_TZ)
    end = start + dt.timedelta(days=1)
    return (
        start.astimezone(dt.timezone.utc).replace(tzinfo=None),
        end.astimezone(dt.timezone.utc).replace(tzinfo=None),
    )


def yuan(fen):
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}元"


class DurableRoBot(WeRoBot):
    """WeRoBot whose signature check also checks the clock and refuses a nonce it has seen."""

    store = None

    def check_signature(self, timestamp, nonce, signature):
        if not super().check_signature(timestamp, nonce, signature):
            return False
        try:
            stamp = int(timestamp)
        except ValueError:
            return False
        if abs(time.time() - stamp) > MAX_SKEW or len(nonce) > 64:
            return False
        return self.store.claim(f"wx:nonce:{timestamp}:{nonce}")


def make_app():
    robot = DurableRoBot(token=OA_TOKEN)
    robot.config["SESSION_STORAGE"] = False  # see bench/werobot_app.py: the keyword argument is ignored
    robot.store = Store(os.environ["BENCH_WEROBOT_DB"])

    @robot.filter(TEXT_KEYWORD)
    def earnings_keyword(message):
        return robot.store.earnings_reply(message.source)

    @robot.key_click(CLICK_KEY)
    def earnings_click(message):
        return robot.store.earnings_reply(message.source)

    @robot.text
    def other_text(message):
        return HELP

    return robot.wsgi


# --- the fixture: copied from the service's database -------------------------------------------------------

# {svc}: the attached service database on SQLite ("svc."), nothing on PostgreSQL (a second connection).
_SOURCES = {
    "worker": "SELECT id, oa_openid, name FROM {svc}worker WHERE oa_openid IS NOT NULL",
    "inspection": "SELECT id, worker_id, accepted, amount_fen, created_at FROM {svc}inspection",
    "payout": "SELECT id, worker_id, amount_fen, CASE WHEN state = 'SUCCESS' THEN 'paid' ELSE 'sending' END "
    "FROM {svc}payout WHERE state NOT IN ('FAIL', 'CANCELLED')",
}
_SIGNATURE = (
    "SELECT (SELECT COUNT(*) FROM inspection), (SELECT COALESCE(MAX(id), 0) FROM inspection), "
    "(SELECT COUNT(*) FROM payout), (SELECT COALESCE(MAX(id), 0) FROM payout), "
    "(SELECT COUNT(*) FROM worker WHERE oa_openid IS NOT NULL), "
    "(SELECT COALESCE(SUM(id), 0) FROM worker WHERE oa_openid LIKE 'oa-bench-%')"
)


def _pg_parts(url):
    """(dsn, schema) of a PostgreSQL URL with `options=-csearch_path%3Dschema`."""
    import urllib.parse

    base, _, query = url.partition("?")
    options = urllib.parse.parse_qs(query).get("options", [""])[0]
    schema = options.split("search_path=", 1)[1] if "search_path=" in options else "public"
    return base, schema


def load_fixture(service_url, peer_url):
    """Give the peer the service fixture's workers (bound by openid), inspections and payouts; a copy already
    matching the service (the county-year dataset, unchanged between runs) is kept. Empties `seen` either way.
    Returns the number of inspections the peer holds."""
    service_url = service_url.replace("+pool://", "://")
    if sqlite_file(peer_url):
        return _load_sqlite(sqlite_file(service_url), sqlite_file(peer_url))
    return _load_pg(service_url, peer_url)


def _load_sqlite(service_path, peer_path):
    src = sqlite3.connect(service_path)
    signature = ",".join(map(str, src.execute(_SIGNATURE).fetchone()))
    src.close()
    if os.path.exists(peer_path):
        peer = sqlite3.connect(peer_path, isolation_level=None)
        try:
            kept = peer.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
        except sqlite3.Error:
            kept = None
        if kept and kept[0] == signature:
            peer.execute("DELETE FROM seen")
            count = peer.execute("SELECT COUNT(*) FROM inspection").fetchone()[0]
            peer.close()
            return count
        peer.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(peer_path + suffix):
            os.remove(peer_path + suffix)
    peer = sqlite3.connect(peer_path, isolation_level=None)
    peer.execute("PRAGMA journal_mode=wal")
    peer.execute("BEGIN")
    for statement in SCHEMA:
        peer.execute(statement.format(id="INTEGER PRIMARY KEY"))
    peer.execute("ATTACH DATABASE ? AS svc", (service_path,))
    for table, select in _SOURCES.items():
        peer.execute(f"INSERT INTO {table} {select.format(svc='svc.')}")
    peer.execute("INSERT INTO meta (key, value) VALUES ('source', ?)", (signature,))
    peer.execute("COMMIT")
    peer.execute("DETACH DATABASE svc")
    peer.execute("ANALYZE")
    count = peer.execute("SELECT COUNT(*) FROM inspection").fetchone()[0]
    peer.close()
    return count


def _load_pg(service_url, peer_url):
    import psycopg

    dsn, schema = _pg_parts(peer_url)
    src = psycopg.connect(service_url)
    peer = psycopg.connect(dsn)
    try:
        with src.cursor() as cur:
            cur.execute(_SIGNATURE)
            signature = ",".join(map(str, cur.fetchone()))
        with peer.cursor() as cur:
            cur.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'meta'",
                        (schema,))  # fmt: skip
            if cur.fetchone():
                cur.execute(f'SELECT value FROM "{schema}".meta WHERE key = %s', ("source",))
                kept = cur.fetchone()
                if kept and kept[0] == signature:
                    cur.execute(f'TRUNCATE "{schema}".seen')
                    cur.execute(f'SELECT COUNT(*) FROM "{schema}".inspection')
                    count = cur.fetchone()[0]
                    peer.commit()
                    return count
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            cur.execute(f'CREATE SCHEMA "{schema}"')
            cur.execute(f'SET search_path TO "{schema}"')
            for statement in SCHEMA:
                cur.execute(statement.format(id="BIGINT PRIMARY KEY"))
        for table, select in _SOURCES.items():
            buf = io.StringIO()
            with src.cursor() as cur:
                with cur.copy(f"COPY ({select.format(svc='')}) TO STDOUT") as copy:
                    buf.write(b"".join(bytes(data) for data in copy).decode())
            buf.seek(0)
            with peer.cursor() as cur:
                with cur.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(buf.getvalue())
        with peer.cursor() as cur:
            cur.execute("INSERT INTO meta (key, value) VALUES ('source', %s)", (signature,))
            cur.execute("SELECT COUNT(*) FROM inspection")
            count = cur.fetchone()[0]
        peer.commit()
        # VACUUM for the visibility map (index-only scans), as bench/scale.py does after its bulk load.
        peer.autocommit = True
        with peer.cursor() as cur:
            cur.execute(f'VACUUM ANALYZE "{schema}".worker, "{schema}".inspection, "{schema}".payout')
        return count
    finally:
        src.close()
        peer.close()
