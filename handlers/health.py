"""Liveness and the OpenAPI document."""

from flask import Blueprint
from flask import jsonify

from handlers.contract.document import document
from models import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    db.execute_sql("SELECT 1")
    return jsonify({"status": "ok"})


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(document())
