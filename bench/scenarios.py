"""What `make bench` measures: references (peers and ceilings) and lingong's own endpoints, on SQLite and PostgreSQL.

A scenario names a gunicorn app, its environment, how to write its request file, what to compare it with and
its targets (minimum ratios to a reference). Targets that need code not present at run time are reported as
"n/a — <reason>", never measured on something else.
"""

import dataclasses
import os
from dataclasses import dataclass
from dataclasses import field

from bench import signed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench", "out"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench")
PG_YEAR_URL = os.environ.get("BENCH_PG_YEAR_URL", "postgresql://postgres@127.0.0.1:5432/bench_scale")
# The durable WeRoBot peer's own database: a SQLite file, or a schema of its own in the `bench` database.
_PG_PEER = PG_URL + ("&" if "?" in PG_URL else "?") + "options=-csearch_path%3D"
DATABASES = {
    "sqlite": {"service": f"sqlite:///{OUT}/lingong-bench.db", "raw": f"sqlite:///{OUT}/raw-insert.db",
               "year": f"sqlite:///{OUT}/lingong-year.db", "werobot": f"sqlite:///{OUT}/werobot-durable.db",
               "werobot_year": f"sqlite:///{OUT}/werobot-durable-year.db"},
    "pg": {"service": PG_URL, "raw": PG_URL, "year": PG_YEAR_URL, "werobot": _PG_PEER + "werobot",
           "werobot_year": _PG_PEER + "werobot_year"},
}  # fmt: skip
# Callback targets against the durable WeRoBot (issue "The house"): one day of history, and the county-year
# dataset (the peer sums the year, the service reads running totals).
CALLBACK_TARGETS = {"sqlite": 1.1, "pg": 1.0}
CALLBACK_YEAR_TARGET = 1.2
WRITE_TARGET = 0.6  # order acceptance and piece report against the raw single-row insert in a Flask view
FLASK_TARGET = 0.75  # the callback against Flask hello-JSON (issue 7)
WORKER_PAGES = {
    "earnings": "/api/v1/me/earnings",
    "my-orders": "/api/v1/me/orders",
    "earnings-history": "/api/v1/me/earnings/history",
    "open-jobs": "/api/v1/jobs",
}
ORDER_BODY = '{"quantity": 1, "request_id": "{rid}"}'


def use_pooled_connections():
    """Point the service at peewee's pooled databases: one connection kept per worker instead of one per request."""
    for urls in DATABASES.values():
        for key in ("service", "year"):
            scheme, rest = urls[key].split("://", 1)
            urls[key] = f"{scheme.split('+')[0]}+pool://{rest}"


def sqlite_path(url):
    """The file of a sqlite:/// or sqlite+pool:/// URL, or None for another database."""
    for prefix in ("sqlite:///", "sqlite+pool:///"):
        if url.startswith(prefix):
            return url[len(prefix) :]
    return None


@dataclass
class Scenario:
    name: str
    app: str
    env: dict = field(default_factory=dict)
    kind: str = "ref"  # ref | target
    db: str = ""  # "" | sqlite | pg
    oa: str = ""  # text | click: signed callback requests
    writes: str = ""  # table whose new rows must equal the 2xx answers: orders | reports | raw
    compare: tuple = ()  # names of the references this one is measured against
    needs: str = ""  # name of the fixture/feature this scenario needs (targets)
    year: bool = False  # on the county-year dataset (bench-scale)
    targets: tuple = ()  # (reference name, minimum ratio of this one's req/s to it)
    peer: bool = False  # a reference reading a copy of the service's fixture (the durable WeRoBot)
    expect: str = ""  # every 2xx answer's body must contain this (checked by bench/lua/replay.lua)

    @property
    def fixture_key(self):
        return self.db + ("@year" if self.year else "")

    @property
    def uses_fixture(self):
        return self.kind == "target" or self.peer


def durable_werobot(oa, db, year=False):
    """The durable WeRoBot peer of oa-<oa>/<db> (bench/werobot_durable.py), on the day or the year fixture."""
    suffix = "@year" if year else ""
    url = DATABASES[db]["werobot_year" if year else "werobot"]
    return Scenario(f"werobot-durable-{oa}{suffix}/{db}", "bench.werobot_durable:make_app()",
                    {"BENCH_WEROBOT_DB": url}, db=db, oa=oa, compare=(f"werobot-{oa}/session-off",), year=year,
                    peer=True, expect=signed.EARNINGS_MARK)  # fmt: skip


def _refs():
    out = [
        Scenario("bare-wsgi", "bench.refapps:make_bare()"),
        Scenario("flask-hello", "bench.refapps:make_flask()", compare=("bare-wsgi",)),
    ]
    for session in ("off", "default"):
        for oa in ("text", "click"):
            out.append(
                Scenario(
                    f"werobot-{oa}/session-{session}",
                    "bench.werobot_app:make_app()",
                    {"BENCH_WEROBOT_SESSION": session, "BENCH_OUT": OUT},
                    oa=oa,
                    compare=("bare-wsgi", "flask-hello"),
                    expect="今日收入",
                )
            )
    for db in ("sqlite", "pg"):
        raw_env = {"BENCH_RAW_DB": DATABASES[db]["raw"]}
        out.append(
            Scenario(f"raw-insert-flask/{db}", "bench.refapps:make_raw_insert()", raw_env, db=db, writes="raw",
                     compare=("bare-wsgi", "flask-hello"))
        )  # fmt: skip
        out.append(
            Scenario(f"raw-insert-wsgi/{db}", "bench.refapps:make_raw_insert_wsgi()", raw_env, db=db, writes="raw",
                     compare=("bare-wsgi",))
        )  # fmt: skip
        out += [durable_werobot(oa, db) for oa in ("text", "click")]
    return out


def callback(oa, db, year=False, compare=None, targets=None):
    """Our callback oa-<oa>/<db> (or on the year fixture), by default with its targets against the durable
    WeRoBot (and Flask hello-JSON on one day of history)."""
    suffix = "@year" if year else ""
    env = {"DATABASE_URL": DATABASES[db]["year" if year else "service"]}
    peer = durable_werobot(oa, db, year).name
    if compare is None:
        # the raw insert too: a callback must claim its nonce durably, one insert at the least
        compare = ("bare-wsgi", "flask-hello", f"werobot-{oa}/session-off", peer, f"raw-insert-flask/{db}")
    if targets is None:
        targets = (
            ((peer, CALLBACK_YEAR_TARGET),) if year else ((peer, CALLBACK_TARGETS[db]), ("flask-hello", FLASK_TARGET))
        )
    return Scenario(f"oa-{oa}{suffix}/{db}", "app:create_app()", env, "target", db, oa=oa, needs="oa",
                    compare=compare, year=year, targets=targets, expect=signed.EARNINGS_MARK)  # fmt: skip


def _targets():
    out = []
    for db in ("sqlite", "pg"):
        env = {"DATABASE_URL": DATABASES[db]["service"]}
        raw = f"raw-insert-flask/{db}"
        out += [callback(oa, db) for oa in ("text", "click")]
        out += [
            Scenario(f"order-accept/{db}", "app:create_app()", env, "target", db, writes="orders", needs="api",
                     compare=("bare-wsgi", "flask-hello", raw, f"raw-insert-wsgi/{db}"), targets=((raw, WRITE_TARGET),)),
            Scenario(f"piece-report/{db}", "app:create_app()", env, "target", db, writes="reports", needs="api",
                     compare=("bare-wsgi", "flask-hello", raw, f"raw-insert-wsgi/{db}"), targets=((raw, WRITE_TARGET),)),
            Scenario(f"earnings/{db}", "app:create_app()", env, "target", db, needs="api",
                     compare=("bare-wsgi", "flask-hello")),
            Scenario(f"console-dashboard/{db}", "app:create_app()", env, "target", db, needs="console",
                     compare=("bare-wsgi", "flask-hello")),
        ]  # fmt: skip
    return out


def all_scenarios():
    return _refs() + _targets()


def pooled_twins(scenarios):
    """For each target, a twin served through peewee's pooled databases ("<name>+pool"), compared with it."""
    out = []
    for sc in scenarios:
        out.append(sc)
        if sc.kind != "target":
            continue
        url = sc.env["DATABASE_URL"]
        scheme, rest = url.split("://", 1)
        env = {**sc.env, "DATABASE_URL": f"{scheme}+pool://{rest}"}
        name, db = sc.name.rsplit("/", 1)
        out.append(dataclasses.replace(sc, name=f"{name}+pool/{db}", env=env, compare=(*sc.compare, sc.name)))
    return out


def without_twins(scenarios, mechanisms):
    """For each target, a twin per mechanism that applies to it, served with that mechanism off
    ("<name>~no-<mechanism>", bench/without.py), compared with it: the mechanism's gain is 1 / the twin's ratio."""
    applies = {"gate": lambda sc: sc.db == "sqlite", "lane": lambda sc: bool(sc.oa)}
    out = []
    for sc in scenarios:
        out.append(sc)
        if sc.kind != "target":
            continue
        name, db = sc.name.rsplit("/", 1)
        for mech in mechanisms:
            if applies.get(mech, lambda _: True)(sc):
                out.append(dataclasses.replace(sc, name=f"{name}~no-{mech}/{db}", app="bench.without:create_app()",
                                               env={**sc.env, "BENCH_WITHOUT": mech}, compare=(*sc.compare, sc.name),
                                               targets=()))  # fmt: skip
    return out


def scale_scenarios():
    """Worker pages, writes and the callback on a fresh database and on the county-year dataset, alternating;
    the callback on the year also against the durable WeRoBot summing the year."""
    out = [Scenario("bare-wsgi", "bench.refapps:make_bare()")]
    for db in ("sqlite", "pg"):
        for oa in ("text", "click"):
            peer = durable_werobot(oa, db, year=True)
            out.append(callback(oa, db, compare=("bare-wsgi",), targets=()))  # how much the year costs ours
            out.append(peer)
            out.append(callback(oa, db, year=True, compare=("bare-wsgi", f"oa-{oa}/{db}", peer.name)))
        for year in (False, True):
            env = {"DATABASE_URL": DATABASES[db]["year" if year else "service"]}
            suffix = "@year" if year else ""
            for name in (*WORKER_PAGES, "piece-report", "order-accept"):
                writes = {"piece-report": "reports", "order-accept": "orders"}.get(name, "")
                compare = ("bare-wsgi", f"{name}/{db}") if year else ("bare-wsgi",)
                out.append(Scenario(f"{name}{suffix}/{db}", "app:create_app()", env, "target", db, writes=writes,
                                    compare=compare, needs="api", year=year))  # fmt: skip
    return out


def write_requests(scenario, path, count, fixture):
    """Write the request file of one run (signed callbacks are fresh for each run, from the fixture's bound
    workers: every sender is one)."""
    if scenario.oa:
        fixture = fixture or {}
        return signed.write_oa_requests(path, scenario.oa, count, token=fixture.get("oa_token", signed.OA_TOKEN),
                                        users=fixture.get("senders", signed.N_SENDERS))  # fmt: skip
    name = scenario.name.split("/")[0].split("@")[0].split("~")[0].replace("+pool", "")
    if name in ("bare-wsgi", "flask-hello"):
        return signed.write_api_requests(path, "GET", [("/", "")])
    if name.startswith("raw-insert"):
        lines = [("/api/v1/jobs/1/orders", f"tok{i:04d}") for i in range(100)]
        return signed.write_api_requests(path, "POST", lines, ORDER_BODY)
    if name == "order-accept":
        lines = [(f"/api/v1/jobs/{fixture['job_id']}/orders", tok) for tok in fixture["tokens"]]
        return signed.write_api_requests(path, "POST", lines, ORDER_BODY)
    if name == "piece-report":
        lines = [
            (f"/api/v1/orders/{oid}/reports", tok)
            for oid, tok in zip(fixture["order_ids"], fixture["tokens"], strict=True)
        ]
        return signed.write_api_requests(path, "POST", lines, ORDER_BODY)
    if name in WORKER_PAGES:
        return signed.write_api_requests(path, "GET", [(WORKER_PAGES[name], tok) for tok in fixture["tokens"]])
    if name == "console-dashboard":
        return signed.write_api_requests(
            path, "GET", [(fixture["dashboard_path"], "")], headers=fixture["staff_headers"]
        )
    raise KeyError(scenario.name)
