"""CLI commands of payouts (also what the scheduler's jobs run): `flask --app app payouts sweep|cutoff|pay`.

Each command delivers the notices it enqueued once its work has committed, as a request does after its response.
"""

import json

import click

import models
from models import utcnow
from services import unit


@click.group("payouts")
def payouts():
    """Same-day payouts: resolve transfers in flight, run the daily cut-off, pay one worker."""


@payouts.command("sweep")
def sweep():
    """Query every WeChat payout in flight that is due and resolve it (idempotent; run every minute)."""
    from services.payouts import sweep as payout_sweep

    with models.db.connection_context(), unit.scope():  # notices go once the command's work committed
        states = payout_sweep.sweep_inflight(utcnow())
    click.echo(json.dumps(states, ensure_ascii=False))


@payouts.command("cutoff")
def cutoff():
    """Pay every worker what is owed (the daily cut-off; safe to run again)."""
    from services.payouts import transfers as service

    with models.db.connection_context(), unit.scope():  # notices go once the command's work committed
        summary = service.run_cutoff_payouts(utcnow())
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))


# What each payout state means, for the people at the terminal
STATE_TEXT = {
    "CREATED": "已登记，尚未得到微信支付的答复（payouts sweep 会按同一单号查询）",
    "ACCEPTED": "微信支付已受理",
    "PROCESSING": "微信支付处理中",
    "WAIT_USER_CONFIRM": "等待工人在微信确认收款",
    "TRANSFERING": "微信支付转账中",
    "SUCCESS": "已到账",
    "FAIL": "失败，工钱重新计为应付",
    "CANCELING": "撤销中",
    "CANCELLED": "已撤销，工钱重新计为应付",
}
NOT_PAID = frozenset({"FAIL", "CANCELLED"})


def yuan(fen):
    """Integer fen as plain yuan with two decimals: 580 -> '5.80'."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _why(reason, owed, policy):
    """Why (part of) what is owed was not paid, in the policy's own figures."""
    if reason == "below_minimum":
        return f"应付 {yuan(owed)} 元，低于最低付款额 {yuan(policy.min_fen)} 元"
    if reason == "daily_cap":
        return (
            f"还应付 {yuan(owed)} 元，已到每日付款上限（每位工人 {yuan(policy.worker_daily_cap_fen)} 元，"
            f"全商户 {yuan(policy.merchant_daily_cap_fen)} 元），明天再付"
        )
    if reason == "over_transfer_max":
        return (
            f"应付 {yuan(owed)} 元，超过单笔上限 {yuan(policy.max_per_transfer_fen)} 元，"
            "且没有开启拆分（PAYOUT_SPLIT=0）"
        )
    return f"应付 {yuan(owed)} 元（{reason}）"


@payouts.command("pay")
@click.argument("worker_id", type=int)
def pay(worker_id):
    """Pay one worker what is owed now, within the policy; exits 1 when nothing was paid."""
    from models import Worker
    from services.errors import DomainError
    from services.money import ledger
    from services.payouts import policy as payout_policy
    from services.payouts import transfers as service

    policy = payout_policy.current()
    with models.db.connection_context(), unit.scope():  # notices go once the command's work committed
        if Worker.get_or_none(Worker.id == worker_id) is None:
            raise click.ClickException(f"没有编号为 {worker_id} 的工人")
        try:
            sent, reason = service.payout_for_worker(worker_id, utcnow(), policy)
        except DomainError as exc:
            raise click.ClickException(f"没有付款：{exc.message}") from None
        owed = ledger.owed_fen(worker_id)
    for payout in sent:
        state = f"{payout.state}：{STATE_TEXT.get(payout.state, payout.state)}"
        if payout.fail_reason:
            state += f"（{payout.fail_reason}）"
        click.echo(
            f"付款单 {payout.out_bill_no} 金额 {yuan(payout.amount_fen)} 元 ({payout.amount_fen} fen) 状态 {state}"
        )
    if not sent:
        click.echo(f"没有付款：{_why(reason, owed, policy)}")
    elif reason:
        click.echo(f"未全部付款：{_why(reason, owed, policy)}")
    if all(payout.state in NOT_PAID for payout in sent):
        raise SystemExit(1)
