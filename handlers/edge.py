"""The app's edge: the security headers of every answer (added in handlers/after_response.py), and a 400 for input no service should see (JSON nested
too deep, a NUL or a lone surrogate in any text, a field of another type than the OpenAPI document declares).
"""

import functools
import json
import re

from flask import request
from flask.json.provider import DefaultJSONProvider

from handlers.openapi_operations import OPERATIONS
from services.errors import BadRequest
from services.validate import storable

MAX_DEPTH = 32  # the deepest body the API takes (a job's materials) is 3 levels

# Scripts and stylesheets only from the app itself (the console has no inline script and no CDN); style attributes
# stay allowed (a few templates set a width inline) while <style> elements do not: style-src-elem is CSP 3, and a
# browser without it falls back to style-src. No page of the app may be framed (the cash and inspection forms).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; style-src-elem 'self'; "
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
KINDS = {"string": (str, "文字"), "integer": (int, "整数"), "array": (list, "列表"), "object": (dict, "对象")}


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


@functools.cache
def _schema_for(method, rule):
    """The body properties the OpenAPI document declares for a route (`/jobs/<int:job_id>` is `/jobs/{job_id}`)."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
    for op_method, op_path, _summary, _auth, props, _required, _status in OPERATIONS:
        if op_method.upper() == method and op_path == path:
            return props or {}
    return {}


def check_fields(data):
    """Each declared field of the body has the declared type (a boolean is no integer); null and the ranges are
    the service's to judge, with its own message."""
    rule = request.url_rule
    if rule is not None:
        _check_props(data, _schema_for(request.method, rule.rule), "")


def _check_props(data, props, prefix):
    for name, schema in props.items():
        value = data.get(name)
        if value is not None:
            _check_value(value, schema, prefix + name)


def _check_value(value, schema, name):
    field = name.split(".")[0].split("[")[0]
    if "enum" in schema:
        if not isinstance(value, str) or value not in schema["enum"]:
            allowed = "、".join(schema["enum"])
            raise BadRequest(f"字段 {name} 只能是 {allowed}", code="invalid_" + field, field=field)
        return
    kind, label = KINDS[schema["type"]]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadRequest(f"字段 {name} 应为{label}", code="invalid_" + field, field=field)
    if kind is list and "items" in schema:
        for i, item in enumerate(value):
            _check_value(item, schema["items"], f"{name}[{i}]")
    if kind is dict and "properties" in schema:
        _check_props(value, schema["properties"], name + ".")
