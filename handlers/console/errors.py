"""How the console answers refusals: a Chinese page for 403/404/CSRF, a message on the form for the rest."""

import logging

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from handlers.console.blueprint import bp
from services.errors import DomainError

log = logging.getLogger("lingong.console")


def _page(title, message, status):
    return render_template("console/error.html", title=title, message=message, status=status), status


@bp.errorhandler(CSRFError)
def _csrf(exc):
    log.info("csrf refused: %s", exc.description)
    return _page("页面已过期", "表单已过期或来源不明，请返回上一页刷新后再提交。", 400)


@bp.errorhandler(DomainError)
def _domain(exc):
    if exc.status == 403:
        return _page("没有权限", exc.message or "您没有权限查看这个页面。", 403)
    if exc.status == 404:
        return _page("没有找到", exc.message, 404)
    if exc.status >= 500 or request.method == "GET":
        return _page("出错了", exc.message, exc.status)
    flash(exc.message, "error")
    back = request.referrer if request.referrer and request.host in request.referrer else None
    return redirect(back or url_for("console.dashboard"), 303)


@bp.errorhandler(HTTPException)
def _http(exc):
    titles = {404: "没有找到", 405: "不支持这种操作", 413: "提交的内容太大"}
    return _page(titles.get(exc.code, "请求有误"), "请返回上一页重试。", exc.code or 400)


@bp.errorhandler(Exception)
def _unexpected(exc):
    log.exception("console error on %s %s", request.method, request.path)
    return _page("出错了", "服务器出错了，请稍后再试。", 500)
