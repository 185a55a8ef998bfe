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
    from services import payout_sweep

    with models.db.connection_context(), unit.scope():  # notices go once the command's work committed
        states = payout_sweep.sweep_inflight(utcnow())
    click.echo(json.dumps(states, ensure_ascii=False))


@payouts.command("cutoff")
def cutoff():
    """Pay every worker what is owed (the daily cut-off; safe to run again)."""
    from services import payouts as service

    with models.db.connection_context(), unit.scope():  # notices go once the command's work committed
        summary = service.run_cutoff_payouts(utcnow())
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))


@payouts.command("pay")
@click.argument("worker_id", type=int)
def pay(worker_id):
    """Pay one worker what is owed now, within the policy."""
    from services import payouts as service

    with models.db.connection_context(), unit.scope():  # notices go once the command's work committed
        sent, reason = service.payout_for_worker(worker_id, utcnow())
    for payout in sent:
        click.echo(f"{payout.out_bill_no} {payout.amount_fen} fen {payout.state}")
    if reason:
        click.echo(f"not all paid: {reason}")
