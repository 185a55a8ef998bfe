"""Fuzzing the edge: every write endpoint of the served OpenAPI document answers malformed input (JSON nested
20,000 deep, a lone surrogate or a NUL in any text or key, a field of the wrong type) with a 400 JSON error in
Chinese, never 500 or 503, and the database is unchanged; a NUL in any GET's query or path is a 400 too.

A worker and a staff admin are signed in, and every path names a real object, so each payload reaches the
validation it is meant for: `test_base_bodies_are_accepted` shows that each endpoint takes its base body."""

import datetime as dt
import json
import re

import pytest

import models
from handlers.contract.operations import OPERATIONS
from services.clock import business_date
from services.fairs import events as fair_events
from services.payouts import transfers as payouts
from services.survey import records as survey_records
from tests.handlers.recruit_world import recruit_bodies
from tests.handlers.recruit_world import recruit_world
from tests.handlers.training_world import training_bodies
from tests.handlers.training_world import training_world
from wechat.sandbox import channels as sandbox_channels

CHINESE = re.compile(r"[\u4e00-\u9fff]")
DEEP = "[" * 20000 + "]" * 20000
WRITES = [(o.method, o.path) for o in OPERATIONS if o.method in ("post", "put", "patch", "delete")]
READS = [o.path for o in OPERATIONS if o.method == "get"]
QUERY_NAMES = (
    "status",
    "limit",
    "before_id",
    "station_id",
    "job_id",
    "worker_id",
    "month",
    "format",
    "skill",
    "kind",
    "lane",
    "x",
    "enterprise_id",
    "all_versions",
    "from_month",
    "to_month",
)


def base_bodies(w):
    """A body each write endpoint accepts in `w` (None: the endpoint reads no body)."""
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).isoformat()
    return {
        ("post", "/api/v1/auth/login"): {"code": "test-zed"},
        ("patch", "/api/v1/me"): {"name": "张三", "home_station_id": w["station"].id, "real_name": "张三"},
        ("post", "/api/v1/me/phone"): {"code": "phone-13800000000"},
        ("post", "/api/v1/me/oa-bind-code"): None,
        ("post", "/api/v1/auth/logout"): None,
        ("post", "/api/v1/staff/logout"): None,
        ("post", "/api/v1/jobs/{job_id}/orders"): {"quantity": 1, "request_id": "fz-order"},
        ("post", "/api/v1/orders/{order_id}/reports"): {"quantity": 1, "request_id": "fz-report"},
        ("post", "/api/v1/staff/login"): {"username": "admin", "password": "admin-password"},
        ("post", "/api/v1/staff/stations"): {
            "name": "新驿站",
            "kind": "village",
            "parent_id": w["station"].id,
            "address": "新村",
            "counsellor_name": "李四",
            "counsellor_phone": "13900000000",
        },
        ("post", "/api/v1/staff/enterprises"): {
            "name": "新企业",
            "industry": "鞋灯",
            "contact_name": "王五",
            "contact_phone": "13700000000",
        },
        ("post", "/api/v1/staff/jobs"): {
            "station_id": w["station"].id,
            "enterprise_id": w["job"].enterprise_id,
            "title": "新工作",
            "process": "组装",
            "unit_price_fen": 8,
            "total_pieces": 20,
            "per_worker_cap": 5,
            "quality_standard": "无划痕",
            "opens_at": "2024-01-01T08:00:00+08:00",
            "closes_at": later,
            "materials": [{"name": "卡扣", "unit": "个", "per_piece": 1, "loss_permille": 0}],
        },
        ("patch", "/api/v1/staff/jobs/{job_id}"): {
            "unit_price_fen": 11,
            "total_pieces": 200,
            "per_worker_cap": 0,
            "quality_standard": "无划痕",
            "title": "改名",
            "process": "组装",
            "closes_at": later,
        },
        ("post", "/api/v1/staff/jobs/{job_id}/close"): None,
        ("post", "/api/v1/staff/orders/{order_id}/materials"): {
            "material_id": w["material_id"],
            "kind": "issue",
            "quantity": 1,
            "request_id": "fz-move",
        },
        ("post", "/api/v1/staff/orders/{order_id}/inspections"): {
            "accepted": 1,
            "rejected": 0,
            "rework": 0,
            "request_id": "fz-qc",
            "note": "好",
        },
        ("post", "/api/v1/staff/inspections/{inspection_id}/corrections"): {
            "accepted": 3,
            "rejected": 1,
            "rework": 0,
            "request_id": "fz-fix",
            "note": "点错了",
        },
        ("post", "/api/v1/me/payouts/{payout_id}/confirmed"): None,
        ("post", "/api/v1/staff/payouts/cash"): {
            "worker_id": w["bob"].id,
            "amount_fen": 1,
            "request_id": "fz-cash",
            "station_id": w["station"].id,
        },
        ("post", "/api/v1/staff/reconciliation/findings/{finding_id}/acknowledge"): {"note": "看过了"},
        ("post", "/api/v1/staff/reconciliation/findings/{finding_id}/resolve"): {"note": "已处理"},
        **recruit_bodies(w),
        ("post", "/api/v1/fairs/{fair_id}/reservation"): None,
        ("delete", "/api/v1/fairs/{fair_id}/reservation"): None,
        ("post", "/api/v1/staff/fairs"): {
            "station_id": w["station"].id,
            "title": "春风行动直播带岗",
            "starts_at": "2026-06-01T09:00:00+08:00",
            "ends_at": "2026-06-01T11:00:00+08:00",
            "finder_username": "sphChengAn",
            "export_id": "export/fz-2",
            "notice_id": "notice-2",
            "description": "县人社局主办",
            "request_id": "fz-fair",
        },
        ("post", "/api/v1/staff/fairs/{fair_id}/posts"): {"post_ids": [1, 2], "request_id": "fz-posts"},
        ("post", "/api/v1/staff/fairs/{fair_id}/figures/fetch"): None,
        ("post", "/api/v1/staff/fairs/{fair_id}/figures"): {
            "source": "抖音",
            "total_audience_count": 100,
            "max_online_count": 10,
            "audiences_avg_seconds": 60,
            "forward_count": 2,
            "total_comment_count": 3,
            "note": "其他平台",
            "request_id": "fz-figure",
        },
        ("post", "/api/v1/staff/surveys"): {
            "enterprise_id": w["job"].enterprise_id,
            "surveyed_on": "2026-03-02",
            "period": "2026-Q1",
            "current_staff": 30,
            "skills": ["缝纫"],
            "demand": [{"month": "2026-05", "season": None, "positions": 5}],
            "note": "旺季缺人",
            "request_id": "fz-survey",
        },
        ("post", "/api/v1/staff/surveys/{survey_id}/corrections"): {
            "surveyed_on": "2026-03-03",
            "period": "2026-Q1",
            "current_staff": 31,
            "skills": ["包装"],
            "demand": [{"month": None, "season": "peak", "positions": 8}],
            "note": "更正",
            "request_id": "fz-survey-fix",
        },
        **training_bodies(w),
    }


@pytest.fixture
def world(app, client, login, admin, make_station, make_job, staff_headers):
    """Alice with an order (3 pieces awaiting inspection) and a WeChat payout waiting for her; Bob owed money
    for an inspection; an open reconciliation finding; the admin signed in."""
    station = make_station("驿站甲")
    job = make_job(station=station, total_pieces=100)
    alice, alice_h = login("alice")
    bob, bob_h = login("bob")
    admin_h = staff_headers(admin, "admin-password")

    def post(url, headers, body):
        answer = client.post(url, headers=headers, json=body)
        assert answer.status_code in (200, 201), answer.get_json()
        return answer.get_json()

    order = post(f"/api/v1/jobs/{job.id}/orders", alice_h, {"quantity": 10, "request_id": "w-o1"})
    post(f"/api/v1/orders/{order['id']}/reports", alice_h, {"quantity": 5, "request_id": "w-r1"})
    post(f"/api/v1/staff/orders/{order['id']}/inspections", admin_h, {"accepted": 5, "request_id": "w-q1"})
    post(f"/api/v1/orders/{order['id']}/reports", alice_h, {"quantity": 3, "request_id": "w-r2"})
    bob_order = post(f"/api/v1/jobs/{job.id}/orders", bob_h, {"quantity": 4, "request_id": "w-o2"})
    post(f"/api/v1/orders/{bob_order['id']}/reports", bob_h, {"quantity": 4, "request_id": "w-r3"})
    qc = post(f"/api/v1/staff/orders/{bob_order['id']}/inspections", admin_h, {"accepted": 4, "request_id": "w-q2"})
    carol, _ = login("carol")
    recruit = recruit_world(admin, alice, bob, carol, staff_headers)
    (payout,), _ = payouts.payout_for_worker(alice, models.utcnow())
    run = models.ReconRun.create(business_date=business_date(models.utcnow()), status="finished")
    finding = models.ReconFinding.create(run=run, kind="test", message="对不上")
    fair, survey = _fair_and_survey(station, job, admin, alice)
    training = training_world(admin, station, job, alice, bob, staff_headers)
    return {
        **training,
        "station": station,
        "job": job,
        "bob": bob,
        "material_id": job.materials[0].id,
        "run": run,
        "headers": {None: {}, "worker": alice_h, "staff": admin_h, "employer": recruit["headers"]},
        "paths": recruit["paths"],
        "path": {
            "job_id": job.id,
            "order_id": order["id"],
            "inspection_id": qc["id"],
            "payout_id": payout.id,
            "finding_id": finding.id,
            "business_date": run.business_date.isoformat(),
            "enterprise_id": job.enterprise_id,
            "worker_id": alice.id,
            **recruit["path"],
            "fair_id": fair.id,
            "survey_id": survey.id,
            **training["path"],
        },
    }


def _fair_and_survey(station, job, admin, alice):
    """A fair on now (its live closed in the sandbox, Alice reserved) and an employer visit."""
    now = models.utcnow()
    fair = fair_events.create_fair(admin, {"station_id": station.id, "title": "直播带岗", "export_id": "export/fz",
                                           "starts_at": (now - dt.timedelta(hours=1)).isoformat() + "Z",
                                           "ends_at": (now + dt.timedelta(hours=2)).isoformat() + "Z"}, now)  # fmt: skip
    sandbox_channels.create_live("export/fz", (now - dt.timedelta(hours=2)).timestamp(), 1800, total_audience_count=9)
    fair_events.reserve(alice, fair.id, now)
    survey = survey_records.record_survey(
        admin, {"enterprise_id": job.enterprise_id, "surveyed_on": "2026-03-01", "period": "2026-Q1"}, now
    )
    return fair, survey


def _operation(method, path):
    """(auth, body properties as plain JSON schemas, success status) of the contract's operation."""
    (op,) = [o for o in OPERATIONS if o.method == method and o.path == path]
    if op.body is None:
        return op.auth, None, op.ok
    schema = op.body.model_json_schema()
    defs = schema.get("$defs", {})

    def plain(prop):
        prop = next((p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"), prop)
        if "$ref" in prop:
            prop = defs[prop["$ref"].rsplit("/", 1)[1]]
        if "items" in prop:
            prop = dict(prop, items=plain(prop["items"]))
        return prop

    return op.auth, {name: plain(prop) for name, prop in schema["properties"].items()}, op.ok


def _url(world, path):
    ids = dict(world["path"], **world.get("paths", {}).get(path, {}))
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def snapshot():
    """Every row of every model: a refused request must leave all of them as they were."""
    return {m.__name__: sorted(map(repr, m.select().tuples())) for m in models.ALL_MODELS}


def raw(body):
    """JSON text with \\uXXXX escapes, so a lone surrogate travels as JSON sends it."""
    return json.dumps(body, ensure_ascii=True)


def _bad_values(schema):
    """Values of the wrong type or with text no database stores, for a field declared by `schema`."""
    if "enum" in schema:
        return [[schema["enum"][0]], 1, True, {"a": schema["enum"][0]}, "\ud800", schema["enum"][0] + "\x00"]
    kind = schema.get("type", "object")
    if kind == "string":
        return ["\ud800", "a\ud800b", "a\x00b", "\x00", 1, 1.5, True, ["a"], {"a": "b"}]
    if kind == "integer":
        return [[], [1], [1, 2], [[1]], {}, {"id": 1}, True, False, 1.5, "1", "\x00"]
    if schema.get("items", {}).get("type") == "integer":  # an array of ids or weekdays
        return ["x", 1, {"a": 1}, ["x"], [True], [[1]], [1.5], [0], [None]]
    return ["x", 1, {"a": 1}, [1], [["x"]]]  # an array of objects


def _cases(base, props):
    """(label, JSON text) of the malformed bodies for an endpoint with base body `base`."""
    body = base or {}
    yield "20,000 levels", DEEP
    yield "20,000 levels in a field", raw(dict(body, x=None))[:-1] + ', "deep": ' + DEEP + "}"
    yield "33 levels in a field", raw(dict(body, deep=json.loads("[" * 33 + "]" * 33)))
    yield "lone surrogate key", raw(dict(body, **{"\ud800": 1}))
    yield "NUL key", raw(dict(body, **{"a\x00": 1}))
    yield "NaN", raw(body)[:-1] + (", " if body else "") + '"n": NaN}'
    if not props:
        yield "lone surrogate text", raw(dict(body, x="\udfff"))
        yield "NUL text", raw(dict(body, x="\x00"))
    for name, schema in (props or {}).items():
        for value in _bad_values(schema):
            yield f"{name}={value!r}", raw(dict(body, **{name: value}))
        item_props = schema.get("items", {}).get("properties", {})
        for item_name, item_schema in item_props.items():
            for value in _bad_values(item_schema):
                item = dict((body.get(name) or [{}])[0], **{item_name: value})
                yield f"{name}[0].{item_name}={value!r}", raw(dict(body, **{name: [item]}))


def assert_refused(answer, label):
    assert answer.status_code == 400, f"{label}: {answer.status_code} {answer.get_data(as_text=True)[:300]}"
    error = answer.get_json()["error"]
    assert error["code"] and isinstance(error["code"], str), label
    assert CHINESE.search(error["message"]), f"{label}: {error['message']}"


def test_every_write_endpoint_is_in_the_table(client, world):
    """The table covers what the served document lists: a new write endpoint needs a base body here."""
    served = client.get("/api/v1/openapi.json").get_json()["paths"]
    writes = {(m, p) for p, ops in served.items() for m in ops if m in ("post", "put", "patch", "delete")}
    assert writes == set(WRITES) == set(base_bodies(world))


@pytest.mark.parametrize("method,path", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_base_bodies_are_accepted(client, world, method, path):
    auth, _props, status = _operation(method, path)
    base = base_bodies(world)[(method, path)]
    answer = client.open(
        _url(world, path),
        method=method.upper(),
        headers=world["as"].get((method, path), world["headers"][auth]),
        data=raw(base) if base is not None else None,
        content_type="application/json",
    )
    assert answer.status_code in (200, status), answer.get_data(as_text=True)[:300]


@pytest.mark.parametrize("method,path", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_malformed_bodies_are_400_and_change_nothing(client, world, method, path):
    auth, props, _ = _operation(method, path)
    url, headers = _url(world, path), world["as"].get((method, path), world["headers"][auth])
    before = snapshot()
    for label, text in _cases(base_bodies(world)[(method, path)], props):
        answer = client.open(
            url, method=method.upper(), headers=headers, data=text.encode("utf-8"), content_type="application/json"
        )
        assert_refused(answer, label)
        assert snapshot() == before, label


def test_nul_in_any_query_or_path_is_400(client, world):
    """Every GET of the document (one world for all: nothing here writes)."""
    before = snapshot()
    for path in READS:
        auth, _, _ = _operation("get", path)
        url, headers = _url(world, path), world["headers"][auth]
        for name in QUERY_NAMES:
            assert_refused(client.get(f"{url}?{name}=%00", headers=headers), f"{url}?{name}=%00")
            assert_refused(client.get(f"{url}?{name}=a%00b", headers=headers), f"{url}?{name}=a%00b")
        assert_refused(client.get(f"{url}?%00=1", headers=headers), f"{url}?%00=1")
        if "{" in path:
            nul_path = re.sub(r"\{\w+\}", "1%00", path, count=1)
            answer = client.get(nul_path, headers=headers)
            assert answer.status_code in (400, 404), f"{nul_path}: {answer.status_code}"
            assert answer.get_json()["error"]["code"]
    assert snapshot() == before


def test_undecodable_and_unicode_digit_queries_are_not_500(client, world):
    headers = world["headers"]["worker"]
    for query in ("status=%ED%A0%80", "status=%FF", "limit=%C2%B2", "limit=%EF%BC%91", "before_id=1e3"):
        answer = client.get("/api/v1/me/orders?" + query, headers=headers)
        assert answer.status_code in (200, 400), f"{query}: {answer.status_code}"
        assert answer.status_code == 200 or answer.get_json()["error"]["code"]
    assert_refused(client.get("/api/v1/me/orders?limit=%C2%B2", headers=headers), "limit=²")  # a digit to isdigit


def _csrf(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_console_forms_refuse_nul_and_change_nothing(app, client, world):
    """Every console form (POST route), signed in as the admin: a NUL in any field is refused before the view."""
    signed_in = client.post(
        "/console/login",
        data={"username": "admin", "password": "admin-password", "csrf_token": _csrf(client, "/console/login")},
    )
    assert signed_in.status_code == 303
    token = _csrf(client, "/console/")
    ids = dict(world["path"], station_id=world["station"].id, worker_id=world["bob"].id, movement_id=1)
    before = snapshot()
    posts = [r for r in app.url_map.iter_rules() if r.rule.startswith("/console") and "POST" in r.methods]
    assert len(posts) > 5
    for rule in posts:
        if rule.endpoint == "console.logout":
            continue
        url = re.sub(r"<any\((\w+)[^>]*>", r"\1", rule.rule)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), url)
        for field in ("title", "name", "note", "quantity", "username", "x"):
            form = {"csrf_token": token, "request_id": "fz-form", "step": "confirm", field: "a\x00b"}
            answer = client.post(url, data=form)
            # the console's own answers (a flash and back, or its error page), not the API's JSON
            assert answer.status_code in (303, 400) and answer.mimetype == "text/html", f"{url} {field}"
            assert snapshot() == before, f"{url} {field}"
    assert client.get("/console/audit?action=%00").status_code == 400
    assert client.get("/console/").status_code == 200  # still signed in: nothing was undone either


def test_a_list_where_an_id_goes_is_400_not_busy(client, world):
    """`material_id: [1, 2]` reached SQLite as a row value ("row value misused", an OperationalError), which was
    answered 503 "busy" with Retry-After; `[1]` even issued material 1."""
    url = _url(world, "/api/v1/staff/orders/{order_id}/materials")
    before = snapshot()
    for material_id in ([world["material_id"], 2], [world["material_id"]], [], {"id": 1}):
        body = {"material_id": material_id, "kind": "issue", "quantity": 1, "request_id": "fz-list"}
        answer = client.post(url, headers=world["headers"]["staff"], json=body)
        assert_refused(answer, repr(material_id))
        assert "Retry-After" not in answer.headers
        assert answer.get_json()["error"]["code"] == "invalid_material_id"
    assert snapshot() == before


def test_console_numbers_that_int_cannot_read_are_refused(client, world):
    """A console form's "²" (a digit to str.isdigit, no number to int) or "inf" (a float round() cannot take) was
    a 500 page."""
    client.post(
        "/console/login",
        data={"username": "admin", "password": "admin-password", "csrf_token": _csrf(client, "/console/login")},
    )
    token = _csrf(client, "/console/")
    order, job = world["path"]["order_id"], world["job"]
    job_form = {
        "station_id": str(world["station"].id),
        "enterprise_id": str(job.enterprise_id),
        "title": "新工作",
        "unit_price": "0.10",
        "total_pieces": "20",
        "material_name_0": "卡扣",
    }
    forms = [
        (
            f"/console/orders/{order}/materials",
            {"material_id": str(world["material_id"]), "kind": "issue", "quantity": "²"},
        ),
        (f"/console/orders/{order}/materials", {"material_id": "²", "kind": "issue", "quantity": "1"}),
        (f"/console/orders/{order}/inspect", {"accepted": "²", "step": "confirm"}),
        ("/console/jobs", dict(job_form, total_pieces="²")),
        ("/console/jobs", dict(job_form, material_loss_0="inf")),
    ]
    before = snapshot()
    for url, form in forms:
        answer = client.post(url, data=dict(form, csrf_token=token, request_id="fz-num"))
        assert answer.status_code in (303, 400) and answer.mimetype == "text/html", f"{url} {form}"
        assert snapshot() == before, f"{url} {form}"
    station = client.post(
        "/console/stations",
        data={"csrf_token": token, "request_id": "fz-st", "name": "新驿站", "kind": "village", "parent_id": "²"},
    )
    assert station.status_code == 303  # no parent given, as for any other parent that is no id
