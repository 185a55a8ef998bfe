"""Staff API for reconciliation runs and findings (admins) and monthly statement downloads (admins and stations)."""

from flask import Blueprint
from flask import Response
from flask import g
from flask import jsonify

from handlers.common import json_body
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from services.money import statement_files
from services.money import statements
from services.reconciliation import findings as recon_queries

bp = Blueprint("staff_recon", __name__, url_prefix="/api/v1/staff")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/reconciliation/runs")
@staff_required("admin")
def runs():
    return jsonify({"runs": [recon_queries.run_dict(r) for r in recon_queries.runs(query_args().limit)]})


@bp.get("/reconciliation/runs/<business_date>")
@staff_required("admin")
def run(business_date):
    found = recon_queries.run_for(business_date, now())
    findings = recon_queries.findings_for(found, query_args().status)
    return jsonify({"run": recon_queries.run_dict(found), "findings": recon_queries.finding_dicts(findings)})


@bp.post("/reconciliation/findings/<int:finding_id>/acknowledge")
@staff_required("admin")
def acknowledge(finding_id):
    finding = recon_queries.acknowledge_finding(g.staff, finding_id, json_body().get("note", ""), now())
    return jsonify(recon_queries.finding_dicts([finding])[0])


@bp.post("/reconciliation/findings/<int:finding_id>/resolve")
@staff_required("admin")
def resolve(finding_id):
    finding = recon_queries.resolve_finding(g.staff, finding_id, json_body().get("note"), now())
    return jsonify(recon_queries.finding_dicts([finding])[0])


def _download(statement, kind):
    if kind == "csv":
        body, mimetype = statement_files.to_csv(statement).encode("utf-8-sig"), "text/csv; charset=utf-8"
    elif kind == "xlsx":
        body, mimetype = statement_files.to_xlsx(statement), XLSX
    else:
        return jsonify(statement)
    name = statement_files.filename(statement, kind)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/statements/enterprise/<int:enterprise_id>")
@staff_required("admin", "station")
def enterprise_statement(enterprise_id):
    q = query_args()
    return _download(statements.enterprise_statement(g.staff, enterprise_id, q.month), q.format)


@bp.get("/statements/worker/<int:worker_id>")
@staff_required("admin", "station")
def worker_statement(worker_id):
    q = query_args()
    return _download(statements.worker_statement(g.staff, worker_id, q.month), q.format)
