"""Materials checks of one business day, on the one balance rule of material_balance: pieces inspected without their
materials issued, materials used beyond what was issued, and finished orders whose loss exceeds the allowance.
"""

from models import Order
from services.reconciliation.context import Finding
from services.work import material_balance


def _lines(day):
    """[(order, line)] of the orders whose materials or inspected pieces changed during the day (loaded once a day)."""
    cached = day.__dict__.get("_material_lines")
    if cached is None:
        orders = list(
            Order.select(Order.id, Order.job, Order.quantity, Order.accepted, Order.rejected, Order.status)
            .where(Order.id.in_(day.material_orders()))
            .order_by(Order.id)
        )
        balances = material_balance.of_orders(orders)
        cached = day.__dict__["_material_lines"] = [(o, line) for o in orders for line in balances[o.id]]
    return cached


def _detail(order, line):
    return {"order": order.id, "material": line["material_id"], **{k: line[k] for k in material_balance.KEYS}}


def materials_issued(day):
    """Pieces were accepted or rejected for an order that never had a material of its job issued (one per order)."""
    missing = {}
    for order, line in _lines(day):
        if line["used"] and not line["issued"]:
            missing.setdefault(order.id, (order, []))[1].append(line)
    for order_id, (order, lines) in missing.items():
        names = "、".join(f"{line['name']}（应耗用 {line['used']}{line['unit']}）" for line in lines)
        yield Finding(
            "material_not_issued",
            "order",
            order_id,
            f"工单 {order_id} 已检 {order.accepted + order.rejected} 件，但从未发料：{names}",
            {"order": order_id, "materials": [_detail(order, line) for line in lines]},
        )


def materials_balance(day):
    """Per order and material: used no more than issued net; a finished order's loss within the allowance."""
    day.stats["material_lines"] = 0
    for order, line in _lines(day):
        if not line["issued"] and not line["returned"]:
            continue  # nothing moved: materials_issued speaks of it
        day.stats["material_lines"] += 1
        finished = not material_balance.open_pieces(order.quantity, order.accepted + order.rejected, order.status)
        if line["short"]:
            yield Finding(
                "material_overuse",
                "order",
                order.id,
                f"工单 {order.id} 的{line['name']}净领用 {line['out']}，少于已检成品所需 {line['used']}",
                _detail(order, line),
            )
        elif finished and line["lost"] > line["allowed_loss"]:
            yield Finding(
                "material_overrun",
                "order",
                order.id,
                f"工单 {order.id} 已完工，{line['name']}还有 {line['lost']} 未退回，超出允许损耗 {line['allowed_loss']}",
                _detail(order, line),
            )
