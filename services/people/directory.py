"""Read side of the console: find workers (phone, name or desk code), the workers of a station, the audit log.

Every list is built in a fixed number of queries, whatever its length.
"""

from peewee import JOIN
from peewee import fn

from models import AuditLog
from models import Inspection
from models import Job
from models import Order
from models import Staff
from models import Station
from models import Worker
from services.errors import Forbidden
from services.errors import NotFound
from services.money import ledger
from services.people import worker_code
from services.people.scope import station_ids_for


def linked(station_ids):
    """Workers whose home station is in `station_ids` or who took an order there."""
    ordered = Order.select(Order.worker).join(Job).where(Job.station.in_(list(station_ids)))
    return (Worker.home_station.in_(list(station_ids))) | (Worker.id.in_(ordered))


def find_workers(staff, query, secret, limit=30):
    """Workers matching a desk code, a phone or a name; station staff find only workers linked to their station."""
    query = (query or "").strip()[:50]
    if not query:
        return []
    allowed = station_ids_for(staff)
    found_id = worker_code.worker_id_from(query, secret)
    select = Worker.select(Worker, Station).join(Station, JOIN.LEFT_OUTER, on=(Worker.home_station == Station.id))
    if found_id is not None:
        select = select.where(Worker.id == found_id)
    elif query.isdigit():
        select = select.where(Worker.phone.contains(query))
    else:
        select = select.where(Worker.name.contains(query) | Worker.real_name.contains(query))
    if allowed is not None:
        select = select.where(linked(allowed))
    return list(select.order_by(Worker.id).limit(limit))


def worker_for(staff, worker_id):
    """A worker this staff member may serve: admins any, station staff those linked to their station."""
    worker = Worker.get_or_none(Worker.id == worker_id)
    if worker is None:
        raise NotFound("没有这位工人", code="worker_not_found")
    allowed = station_ids_for(staff)
    if allowed is not None and not Worker.select().where((Worker.id == worker.id) & linked(allowed)).exists():
        raise Forbidden("这位工人不属于本驿站", code="other_station")
    return worker


def workers_of(station_ids, limit=200):
    """Workers linked to the stations (all when None), with owed / in-flight fen and accepted pieces."""
    select = Worker.select(Worker, Station).join(
        Station, join_type=JOIN.LEFT_OUTER, on=(Worker.home_station == Station.id)
    )
    if station_ids is not None:
        select = select.where(linked(station_ids))
    workers = list(select.order_by(Worker.id.desc()).limit(limit))
    ids = [w.id for w in workers]
    balances = ledger.worker_balances(ids) if ids else {}
    pieces = {}
    if ids:
        rows = (
            Inspection.select(Inspection.worker, fn.SUM(Inspection.accepted), fn.SUM(Inspection.amount_fen))
            .where(Inspection.worker.in_(ids))
            .group_by(Inspection.worker)
            .tuples()
        )
        pieces = {wid: (int(a or 0), int(f or 0)) for wid, a, f in rows}
    return [(w, balances.get(w.id, {"owed": 0, "inflight": 0}), pieces.get(w.id, (0, 0))) for w in workers]


def station_for(staff, station_id):
    station = Station.get_or_none(Station.id == station_id)
    if station is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    allowed = station_ids_for(staff)
    if allowed is not None and station.id not in allowed:
        raise Forbidden("无权查看其他驿站", code="other_station")
    return station


def stations_for(staff):
    allowed = station_ids_for(staff)
    select = Station.select().order_by(Station.id)
    if allowed is not None:
        select = select.where(Station.id.in_(list(allowed)))
    return list(select)


def audit_entries(limit=100, before_id=None, action=None):
    """The newest audit rows with who did them (admins only read this)."""
    select = AuditLog.select(AuditLog, Staff).join(Staff, join_type=JOIN.LEFT_OUTER, on=(AuditLog.staff == Staff.id))
    if before_id:
        select = select.where(AuditLog.id < before_id)
    if action:
        select = select.where(AuditLog.action.startswith(action))
    return list(select.order_by(AuditLog.id.desc()).limit(limit))


def jobs_listing(station_ids, status=None, limit=200):
    """Jobs with their station, enterprise and bill of materials, in two queries."""
    from models import Enterprise
    from models import JobMaterial

    select = Job.select(Job, Station, Enterprise).join(Station).switch(Job).join(Enterprise)
    if station_ids is not None:
        select = select.where(Job.station.in_(list(station_ids)))
    if status:
        select = select.where(Job.status == status)
    jobs = list(select.order_by(Job.id.desc()).limit(limit))
    materials = {}
    if jobs:
        for m in JobMaterial.select().where(JobMaterial.job.in_([j.id for j in jobs])).order_by(JobMaterial.id):
            materials.setdefault(m.job_id, []).append(m)
    return [(job, materials.get(job.id, [])) for job in jobs]


def desk_orders(staff, awaiting_only=False, worker_id=None, limit=100, order_id=None):
    """Orders at the staff member's stations with worker, job and station; those awaiting inspection first."""
    allowed = station_ids_for(staff)
    waiting = Order.reported - Order.accepted - Order.rejected - Order.reworked
    select = Order.select(Order, Job, Worker, Station).join(Job).join(Station).switch(Order).join(Worker)
    if allowed is not None:
        select = select.where(Job.station.in_(list(allowed)))
    if awaiting_only:
        select = select.where((waiting > 0) & (Order.status != "cancelled"))
    if worker_id:
        select = select.where(Order.worker == worker_id)
    if order_id:
        select = select.where(Order.id == order_id)
    return list(select.order_by((waiting > 0).desc(), Order.id.desc()).limit(limit))


def inspections_of(order_id):
    """Original inspections of an order, each with its corrections and current counts, oldest first."""
    rows = list(
        Inspection.select(Inspection, Staff).join(Staff).where(Inspection.order == order_id).order_by(Inspection.id)
    )
    originals = [r for r in rows if r.corrects_id is None]
    fixes = {}
    for r in rows:
        if r.corrects_id is not None:
            fixes.setdefault(r.corrects_id, []).append(r)
    result = []
    for original in originals:
        mine = fixes.get(original.id, [])
        counts = tuple(
            getattr(original, f) + sum(getattr(x, f) for x in mine) for f in ("accepted", "rejected", "rework")
        )
        result.append({"inspection": original, "corrections": mine, "current": counts})
    return result
