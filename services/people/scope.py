"""Who may act where: admins act on the whole county, station staff and counsellors on their own station."""

from services.errors import Forbidden


def station_ids_for(staff):
    """None for the whole county, else the set of station ids this staff member may see."""
    if staff.role == "admin":
        return None
    return {staff.station_id}


def ensure_station(staff, station_id):
    """Forbidden unless `staff` may act on `station_id`."""
    allowed = station_ids_for(staff)
    if allowed is not None and station_id not in allowed:
        raise Forbidden("无权操作其他驿站的数据", code="other_station")


def ensure_admin(staff):
    if staff.role != "admin":
        raise Forbidden("只有管理员可以这样做", code="admin_only")
