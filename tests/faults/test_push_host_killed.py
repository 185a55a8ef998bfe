"""A push whose host dies mid-dispatch is not lost: host A claims a subscribe and is SIGKILLed while it asks WeChat
for the follower's unionid; WeChat's retry reaches host B (this test's app) after A's claim lapsed, and B joins the
worker, once. Runs on the configured database and store (REDIS_URL too)."""

import signal
import subprocess
import sys
import textwrap
import time

import models
from models import Worker
from tests.oa_helpers import oa_endpoint_fixture  # noqa: F401 (fixtures)
from tests.oa_helpers import oa_user_fixture  # noqa: F401
from tests.oa_helpers import reply_text
from wechat import dedupe
from wechat.callback import dedupe_key
from wechat.callback import open_post
from wechat.kvstore import current_store
from wechat.sandbox import store as sandbox
from wechat.sandbox.store import SandboxFault
from wechat.simulate import message_xml
from wechat.simulate import signed_push


def _host(app, args, body):
    """Another host's worker serving one push through the app's own WSGI stack (the push lane)."""
    config = {"TESTING": True, "WECHAT_SANDBOX": True}
    config.update(
        {name: app.config[name] for name in ("DATABASE_URL", "REDIS_URL", "REDIS_PREFIX") if name in app.config}
    )
    script = textwrap.dedent(f"""
        from app import create_app
        app = create_app({config!r})
        app.test_client().post("/wechat/oa", query_string={args!r}, data={body!r}, content_type="text/xml")
    """)
    return subprocess.Popen([sys.executable, "-c", script], cwd=app.root_path, stderr=subprocess.PIPE, text=True)


def _push(client, endpoint, xml):
    args, body = signed_push(endpoint, xml)  # WeChat's retry: the same message, a new nonce
    return client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")


def _kill_in_dispatch(host, hang):
    """SIGKILL `host` once it is inside dispatch (it has taken the planned hang of user/info)."""
    deadline = time.monotonic() + 60
    try:
        while SandboxFault.get_by_id(hang.id).remaining:
            assert host.poll() is None, host.stderr.read()[-2000:]
            assert time.monotonic() < deadline, "host A never reached dispatch"
            time.sleep(0.05)
        host.send_signal(signal.SIGKILL)
        assert host.wait(10) == -signal.SIGKILL
    finally:
        if host.poll() is None:
            host.kill()


def test_retry_after_the_host_died_mid_dispatch_joins_the_worker_once(app, client, login, oa_user, oa_endpoint):
    worker, _ = login("kim")
    openid = oa_user("kim")
    xml = message_xml("gh_lingong", openid, "event", Event="subscribe", EventKey="")
    hang = sandbox.add_fault("cgi-bin/user/info", delay_ms=120_000)  # WeChat slow to answer: A waits in dispatch
    models.db.close()
    host_a = _host(app, *signed_push(oa_endpoint, xml))
    models.db.connect(reuse_if_open=True)
    _kill_in_dispatch(host_a, hang)

    key = dedupe_key(oa_endpoint, open_post(oa_endpoint, *signed_push(oa_endpoint, xml), current_store()))
    assert dedupe.is_claim(current_store().get(key))  # A's claim, left behind
    assert Worker.get_by_id(worker.id).oa_openid is None
    calls = sandbox.add_fault("cgi-bin/user/info", remaining=1000)  # no fault, only counts the user/info calls

    retry = _push(client, oa_endpoint, xml)
    assert retry.status_code == 200 and "欢迎关注" in reply_text(retry)
    joined = Worker.get_by_id(worker.id)
    assert joined.oa_openid == openid and joined.oa_subscribed
    last = _push(client, oa_endpoint, xml)
    assert reply_text(last) == reply_text(retry)  # the third try gets the answer, acts on nothing
    assert 1000 - SandboxFault.get_by_id(calls.id).remaining == 1  # acted once: one user/info call
