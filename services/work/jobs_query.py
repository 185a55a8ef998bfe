"""Read side of jobs for workers: open jobs near a worker, with their bill of materials in one query."""

from models import Job
from models import JobMaterial
from models import Station
from services.errors import NotFound


def stations():
    return list(Station.select().order_by(Station.id))


def _near(station_id):
    """A station, its parent (the county market) and its children."""
    station = Station.get_or_none(Station.id == station_id)
    if station is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    ids = {station.id}
    if station.parent_id:
        ids.add(station.parent_id)
    ids.update(s.id for s in Station.select(Station.id).where(Station.parent == station.id))
    return ids


def open_jobs_near(worker, station_id, now, limit=100):
    """Open jobs with pieces left at the chosen (or home) station and the market above it; else county-wide."""
    station_id = station_id or worker.home_station_id
    ids = _near(station_id) if station_id else [s.id for s in Station.select(Station.id)]
    jobs = list(Job.open_at(ids, now).limit(limit))
    return _with_materials(jobs)


def _with_materials(jobs):
    materials = {}
    if jobs:
        for m in JobMaterial.select().where(JobMaterial.job.in_([j.id for j in jobs])).order_by(JobMaterial.id):
            materials.setdefault(m.job_id, []).append(m)
    return [(job, materials.get(job.id, [])) for job in jobs]


def job_with_materials(job_id):
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        raise NotFound("没有这个工作", code="job_not_found")
    return _with_materials([job])[0]


def jobs_for_staff(station_ids, status=None, limit=200):
    query = Job.select()
    if station_ids is not None:
        query = query.where(Job.station.in_(list(station_ids)))
    if status:
        query = query.where(Job.status == status)
    return _with_materials(list(query.order_by(Job.id.desc()).limit(limit)))
