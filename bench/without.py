"""The service with one speed mechanism switched off, to measure what that mechanism gains (`--without NAME`).

`BENCH_WITHOUT` names the mechanisms to leave out, comma-separated; each is undone from outside, so the code under
test is otherwise the shipped one:
- `prepared`: prepared.py's compile cache (every execution compiles its peewee query again);
- `gate`: the SQLite write gate of database.py (writers fall back to SQLite's busy handler; BEGIN IMMEDIATE stays);
- `lane`: the push lane of wechat/lane.py (WECHAT_PUSH_LANE=0: pushes go through Flask);
- `service`: app.py's Flask subclass and cookie-session interface (plain Flask, Flask's own sessions).
Run by gunicorn as `bench.without:create_app()`.
"""

import os

MECHANISMS = ("prepared", "gate", "lane", "service")


def _without_prepared():
    import prepared

    def compiled(self):  # what the statement costs without the cache: its peewee query compiled on every use
        import models

        return self._compile(models.db.obj)

    prepared.Prepared._compiled = compiled


def _without_gate():
    import database

    database.gate_for = lambda path: None  # GatedSqliteDatabase without a gate: a pooled SQLite, BEGIN IMMEDIATE


def create_app():
    names = {n for n in os.environ.get("BENCH_WITHOUT", "").split(",") if n}
    unknown = names - set(MECHANISMS)
    if unknown:
        raise SystemExit(f"BENCH_WITHOUT: unknown mechanisms {sorted(unknown)} (known: {MECHANISMS})")
    if "prepared" in names:
        _without_prepared()
    if "gate" in names:
        _without_gate()
    if "lane" in names:
        os.environ["WECHAT_PUSH_LANE"] = "0"
    import app as service

    if "service" in names:
        from flask import Flask
        from flask.sessions import SecureCookieSessionInterface

        service.Service.ensure_sync = Flask.ensure_sync
        service.CookieSessions = SecureCookieSessionInterface
    return service.create_app()
