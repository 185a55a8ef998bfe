"""The OpenAPI 3.1 document of /api/v1, built from a compact table; a test keeps it equal to the routes."""

from handlers.openapi_operations import OPERATIONS
from handlers.openapi_types import STR

ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "object", "properties": {"code": STR, "message": STR}, "required": ["code", "message"]}
    },
    "required": ["error"],
}


def _path_schema(name):
    """Ids are 32-bit positive integers; dates are YYYY-MM-DD."""
    if name.endswith("_date"):
        return {"type": "string", "format": "date"}
    return {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def _operation(method, path, summary, auth, props, required, status):
    op = {
        "summary": summary,
        "operationId": (method + path.replace("/api/v1", "").replace("/", "_").replace("{", "").replace("}", "")),
        "responses": {
            str(status): {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
            "4XX": {"description": "Refused", "content": {"application/json": {"schema": ERROR}}},
        },
    }
    if status == 204:
        op["responses"]["204"] = {"description": "Done, no content"}
    params = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
    if params:
        op["parameters"] = [{"name": p, "in": "path", "required": True, "schema": _path_schema(p)} for p in params]
    if auth:
        op["security"] = [{"bearer": []}]
    if props is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", "properties": props, "required": required}}},
        }
    return op


def document():
    paths = {}
    for method, path, summary, auth, props, required, status in OPERATIONS:
        paths.setdefault(path, {})[method] = _operation(method, path, summary, auth, props, required, status)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lingong API",
            "version": "1.0.0",
            "description": "Worker (mini-program) and staff API of the Cheng'an county gig-work market.",
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }
