"""WeChat's pushes (`POST /wechat/oa`, `POST /wechat/mp`) served straight from WSGI, in front of Flask.

A push is answered by an `answer(args, body) -> (status, mimetype, text)` function; the Flask views at the same
URLs call the very same functions, so there is one code path for what a push does. The lane only skips what
Flask builds for every request and a push never uses (request, session and URL-matching objects, the JSON error
handlers), which was most of a push's cost. It keeps what the views rely on: the app context (`current_app`,
`g`), one pooled database connection per push, the body cap, and 503 with
Retry-After when the database is busy. Turn it off with WECHAT_PUSH_LANE=0 (every push then goes through Flask).

Measured gain (2026-12-01 session 2, bench/RESULTS.md): a text push costs 417 Python calls through the lane
against 813 through Flask (`bench.inproc`, cProfile), and the callback answers 1.3–2.0× as many requests per
second on SQLite and 1.3× on PostgreSQL as with WECHAT_PUSH_LANE=0 (`bash bench/run.sh --without lane`).
"""

import logging
from urllib.parse import parse_qsl

import models
from database import is_unavailable

log = logging.getLogger(__name__)

STATUS_LINES = {
    200: "200 OK",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    413: "413 Content Too Large",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}


def query_args(query_string):
    """The query string as a dict, the first value of a repeated name winning (as request.args.get does)."""
    if "%" in query_string or "+" in query_string:
        pairs = parse_qsl(query_string, keep_blank_values=True)
    else:  # WeChat's signature, timestamp, nonce and openid need no decoding
        pairs = (part.partition("=")[::2] for part in query_string.split("&") if part)
    args = {}
    for name, value in pairs:
        args.setdefault(name, value)
    return args


def read_body(environ, limit):
    """The request body, or None when it is larger than `limit` bytes (then nothing more is read)."""
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length:
        if not length.isdigit() or int(length) > limit:
            return None
        return stream.read(int(length))
    body = stream.read(limit + 1)  # chunked: the server ends the stream; one byte over the cap means too large
    return None if len(body) > limit else body


class PushLane:
    """WSGI middleware: `routes` maps a path to the answer function for POSTs to it; the rest goes to Flask."""

    def __init__(self, app, routes):
        self.app = app
        self.flask = app.wsgi_app
        self.routes = routes

    def __call__(self, environ, start_response):
        answer = self.routes.get(environ.get("PATH_INFO")) if environ.get("REQUEST_METHOD") == "POST" else None
        if answer is None:
            return self.flask(environ, start_response)
        status, mimetype, text, headers = self._answer(answer, environ)
        data = text.encode("utf-8")
        headers += [("Content-Type", f"{mimetype}; charset=utf-8"), ("Content-Length", str(len(data)))]
        start_response(STATUS_LINES.get(status, f"{status} Error"), headers)
        return [data]

    def _answer(self, answer, environ):
        body = read_body(environ, self.app.config.get("MAX_CONTENT_LENGTH") or 64 * 1024)
        if body is None:
            return 413, "text/plain", "body too large", []
        with self.app.app_context():
            db = models.db
            db.connect(reuse_if_open=True)
            try:
                status, mimetype, text = answer(query_args(environ.get("QUERY_STRING", "")), body)
                return status, mimetype, text, []
            except Exception as exc:
                if is_unavailable(exc):  # a write lock held too long, a lost connection: WeChat retries
                    log.warning("database unavailable for push to %s: %s", environ.get("PATH_INFO"), exc)
                    return 503, "text/plain", "busy", [("Retry-After", "2")]
                log.exception("unhandled error on push to %s", environ.get("PATH_INFO"))
                return 500, "text/plain", "internal error", []
            finally:
                if not db.is_closed():
                    db.close()


def install(app, routes):
    """Put the lane in front of `app` unless WECHAT_PUSH_LANE is off."""
    if not app.config.get("WECHAT_PUSH_LANE", True):  # parsed once by services/settings.py
        return
    app.wsgi_app = PushLane(app, routes)
