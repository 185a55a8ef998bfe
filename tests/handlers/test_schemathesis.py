"""Schemathesis over every operation of the document: generated requests (a bounded number per operation),
answered through the real app, with its conformance checks on: no 5xx, only documented statuses and content
types, and every answer inside its schema. Workers' and staff's operations run signed in, on a small market
(tests/handlers/test_fuzz_edge.py's world: orders, a payout waiting, a reconciliation finding)."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from schemathesis.checks import content_type_conformance
from schemathesis.checks import not_a_server_error
from schemathesis.checks import response_schema_conformance
from schemathesis.checks import status_code_conformance

from handlers.contract.document import document
from tests.handlers.test_fuzz_edge import world  # noqa: F401 - the fixture

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES = 12


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_every_operation_conforms(app, world, operation):  # noqa: F811 - world is the fixture
    secured = operation.definition.raw.get("security")
    auth = "staff" if "/staff/" in operation.path else ("worker" if secured else None)
    auth = "employer" if "/employer/" in operation.path and secured else auth
    headers = world["headers"][auth]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def conforms(case):
        response = case.call(app=app, headers=headers)
        case.validate_response(response, checks=CHECKS)

    conforms()
