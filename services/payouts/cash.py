"""Cash at the station desk: staff hand over what a worker is owed and record it; posted payable -> station cash."""

from models import Payout
from models import Worker
from models import lock_worker
from services import unit
from services import validate
from services.clock import business_date
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.idempotency import row_key
from services.money import ledger
from services.payouts.items import allocate
from services.payouts.items import unsettled_fen
from services.payouts.transfers import new_out_bill_no
from services.people.scope import ensure_station


def record_cash_payout(staff, worker_id, amount_fen, request_id, now, station_id=None):
    """Record cash paid at the desk: a station pays only what its own inspections earned, an admin any of what is
    owed; all of it when no amount is given. Idempotent per (staff member, request id)."""
    worker_id = validate.positive_int(worker_id, "工人", "worker_id", validate.MAX_ID)
    if station_id is not None:
        station_id = validate.positive_int(station_id, "驿站", "station_id", validate.MAX_ID)
    station_id = station_id or staff.station_id
    if not station_id:
        raise BadRequest("请指明在哪个驿站付的现金", code="station_required", field="station_id")
    ensure_station(staff, station_id)
    if amount_fen is not None:
        amount_fen = validate.positive_int(amount_fen, "金额", "amount_fen", 10**8)
    if Worker.get_or_none(Worker.id == worker_id) is None:
        raise NotFound("没有这个工人", code="worker_not_found")
    return unit.run(
        staff, request_id, f"payout.cash:worker:{worker_id}",
        lambda: _pay_cash(staff, worker_id, amount_fen, request_id, station_id, now),
        lambda payout_id: Payout.get_by_id(int(payout_id)), now,
    )  # fmt: skip


def _pay_cash(staff, worker_id, amount_fen, request_id, station_id, now):
    lock_worker(worker_id)
    # What this desk may hand over: its own station's unsettled pieces (admins: any station's), never more than owed.
    from_station = None if staff.role == "admin" else station_id
    owed = min(ledger.owed_fen(worker_id), unsettled_fen(worker_id, from_station))
    amount = owed if amount_fen is None else amount_fen
    if owed <= 0:
        raise Conflict("这位工人在本驿站没有待付的工钱", code="nothing_owed")
    if amount > owed:
        raise Conflict(f"现金金额超过应付工钱（本驿站应付 {owed / 100:.2f} 元）", code="more_than_owed", owed_fen=owed)
    payout = Payout.create(
        worker=worker_id, method="cash", out_bill_no="C" + new_out_bill_no(now)[1:], amount_fen=amount,
        state="SUCCESS", business_date=business_date(now), staff=staff.id, station=station_id,
        request_id=row_key(staff, request_id), created_at=now, updated_at=now, finished_at=now, paid_at=now,
    )  # fmt: skip
    allocate(payout, worker_id, amount, from_station)
    ledger.post(
        f"payout:{payout.out_bill_no}:cash", "payout_cash",
        [(ledger.worker_payable(worker_id), amount), (ledger.station_cash(station_id), -amount)],
        payout.business_date, memo=f"cash at station {station_id} by staff {staff.id}", now=now,
    )  # fmt: skip
    unit.audit("payout.cash", payout, station_id, worker=worker_id, amount_fen=amount)
    return payout
