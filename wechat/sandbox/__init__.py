"""The WeChat sandbox: a WSGI app that emulates WeChat's servers with their real wire formats.

The service reaches it in-process through `wechat.transport` (no network, no deadlock on one worker).
Each area of WeChat is a blueprint of its own; `BLUEPRINTS` lists them.
"""

from flask import Flask

from wechat.sandbox import channels
from wechat.sandbox import core
from wechat.sandbox import oa
from wechat.sandbox import pay
from wechat.sandbox import store

BLUEPRINTS = [core.bp, pay.bp, oa.bp, channels.bp]


def create_sandbox_app(apps, extra_config=None):
    """The sandbox for the given {appid: secret} apps; it shares the service's database for its state."""
    app = Flask("wechat_sandbox")
    app.config["SANDBOX_APPS"] = dict(apps)
    app.config.update(extra_config or {})
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.before_request(store.ensure_tables)  # its own tables, where it runs (never the migrations')
    return app
