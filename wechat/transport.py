"""A requests transport adapter that hands HTTP requests to a WSGI app in this process.

Mounted on a requests.Session for https://api.weixin.qq.com/ and https://api.mch.weixin.qq.com/, it lets
wechatpy and wechatpayv3 speak their real wire format to the sandbox without a network hop, so a single
gunicorn worker never waits on itself.
"""

import io
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

WECHAT_HOSTS = ("https://api.weixin.qq.com/", "https://api.mch.weixin.qq.com/")


class WSGIAdapter(BaseAdapter):
    """Send each request to `app` (a WSGI callable) and build a requests.Response from its answer."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path or "/",
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "localhost",
            "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": parts.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "lingong.timeout": timeout,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ["HTTP_" + key] = value

        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers

        chunks = self.app(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if captured["status"].startswith("599"):
            # The sandbox's way of saying "the connection timed out after the server acted".
            raise requests.exceptions.ReadTimeout("sandbox: read timed out", request=request)

        response = requests.Response()
        response.status_code = int(captured["status"].split(" ", 1)[0])
        response.reason = captured["status"].split(" ", 1)[1] if " " in captured["status"] else ""
        response.headers = CaseInsensitiveDict(captured["headers"])
        response._content = content
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        pass


def mount(session, app):
    """Route every WeChat host of `session` to the in-process WSGI `app`."""
    adapter = WSGIAdapter(app)
    for prefix in WECHAT_HOSTS:
        session.mount(prefix, adapter)
    return session


def sandbox_session(app):
    """A requests.Session whose WeChat traffic goes to the in-process sandbox `app`."""
    return mount(requests.Session(), app)
