"""Developer controls of the WeChat Pay sandbox on the main app (sandbox mode only): the worker's tap in WeChat,
24 h expiry, notify delivery and faults, as `/_sandbox/pay/*` endpoints and `flask sandbox-pay ...` commands.
"""

import datetime as dt

import click
from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

import models
from models import utcnow
from wechat import pay_app
from wechat.sandbox import pay_bills
from wechat.sandbox import pay_notify
from wechat.sandbox import store
from wechat.sandbox.pay_bills import BillError
from wechat.sandbox.pay_crypto import load_keys
from wechat.sandbox.store import SandboxPayBill

bp = Blueprint("sandbox_pay_dev", __name__, url_prefix="/_sandbox/pay")
bp.before_request(store.ensure_tables)


def _keys():
    pay_app.client_of(current_app)  # makes sure the sandbox keys exist and the settings point at them
    return load_keys(current_app.config["SANDBOX_PAY_KEYS_DIR"])


def deliver_in_process(app, now=None, **faults):
    """Deliver due notifies to this app's own notify endpoint, without a network hop."""
    with app.app_context():
        return pay_notify.deliver_notifies(_keys(), pay_notify.client_sender(app.test_client()), now=now, **faults)


@bp.errorhandler(BillError)
def _bill_error(exc):
    return jsonify({"code": exc.code, "message": exc.message}), exc.status


@bp.post("/confirm")
def confirm():
    """The worker taps 'confirm' in WeChat for a transfer (by package_info or out_bill_no); WeChat notifies us."""
    body = request.get_json(silent=True) or {}
    bill = pay_bills.confirm(body.get("out_bill_no"), body.get("package_info"))
    sent = deliver_in_process(current_app._get_current_object())
    return jsonify({"out_bill_no": bill.out_bill_no, "state": bill.state, "notifies": sent})


@bp.post("/expire")
def expire():
    """Let 24 hours pass for unconfirmed transfers (optionally `hours` more), then notify."""
    hours = float((request.get_json(silent=True) or {}).get("hours", 24))
    expired = pay_bills.expire_unconfirmed(utcnow() + dt.timedelta(hours=hours), notify_at=utcnow())
    return jsonify({"expired": expired, "notifies": deliver_in_process(current_app._get_current_object())})


@bp.get("/bills")
def bills():
    rows = SandboxPayBill.select().order_by(SandboxPayBill.id.desc()).limit(100)
    return jsonify({"bills": [pay_bills.describe(b) for b in rows]})


@click.group("sandbox-pay")
def cli():
    """WeChat Pay sandbox: confirm transfers, expire them, deliver notifies, plan faults."""
    with models.db.connection_context():
        store.ensure_tables()


def _deliver(app, http):
    if http:
        with models.db.connection_context():
            url = app.config.get("WECHATPAY_NOTIFY_URL", "")
            sent = pay_notify.deliver_notifies(_keys(), pay_notify.http_sender(), default_url=url)
    else:
        # the in-process requests open and close the connection themselves (peewee reconnects between them)
        sent = deliver_in_process(app)
    for notify_id, status, kind in sent:
        click.echo(f"{kind} {notify_id}: HTTP {status}")


@cli.command("confirm")
@click.argument("out_bill_no")
@click.option("--http", is_flag=True, help="post the notify to WECHATPAY_NOTIFY_URL of a running service")
def confirm_command(out_bill_no, http):
    """The worker confirms OUT_BILL_NO in WeChat."""
    app = current_app._get_current_object()
    with models.db.connection_context():
        bill = pay_bills.confirm(out_bill_no)
    click.echo(f"{bill.out_bill_no}: {bill.state}")
    _deliver(app, http)


@cli.command("expire")
@click.option("--hours", default=24.0, help="pretend this many hours have passed")
@click.option("--http", is_flag=True)
def expire_command(hours, http):
    """Close transfers left unconfirmed for 24 hours (WeChat returns the money to the merchant)."""
    app = current_app._get_current_object()
    with models.db.connection_context():
        expired = pay_bills.expire_unconfirmed(utcnow() + dt.timedelta(hours=hours), notify_at=utcnow())
    click.echo(f"expired: {', '.join(expired) or 'none'}")
    _deliver(app, http)


@cli.command("deliver")
@click.option("--http", is_flag=True)
def deliver_command(http):
    """Deliver notifies that are due (retries included)."""
    _deliver(current_app._get_current_object(), http)


@cli.command("fault")
@click.argument("name")
@click.option("--status", default=500, help="HTTP status; 599 = time out after the sandbox acted")
@click.option("--times", default=1, help="how many calls it hits (-1: all)")
@click.option("--copies", default=0, help="for pay/notify:duplicate, how many copies")
def fault_command(name, status, times, copies):
    """Plan a fault: pay/transfer-bills, pay/transfer-bills:after, pay/query, pay/cancel, pay/notify:duplicate,
    pay/notify:probe."""
    with models.db.connection_context():
        store.add_fault(name, errcode=copies, status=status, remaining=times)
    click.echo(f"fault planned: {name} status {status} x{times}")


def register(app):
    """Mount the developer controls when the WeChat sandbox is on (never in production)."""
    if app.config.get("WECHAT_SANDBOX"):
        app.register_blueprint(bp)
        app.cli.add_command(cli)
