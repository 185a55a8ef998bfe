"""Console sign-in and sign-out: the one sign-in rule (services/login_guard), a server-side session behind an
opaque handle in the session cookie (never a token the API accepts)."""

from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from handlers.common import now
from handlers.console.blueprint import bp
from handlers.console.common import signed_in
from services.errors import DomainError
from services.errors import TooManyRequests
from services.people import accounts
from services.people import signin as login_guard


def _safe_next(target):
    return target if target and target.startswith("/console") and not target.startswith("//") else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("console/login.html", next=_safe_next(request.args.get("next")))
    username = (request.form.get("username") or "").strip()[:50]
    address = request.remote_addr or "-"
    try:
        _, handle, _ = login_guard.sign_in_staff(username, request.form.get("password"), address, now(), "console")
    except DomainError as exc:
        page = render_template("console/login.html", error=exc.message, username=username)
        retry = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else {}
        return page, exc.status, retry
    session.clear()
    session.permanent = True
    session["sid"] = handle
    return redirect(_safe_next(request.form.get("next")) or url_for("console.dashboard"), 303)


@bp.post("/logout")
@signed_in()
def logout():
    accounts.sign_out(g.console_session, now(), staff=g.staff, console=True)
    session.clear()
    flash("您已退出登录", "info")
    return redirect(url_for("console.login"), 303)
