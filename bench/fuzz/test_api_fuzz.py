"""Schemathesis over every operation of /api/v1/openapi.json, with a worker's or a staff member's token:
never a 5xx, and an answer of 4xx changes nothing.

Refused staff logins are counted (KeyValue, the login guard) and audited (AuditLog) on purpose, so those two
tables are left out of the comparison.
"""

import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings

from bench.fuzz.conftest import digest

SKIP = ("AuditLog", "KeyValue")
EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", "40"))


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_5xx_and_refusals_change_nothing(app):
    # schemathesis's own pytest plugin does not load under pytest 9, so each operation gets a hypothesis test here.
    failures, seen = [], {}
    for operation in _operations(app):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            role = "STAFF" if case.path.startswith("/api/v1/staff/") else "WORKER"
            headers = {"Authorization": f"Bearer {app.config[f'FUZZ_{role}_TOKEN']}"}
            before = digest(SKIP)
            response = case.call(headers=headers)
            key = f"{case.method} {case.path}"
            seen.setdefault(key, set()).add(response.status_code)
            assert response.status_code < 500, (key, case.formatted_path, response.status_code, response.text[:300])
            if response.status_code >= 400:
                assert digest(SKIP) == before, (key, response.status_code, response.text[:300])

        try:
            fuzz()
        except AssertionError as exc:
            failures.append(str(exc)[:600])
    print("\n".join(f"{k}: {sorted(v)}" for k, v in sorted(seen.items())))
    assert not failures, "\n".join(failures)
    assert len(seen) >= 35, f"only {len(seen)} operations exercised"
