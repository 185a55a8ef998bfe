"""CLI commands of reconciliation and statements: `flask --app app reconcile --date YYYY-MM-DD` (exit 0 clean,
3 with findings, 4 when another process holds the day, 2 for a bad or future date; today is checked so far, as a
provisional run) and `flask --app app statement ... --out FILE.xlsx`."""

import datetime as dt
import sys
from types import SimpleNamespace

import click

import models
from models import utcnow

EXIT_FINDINGS = 3
EXIT_BUSY = 4
COUNTY = SimpleNamespace(id=None, role="admin", station_id=None)  # the CLI acts for the whole county


def _date(value, name):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint=name) from None


def register(app):
    @app.cli.command("reconcile")
    @click.option("--date", "day", help="business date YYYY-MM-DD (default: yesterday, market time; today: so far)")
    @click.option("--since", help="reconcile every date from this one to yesterday")
    def reconcile(day, since):
        """Reconcile business dates; exit 0 when clean, 3 with findings, 4 when another process holds one.

        Today is not over: it is checked so far (a provisional run, replaced by the nightly one). Future dates are
        refused."""
        from services.clock import business_date
        from services.reconciliation import nightly as reconciliation

        now = utcnow()
        yesterday = business_date(now) - dt.timedelta(days=1)
        first = _date(since, "--since") if since else _date(day, "--date") if day else yesterday
        if first > business_date(now):
            raise click.BadParameter(
                f"{first} is in the future (today is {business_date(now)}, market time)",
                param_hint="--since" if since else "--date",
            )
        last = yesterday if since else first
        code = 0
        with models.db.connection_context():
            current = first
            while current <= last:
                run, ran = reconciliation.reconcile_day(current, utcnow(), force=True)
                _print_run(run, ran)
                if not ran and run.status != "finished":
                    code = max(code, EXIT_BUSY)
                elif run.findings_count:
                    code = max(code, EXIT_FINDINGS)
                current += dt.timedelta(days=1)
        sys.exit(code)

    @app.cli.command("repair-running-totals")
    def repair_running_totals():
        """Recompute account balances and earned totals from the ledger and inspections (after a finding of
        running_balance_off / earned_total_off: the rows are the truth, the totals follow them)."""
        from services.money import ledger

        with models.db.connection_context():
            off = ledger.repair_running_totals()
        for kind, row_id in off:
            click.echo(f"repaired {kind} {row_id}")
        click.echo(f"{len(off)} running total(s) repaired")

    @app.cli.command("statement")
    @click.option("--enterprise", "enterprise_id", type=int)
    @click.option("--worker", "worker_id", type=int)
    @click.option("--month", required=True, help="YYYY-MM")
    @click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False))
    @click.option("--csv", "as_csv", is_flag=True, help="write CSV instead of .xlsx")
    def statement(enterprise_id, worker_id, month, out_path, as_csv):
        """Write an enterprise's or a worker's monthly statement (.xlsx, or CSV with --csv)."""
        from services.errors import DomainError
        from services.money import statement_files
        from services.money import statements

        if (enterprise_id is None) == (worker_id is None):
            raise click.UsageError("give exactly one of --enterprise and --worker")
        try:
            with models.db.connection_context():
                if enterprise_id is not None:
                    data = statements.enterprise_statement(COUNTY, enterprise_id, month)
                else:
                    data = statements.worker_statement(COUNTY, worker_id, month)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        if as_csv:
            with open(out_path, "w", encoding="utf-8-sig", newline="") as f:
                f.write(statement_files.to_csv(data))
        else:
            with open(out_path, "wb") as f:
                f.write(statement_files.to_xlsx(data))
        totals = data["totals"]
        click.echo(
            f"{out_path}: {data['name']} {data['month']} {totals['accepted']} pieces accepted, "
            f"{statement_files.yuan(totals['pieces_fen'])} yuan"
        )


def _print_run(run, ran):
    import json

    summary = json.loads(run.summary or "{}")
    if ran and run.status == "provisional":
        state = (
            f"checked so far, as of {summary.get('as_of')} (the day is not over: provisional, nothing stored "
            "as final; the nightly run replaces it)"
        )
    else:
        state = (
            "reconciled"
            if ran
            else f"not run ({run.status}, held by {run.claimed_by})"
            if run.status != "finished"
            else "already finished"
        )
    click.echo(f"{run.business_date} {state}: {run.findings_count} finding(s)")
    for kind, count in sorted(summary.get("findings", {}).items()):
        click.echo(f"  {kind}: {count}")
    checked = summary.get("checked", {})
    if checked:
        click.echo("  checked: " + ", ".join(f"{k}={v}" for k, v in sorted(checked.items())))
