"""Input checks shared by the services: each raises BadRequest with a message a worker can read."""

import datetime as dt

from services.errors import BadRequest

MAX_PIECES = 1_000_000
MAX_ID = 2**31 - 1  # ids are 32-bit integers in every supported database


def positive_int(value, label, field, maximum=MAX_PIECES):
    """A whole number from 1 to `maximum` (booleans and strings are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{label}必须是整数", code="invalid_" + field, field=field)
    if value <= 0:
        raise BadRequest(f"{label}必须大于 0", code="invalid_" + field, field=field)
    if value > maximum:
        raise BadRequest(f"{label}不能超过 {maximum}", code="invalid_" + field, field=field)
    return value


def non_negative_int(value, label, field, maximum=MAX_PIECES):
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > maximum:
        raise BadRequest(f"{label}必须是 0 到 {maximum} 的整数", code="invalid_" + field, field=field)
    return value


def storable(value):
    """Text every supported database can store: no NUL (PostgreSQL refuses it) and no lone surrogate (no UTF-8)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(value, label, field, max_len=200, required=True):
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_len:
        raise BadRequest(f"{label}应为 1 到 {max_len} 个字", code="invalid_" + field, field=field)
    if not storable(value):
        raise BadRequest(f"{label}含有无法识别的字符（如空字符）", code="invalid_" + field, field=field)
    return value.strip()


def request_id(value):
    """A client-chosen idempotency key: 1-64 visible ASCII characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= 64 or not value.isascii() or not value.isprintable():
        raise BadRequest("缺少请求编号 request_id（1 到 64 个字符）", code="invalid_request_id", field="request_id")
    return value


def utc_datetime(value, field):
    """An ISO-8601 timestamp with an offset, as naive UTC; None stays None."""
    if value is None:
        return None
    example = "例如 2025-06-01T08:00:00+08:00"
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadRequest(f"{field} 应为 ISO-8601 时间，{example}", code="invalid_" + field, field=field)
    if parsed.tzinfo is None:
        raise BadRequest(f"{field} 需要带时区，{example}", code="invalid_" + field, field=field)
    return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)


def iso_date(value, field):
    """A calendar date (a date, or text such as 2026-12-31); None stays None."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _bad_date(field)
    except ValueError:
        return _bad_date(field)


def _bad_date(field):
    raise BadRequest(f"{field} 应为日期，例如 2026-12-31", code="invalid_" + field, field=field)
