"""Who may act where: admins act on the whole county, station staff and counsellors on their own station."""

import json

from models import AuditLog
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


def audit(staff, action, obj=None, station_id=None, now=None, **detail):
    """Write one audit row for a staff action (inside the caller's transaction)."""
    fields = {
        "staff": staff.id if staff is not None else None,
        "action": action,
        "object_type": type(obj).__name__.lower() if obj is not None else "",
        "object_id": str(obj.id) if obj is not None else "",
        "station": station_id,
        "detail": json.dumps(detail, ensure_ascii=False, default=str),
    }
    if now is not None:
        fields["created_at"] = now
    return AuditLog.create(**fields)
