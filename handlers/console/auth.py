"""Console sign-in and sign-out: hashed passwords, a server-side token in the session cookie, a throttle."""

from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from handlers.common import now
from handlers.console import bp
from handlers.console.common import signed_in
from models import Staff
from services import accounts
from services import login_guard
from services.errors import Unauthorized
from services.scope import audit
from services.unit import transaction


def _safe_next(target):
    return target if target and target.startswith("/console") and not target.startswith("//") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("console/login.html", next=_safe_next(request.args.get("next")))
    username = (request.form.get("username") or "").strip()[:50]
    password = request.form.get("password") or ""
    address = request.remote_addr or "-"
    at = now()
    try:
        login_guard.check(username, address, at)
    except login_guard.TooManyAttempts as exc:
        return render_template("console/login.html", error=exc.message, username=username), 429
    try:
        staff = accounts.authenticate_staff(username, password)
    except Unauthorized as exc:
        login_guard.record_failure(username, address, at)
        known = Staff.get_or_none(Staff.username == username)
        with transaction():
            audit(
                known,
                "console.login_failed",
                None,
                known.station_id if known else None,
                at,
                username=username,
                address=address,
            )
        return render_template("console/login.html", error=exc.message, username=username), 401
    login_guard.clear(username, address)
    with transaction():
        token, _ = accounts.issue_token(at, staff=staff)
        audit(staff, "console.login", staff, staff.station_id, at, address=address)
    session.clear()
    session.permanent = True
    session["token"] = token
    return redirect(_safe_next(request.form.get("next")) or url_for("console.dashboard"), 303)


@bp.post("/logout")
@signed_in()
def logout():
    with transaction():
        accounts.revoke_token(g.console_token)
        audit(g.staff, "console.logout", g.staff, g.staff.station_id, now())
    session.clear()
    flash("您已退出登录", "info")
    return redirect(url_for("console.login"), 303)
