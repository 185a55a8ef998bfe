"""Cash at the station desk: staff hand over what a worker is owed and record it; posted payable -> station cash."""

from models import Payout
from models import Worker
from models import lock_worker
from models import transaction
from services import ledger
from services import validate
from services.clock import business_date
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.payout_items import allocate
from services.payouts import new_out_bill_no
from services.scope import audit
from services.scope import ensure_station


def record_cash_payout(staff, worker_id, amount_fen, request_id, now, station_id=None):
    """Record cash paid at the desk (at most what is owed; all of it when no amount is given). Idempotent."""
    request_id = validate.request_id(request_id)
    worker_id = validate.positive_int(worker_id, "工人", "worker_id", 10**12)
    if station_id is not None:
        station_id = validate.positive_int(station_id, "驿站", "station_id", 10**12)
    station_id = station_id or staff.station_id
    if not station_id:
        raise BadRequest("请指明在哪个驿站付的现金", code="station_required", field="station_id")
    ensure_station(staff, station_id)
    existing = Payout.get_or_none(Payout.request_id == request_id)
    if existing is not None:
        if existing.worker_id != worker_id or existing.method != "cash":
            raise Conflict("这个请求编号已用于另一笔付款", code="request_id_reused")
        return existing, False
    worker = Worker.get_or_none(Worker.id == worker_id)
    if worker is None:
        raise NotFound("没有这个工人", code="worker_not_found")
    day = business_date(now)
    with transaction():
        lock_worker(worker.id)
        owed = ledger.owed_fen(worker.id)
        amount = owed if amount_fen is None else validate.positive_int(amount_fen, "金额", "amount_fen", 10**8)
        if amount <= 0:
            raise Conflict("这位工人目前没有待付的工钱", code="nothing_owed")
        if amount > owed:
            raise Conflict(f"现金金额超过应付工钱（应付 {owed / 100:.2f} 元）", code="more_than_owed", owed_fen=owed)
        payout = Payout.create(
            worker=worker.id, method="cash", out_bill_no="C" + new_out_bill_no(now)[1:], amount_fen=amount,
            state="SUCCESS", business_date=day, staff=staff.id, station=station_id, request_id=request_id,
            created_at=now, updated_at=now, finished_at=now, paid_at=now,
        )  # fmt: skip
        allocate(payout, worker.id, amount)
        ledger.post(
            f"payout:{payout.out_bill_no}:cash", "payout_cash",
            [(ledger.worker_payable(worker.id), amount), (ledger.station_cash(station_id), -amount)],
            day, memo=f"cash at station {station_id} by staff {staff.id}", now=now,
        )  # fmt: skip
        audit(staff, "payout.cash", payout, station_id, now, worker=worker.id, amount_fen=amount)
    return payout, True
