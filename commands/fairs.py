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
