"""The app's edge: the security headers of every answer (added in handlers/after_response.py), and a 400 for input no service should see (JSON nested
too deep, a NUL or a lone surrogate in any text, a body or query outside the contract's models).
"""

import functools
import json
import re

from flask import request
from flask.json.provider import DefaultJSONProvider
from pydantic import ValidationError

from handlers.contract.operations import OPERATIONS
from handlers.contract.refusals import refusal
from services.errors import BadRequest
from services.validate import storable

MAX_DEPTH = 32  # the deepest body the API takes (a job's materials) is 3 levels

# Scripts and stylesheets only from the app itself (the console has no inline script and no CDN); style attributes
# stay allowed (a few templates set a width inline) while <style> elements do not: style-src-elem is CSP 3, and a
# browser without it falls back to style-src. No page of the app may be framed (the cash and inspection forms).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; style-src-elem 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers older than CSP 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # the console's "back" after a refused form reads its own referrer
}
# Added to every answer, the push lane's too, by the outermost WSGI layer (handlers/after_response.py): plain
# tuples appended to the answer's headers, none of werkzeug's per-header checks on the hot paths.
HEADER_ITEMS = tuple(HEADERS.items())
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def install(app):
    app.before_request(refuse_malformed_input)


def refuse_malformed_input():
    """Before any view: the path, query and form texts, and a JSON body (parsed and checked by StrictJSON, and
    kept for the view), also for a view that reads no body: a request that says JSON sends JSON.

    The server has already decoded the path, so a NUL shows in PATH_INFO itself; a query can carry one only
    percent-encoded, so a plain query (every hot-path request) is not decoded and scanned again."""
    environ = request.environ
    if "\x00" in environ.get("PATH_INFO", ""):
        _check_text(request.path, "地址", "path")
    query = environ.get("QUERY_STRING", "")
    if "%" in query or not query.isascii():
        for name, value in request.args.items(multi=True):
            _check_text(name, "参数名", "args")
            _check_text(value, f"参数 {name} ", name)
    content_type = environ.get("CONTENT_TYPE", "")
    if content_type.startswith(FORM_TYPES):
        for name, value in request.form.items(multi=True):
            _check_text(name, "表单项名", "form")
            _check_text(value, f"表单项 {name} ", name)
    elif "json" in content_type and request.is_json and request.get_data(cache=True):
        if request.get_json(silent=True) is None:
            raise BadRequest("请求内容不是有效的 JSON", code="invalid_json")


def _check_text(value, label, field):
    if not storable(value):
        raise BadRequest(f"{label}含有无法识别的字符（如空字符）", code="invalid_characters", field=field)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


class StrictJSON(DefaultJSONProvider):
    """The app's JSON provider: every parsed body (request.get_json) is at most MAX_DEPTH deep, and its keys and
    texts have no NUL and no lone surrogate (PostgreSQL refuses NUL, no database can encode a lone surrogate);
    NaN and Infinity are not JSON."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", _refuse_constant)
        try:
            data = json.loads(s, **kwargs)
        except RecursionError:  # the C scanner recurses per level: too deep for it is too deep for us
            raise _too_deep() from None
        _check_tree(data)
        return data


def _too_deep():
    return BadRequest(f"请求内容嵌套太深（最多 {MAX_DEPTH} 层）", code="json_too_deep")


def _check_tree(data):
    """Without recursion: a container's depth, and every key and text, named by the top-level field it is in."""
    stack = [(data, 1, "body")]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, str):
            _check_text(value, f"字段 {field} ", field)
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key, "字段名", "body")
                    stack.append((item, depth + 1, key if depth == 1 else field))
            else:
                stack.extend((item, depth + 1, field) for item in value)


def _operation_table():
    table = {}
    for op in OPERATIONS:
        table[(op.method.upper(), op.path)] = op
    return table


_OPERATIONS = _operation_table()


@functools.cache
def operation_for(method, rule):
    """The contract's operation of a route (`/jobs/<int:job_id>` is `/jobs/{job_id}`), or None."""
    return _OPERATIONS.get((method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)))


def _current():
    rule = request.url_rule
    return None if rule is None else operation_for(request.method, rule.rule)


def check_body(data):
    """The body against the operation's model (strict: a boolean is no integer, a number no text); the dict itself
    is what the view reads, since strict validation converts nothing."""
    op = _current()
    if op is not None and op.body is not None:
        try:
            op.body.__pydantic_validator__.validate_python(data)
        except ValidationError as exc:
            raise refusal(exc, "字段") from None
    return data


def query():
    """The operation's query parameters, read as the types its model declares (defaults filled in)."""
    op = _current()
    if op is None or op.query is None:
        raise LookupError(f"no query model for {request.method} {request.path}")
    try:
        return op.query.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise refusal(exc, "参数") from None
