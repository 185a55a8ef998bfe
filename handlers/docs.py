"""The API document for people: /api/v1/docs renders /api/v1/openapi.json with Swagger UI, whose files come from
the flask-swagger-ui package (PyPI), served by the app itself: no CDN, no inline script."""

import pathlib

import flask_swagger_ui
from flask import Blueprint
from flask import Response
from flask import send_from_directory
from flask import url_for

ASSETS = pathlib.Path(flask_swagger_ui.__file__).parent / "dist"

bp = Blueprint("docs", __name__)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>lingong API</title>
<link rel="stylesheet" href="{css}"></head>
<body><div id="swagger-ui"></div>
<script src="{bundle}"></script><script src="{init}"></script></body></html>
"""


@bp.get("/api/v1/docs")
def page():
    return Response(
        PAGE.format(
            css=url_for("docs.asset", name="swagger-ui.css"),
            bundle=url_for("docs.asset", name="swagger-ui-bundle.js"),
            init=url_for("static", filename="docs/init.js"),
        ),
        mimetype="text/html",
    )


@bp.get("/api/docs-assets/<path:name>")
def asset(name):
    return send_from_directory(ASSETS, name, max_age=86400)
