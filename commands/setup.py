"""Flask CLI commands: `flask --app app init-db`, `seed-demo`, `create-staff`, `set-password`, `deactivate-staff`."""

import contextlib
import os

import click
from playhouse.migrations import Runner

import models
from models import utcnow

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def migrate_database(sandbox=False):
    """Apply pending migrations (idempotent); with `sandbox`, also make the WeChat sandbox's own tables (the
    migrations never do: they are the service's schema, the sandbox's tables exist only where it runs)."""
    with models.db.connection_context():
        applied = Runner(models.db.obj, directory=MIGRATIONS).up()
        if sandbox:
            from wechat.sandbox import store

            store.create_tables()
        return applied


@contextlib.contextmanager
def _refusals():
    """A service's refusal (unknown username, short password) as a one-line CLI error, not a traceback."""
    from services.errors import DomainError

    try:
        yield
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


def register(app):

    @app.cli.command("init-db")
    def init_db():
        """Create or migrate the schema; safe to run again."""
        applied = migrate_database(sandbox=app.config["WECHAT_SANDBOX"])
        click.echo(f"database ready ({len(applied)} migration(s) applied)")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the Cheng'an demo market (refused in production)."""
        if app.config["LINGONG_ENV"] == "production":
            raise click.ClickException("seed-demo is refused in production")
        from services.reports import demo

        migrate_database(sandbox=app.config["WECHAT_SANDBOX"])
        with models.db.connection_context():
            counts = demo.seed(utcnow())
        click.echo(
            f"demo data ready: {counts}; staff admin / station0..2 / counsellor / trainer0..1, password {demo.DEMO_PASSWORD}"
        )

    @app.cli.command("create-staff")
    @click.option("--username", required=True)
    @click.option("--role", type=click.Choice(["admin", "station", "counsellor"]), required=True)
    @click.option("--station", "station_id", type=int, default=None)
    @click.password_option()
    def create_staff(username, role, station_id, password):
        """Create a staff account."""
        from services.people import accounts

        with models.db.connection_context():
            staff = accounts.create_staff(username, password, role, station=station_id)
        click.echo(f"staff {staff.username} ({staff.role}) created")

    @app.cli.command("set-password")
    @click.option("--username", required=True)
    @click.password_option()
    def set_password(username, password):
        """Set a staff member's password; their tokens and console sessions stop working."""
        from services.people import accounts

        with models.db.connection_context(), _refusals():
            accounts.change_password(username, password, utcnow())
        click.echo(f"password of {username} changed; their sessions are signed out")

    @app.cli.command("deactivate-staff")
    @click.option("--username", required=True)
    def deactivate_staff(username):
        """Stop a staff member signing in; their tokens and console sessions stop working."""
        from services.people import accounts

        with models.db.connection_context(), _refusals():
            accounts.deactivate_staff(username, utcnow())
        click.echo(f"staff {username} deactivated; their sessions are signed out")
