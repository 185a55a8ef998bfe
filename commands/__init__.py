"""The one CLI entry (`flask --app app …`): setting up (init-db, seed-demo, staff accounts), reconciliation and
statements, payouts, livestream fairs' figures, and the WeChat tools (simulate pushes, menu, notices). Each command is a thin wrapper around a
service verb, run with a connection of its own and one unit-of-work scope (its after-commit work runs after it)."""

from commands import fairs
from commands import payouts
from commands import reconcile
from commands import setup
from commands import wechat


def register(app):
    setup.register(app)
    reconcile.register(app)
    app.cli.add_command(payouts.payouts)
    app.cli.add_command(wechat.wechat)
    app.cli.add_command(fairs.fairs)
