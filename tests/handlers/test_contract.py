"""The contract: typed operations, the committed snapshot, no silent breaking change, and the answer hook."""

import copy
import json

from handlers.contract import compat
from handlers.contract import snapshot
from handlers.contract.document import VERSION
from handlers.contract.document import document
from tests import contract_check


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_answer_and_parameter_is_typed():
    doc = document()
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            for param in op.get("parameters", []):
                assert "type" in param["schema"], f"{method} {path} {param['name']}: untyped parameter"
            for status, response in op["responses"].items():
                for media, content in response.get("content", {}).items():
                    schema = content["schema"]
                    if media != "application/json":
                        assert schema.get("contentMediaType") == media
                        continue
                    schema = _resolve(doc, schema.get("allOf", [schema])[0])
                    assert schema.get("properties"), f"{method} {path} {status}: a bare object"
                    assert schema.get("required"), f"{method} {path} {status}: nothing required"
            assert any(s.startswith("2") for s in op["responses"]), f"{method} {path}: no success answer"
            errors = [s for s in op["responses"] if s[0] in "45"]
            assert errors, f"{method} {path}: no error answers listed"


def test_the_committed_snapshot_is_the_codes_document():
    committed = (snapshot.DOCS / "openapi.json").read_text(encoding="utf-8")
    assert committed == snapshot.text(document()), "docs/openapi.json is stale: python -m handlers.contract.snapshot"


def test_no_breaking_change_since_this_major_versions_baseline():
    path = snapshot.baseline_path()
    assert path.exists(), f"version {VERSION} has no baseline: python -m handlers.contract.snapshot --freeze"
    baseline = json.loads(path.read_text(encoding="utf-8"))
    assert compat.breaking_changes(baseline, document()) == []


def test_the_breaking_check_finds_a_removed_field_a_changed_type_and_a_new_required_field():
    old = document()
    new = copy.deepcopy(old)
    schemas = new["components"]["schemas"]
    del schemas["Order"]["properties"]["rate_fen"]
    schemas["Job"]["properties"]["taken"] = {"type": "string"}
    schemas["TakeOrder"]["properties"]["note"] = {"type": "string"}
    schemas["TakeOrder"]["required"].append("note")
    del new["paths"]["/api/v1/me/earnings"]
    found = compat.breaking_changes(old, new)
    assert "GET /api/v1/me/earnings: removed" in found
    assert "POST /api/v1/jobs/{job_id}/orders 201.rate_fen: removed" in found
    assert "GET /api/v1/jobs/{job_id} 200.taken: type changed" in found
    assert "POST /api/v1/jobs/{job_id}/orders body.note: newly required" in found
    added = copy.deepcopy(old)
    added["components"]["schemas"]["Order"]["properties"]["new_field"] = {"type": "string"}
    assert compat.breaking_changes(old, added) == []


def test_the_hook_refuses_an_answer_outside_its_schema():
    validator = contract_check._validator("/api/v1/orders/{order_id}/reports", "post", 201)
    good = {"id": 1, "order_id": 2, "quantity": 3, "request_id": "r", "created_at": "2026-01-01T00:00:00Z"}
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors(dict(good, quantity="3")))
    refused = contract_check._validator("/api/v1/orders/{order_id}/reports", "post", 409)
    assert not list(refused.iter_errors({"error": {"code": "too_many_pieces", "message": "报数超过了"}}))
    assert list(refused.iter_errors({"error": {"code": "no_such_code", "message": "x"}}))
    assert contract_check._validator("/api/v1/orders/{order_id}/reports", "post", 418) is None
