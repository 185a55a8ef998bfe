"""Console pages: today at a glance, stations, enterprises, statistics with charts, the audit log."""

from flask import g
from flask import render_template
from flask import request
from flask import url_for

from handlers.common import now
from handlers.console import charts
from handlers.console.blueprint import bp
from handlers.console.common import form_text
from handlers.console.common import once
from handlers.console.common import signed_in
from handlers.console.training import training_figures
from models import Enterprise
from models import Station
from services.clock import business_date
from services.people import directory
from services.people.scope import station_ids_for
from services.reconciliation import findings as recon_queries
from services.reports import dashboard as figures_of
from services.reports import statistics
from services.work import catalog


def _last_recon():
    """The last reconciliation run and its findings, for admins (findings concern the whole county)."""
    if g.staff.role != "admin":
        return None
    run = recon_queries.latest_run()
    findings = recon_queries.findings_for(run) if run is not None else []
    return {"run": run, "findings": findings, "open": sum(1 for f in findings if f.status == "open")}


@bp.get("/")
@signed_in()
def dashboard():
    figures = figures_of.today(station_ids_for(g.staff), now())
    notices = recon_queries.staff_notices(g.staff)
    return render_template(
        "console/dashboard.html", title="今日概况", figures=figures, recon=_last_recon(), notices=notices
    )


@bp.post("/notices/read")
@signed_in()
def read_notices():
    ids = [int(i) for i in request.form.getlist("notice_id") if i.isascii() and i.isdigit() and len(i) < 10]
    return once(
        lambda rid: recon_queries.mark_notices_read(g.staff, ids, now(), rid) and None, url_for("console.dashboard")
    )


@bp.get("/stations")
@signed_in()
def stations():
    figures = figures_of.today(station_ids_for(g.staff), now())
    parents = {s.id: s.name for s in Station.select(Station.id, Station.name)}
    return render_template("console/stations.html", title="驿站", rows=figures["stations"], parents=parents)


@bp.post("/stations")
@signed_in("admin")
def create_station():
    def act(request_id):
        parent = form_text("parent_id")
        station = catalog.create_station(
            g.staff,
            form_text("name"),
            form_text("kind", "village"),
            int(parent) if parent.isascii() and parent.isdigit() else None,
            form_text("address"),
            form_text("counsellor_name"),
            form_text("counsellor_phone"),
            now(),
            request_id=request_id,
        )
        return url_for("console.station", station_id=station.id)

    return once(act, url_for("console.stations"), "驿站已开设")


@bp.get("/stations/<int:station_id>")
@signed_in()
def station(station_id):
    station = directory.station_for(g.staff, station_id)
    ids = {station.id}
    return render_template(
        "console/station.html",
        title=station.name,
        station=station,
        figures=figures_of.today(ids, now())["total"],
        jobs=directory.jobs_listing(ids, limit=50),
        workers=directory.workers_of(ids, limit=100),
    )


@bp.get("/enterprises")
@signed_in()
def enterprises():
    return render_template(
        "console/enterprises.html", title="企业", enterprises=list(Enterprise.select().order_by(Enterprise.id))
    )


@bp.post("/enterprises")
@signed_in("admin")
def create_enterprise():
    def act(request_id):
        catalog.create_enterprise(
            g.staff,
            form_text("name"),
            form_text("industry"),
            form_text("contact_name"),
            form_text("contact_phone"),
            now(),
            request_id=request_id,
        )

    return once(act, url_for("console.enterprises"), "企业已登记")


@bp.get("/statistics")
@signed_in()
def statistics_page():
    scope = station_ids_for(g.staff)
    station_id = request.args.get("station", type=int)
    if station_id:
        scope = {directory.station_for(g.staff, station_id).id}
    report = statistics.report(scope, now())
    daily = [(d.strftime("%m-%d"), f) for d, f in report["daily"]]
    monthly = [(d.strftime("%Y-%m"), f) for d, f in report["monthly"]]
    return render_template(
        "console/statistics.html", title="统计", report=report, daily=daily, monthly=monthly,
        chart=charts.statistics_charts(daily, monthly), stations=directory.stations_for(g.staff),
        station_id=station_id, training=training_figures(g.staff, business_date(now())),
    )  # fmt: skip


@bp.get("/audit")
@signed_in("admin")
def audit():
    entries = directory.audit_entries(
        limit=200, before_id=request.args.get("before", type=int), action=request.args.get("action") or None
    )
    names = {s.id: s.name for s in Station.select(Station.id, Station.name)}
    return render_template("console/audit.html", title="操作日志", entries=entries, stations=names)
