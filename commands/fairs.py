"""`flask --app app fairs fetch-figures [--fair ID]`: fetch livestream fairs' figures from the Channels API now
(one fair, or every fair the scheduler's job would fetch); a rerun stores a new reading, never edits one."""

import click
from flask.cli import with_appcontext

import models
from models import utcnow


@click.group("fairs")
def fairs():
    """Livestream job fairs (直播带岗)."""


@fairs.command("fetch-figures")
@click.option("--fair", "fair_id", type=int, help="this fair only (default: every fair due, as the scheduler)")
@with_appcontext
def fetch_figures(fair_id):
    """Fetch figures from WeChat Channels; exit 1 when WeChat refused or had no data."""
    from services import unit
    from services.errors import DomainError
    from services.fairs import figures

    with models.db.connection_context(), unit.scope():
        if fair_id is None:
            fetched, failed = figures.fetch_due(utcnow())
            click.echo(f"fetched {fetched} fair(s), {failed} failed")
            if failed:
                raise SystemExit(1)
            return
        try:
            figure = figures.fetch_figures(None, fair_id, utcnow())
        except DomainError as exc:
            raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    click.echo(
        f"fair {fair_id}: {figure.total_audience_count} viewers, peak {figure.max_online_count} (row {figure.id})"
    )


def _sandbox():
    from flask import current_app

    if not current_app.config.get("WECHAT_SANDBOX"):
        raise click.ClickException("only with the WeChat sandbox on")
    from wechat.sandbox import channels
    from wechat.sandbox import store

    store.ensure_tables()
    return channels


@fairs.command("sandbox-live")
@click.argument("export_id")
@click.option("--minutes-ago", default=120, help="the live started this long ago")
@click.option("--duration", default=90, help="minutes")
@click.option("--viewers", default=0, help="total_audience_count")
@click.option("--peak", default=0, help="max_online_count")
@click.option("--avg-seconds", default=0, help="audiences_avg_seconds")
@click.option("--shares", default=0, help="forward_count")
@click.option("--comments", default=0, help="total_comment_count")
@with_appcontext
def sandbox_live(export_id, minutes_ago, duration, viewers, peak, avg_seconds, shares, comments):
    """Sandbox: a closed Channels live with its figures (get_finder_live_data_list answers it)."""
    import time

    with models.db.connection_context():
        item = _sandbox().create_live(
            export_id, time.time() - minutes_ago * 60, duration * 60, total_audience_count=viewers,
            max_online_count=peak, audiences_avg_seconds=avg_seconds, forward_count=shares,
            total_comment_count=comments,
        )  # fmt: skip
    click.echo(f"sandbox live {item['export_id']}: {item['total_audience_count']} viewers")


@fairs.command("sandbox-capability")
@click.argument("state", type=click.Choice(["on", "off"]))
@with_appcontext
def sandbox_capability(state):
    """Sandbox: switch the live-data capability on or off (off: every call answers 48001)."""
    with models.db.connection_context():
        _sandbox().set_capability(state == "on")
    click.echo(f"sandbox Channels live data: {state}")
