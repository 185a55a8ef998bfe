"""Console money pages: the payouts board and cash at the desk, reconciliation runs and findings (admins), and
monthly statements downloaded as .xlsx (every download is audited)."""

from flask import Response
from flask import g
from flask import render_template
from flask import request
from flask import url_for

from handlers.common import now
from handlers.console.blueprint import bp
from handlers.console.common import form_fen
from handlers.console.common import form_int
from handlers.console.common import form_text
from handlers.console.common import once
from handlers.console.common import signed_in
from handlers.console.common import writer
from models import Enterprise
from services.clock import business_date
from services.errors import BadRequest
from services.money import statement_files
from services.money import statements
from services.payouts import board as payout_board
from services.payouts import cash as payout_cash
from services.people import directory
from services.people.scope import station_ids_for
from services.reconciliation import findings as recon_queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = (
    ("awaiting", "待工人确认"),
    ("in_flight", "发放中"),
    ("failed", "失败 / 已撤销"),
    ("done", "已到账"),
    ("owed", "待发工钱"),
)


@bp.get("/payouts")
@signed_in()
def payouts():
    scope, tab = station_ids_for(g.staff), request.args.get("tab", "awaiting")
    if tab not in dict(TABS):
        raise BadRequest("没有这个分类", code="invalid_tab")
    rows = payout_board.owed_workers(scope) if tab == "owed" else payout_board.payouts(scope, tab, now())
    return render_template(
        "console/payouts.html",
        title="发薪",
        tab=tab,
        tabs=TABS,
        rows=rows,
        counts=payout_board.counts(scope, now()),
        stations=directory.stations_for(g.staff),
    )


@bp.post("/workers/<int:worker_id>/cash")
@writer()
def cash_payout(worker_id):
    def act(request_id):
        amount = form_fen("amount", "现金金额", required=False)
        station = form_int("station_id", "驿站", required=False) or None
        payout_cash.record_cash_payout(g.staff, worker_id, amount, request_id, now(), station)

    return once(act, url_for("console.payouts", tab="done"), "已记录现金发放")


@bp.get("/recon")
@signed_in("admin")
def recon():
    runs = recon_queries.runs(limit=60)
    day = request.args.get("date")
    run = recon_queries.run_for(day, now()) if day else (runs[0] if runs else None)
    findings = recon_queries.findings_for(run) if run is not None else []
    acted = {f["id"]: f for f in recon_queries.finding_dicts(findings)}
    return render_template("console/recon.html", title="对账", runs=runs, run=run, findings=findings, acted=acted)


@bp.post("/recon/findings/<int:finding_id>/<any(acknowledge, resolve):verb>")
@signed_in("admin")
def act_on_finding(finding_id, verb):
    act = recon_queries.acknowledge_finding if verb == "acknowledge" else recon_queries.resolve_finding
    back = url_for("console.recon", date=request.form.get("date") or None)
    return once(
        lambda rid: act(g.staff, finding_id, form_text("note"), now(), rid) and None,
        back,
        "已确认，正在处理" if verb == "acknowledge" else "已标记为解决",
    )


@bp.get("/statements")
@signed_in("admin", "station")
def statements_page():
    month = request.args.get("month") or business_date(now()).strftime("%Y-%m")
    statements.month_bounds(month)
    scope = station_ids_for(g.staff)
    return render_template(
        "console/statements.html",
        title="对账单",
        month=month,
        enterprises=list(Enterprise.select().order_by(Enterprise.id)),
        workers=directory.workers_of(scope, limit=500),
    )


@bp.get("/statements/<any(enterprise, worker):kind>/<int:object_id>.xlsx")
@signed_in("admin", "station")
def download_statement(kind, object_id):
    month = request.args.get("month", "")
    statement = statements.statement_for_download(g.staff, kind, object_id, month, now())
    body = statement_files.to_xlsx(statement)
    name = statement_files.filename(statement, "xlsx")
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
