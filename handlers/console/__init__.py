"""The staff web console under /console: server-rendered pages for the county market and its village stations.

`init_console(app)` sets the session cookie and CSRF protection (console forms only: the JSON API and the WeChat
callbacks are never checked); the route modules below register their views on `bp`.
"""

import datetime as dt
import uuid

from flask import Blueprint
from flask import g
from flask import request
from flask import session
from flask_wtf.csrf import CSRFProtect

from handlers.common import now
from handlers.console import render
from services.people.accounts import console_session

bp = Blueprint("console", __name__, url_prefix="/console")
csrf = CSRFProtect()

SESSION_HOURS = 12


def init_console(app):
    """Session cookie flags and Flask-WTF CSRF for the console; called once from create_app."""
    production = app.config.get("LINGONG_ENV") == "production"
    app.config.update(
        SESSION_COOKIE_NAME="lingong_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        WTF_CSRF_CHECK_DEFAULT=False,  # only console forms are checked (see _protect): /api/ and callbacks are exempt
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        WTF_CSRF_SSL_STRICT=production,
    )
    csrf.init_app(app)
    render.install(app)


@bp.before_request
def _protect():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    g.pop("csrf_token", None)  # a cached token from an earlier request that shared this app context (tests)
    g.staff = None
    handle = session.get("sid")
    if handle:
        g.staff = console_session(handle, now())
        g.console_session = handle


def new_request_id():
    return uuid.uuid4().hex


from handlers.console import auth  # noqa: E402,F401
from handlers.console import desks  # noqa: E402,F401
from handlers.console import errors  # noqa: E402,F401
from handlers.console import jobs  # noqa: E402,F401
from handlers.console import money  # noqa: E402,F401
from handlers.console import pages  # noqa: E402,F401
