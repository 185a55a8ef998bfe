"""What the long fault tests share: a raw HTTP client (status 0 when a killed worker drops the connection),
the results list, the invariant check, and starting the service under gunicorn."""

import http.client
import json
import os

from bench import invariants
from bench import runner
from bench import scenarios

RESULTS = []


def request(method, path, body=None, headers=None, timeout=30):
    """(status, parsed body or text); status 0 when the connection failed (reset by a killed worker)."""
    conn = http.client.HTTPConnection(runner.HOST, runner.PORT, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        answer = conn.getresponse()
        data = answer.read()
        try:
            return answer.status, json.loads(data)
        except ValueError:
            return answer.status, data.decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return 0, None
    finally:
        conn.close()


def post_json(path, token, body):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return request("POST", path, json.dumps(body), headers)


def record(name, db, ok, detail):
    RESULTS.append((name, db, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'} {name}/{db}: {detail}", flush=True)


def state(url):
    database = invariants.bind(url)
    with database.connection_context():
        return invariants.check(), database


def start(url, fixture):
    log = os.path.join(scenarios.OUT, "faults-gunicorn.log")
    return runner.Server("app:create_app()", fixture["env"], log).start()
