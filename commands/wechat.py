"""`flask --app app wechat ...`: push the menu, try the official account from a terminal, read the sandbox.

`simulate` posts a signed (optionally encrypted) push to /wechat/oa exactly as WeChat would, through the
app in-process or to a running server (--url), and prints the reply.
"""

import json

import click
import requests
from flask import current_app
from flask.cli import with_appcontext

import models
from wechat import menu as menu_data
from wechat.callback import Endpoint
from wechat.callback import decrypt_text
from wechat.simulate import message_xml
from wechat.simulate import signed_push
from wechat.xmlsafe import parse_xml


@click.group("wechat")
@with_appcontext
def wechat():
    """Official account: menu, simulated pushes, the sandbox's sent messages and faults."""
    if current_app.config.get("WECHAT_SANDBOX"):
        from wechat.sandbox import store

        with models.db.connection_context():
            store.ensure_tables()


@wechat.command("sync-menu")
@with_appcontext
def sync_menu():
    """Create the official account's menu from wechat/menu.py."""
    client = current_app.extensions["wechat_oa_client"]
    with models.db.connection_context():
        try:
            client.post("menu/create", data=menu_data.payload())
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            raise click.ClickException(f"menu/create failed: {exc}") from exc
    click.echo(f"menu pushed: {len(menu_data.MENU)} top buttons, keys {', '.join(menu_data.click_keys())}")


def _endpoint():
    cfg = current_app.config
    return Endpoint("oa", cfg["WECHAT_OA_TOKEN"], cfg["WECHAT_OA_APPID"], cfg["WECHAT_OA_AES_KEY"])


def _openid(user, openid):
    if openid:
        return openid
    if not current_app.config.get("WECHAT_SANDBOX"):
        raise click.ClickException("outside the sandbox give --openid")
    from wechat.sandbox.oa import oa_user

    name = user[len("test-") :] if user.startswith("test-") else user
    with models.db.connection_context():
        return oa_user(current_app.config["WECHAT_OA_APPID"], name)


def _fields(kind, args):
    value = " ".join(args)
    if kind == "click":
        return "event", {"Event": "CLICK", "EventKey": value}
    if kind == "text":
        return "text", {"Content": value}
    if kind == "voice":
        return "voice", {"MediaId": "simulated", "Format": "amr", "Recognition": value}
    if kind == "subscribe":
        return "event", {"Event": "subscribe", "EventKey": f"qrscene_{value}" if value else ""}
    if kind == "scan":
        return "event", {"Event": "SCAN", "EventKey": value}
    return "event", {"Event": kind, "EventKey": value}


@wechat.command("simulate")
@click.option("--user", default="test-alice", show_default=True, help="sandbox test user (as in the mini-program)")
@click.option("--openid", default="", help="official-account openid (instead of a sandbox user)")
@click.option("--encrypted", is_flag=True, help="safe mode (encrypt_type=aes, msg_signature)")
@click.option("--url", default="", help="post to a running server, e.g. http://127.0.0.1:5000/wechat/oa")
@click.argument("kind", type=click.Choice(["click", "text", "voice", "subscribe", "scan", "unsubscribe"]))
@click.argument("args", nargs=-1)
@with_appcontext
def simulate(user, openid, encrypted, url, kind, args):
    """Post a push as WeChat would, e.g. `simulate --user test-alice click MY_EARNINGS` or `text 收入`."""
    endpoint = _endpoint()
    msg_type, fields = _fields(kind, args)
    import secrets

    xml = message_xml(
        current_app.config["WECHAT_OA_APPID"],
        _openid(user, openid),
        msg_type,
        msg_id=None if msg_type == "event" else secrets.randbelow(10**15),
        **fields,
    )
    query, body = signed_push(endpoint, xml, encrypted=encrypted)
    if url:
        answer = requests.post(url, params=query, data=body, headers={"Content-Type": "text/xml"}, timeout=10)
        status, text = answer.status_code, answer.text
    else:
        answer = current_app.test_client().post("/wechat/oa", query_string=query, data=body, content_type="text/xml")
        status, text = answer.status_code, answer.get_data(as_text=True)
    click.echo(f"HTTP {status}")
    click.echo(_readable(endpoint, text, encrypted and status == 200))


def _readable(endpoint, text, encrypted):
    if not text.startswith("<xml"):
        return text
    fields = parse_xml(text)
    if encrypted and "Encrypt" in fields:
        fields = parse_xml(decrypt_text(endpoint, fields["Encrypt"]))
    return fields.get("Content", text)


@wechat.command("sent")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def sent(limit):
    """What the sandbox 'received': template, subscribe and customer-service messages, menus."""
    from wechat.sandbox.store import SandboxRecord

    kinds = ["template_send", "subscribe_send", "custom_send", "menu"]
    with models.db.connection_context():
        rows = list(
            SandboxRecord.select().where(SandboxRecord.kind.in_(kinds)).order_by(SandboxRecord.id.desc()).limit(limit)
        )
    for row in reversed(rows):
        data = row.data
        fields = {k: v.get("value") for k, v in (data.get("data") or {}).items() if isinstance(v, dict)}
        summary = json.dumps(fields or data, ensure_ascii=False)
        click.echo(f"{row.created_at:%Y-%m-%d %H:%M:%S} {row.kind:<15} {row.target:<30} {summary}")
    if not rows:
        click.echo("nothing sent yet")


@wechat.command("fault")
@click.argument("name")
@click.option("--errcode", default=0, help="e.g. 40001, -1, 45009")
@click.option("--status", default=200, help="HTTP status (599: time out after acting)")
@click.option("--delay-ms", default=0, help="slow answer")
@click.option("--remaining", default=1, help="how many calls it hits (-1: all until cleared)")
@with_appcontext
def fault(name, errcode, status, delay_ms, remaining):
    """Plan a sandbox fault for API path NAME (e.g. cgi-bin/message/template/send, or token_check)."""
    from wechat.sandbox import store

    with models.db.connection_context():
        store.add_fault(name, errcode=errcode, status=status, delay_ms=delay_ms, remaining=remaining)
    click.echo(f"fault planned on {name}")


@wechat.command("clear-faults")
@with_appcontext
def clear_faults():
    from wechat.sandbox import store

    with models.db.connection_context():
        store.clear_faults()
    click.echo("faults cleared")


@wechat.command("deliver-notices")
@click.option("--limit", default=200, show_default=True)
@with_appcontext
def deliver_notices(limit):
    """Send due notices now (the scheduler runs the same every minute)."""
    from services.notices import outbox as notices

    with models.db.connection_context():
        click.echo(json.dumps(notices.deliver_pending(models.utcnow(), limit)))


@wechat.command("daily-summary")
@with_appcontext
def daily_summary():
    """Write today's summary notice for every worker with accepted pieces (services.notices.daily_summary), then deliver."""
    from services.notices import daily_summary as summaries
    from services.notices import outbox as notices

    now = models.utcnow()
    with models.db.connection_context():
        count = summaries.enqueue_daily_summaries(now)
        outcome = notices.deliver_pending(now, 500)
    click.echo(f"{count} summaries; delivery {json.dumps(outcome)}")


@wechat.command("consent")
@click.option("--user", default="test-alice", show_default=True, help="sandbox test user")
@click.option("--kind", default="pieces_accepted", show_default=True, help="notice kind the consent is for")
@click.option("--count", default=1, show_default=True, help="how many one-time consents")
@with_appcontext
def consent(user, kind, count):
    """The user taps 'allow' on a subscribe-message popup: WeChat pushes the event to /wechat/mp (sandbox only)."""
    import time

    from wechat.sandbox.core import fake_id
    from wechat.sandbox.oa import grant_consent

    cfg = current_app.config
    if not cfg.get("WECHAT_SANDBOX"):
        raise click.ClickException("consent is a sandbox command")
    name = user[len("test-") :] if user.startswith("test-") else user
    openid = fake_id("oMP", cfg["WECHAT_MP_APPID"], name)
    template = cfg.get("WECHAT_MP_TEMPLATE_" + kind.upper()) or f"sandbox-mp-{kind}"
    endpoint = Endpoint("mp", cfg["WECHAT_MP_TOKEN"], cfg["WECHAT_MP_APPID"], cfg["WECHAT_MP_AES_KEY"])
    client = current_app.test_client()
    for n in range(count):
        event = {
            "ToUserName": "gh_sandbox_mp",
            "FromUserName": openid,
            "CreateTime": int(time.time()) + n,
            "MsgType": "event",
            "Event": "subscribe_msg_popup_event",
            "List": [{"TemplateId": template, "SubscribeStatusString": "accept", "PopupScene": "0"}],
        }
        query, body = signed_push(endpoint, json.dumps(event), encrypted=True, fmt="json")
        answer = client.post("/wechat/mp", query_string=query, data=body, content_type="application/json")
        if answer.status_code != 200:
            raise click.ClickException(f"/wechat/mp answered {answer.status_code}")
    with models.db.connection_context():
        grant_consent(openid, template, count)
    click.echo(f"{user}: {count} consent(s) for {template}")
