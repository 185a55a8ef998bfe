"""A production configuration never imports the WeChat sandbox (the emulator is only where it runs)."""

import json
import os
import subprocess
import sys

SCRIPT = """
import json, sys
from app import create_app
app = create_app({"DATABASE_URL": sys.argv[1]})
with app.test_client() as client:
    health = client.get("/healthz").status_code
print(json.dumps({"health": health, "sandbox": sorted(m for m in sys.modules if m.startswith("wechat.sandbox")),
                  "routes": sorted(r.rule for r in app.url_map.iter_rules() if "sandbox" in r.rule)}))
"""


def test_a_production_app_imports_no_sandbox_module(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT", "LINGONG_", "SANDBOX_", "DATABASE_URL"))}
    env.update(
        LINGONG_ENV="production", SECRET_KEY="a-production-secret", WECHAT_SANDBOX="0",
        WECHAT_MP_APPID="wx0000000000000001", WECHAT_MP_SECRET="mp-secret",
        WECHAT_OA_APPID="wx0000000000000002", WECHAT_OA_SECRET="oa-secret",
        WECHAT_OA_TOKEN="oa-token", WECHAT_OA_AES_KEY="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    )  # fmt: skip
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, "sqlite:///" + str(tmp_path / "prod.db")],
        cwd=root, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["sandbox"] == [] and seen["routes"] == []
    assert seen["health"] in (200, 503)  # the app answers; its schema was never made, which is not this test's point
