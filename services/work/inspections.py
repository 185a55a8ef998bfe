"""Quality inspection (质检): accepted pieces become money owed to the worker in the same transaction.

A wrong inspection is never edited: a correction is a new inspection row pointing at the original, with the
difference in counts, and a new ledger transaction for the difference in money.
"""

from peewee import fn

from models import Inspection
from models import Job
from models import Order
from models import Worker
from services import unit
from services import validate
from services.clock import business_date
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.idempotency import row_key
from services.money import ledger
from services.notices import outbox as notices
from services.payouts import transfers as payouts
from services.people.scope import ensure_station
from services.people.scope import station_ids_for


def order_for(staff, order_id):
    """An order at a station this staff member may act on."""
    order = Order.select(Order, Job).join(Job).where(Order.id == order_id).first()
    if order is None:
        raise NotFound("没有这个工单", code="order_not_found")
    ensure_station(staff, order.job.station_id)
    return order


def orders_for_desk(staff, job_id=None, worker_id=None, limit=100):
    """Orders at the staff member's stations, those with pieces awaiting inspection first."""
    allowed = station_ids_for(staff)
    query = Order.select(Order, Job).join(Job)
    if allowed is not None:
        query = query.where(Job.station.in_(list(allowed)))
    if job_id:
        query = query.where(Order.job == job_id)
    if worker_id:
        query = query.where(Order.worker == worker_id)
    waiting = Order.reported - Order.accepted - Order.rejected - Order.reworked
    return list(query.order_by((waiting > 0).desc(), Order.id.desc()).limit(limit))


def inspect(staff, order_id, accepted, rejected, rework, request_id, now, note=""):
    """Record QC of returned pieces; accepted × locked rate is posted to the worker's payable at once."""
    accepted = validate.non_negative_int(accepted, "合格件数", "accepted")
    rejected = validate.non_negative_int(rejected, "不合格件数", "rejected")
    rework = validate.non_negative_int(rework, "返工件数", "rework")
    note = validate.text(note, "备注", "note", 200, required=False)
    if accepted + rejected + rework == 0:
        raise BadRequest("请至少录入一件", code="empty_inspection")
    order = order_for(staff, order_id)
    return unit.run(
        staff, request_id, f"inspection.record:order:{order.id}",
        lambda: _record(staff, order, accepted, rejected, rework, row_key(staff, request_id), note, now),
        _inspection_by_id, now,
    )  # fmt: skip


def _inspection_by_id(inspection_id):
    return Inspection.get_by_id(int(inspection_id))


def _record(staff, order, accepted, rejected, rework, request_id, note, now):
    counted = accepted + rejected + rework
    updated = (
        Order.update(
            accepted=Order.accepted + accepted,
            rejected=Order.rejected + rejected,
            reworked=Order.reworked + rework,
            updated_at=now,
        )
        .where((Order.id == order.id) & (Order.reported - Order.accepted - Order.rejected - Order.reworked >= counted))
        .execute()
    )
    if not updated:
        waiting = Order.get_by_id(order.id).awaiting_inspection
        raise Conflict(f"待检件数只有 {waiting} 件", code="more_than_reported", waiting=waiting)
    inspection = Inspection.create(
        order=order.id,
        worker=order.worker_id,
        accepted=accepted,
        rejected=rejected,
        rework=rework,
        rate_fen=order.rate_fen,
        amount_fen=accepted * order.rate_fen,
        inspector=staff.id,
        note=note,
        request_id=request_id,
        created_at=now,
    )
    _post_earning(inspection, order, now)
    _finish_if_done(order.id, now)
    if inspection.amount_fen > 0:  # after commit, never inside it: in immediate mode the worker is paid at once
        unit.after_commit(lambda: payouts.payout_after_inspection(order.worker_id, now))
    unit.audit(
        "inspection.record",
        inspection,
        order.job.station_id,
        order=order.id,
        accepted=accepted,
        rejected=rejected,
        rework=rework,
        amount_fen=inspection.amount_fen,
    )
    if inspection.amount_fen > 0:
        notices.enqueue(
            order.worker_id,
            "pieces_accepted",
            {
                "count": accepted,
                "amount_fen": inspection.amount_fen,
                "job": order.job.title,
                "inspection_id": inspection.id,
            },
            key=f"pieces_accepted:{inspection.id}",
            now=now,
        )
    return inspection


def _post_earning(inspection, order, now, memo=None):
    """The inspection's value on the ledger and in the worker's earned total (a correction's value is negative)."""
    amount = inspection.amount_fen
    if amount == 0:
        return None
    Worker.update(earned_fen=Worker.earned_fen + amount).where(Worker.id == order.worker_id).execute()
    return ledger.post(
        key=f"earning:{inspection.id}",
        kind="earning" if inspection.corrects_id is None else "earning_correction",
        legs=[
            (ledger.enterprise_labour(order.job.enterprise_id), amount),
            (ledger.worker_payable(order.worker_id), -amount, inspection.id),
        ],
        business_date=business_date(now),
        memo=memo or f"order {order.id}: {inspection.accepted} pcs x {inspection.rate_fen} fen",
        now=now,
    )


def _finish_if_done(order_id, now):
    Order.update(status="done", updated_at=now).where(
        (Order.id == order_id) & (Order.accepted + Order.rejected >= Order.quantity) & (Order.status == "open")
    ).execute()


def correct(staff, inspection_id, accepted, rejected, rework, request_id, now, note=""):
    """Correct an inspection to new final counts (same total) by a correcting entry, never by editing it."""
    original = Inspection.get_or_none((Inspection.id == inspection_id) & (Inspection.corrects.is_null()))
    if original is None:
        raise NotFound("没有这条质检记录", code="inspection_not_found")
    order = order_for(staff, original.order_id)
    accepted = validate.non_negative_int(accepted, "合格件数", "accepted")
    rejected = validate.non_negative_int(rejected, "不合格件数", "rejected")
    rework = validate.non_negative_int(rework, "返工件数", "rework")
    note = validate.text(note, "更正原因", "note", 200)
    return unit.run(
        staff, request_id, f"inspection.correct:inspection:{original.id}",
        lambda: _record_correction(staff, original, order, (accepted, rejected, rework), row_key(staff, request_id),
                                   note, now),
        _inspection_by_id, now,
    )  # fmt: skip


def _record_correction(staff, original, order, counts, request_id, note, now):
    accepted, rejected, rework = counts
    current = _current_counts(original)
    if accepted + rejected + rework != sum(current):
        raise BadRequest("更正后的总件数必须与原质检相同", code="total_changed")
    delta = (accepted - current[0], rejected - current[1], rework - current[2])
    if delta == (0, 0, 0):
        raise BadRequest("更正内容与现有记录相同", code="no_change")
    amount = delta[0] * original.rate_fen
    if amount < 0 and ledger.owed_fen(order.worker_id) + amount < 0:
        raise Conflict("这些工钱已经结算，不能直接冲减，请先与工人核对", code="already_paid")
    moved = (
        Order.update(
            accepted=Order.accepted + delta[0],
            rejected=Order.rejected + delta[1],
            reworked=Order.reworked + delta[2],
            updated_at=now,
        )
        .where((Order.id == order.id) & (Order.reported - Order.reworked - delta[2] <= Order.quantity))
        .execute()
    )
    if not moved:
        raise Conflict("返工件已重新报数，不能这样更正", code="rework_already_reported")
    fix = Inspection.create(
        order=order.id,
        worker=order.worker_id,
        accepted=delta[0],
        rejected=delta[1],
        rework=delta[2],
        rate_fen=original.rate_fen,
        amount_fen=amount,
        inspector=staff.id,
        corrects=original.id,
        note=note,
        request_id=request_id,
        created_at=now,
    )
    _post_earning(fix, order, now, memo=f"correction of inspection {original.id}")
    unit.audit("inspection.correct", fix, order.job.station_id, corrects=original.id, delta=delta)
    return fix


def _current_counts(original):
    row = (
        Inspection.select(fn.SUM(Inspection.accepted), fn.SUM(Inspection.rejected), fn.SUM(Inspection.rework))
        .where((Inspection.id == original.id) | (Inspection.corrects == original.id))
        .tuples()
        .first()
    )
    return tuple(int(v or 0) for v in row)
