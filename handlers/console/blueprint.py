"""The console's blueprint, session and CSRF set-up: what every route module registers on."""

import datetime as dt

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
