"""The outermost WSGI layer: every request is one scope of the unit of work (services.unit), and every answer gets
the app's security headers (handlers/edge.py).

What the request's transactions queued after commit (notices to WeChat, the payout trigger) runs once the server
has sent the response and closes it, so a worker's answer never waits on WeChat; it runs in the app context with a
connection of its own. Work that fails there is logged, and the periodic jobs pick it up.
"""

from flask.testing import FlaskClient
from werkzeug.wsgi import ClosingIterator

import models
from handlers.edge import HEADER_ITEMS
from services import unit

NO_STORE = ("Cache-Control", "no-store")


class AfterResponse:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        static = environ.get("PATH_INFO", "").startswith("/static/")

        def start_with_headers(status, headers, exc_info=None):
            # Every answer, errors and pushes included; nothing but static files is kept by a browser or a proxy
            # (a signed-in console page must not come back from the cache after sign-out).
            headers.extend(HEADER_ITEMS)
            if not static and not any(name.lower() == "cache-control" for name, _ in headers):
                headers.append(NO_STORE)
            return start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)

        token = unit.open_scope()
        try:
            body = self.wsgi_app(environ, start_with_headers)
        finally:
            queue = unit.close_scope(token)
        if not queue:
            return body
        return ClosingIterator(body, [lambda: self._drain(queue)])

    def _drain(self, queue):
        with self.app.app_context(), models.db.connection_context():
            unit.drain(queue)


class ServerLikeClient(FlaskClient):
    """In-process clients (the sandbox's notify delivery from the CLI, the tests) read the whole answer and close it,
    as a WSGI server does, so the after-response work runs before `open()` returns."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def install(app):
    """Wrap the whole app (the push lane included) once every other middleware is in place."""
    app.wsgi_app = AfterResponse(app, app.wsgi_app)
    app.test_client_class = ServerLikeClient
