"""The materials desk (find a worker, issue or take back materials) and the inspection desk (accepted / rejected /
rework with the worker's amount shown before confirming; corrections as correcting entries)."""

from flask import current_app
from flask import g
from flask import render_template
from flask import request
from flask import url_for

from handlers.common import now
from handlers.console.blueprint import bp
from handlers.console.common import form_int
from handlers.console.common import form_text
from handlers.console.common import once
from handlers.console.common import signed_in
from handlers.console.common import writer
from models import Inspection
from services.errors import BadRequest
from services.errors import NotFound
from services.money import ledger
from services.people import directory
from services.people import worker_code
from services.work import inspections
from services.work import material_balance
from services.work import materials


def _secret():
    return current_app.config["SECRET_KEY"]


@bp.get("/materials")
@signed_in()
def materials_desk():
    query = (request.args.get("q") or "").strip()
    found = directory.find_workers(g.staff, query, _secret()) if query else []
    return render_template("console/materials_desk.html", title="领料台", q=query, found=found)


@bp.get("/workers/<int:worker_id>")
@signed_in()
def worker(worker_id):
    worker = directory.worker_for(g.staff, worker_id)
    orders = directory.desk_orders(g.staff, worker_id=worker.id, limit=50)
    return render_template(
        "console/worker.html",
        title=worker.name or "工人",
        worker=worker,
        orders=orders,
        balances=material_balance.of_orders(orders),
        code=worker_code.code_for(worker.id, _secret()),
        money=ledger.worker_balances([worker.id])[worker.id],
        stations=directory.stations_for(g.staff),
    )


@bp.post("/orders/<int:order_id>/materials")
@writer()
def move_materials(order_id):
    back = request.form.get("back") or url_for("console.order", order_id=order_id)
    back = back if back.startswith("/console/") else url_for("console.order", order_id=order_id)

    def act(request_id):
        kind = form_text("kind")
        materials.move_materials(
            g.staff,
            order_id,
            form_int("material_id", "物料"),
            kind,
            form_int("quantity", "数量"),
            request_id,
            now(),
        )

    label = "已发料" if request.form.get("kind") == "issue" else "已退料"
    return once(act, back, f"{label} {request.form.get('quantity', '').strip()}")


@bp.get("/inspections")
@signed_in()
def inspection_desk():
    return render_template(
        "console/inspection_desk.html",
        title="质检台",
        orders=directory.desk_orders(g.staff, awaiting_only=True, limit=200),
    )


@bp.get("/orders/<int:order_id>")
@signed_in()
def order(order_id):
    order = directory.desk_orders(g.staff, limit=1, order_id=order_id)
    if not order:
        inspections.order_for(g.staff, order_id)  # 404 or 403 with the service's message
    order = order[0]
    return render_template(
        "console/order.html",
        title=f"工单 {order.id}",
        order=order,
        balances=material_balance.of_orders([order])[order.id],
        history=directory.inspections_of(order.id),
    )


def _counts():
    counts = tuple(
        form_int(name, label, required=False)
        for name, label in (("accepted", "合格件数"), ("rejected", "不合格件数"), ("rework", "返工件数"))
    )
    return counts


@bp.post("/orders/<int:order_id>/inspect")
@writer()
def inspect(order_id):
    accepted, rejected, rework = _counts()
    if request.form.get("step") != "confirm":
        return _preview_inspection(order_id, (accepted, rejected, rework))

    def act(request_id):
        inspections.inspect(g.staff, order_id, accepted, rejected, rework, request_id, now(), form_text("note"))

    return once(act, url_for("console.order", order_id=order_id), f"已记录质检：合格 {accepted} 件")


def _preview_inspection(order_id, counts):
    """The confirmation page of an inspection: what it will record and pay, nothing written yet."""
    order = inspections.order_for(g.staff, order_id)
    if sum(counts) == 0:
        raise BadRequest("请至少录入一件", code="empty_inspection")
    return render_template(
        "console/confirm.html", title="确认质检", order=order, counts=counts, amount_fen=counts[0] * order.rate_fen,
        note=form_text("note"), action=url_for("console.inspect", order_id=order_id), rid=form_text("request_id"),
    )  # fmt: skip


@bp.post("/inspections/<int:inspection_id>/correct")
@writer()
def correct(inspection_id):
    original = Inspection.get_or_none(Inspection.id == inspection_id)
    if original is None:
        raise NotFound("没有这条质检记录", code="inspection_not_found")
    accepted, rejected, rework = _counts()
    if request.form.get("step") != "confirm":
        return _preview_correction(original, (accepted, rejected, rework))

    def act(request_id):
        inspections.correct(g.staff, inspection_id, accepted, rejected, rework, request_id, now(), form_text("note"))

    return once(act, url_for("console.order", order_id=original.order_id), "已更正（新增一条更正记录）")


def _preview_correction(original, counts):
    """The confirmation page of a correction: the counts now, the new ones and the difference in money."""
    order = inspections.order_for(g.staff, original.order_id)
    current = next(h["current"] for h in directory.inspections_of(order.id) if h["inspection"].id == original.id)
    return render_template(
        "console/confirm.html", title="确认更正", order=order, counts=counts,
        amount_fen=(counts[0] - current[0]) * original.rate_fen, note=form_text("note"), correcting=original,
        current=current, rid=form_text("request_id"), action=url_for("console.correct", inspection_id=original.id),
    )  # fmt: skip
