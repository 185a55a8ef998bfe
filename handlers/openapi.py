"""The OpenAPI 3.1 document of /api/v1, built from a compact table; a test keeps it equal to the routes."""

INT = {"type": "integer"}
STR = {"type": "string"}
POS = {"type": "integer", "minimum": 1}
NONNEG = {"type": "integer", "minimum": 0}
REQ_ID = {"type": "string", "minLength": 1, "maxLength": 64}

# (method, path, summary, auth, request body properties or None, required fields, success status)
OPERATIONS = [
    ("post", "/api/v1/auth/login", "Mini-program login with a wx.login code", None, {"code": STR}, ["code"], 200),
    ("post", "/api/v1/auth/logout", "Sign out: the presented token stops working", "worker", None, [], 204),
    ("get", "/api/v1/me", "The worker's profile", "worker", None, [], 200),
    (
        "patch",
        "/api/v1/me",
        "Set name, home station, real name",
        "worker",
        {"name": STR, "home_station_id": POS, "real_name": STR},
        [],
        200,
    ),
    ("get", "/api/v1/me/qr", "The worker's desk code, shown as a QR for the materials desk", "worker", None, [], 200),
    ("post", "/api/v1/me/phone", "Bind phone with a getuserphonenumber code", "worker", {"code": STR}, ["code"], 200),
    (
        "post",
        "/api/v1/me/oa-bind-code",
        "One-time code to send to the official account (binds it)",
        "worker",
        None,
        [],
        200,
    ),
    ("get", "/api/v1/stations", "The county market and village stations", None, None, [], 200),
    ("get", "/api/v1/jobs", "Open jobs near the worker", "worker", None, [], 200),
    ("get", "/api/v1/jobs/{job_id}", "One job with its materials", "worker", None, [], 200),
    (
        "post",
        "/api/v1/jobs/{job_id}/orders",
        "Take an order (接单) for N pieces",
        "worker",
        {"quantity": POS, "request_id": REQ_ID},
        ["quantity", "request_id"],
        201,
    ),
    ("get", "/api/v1/me/orders", "My orders", "worker", None, [], 200),
    ("get", "/api/v1/orders/{order_id}", "One of my orders", "worker", None, [], 200),
    (
        "post",
        "/api/v1/orders/{order_id}/reports",
        "Report finished pieces",
        "worker",
        {"quantity": POS, "request_id": REQ_ID},
        ["quantity", "request_id"],
        201,
    ),
    ("get", "/api/v1/me/earnings", "Today, owed, in flight and paid", "worker", None, [], 200),
    (
        "get",
        "/api/v1/me/earnings/history",
        "Per order: reported, accepted, rejected, rate, amount",
        "worker",
        None,
        [],
        200,
    ),
    (
        "post",
        "/api/v1/staff/login",
        "Staff sign-in",
        None,
        {"username": STR, "password": STR},
        ["username", "password"],
        200,
    ),
    ("post", "/api/v1/staff/logout", "Staff sign-out: the presented token stops working", "staff", None, [], 204),
    ("get", "/api/v1/staff/stations", "Stations", "staff", None, [], 200),
    (
        "post",
        "/api/v1/staff/stations",
        "Open a station (admin)",
        "staff",
        {
            "name": STR,
            "kind": {"enum": ["market", "village"]},
            "parent_id": POS,
            "address": STR,
            "counsellor_name": STR,
            "counsellor_phone": STR,
        },
        ["name"],
        201,
    ),
    ("get", "/api/v1/staff/enterprises", "Enterprises", "staff", None, [], 200),
    (
        "post",
        "/api/v1/staff/enterprises",
        "Register an enterprise (admin)",
        "staff",
        {"name": STR, "industry": STR, "contact_name": STR, "contact_phone": STR},
        ["name"],
        201,
    ),
    ("get", "/api/v1/staff/jobs", "Jobs at my stations", "staff", None, [], 200),
    (
        "post",
        "/api/v1/staff/jobs",
        "Publish a job",
        "staff",
        {
            "station_id": POS,
            "enterprise_id": POS,
            "title": STR,
            "process": STR,
            "unit_price_fen": POS,
            "total_pieces": POS,
            "per_worker_cap": NONNEG,
            "quality_standard": STR,
            "opens_at": STR,
            "closes_at": STR,
            "materials": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"name": STR, "unit": STR, "per_piece": POS, "loss_permille": NONNEG},
                },
            },
        },
        ["station_id", "enterprise_id", "title", "unit_price_fen", "total_pieces"],
        201,
    ),
    (
        "patch",
        "/api/v1/staff/jobs/{job_id}",
        "Edit a job (new rate applies to new orders)",
        "staff",
        {
            "unit_price_fen": POS,
            "total_pieces": POS,
            "per_worker_cap": NONNEG,
            "quality_standard": STR,
            "title": STR,
            "process": STR,
            "closes_at": STR,
        },
        [],
        200,
    ),
    ("post", "/api/v1/staff/jobs/{job_id}/close", "Close a job to new orders", "staff", None, [], 200),
    ("get", "/api/v1/staff/orders", "Orders at my stations, awaiting inspection first", "staff", None, [], 200),
    ("get", "/api/v1/staff/orders/{order_id}/materials", "Materials issued, returned, used", "staff", None, [], 200),
    (
        "post",
        "/api/v1/staff/orders/{order_id}/materials",
        "Issue or take back materials",
        "staff",
        {"material_id": POS, "kind": {"enum": ["issue", "return"]}, "quantity": POS, "request_id": REQ_ID},
        ["material_id", "kind", "quantity", "request_id"],
        201,
    ),
    (
        "post",
        "/api/v1/staff/orders/{order_id}/inspections",
        "Record an inspection",
        "staff",
        {"accepted": NONNEG, "rejected": NONNEG, "rework": NONNEG, "request_id": REQ_ID, "note": STR},
        ["request_id"],
        201,
    ),
    (
        "post",
        "/api/v1/staff/inspections/{inspection_id}/corrections",
        "Correct an inspection",
        "staff",
        {"accepted": NONNEG, "rejected": NONNEG, "rework": NONNEG, "request_id": REQ_ID, "note": STR},
        ["accepted", "rejected", "rework", "request_id", "note"],
        201,
    ),
    # payouts (issue 4)
    (
        "get",
        "/api/v1/me/payouts/pending",
        "Transfers awaiting my confirmation (wx.requestMerchantTransfer)",
        "worker",
        None,
        [],
        200,
    ),
    (
        "get",
        "/api/v1/me/payouts",
        "My payouts with the pieces each settles, owed and in flight",
        "worker",
        None,
        [],
        200,
    ),
    (
        "post",
        "/api/v1/me/payouts/{payout_id}/confirmed",
        "I confirmed in WeChat: ask WeChat Pay now",
        "worker",
        None,
        [],
        200,
    ),
    (
        "post",
        "/api/v1/staff/payouts/cash",
        "Record a cash payout at the station desk",
        "staff",
        {"worker_id": POS, "amount_fen": POS, "request_id": REQ_ID, "station_id": POS},
        ["worker_id", "request_id"],
        201,
    ),
    # reconciliation and statements (issue 5)
    (
        "get",
        "/api/v1/staff/reconciliation/runs",
        "Nightly reconciliation runs, newest first (admin)",
        "staff",
        None,
        [],
        200,
    ),
    (
        "get",
        "/api/v1/staff/reconciliation/runs/{business_date}",
        "One day's run and its findings (admin)",
        "staff",
        None,
        [],
        200,
    ),
    (
        "post",
        "/api/v1/staff/reconciliation/findings/{finding_id}/acknowledge",
        "Acknowledge a finding (admin)",
        "staff",
        {"note": STR},
        [],
        200,
    ),
    (
        "post",
        "/api/v1/staff/reconciliation/findings/{finding_id}/resolve",
        "Resolve a finding with a note (admin)",
        "staff",
        {"note": STR},
        ["note"],
        200,
    ),
    (
        "get",
        "/api/v1/staff/statements/enterprise/{enterprise_id}",
        "Enterprise monthly statement (?month=YYYY-MM&format=xlsx|csv|json)",
        "staff",
        None,
        [],
        200,
    ),
    (
        "get",
        "/api/v1/staff/statements/worker/{worker_id}",
        "Worker monthly statement (?month=YYYY-MM&format=xlsx|csv|json)",
        "staff",
        None,
        [],
        200,
    ),
]

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
