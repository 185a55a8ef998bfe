"""One order's balance of one material: the one rule the materials desk, the console, the statements and the
reconciliation share.

issued and returned at the desk; used = pieces inspected (accepted + rejected) × per piece; allowed loss = used ×
loss_permille / 1000; held (在手) = what is still out with the worker for the order's unfinished pieces (an open
order's pieces not yet accepted or rejected); lost = what is out beyond used and held, never negative; short =
what the inspected pieces used beyond the net issue (materials never issued, or too few).
"""

from peewee import fn

from models import JobMaterial
from models import MaterialMovement

KEYS = ("issued", "returned", "out", "used", "allowed_loss", "held", "lost", "short")


def balance(per_piece, loss_permille, issued, returned, done_pieces, unfinished):
    """{issued, returned, out, used, allowed_loss, held, lost, short} of one order and material (units)."""
    out = issued - returned
    used = done_pieces * per_piece
    left = out - used
    held = max(0, min(left, unfinished * per_piece))
    return {
        "issued": issued,
        "returned": returned,
        "out": out,
        "used": used,
        "allowed_loss": used * loss_permille // 1000,
        "held": held,
        "lost": max(0, left - held),
        "short": max(0, -left),
    }


def open_pieces(quantity, done_pieces, status):
    """Pieces of the order still to be accepted or rejected: none once the order is done or cancelled."""
    return max(0, quantity - done_pieces) if status == "open" else 0


def line(material, issued, returned, done_pieces, unfinished):
    """The balance of one bill-of-materials line, with the line's id, name, unit and per-piece use."""
    return {
        "material_id": material.id,
        "name": material.name,
        "unit": material.unit,
        "per_piece": material.per_piece,
        **balance(material.per_piece, material.loss_permille, issued, returned, done_pieces, unfinished),
    }


def of_orders(orders):
    """{order id: [line of each material of the order's job]} for Order rows (id, job, counters, status), two queries."""
    orders = list(orders)
    if not orders:
        return {}
    moved = {}
    for order_id, material_id, kind, total in (
        MaterialMovement.select(
            MaterialMovement.order, MaterialMovement.material, MaterialMovement.kind, fn.SUM(MaterialMovement.quantity)
        )
        .where(MaterialMovement.order.in_([o.id for o in orders]))
        .group_by(MaterialMovement.order, MaterialMovement.material, MaterialMovement.kind)
        .tuples()
    ):
        moved[(order_id, material_id, kind)] = int(total or 0)
    lines = {}
    for material in (
        JobMaterial.select().where(JobMaterial.job.in_({o.job_id for o in orders})).order_by(JobMaterial.id)
    ):
        lines.setdefault(material.job_id, []).append(material)
    result = {}
    for o in orders:
        done = o.accepted + o.rejected
        unfinished = open_pieces(o.quantity, done, o.status)
        result[o.id] = [
            line(m, moved.get((o.id, m.id, "issue"), 0), moved.get((o.id, m.id, "return"), 0), done, unfinished)
            for m in lines.get(o.job_id, [])
        ]
    return result
