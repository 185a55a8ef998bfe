"""The OpenAPI 3.1 document of /api/v1, generated from the operations table and its pydantic models."""

import functools

from pydantic.json_schema import models_json_schema

from handlers.contract.operations import OPERATIONS
from services.validate import MAX_ID

VERSION = "1.1.0"  # raise the major version for a breaking change (docs/openapi-v<major>.json is its baseline)
REF = "#/components/schemas/{model}"
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
DESCRIPTION = """Worker (mini-program) and staff API of the Cheng'an county gig-work market (零工市场).

Conventions, the same for every operation:
- **Money** is an integer number of fen (`*_fen`; 1 元 = 100 fen). **Times** are UTC, ISO-8601 (`…Z`);
  **business dates** (`business_date`, `YYYY-MM-DD`) and months are Asia/Shanghai.
- **Errors** are `{"error": {"code", "message", "detail"?}}`; `message` is Chinese, for the worker to read; each
  operation lists the codes it may answer per status. 503 `busy` (with Retry-After) means only that the database
  is unavailable: retry with the same `request_id`.
- **Retries**: a write a client may retry carries `request_id`; the same id from the same sender answers the first
  result (200 instead of 201) and acts once.
- **Paging**: lists that page are newest first; `limit` sets the page size and `before_id` continues after a page;
  the answer's `next_before_id` is the `before_id` of the next page, null on the last page.
"""

COMMON_BODY_CODES = ("json_required", "invalid_json", "json_too_deep", "invalid_characters", "out_of_range")


ERROR = {
    "type": "object",
    "description": "A refusal: what went wrong, in Chinese for the worker, and a code for the client.",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "What went wrong; the operation lists its codes."},
                "message": {"type": "string", "description": "Why, in Chinese."},
                "detail": {"type": "object", "description": "Figures behind the refusal (left, remaining …)."},
            },
        }
    },
}


def _error_schema(codes, details=None):
    """The one error schema, with the codes this operation may answer with this status, and the detail's schema
    of the codes whose detail is declared (`{code: schema}`)."""
    schema = {
        "allOf": [{"$ref": REF.format(model="Error")}],
        "properties": {"error": {"properties": {"code": {"enum": sorted(set(codes))}}}},
    }
    for code, detail in (details or {}).items():
        schema["allOf"].append({
            "if": {"properties": {"error": {"properties": {"code": {"const": code}}}}},
            "then": {"properties": {"error": {"required": ["detail"], "properties": {"detail": detail}}}},
        })  # fmt: skip
    return schema


def error_codes(op):
    """{status: codes} the operation may answer: its own, and the ones its auth, body and query bring."""
    codes = {400: {"invalid_characters"}, 503: {"busy"}}
    path_params = _path_params(op.path)
    if path_params:
        codes.setdefault(404, set()).add("not_found")
    if op.auth:
        codes.setdefault(401, set()).add("login_required")
    if op.roles:
        codes.setdefault(403, set()).add("role_forbidden")
    for model in (op.body, op.query):
        if model is not None:
            codes[400] |= {"invalid_" + name for name in model.model_fields}
    if op.method != "get":  # a write that reads no body still refuses a malformed one
        codes[400] |= set(COMMON_BODY_CODES)
        codes.setdefault(413, set()).add("request_entity_too_large")
    for status, own in op.errors.items():
        codes.setdefault(status, set()).update(own)
    return codes


def _path_params(path):
    return [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]


def _path_schema(name):
    if name.endswith("_date"):
        return {"type": "string", "format": "date", "description": "A business date, YYYY-MM-DD."}
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": "A record id."}


def _query_params(model, schemas):
    params = []
    for name, prop in schemas["properties"].items():
        # a query parameter is absent, never null: the optional one's schema is its non-null branch
        branches = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
        prop = dict(branches[0], **{k: v for k, v in prop.items() if k != "anyOf"})
        if prop.get("default", 0) is None:
            del prop["default"]
        description = prop.pop("description", None)
        prop.pop("title", None)
        param = {"name": name, "in": "query", "required": name in schemas.get("required", ()), "schema": prop}
        if description:
            param["description"] = description
        params.append(param)
    return params


def _json(schema):
    return {"application/json": {"schema": schema}}


def _operation(op, refs, inline):
    doc = {
        "summary": op.summary,
        "operationId": op.method + op.path.replace("/api/v1", "").replace("/", "_").replace("{", "").replace("}", ""),
        "tags": ["staff" if "/staff" in op.path else "worker"],
    }
    params = [{"name": p, "in": "path", "required": True, "schema": _path_schema(p)} for p in _path_params(op.path)]
    if op.query is not None:
        params += _query_params(op.query, inline[op.query])
    if params:
        doc["parameters"] = params
    if op.auth:
        doc["security"] = [{"bearer": []}]
        roles = f" Staff roles: {', '.join(op.roles)}." if op.roles else ""
        doc["description"] = f"Signed in as {op.auth}.{roles}"
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": _json(refs[(op.body, "validation")])}
    if op.answer is None:
        responses = {str(op.ok): {"description": "Done, no content."}}
    else:
        content = _json(refs[(op.answer, "serialization")])
        for kind in op.files:
            content[MEDIA[kind]] = {"schema": {"type": "string", "contentMediaType": MEDIA[kind]}}
        responses = {str(op.ok): {"description": "Done.", "content": content}}
        if op.ok == 201:
            responses["200"] = {"description": "The same request_id again: the first answer.", "content": content}
    for status, codes in sorted(error_codes(op).items()):
        details = {c: refs[(model, "serialization")] for c, model in op.details.items() if c in codes}
        responses[str(status)] = {"description": "Refused.", "content": _json(_error_schema(codes, details))}
    doc["responses"] = responses
    return doc


@functools.cache
def document():
    """The document (built once per process; a test compares it with docs/openapi.json)."""
    wanted = []
    for op in OPERATIONS:
        if op.body is not None:
            wanted.append((op.body, "validation"))
        if op.answer is not None:
            wanted.append((op.answer, "serialization"))
        wanted += [(model, "serialization") for model in op.details.values()]
    wanted = list(dict.fromkeys(wanted))
    refs, defs = models_json_schema(wanted, ref_template=REF)
    inline = {op.query: op.query.model_json_schema(mode="validation") for op in OPERATIONS if op.query is not None}
    paths = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs, inline)
    return {
        "openapi": "3.1.0",
        "info": {"title": "lingong API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**defs.get("$defs", {}), "Error": ERROR},
        },
        "paths": paths,
    }
