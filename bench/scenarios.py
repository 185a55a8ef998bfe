"""What `make bench` measures: references (peers and ceilings) and lingong's own endpoints, on SQLite and PostgreSQL.

A scenario names a gunicorn app, its environment, how to write its request file, and what to compare it with.
Targets that need code not present at run time are reported as "n/a — <reason>", never measured on something else.
"""

import os
from dataclasses import dataclass
from dataclasses import field

from bench import signed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "bench", "out"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/bench")
PG_YEAR_URL = os.environ.get("BENCH_PG_YEAR_URL", "postgresql://postgres@127.0.0.1:5432/bench_scale")
DATABASES = {
    "sqlite": {"service": f"sqlite:///{OUT}/lingong-bench.db", "raw": f"sqlite:///{OUT}/raw-insert.db",
               "year": f"sqlite:///{OUT}/lingong-year.db"},
    "pg": {"service": PG_URL, "raw": PG_URL, "year": PG_YEAR_URL},
}  # fmt: skip
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

    @property
    def fixture_key(self):
        return self.db + ("@year" if self.year else "")


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
    return out


def _targets():
    out = []
    for db in ("sqlite", "pg"):
        env = {"DATABASE_URL": DATABASES[db]["service"]}
        werobot = "werobot-{}/session-off"
        raw = f"raw-insert-flask/{db}"
        for oa in ("text", "click"):
            # the raw insert too: a callback must claim its nonce durably, one insert at the least
            out.append(
                Scenario(f"oa-{oa}/{db}", "app:create_app()", env, "target", db, oa=oa, needs="oa",
                         compare=("bare-wsgi", "flask-hello", werobot.format(oa), raw))
            )  # fmt: skip
        out += [
            Scenario(f"order-accept/{db}", "app:create_app()", env, "target", db, writes="orders", needs="api",
                     compare=("bare-wsgi", "flask-hello", raw, f"raw-insert-wsgi/{db}")),
            Scenario(f"piece-report/{db}", "app:create_app()", env, "target", db, writes="reports", needs="api",
                     compare=("bare-wsgi", "flask-hello", raw, f"raw-insert-wsgi/{db}")),
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
        out.append(Scenario(f"{name}+pool/{db}", sc.app, env, sc.kind, sc.db, sc.oa, sc.writes,
                            (*sc.compare, sc.name), sc.needs, sc.year))  # fmt: skip
    return out


def scale_scenarios():
    """Worker pages and writes on a fresh database and on the county-year dataset, alternating."""
    out = [Scenario("bare-wsgi", "bench.refapps:make_bare()")]
    for db in ("sqlite", "pg"):
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
    """Write the request file of one run (signed callbacks are fresh for each run)."""
    if scenario.oa:
        return signed.write_oa_requests(
            path, scenario.oa, count, token=(fixture or {}).get("oa_token", signed.OA_TOKEN)
        )
    name = scenario.name.split("/")[0].split("@")[0].replace("+pool", "")
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
