"""lingong's application factory: configuration, database, WeChat clients, blueprints, errors, CLI.

Run with `gunicorn 'app:create_app()'`; nothing is configured or connected at import time.
"""

import logging
import os

from dotenv import load_dotenv
from flask import Flask
from flask import jsonify
from flask import request
from flask.sessions import SecureCookieSessionInterface
from peewee import DatabaseError
from peewee import DataError
from peewee import InterfaceError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

import commands
import models
from database import is_unavailable
from database import open_database
from handlers import edge
from services import clock
from services import settings
from services.errors import DomainError
from services.payouts import policy as payout_policy
from wechat import channels
from wechat import clients
from wechat import kvstore

log = logging.getLogger("lingong")

# Flask's own settings beside lingong's (services/settings.py declares those, each with its type).

# Sandbox credentials: used only when the sandbox is on, never valid against the real WeChat.
SANDBOX_DEFAULTS = {
    "WECHAT_MP_APPID": "wxsandboxminiprog",
    "WECHAT_MP_SECRET": "sandbox-mp-secret",
    "WECHAT_OA_APPID": "wxsandboxofficial",
    "WECHAT_OA_SECRET": "sandbox-oa-secret",
    "WECHAT_OA_TOKEN": "lingongsandboxtoken",
    "WECHAT_OA_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "WECHAT_MP_TOKEN": "lingongsandboxmptoken",
    "WECHAT_MP_AES_KEY": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
}

BLUEPRINTS = [
    "handlers.health",
    "handlers.docs",
    "handlers.api",
    "handlers.staff_api",
    "handlers.staff_recon",
    "handlers.recruit_api",
    "handlers.employer_api",
    "handlers.recruit_staff",
    "handlers.fairs",
    "handlers.staff_fairs",
    "handlers.training_api",
    "handlers.staff_training",
    "handlers.staff_people",
    "handlers.console",
    "handlers.wechat_oa",
    "handlers.wechat_mp",
    "handlers.payouts",
    "handlers.pay_notify",
]


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: ids the database can hold (1 … 2^31-1); anything larger is a 404, not a crash."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


class Service(Flask):
    """Flask for a service without async views: a view is called as it is (Flask would inspect every view and hook
    on every request to see whether it is a coroutine).

    With CookieSessions below: 962 Python calls per order acceptance against 1,097 with plain Flask and its own
    session interface (`bench.inproc`, cProfile, 2026-12-01 session 2); end to end (`--without service`) the
    difference was within the noise of a loaded machine (bench/RESULTS.md)."""

    json_provider_class = edge.StrictJSON

    def ensure_sync(self, func):
        return func


class CookieSessions(SecureCookieSessionInterface):
    """The console's signed-cookie sessions; a request without the cookie (every API call and push) gets an empty
    session without building the signer, and an untouched empty session writes nothing back (its gain is measured
    with Service's, above)."""

    def open_session(self, app, request):
        if "HTTP_COOKIE" in request.environ and request.cookies.get(self.get_cookie_name(app)):
            return super().open_session(app, request)
        return self.session_class() if app.secret_key else None

    def save_session(self, app, session, response):
        if session or session.modified or session.accessed:
            super().save_session(app, session, response)


def create_app(test_config=None):
    app = Service(__name__, instance_relative_config=True)
    app.session_interface = CookieSessions()
    app.url_map.converters["int"] = IdConverter
    _configure(app, test_config)
    app.json.ensure_ascii = False  # Chinese stays readable in JSON answers
    _install_runtime(app)
    _init_database(app)
    _init_wechat(app)
    _register_errors(app)
    edge.install(app)
    import importlib

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    importlib.import_module("handlers.console").init_console(app)
    from handlers import wechat_mp
    from handlers import wechat_oa
    from wechat import lane

    lane.install(app, {"/wechat/oa": wechat_oa.answer_push, "/wechat/mp": wechat_mp.answer_push})
    _trust_proxies(app)
    commands.register(app)
    if app.config["WECHAT_SANDBOX"]:  # the emulator is imported only where it runs, never in production
        from wechat.sandbox import pay_dev

        pay_dev.register(app)
    from handlers import after_response

    after_response.install(app)  # outermost: after-commit work runs once the response has been sent
    return app


def _install_runtime(app):
    """Services read settings and clients from services.runtime (never from Flask): this app's, whenever its context
    is pushed, and by default the last app created."""
    from flask import appcontext_pushed

    from services import runtime
    from wechat import pay_app

    factories = {"wechat_pay": lambda: pay_app.client_of(app)}
    current = runtime.install(runtime.Runtime(app.extensions, factories))
    appcontext_pushed.connect(lambda sender, **_: runtime.activate(current), app, weak=False)


def _configure(app, test_config):
    """The one typed settings object (app.extensions["settings"], services: runtime.current().settings), built from
    the declared defaults, the environment and the test overrides; app.config carries the same values for Flask's
    own keys (SECRET_KEY, MAX_CONTENT_LENGTH) and the Flask-side code. A bad value stops the start, named."""
    load_dotenv(os.path.join(app.root_path, ".env"))
    cfg = settings.defaults()  # MAX_CONTENT_LENGTH, Flask's own, is declared there too
    cfg.update(settings.from_environ(os.environ))
    cfg.update({key: value for key, value in (test_config or {}).items() if key.isupper()})
    cfg = settings.typed(cfg)
    production = cfg["LINGONG_ENV"] == "production"
    if cfg["WECHAT_SANDBOX"] is None:
        cfg["WECHAT_SANDBOX"] = not (cfg["WECHAT_MP_APPID"] and cfg["WECHAT_MP_SECRET"])
    if production and cfg["WECHAT_SANDBOX"]:
        raise RuntimeError("LINGONG_ENV=production refuses to start with the WeChat sandbox")
    if cfg["WECHAT_SANDBOX"]:
        for key, value in SANDBOX_DEFAULTS.items():
            cfg[key] = cfg[key] or value
    if not cfg["SECRET_KEY"]:
        if production:
            raise RuntimeError("SECRET_KEY must be set in production")
        cfg["SECRET_KEY"] = "dev-only-" + cfg["LINGONG_ENV"]
    if not cfg["DATABASE_URL"]:
        os.makedirs(app.instance_path, exist_ok=True)
        cfg["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "lingong.db")
    clock.configure(cfg["MARKET_TIMEZONE"])
    app.config.from_mapping(cfg)
    app.extensions["settings"] = settings.build(cfg)
    payout_policy.of(app.extensions["settings"])  # a policy that cannot pay stops the start too


def reconfigure(app, **values):
    """Change some settings of a created app (tests, drills): a new typed settings object, app.config following."""
    app.extensions["settings"] = settings.replace(app.extensions["settings"], **values)
    payout_policy.of(app.extensions["settings"])
    app.config.update({key: app.extensions["settings"].get(key, value) for key, value in values.items()})


def _trust_proxies(app):
    """Behind N reverse proxies (LINGONG_TRUSTED_PROXIES=N), take the client's address and scheme from the
    X-Forwarded-For / -Proto headers the last N proxies set (the console's login guard counts failures per
    address); with 0, the default, those headers are ignored, since any client could send them."""
    count = app.extensions["settings"].lingong_trusted_proxies
    if count < 0:
        raise RuntimeError(f"LINGONG_TRUSTED_PROXIES must be a number of proxies, not {count!r}")
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _init_database(app):
    database = open_database(app.config["DATABASE_URL"], app.config["LINGONG_SERVER_PREPARE"])
    models.db.initialize(database)

    @app.before_request
    def _open_db():
        models.db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close_db(exc):
        if not models.db.is_closed():
            models.db.close()


def _init_wechat(app):
    cfg = app.config
    sandbox = None
    if cfg["WECHAT_SANDBOX"]:
        from wechat.sandbox import create_sandbox_app

        sandbox = create_sandbox_app(
            {cfg["WECHAT_MP_APPID"]: cfg["WECHAT_MP_SECRET"], cfg["WECHAT_OA_APPID"]: cfg["WECHAT_OA_SECRET"]},
            extra_config={"SERVICE_CONFIG": cfg},
        )
    app.extensions["wechat_sandbox"] = sandbox
    store = app.extensions["lingong_kvstore"] = kvstore.store_for(cfg)
    mp_client = clients.build_client(
        cfg["WECHAT_MP_APPID"], cfg["WECHAT_MP_SECRET"], sandbox, cfg["WECHAT_TIMEOUT"], store
    )
    oa_client = clients.build_client(
        cfg["WECHAT_OA_APPID"], cfg["WECHAT_OA_SECRET"], sandbox, cfg["WECHAT_TIMEOUT"], store
    )
    app.extensions["wechat_mp"] = clients.MiniProgram(mp_client)
    app.extensions["wechat_oa_client"] = oa_client
    app.extensions["wechat_channels"] = channels.Channels(oa_client)


def _register_errors(app):
    @app.errorhandler(DomainError)
    def _domain_error(exc):
        if exc.status >= 500:
            log.error("domain error %s: %s %s", exc.code, exc.message, exc.detail)
        return jsonify(exc.to_dict()), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        messages = {
            400: "请求格式不正确",
            404: "没有这个地址",
            405: "不支持这种请求方法",
            413: "请求内容太大",
            415: "请用 JSON 格式提交",
        }
        body = {
            "error": {
                "code": (exc.name or "error").lower().replace(" ", "_"),
                "message": messages.get(exc.code, exc.description or exc.name),
            }
        }
        return jsonify(body), exc.code

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def _out_of_range(exc):
        # A number or text the database cannot hold came from the client: refuse it, nothing was written.
        log.info("refused out-of-range input on %s %s: %s", request.method, request.path, exc)
        return jsonify({"error": {"code": "out_of_range", "message": "数值或内容超出范围"}}), 400

    @app.errorhandler(DatabaseError)
    @app.errorhandler(InterfaceError)
    def _database_error(exc):
        # A write lock held too long (SQLite) or a lost connection: the client's retry with its request id is safe.
        # Any other database error (a statement the database refuses) is a bug, never "busy".
        if not is_unavailable(exc):
            return _unexpected(exc)
        log.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
        body = {"error": {"code": "busy", "message": "系统繁忙，请稍后再试"}}
        return jsonify(body), 503, {"Retry-After": "2"}

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": {"code": "internal_error", "message": "服务器出错了，请稍后再试"}}), 500
