"""The materials desk: materials issued to and returned from a worker's order, per bill-of-materials line."""

from peewee import IntegrityError
from peewee import fn

from models import JobMaterial
from models import MaterialMovement
from models import transaction
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.inspections import order_for
from services.scope import audit

KINDS = ("issue", "return")


def move_materials(staff, order_id, material_id, kind, quantity, request_id, now):
    """Issue materials to an order or take them back; a return never exceeds what is out with the worker."""
    if kind not in KINDS:
        raise BadRequest("kind 只能是 issue（发料）或 return（退料）", code="invalid_kind")
    material_id = validate.positive_int(material_id, "物料", "material_id", validate.MAX_ID)
    quantity = validate.positive_int(quantity, "物料数量", "quantity", 10_000_000)
    request_id = validate.request_id(request_id)
    order = order_for(staff, order_id)
    material = JobMaterial.get_or_none((JobMaterial.id == material_id) & (JobMaterial.job == order.job_id))
    if material is None:
        raise NotFound("这个工作没有这种物料", code="material_not_found")
    existing = MaterialMovement.get_or_none(MaterialMovement.request_id == request_id)
    if existing is not None:
        if existing.order_id != order.id or existing.material_id != material.id or existing.kind != kind:
            raise Conflict("这个请求编号已用于另一次领料", code="request_id_reused")
        return existing, False
    try:
        with transaction():
            if kind == "return" and quantity > out_with_worker(order.id, material.id):
                raise Conflict("退回数量超过了已领未退的数量", code="return_exceeds_issued")
            movement = MaterialMovement.create(
                order=order.id,
                material=material.id,
                kind=kind,
                quantity=quantity,
                staff=staff.id,
                request_id=request_id,
                created_at=now,
            )
            audit(
                staff,
                f"material.{kind}",
                movement,
                order.job.station_id,
                now,
                order=order.id,
                material=material.name,
                quantity=quantity,
            )
    except IntegrityError:
        return MaterialMovement.get(MaterialMovement.request_id == request_id), False
    return movement, True


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
    """Per material line: issued, returned, used by inspected pieces, allowed loss and what is unaccounted."""
    rows = (
        MaterialMovement.select(MaterialMovement.material, MaterialMovement.kind, fn.SUM(MaterialMovement.quantity))
        .where(MaterialMovement.order == order.id)
        .group_by(MaterialMovement.material, MaterialMovement.kind)
        .tuples()
    )
    moved = {}
    for material_id, kind, total in rows:
        moved.setdefault(material_id, {})[kind] = int(total or 0)
    result = []
    pieces = order.accepted + order.rejected
    for material in JobMaterial.select().where(JobMaterial.job == order.job_id).order_by(JobMaterial.id):
        issued = moved.get(material.id, {}).get("issue", 0)
        returned = moved.get(material.id, {}).get("return", 0)
        used = pieces * material.per_piece
        allowed_loss = used * material.loss_permille // 1000
        result.append(
            {
                "material_id": material.id,
                "name": material.name,
                "unit": material.unit,
                "issued": issued,
                "returned": returned,
                "used": used,
                "allowed_loss": allowed_loss,
                "unaccounted": issued - returned - used,
            }
        )
    return result
