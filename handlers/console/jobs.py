"""Console jobs: publish (with bill of materials, allowed loss and quality standard), edit the rate for new orders,
close to new orders. The rules live in services.work.catalog."""

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
from services.errors import BadRequest
from services.errors import NotFound
from services.people import directory
from services.people.scope import ensure_station
from services.people.scope import station_ids_for
from services.work import catalog
from services.work import jobs_query

MATERIAL_ROWS = 4


@bp.get("/jobs")
@signed_in()
def jobs():
    status = request.args.get("status") or None
    return render_template(
        "console/jobs.html", title="工作", status=status, jobs=directory.jobs_listing(station_ids_for(g.staff), status)
    )


@bp.get("/jobs/new")
@writer()
def new_job(values=None, error=None):
    page = render_template(
        "console/job_form.html",
        title="发布工作",
        stations=directory.stations_for(g.staff),
        enterprises=list(Enterprise.select().order_by(Enterprise.id)),
        rows=range(MATERIAL_ROWS),
        values=values or {},
        error=error,
    )
    return (page, 400) if error else page


def _materials():
    items = []
    for i in range(MATERIAL_ROWS):
        name = form_text(f"material_name_{i}")
        if not name:
            continue
        loss = form_text(f"material_loss_{i}") or "0"
        try:
            permille = round(float(loss) * 10)
        except (ValueError, OverflowError):  # "abc", "nan", "inf": refused by the service as out of range
            permille = -1
        items.append(
            {
                "name": name,
                "unit": form_text(f"material_unit_{i}") or "个",
                "per_piece": form_int(f"material_per_piece_{i}", "每件用量", required=False, default=1) or 1,
                "loss_permille": permille,
            }
        )
    return items


@bp.post("/jobs")
@writer()
def publish_job():
    def act(request_id):
        data = dict(
            _job_fields(),
            station_id=form_int("station_id", "驿站"),
            enterprise_id=form_int("enterprise_id", "企业"),
            materials=_materials(),
        )
        job = catalog.publish_job(g.staff, data, now(), request_id=request_id)
        return url_for("console.job", job_id=job.id)

    try:
        return once(act, url_for("console.jobs"), "工作已发布")
    except (BadRequest, NotFound) as exc:  # keep what was typed: show the form again with the message
        return new_job(request.form, exc.message)


def _job_fields():
    """The job fields the publish and edit forms share."""
    return {
        "title": form_text("title"),
        "process": form_text("process"),
        "unit_price_fen": form_fen("unit_price", "单价"),
        "total_pieces": form_int("total_pieces", "总件数"),
        "per_worker_cap": form_int("per_worker_cap", "每人上限", required=False),
        "quality_standard": form_text("quality_standard"),
    }


@bp.get("/jobs/<int:job_id>")
@signed_in()
def job(job_id):
    job, materials = jobs_query.job_with_materials(job_id)
    ensure_station(g.staff, job.station_id)
    return render_template("console/job.html", title=job.title, job=job, materials=materials)


@bp.post("/jobs/<int:job_id>")
@writer()
def update_job(job_id):
    def act(request_id):
        catalog.update_job(g.staff, job_id, _job_fields(), now(), request_id=request_id)

    return once(act, url_for("console.job", job_id=job_id), "已保存修改（新单价只对之后接的单生效）")


@bp.post("/jobs/<int:job_id>/close")
@writer()
def close_job(job_id):
    return once(
        lambda rid: catalog.close_job(g.staff, job_id, now(), request_id=rid) and None,
        url_for("console.job", job_id=job_id),
        "已停止接单",
    )
