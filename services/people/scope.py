"""Who may act where: admins act on the whole county, station staff and counsellors on their own station, trainers
on their own enterprise's courses; only counsellors and admins see hard-to-place categories and guidance notes."""

from models import TrainerAssignment
from models import WorkerStation
from services.errors import Forbidden


def station_ids_for(staff):
    """None for the whole county, else the set of station ids this staff member may see."""
    if staff.role == "admin":
        return None
    if staff.role == "employer":  # an employer's account sees no station's data
        return set()
    return {staff.station_id}


def ensure_station(staff, station_id):
    """Forbidden unless `staff` may act on `station_id`."""
    allowed = station_ids_for(staff)
    if allowed is not None and station_id not in allowed:
        raise Forbidden("无权操作其他驿站的数据", code="other_station")


def ensure_admin(staff):
    if staff.role != "admin":
        raise Forbidden("只有管理员可以这样做", code="admin_only")


def sees_support(staff):
    """Whether `staff` may see hard-to-place categories, tiers and guidance notes (counsellors and admins)."""
    return staff.role in ("counsellor", "admin")


def ensure_counsellor(staff):
    if not sees_support(staff):
        raise Forbidden("只有就业辅导员和管理员可以这样做", code="counsellor_only")


def trainer_enterprise(staff):
    """The enterprise id a trainer runs courses for (None for anyone else, or a trainer not yet assigned)."""
    if staff.role != "trainer":
        return None
    return TrainerAssignment.select(TrainerAssignment.enterprise).where(TrainerAssignment.staff == staff.id).scalar()


def ensure_trainer_of(staff, enterprise_id, admin_too=True):
    """Forbidden unless `staff` is a trainer of `enterprise_id` (or, with `admin_too`, an admin)."""
    if admin_too and staff.role == "admin":
        return
    if trainer_enterprise(staff) != enterprise_id:
        raise Forbidden("只能操作本企业的培训课程", code="other_enterprise")


def ensure_worker_in_scope(staff, worker):
    """Forbidden unless `staff` may see `worker`: admins see everyone, station staff and counsellors the workers of
    their station (home station, or a preferred station in the registry); trainers are judged by their courses."""
    allowed = station_ids_for(staff)
    if allowed is None or staff.role == "trainer":
        return
    if worker.home_station_id in allowed:
        return
    preferred = WorkerStation.select().where((WorkerStation.worker == worker.id) & WorkerStation.station.in_(allowed))
    if not preferred.exists():
        raise Forbidden("无权查看其他驿站的零工", code="other_station")
