"""The materials desk: materials issued to and returned from a worker's order, per bill-of-materials line."""

from peewee import fn

from models import JobMaterial
from models import MaterialMovement
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.idempotency import row_key
from services.work import material_balance
from services.work.inspections import order_for

KINDS = ("issue", "return")


def move_materials(staff, order_id, material_id, kind, quantity, request_id, now):
    """Issue materials to an order or take them back; a return never exceeds what is out with the worker."""
    if kind not in KINDS:
        raise BadRequest("kind 只能是 issue（发料）或 return（退料）", code="invalid_kind")
    material_id = validate.positive_int(material_id, "物料", "material_id", validate.MAX_ID)
    quantity = validate.positive_int(quantity, "物料数量", "quantity", 10_000_000)
    order = order_for(staff, order_id)
    material = JobMaterial.get_or_none((JobMaterial.id == material_id) & (JobMaterial.job == order.job_id))
    if material is None:
        raise NotFound("这个工作没有这种物料", code="material_not_found")
    return unit.run(
        staff, request_id, f"material.{kind}:order:{order.id}:material:{material.id}",
        lambda: _move(staff, order, material, kind, quantity, row_key(staff, request_id), now),
        lambda movement_id: MaterialMovement.get_by_id(int(movement_id)), now,
    )  # fmt: skip


def _move(staff, order, material, kind, quantity, request_id, now):
    if kind == "return" and quantity > out_with_worker(order.id, material.id):
        raise Conflict("退回数量超过了已领未退的数量", code="return_exceeds_issued")
    movement = MaterialMovement.create(
        order=order.id, material=material.id, kind=kind, quantity=quantity, staff=staff.id, request_id=request_id,
        created_at=now,
    )  # fmt: skip
    unit.audit(
        f"material.{kind}", movement, order.job.station_id, order=order.id, material=material.name, quantity=quantity
    )
    return movement


def out_with_worker(order_id, material_id):
    """Issued minus returned for one order and material."""
    rows = (
        MaterialMovement.select(MaterialMovement.kind, fn.SUM(MaterialMovement.quantity))
        .where((MaterialMovement.order == order_id) & (MaterialMovement.material == material_id))
        .group_by(MaterialMovement.kind)
        .tuples()
    )
    totals = dict(rows)
    return int(totals.get("issue") or 0) - int(totals.get("return") or 0)


def balance_for_order(order):
    """Per material line of the order's job: the balance of material_balance (issued, returned, used, held, lost…)."""
    return material_balance.of_orders([order])[order.id]
