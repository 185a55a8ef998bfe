"""Which accepted pieces a payout settles: oldest unsettled inspections first, split across payouts if needed.

An inspection's value is its amount plus its corrections; payouts that failed or were cancelled release what
they had settled, so the same pieces are offered again in the next payout.
"""

from peewee import fn

from models import Inspection
from models import Job
from models import Order
from models import Payout
from models import PayoutItem

RELEASED = ("FAIL", "CANCELLED")


def unsettled(worker_id, station_id=None):
    """[(inspection_id, fen still unsettled)] of the worker's accepted pieces, oldest first (at one station if given).

    A correction is inspected at the station of the order it corrects, so filtering by the order's station keeps an
    inspection and its corrections together."""
    value = {}
    query = Inspection.select(Inspection.id, Inspection.corrects, Inspection.amount_fen).where(
        Inspection.worker == worker_id
    )
    if station_id is not None:
        query = query.join(Order).join(Job).where(Job.station == station_id)
    for row_id, corrects_id, amount in query.tuples():
        key = corrects_id or row_id
        value[key] = value.get(key, 0) + amount
    settled = dict(
        PayoutItem.select(PayoutItem.inspection, fn.SUM(PayoutItem.amount_fen))
        .join(Payout)
        .where((Payout.worker == worker_id) & Payout.state.not_in(RELEASED))
        .group_by(PayoutItem.inspection)
        .tuples()
    )
    return [(key, value[key] - int(settled.get(key) or 0)) for key in sorted(value)]


def unsettled_fen(worker_id, station_id=None):
    """Fen of the worker's accepted pieces no live payout settles yet (at one station if given)."""
    return sum(max(0, open_fen) for _, open_fen in unsettled(worker_id, station_id))


def allocate(payout, worker_id, amount, station_id=None):
    """Attach `amount` fen of the worker's unsettled pieces (at one station if given) to `payout`, in the caller's
    transaction."""
    left = amount
    rows = []
    for inspection_id, open_fen in unsettled(worker_id, station_id):
        if left == 0:
            break
        if open_fen <= 0:
            continue
        take = min(open_fen, left)
        rows.append({"payout": payout.id, "inspection": inspection_id, "amount_fen": take})
        left -= take
    if left:
        raise RuntimeError(f"payout {payout.out_bill_no}: {left} fen not backed by accepted pieces")
    if rows:
        PayoutItem.insert_many(rows).execute()
    return rows
