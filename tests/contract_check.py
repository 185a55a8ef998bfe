"""The answer hook: every answer of /api/v1 that any test gets is checked against the generated OpenAPI document
(its status must be documented for the operation, a JSON answer must match that status's schema, error codes
included). Installed on every test app; a test whose answers broke the contract fails at teardown."""

import functools
import json
import os

import jsonschema
from flask import request

from handlers.contract.document import document
from handlers.edge import operation_for

KEY = "contract_violations"


@functools.cache
def _validator(path, method, status):
    """A validator of one documented answer, or None when the status is not documented."""
    doc = document()
    response = doc["paths"][path][method]["responses"].get(str(status))
    if response is None:
        return None
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return False  # documented without a JSON body (204, or a download)
    rooted = dict(schema, components=doc["components"])  # "#/components/…" resolves against this root
    return jsonschema.Draft202012Validator(rooted, format_checker=jsonschema.FormatChecker())


def install(app):
    app.extensions[KEY] = []

    @app.after_request
    def _check_answer(response):
        rule = request.url_rule
        if rule is None or not request.path.startswith("/api/v1") or rule.rule.endswith(("openapi.json", "/docs")):
            return response
        op = operation_for(request.method, rule.rule)
        where = f"{request.method} {rule.rule} -> {response.status_code}"
        if op is None:
            app.extensions[KEY].append(f"{where}: the route is not in the contract")
            return response
        validator = _validator(op.path, op.method, response.status_code)
        if validator is None:
            app.extensions[KEY].append(f"{where}: status not documented")
        elif validator and response.mimetype == "application/json":
            body = json.loads(response.get_data())
            for error in validator.iter_errors(body):
                app.extensions[KEY].append(f"{where}: {error.json_path}: {error.message[:300]}")
        return response


def assert_conforming(app):
    violations = app.extensions.get(KEY, [])
    if violations and os.environ.get("CONTRACT_LOG"):  # to list them all in one run: CONTRACT_LOG=file pytest
        with open(os.environ["CONTRACT_LOG"], "a", encoding="utf-8") as log:
            log.write("\n".join(violations) + "\n")
    assert not violations, "answers outside the OpenAPI document:\n" + "\n".join(violations[:20])
