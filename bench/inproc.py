"""In-process cost per request: each scenario's WSGI app called directly, no sockets, no gunicorn.

What `make bench` measures end to end is dominated by the HTTP server; this isolates what the app itself costs,
for quick before/after comparisons while profiling. `python -m bench.inproc [--db sqlite|pg] [--only NAME]
[--n 2000] [--profile NAME]` prints microseconds per request for the references (with the durable WeRoBot,
werobot-durable-text / -click, on a copy of the targets' fixture) and the targets.
"""

import argparse
import cProfile
import io
import itertools
import os
import pstats
import sys
import tempfile
import time

from bench import fixtures
from bench import refapps
from bench import scenarios
from bench import signed

_RID = itertools.count(time.time_ns())


def _environs(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            method, target, headers, body = line.rstrip("\n").split("\t")
            body = body.encode()
            route, _, query = target.partition("?")
            env = {"REQUEST_METHOD": method, "PATH_INFO": route, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "8701", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
                   "wsgi.url_scheme": "http", "CONTENT_LENGTH": str(len(body)), "_body": body}  # fmt: skip
            for h in filter(None, headers.split("|")):
                name, _, value = h.partition(": ")
                key = name.upper().replace("-", "_")
                env[key if key == "CONTENT_TYPE" else "HTTP_" + key] = value
            out.append(env)
    return out


def _call(app, env):
    env = dict(env)
    body = env.pop("_body")
    if b"{rid}" in body:
        body = body.replace(b"{rid}", f"ip{next(_RID)}".encode())
        env["CONTENT_LENGTH"] = str(len(body))
    env["wsgi.input"] = io.BytesIO(body)
    env["wsgi.errors"] = sys.stderr
    status = []
    body = b"".join(app(env, lambda s, h, e=None: status.append(s)))
    return status[0], body


def measure(app, envs, n, label, profile=False, expect=""):
    for env in envs[:20]:  # warm up
        status, body = _call(app, env)
    if not status.startswith(("2", "3")):
        raise SystemExit(f"{label}: warm-up answered {status}: {body[:300]!r}")
    work = [envs[i % len(envs)] for i in range(20, 20 + n)]
    prof = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if prof:
        prof.enable()
    bad = off = 0
    mark = expect.encode()
    for env in work:
        status, body = _call(app, env)
        bad += not status.startswith("2")
        off += bool(mark) and mark not in body
    if prof:
        prof.disable()
    us = (time.perf_counter() - started) / n * 1e6
    lacking = f", {off} without {expect!r}" if expect else ""
    print(f"{label:32s} {us:8.1f} us/request  ({bad} non-2xx{lacking})", flush=True)
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(35)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumtime").print_stats(60)
        print(out.getvalue())
    return us


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--profile", default="")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="inproc-")
    os.environ["BENCH_OUT"] = tmp
    if args.db == "sqlite":
        url, raw = f"sqlite:///{tmp}/svc.db", f"sqlite:///{tmp}/raw.db"
    else:
        url = raw = scenarios.PG_URL
    count = args.n + 40

    def want(name):
        return not args.only or any(o in name for o in args.only)

    results = {}
    refs = {"bare-wsgi": refapps.make_bare, "flask-hello": refapps.make_flask}
    hello = os.path.join(tmp, "hello.txt")
    signed.write_api_requests(hello, "GET", [("/", "")])
    for name, make in refs.items():
        if want(name):
            results[name] = measure(make(), _environs(hello), args.n, name, args.profile == name)
    from bench import werobot_app

    for oa in ("text", "click"):
        name = f"werobot-{oa}"
        if want(name):
            path = signed.write_oa_requests(os.path.join(tmp, f"{name}.txt"), oa, count)
            results[name] = measure(werobot_app.make_app(), _environs(path), args.n, name, args.profile == name)
    if want("raw-insert"):
        refapps.create_raw_table(raw)
        os.environ["BENCH_RAW_DB"] = raw
        path = os.path.join(tmp, "raw.txt")
        signed.write_api_requests(path, "POST", [("/api/v1/jobs/1/orders", f"tok{i:04d}") for i in range(100)],
                                  scenarios.ORDER_BODY)  # fmt: skip
        results["raw-insert-flask"] = measure(refapps.make_raw_insert(), _environs(path), args.n, "raw-insert-flask",
                                              args.profile == "raw-insert-flask")  # fmt: skip
    targets = ["oa-text", "oa-click", "order-accept", "piece-report", "earnings"]
    peers = ["werobot-durable-text", "werobot-durable-click"]
    if not any(want(t) for t in targets + peers):
        return results
    fx = fixtures.prepare(args.db, url, workers=fixtures.N_WORKERS)
    if any(want(p) for p in peers):
        # The durable WeRoBot on a copy of the same fixture (its own file, or its own schema in `bench`).
        from bench import werobot_durable

        peer_url = (
            f"sqlite:///{tmp}/werobot-durable.db" if args.db == "sqlite" else scenarios.DATABASES["pg"]["werobot"]
        )
        werobot_durable.load_fixture(url, peer_url)
        os.environ["BENCH_WEROBOT_DB"] = peer_url
        for name in peers:
            if want(name):
                sc = scenarios.Scenario(name, "", oa=name.rsplit("-", 1)[1])
                path = scenarios.write_requests(sc, os.path.join(tmp, f"{name}.txt"), count, fx)
                app = werobot_durable.make_app()
                results[name] = measure(app, _environs(path), args.n, name, args.profile == name,
                                        signed.EARNINGS_MARK)  # fmt: skip
    from app import create_app

    app = create_app(fx["env"])
    for name in targets:
        if not want(name):
            continue
        sc = scenarios.Scenario(name, "", oa=name[3:] if name.startswith("oa-") else "")
        path = scenarios.write_requests(sc, os.path.join(tmp, f"{name}.txt"), count, fx)
        expect = signed.EARNINGS_MARK if sc.oa else ""
        results[name] = measure(app, _environs(path), args.n, name, args.profile == name, expect)
    return results


if __name__ == "__main__":
    main()
