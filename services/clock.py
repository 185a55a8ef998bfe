"""Market time: times are stored in UTC; business dates and schedules are in the market's time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
_tz_name = DEFAULT_TZ


def configure(tz_name):
    global _tz_name
    ZoneInfo(tz_name)  # fail early on a bad name
    _tz_name = tz_name


def market_tz():
    return ZoneInfo(_tz_name)


def business_date(now_utc):
    """The market's calendar date at the naive-UTC instant `now_utc`."""
    return now_utc.replace(tzinfo=dt.timezone.utc).astimezone(market_tz()).date()


def day_bounds_utc(day):
    """The naive-UTC [start, end) of the market day `day`."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=market_tz())
    end = start + dt.timedelta(days=1)
    return (
        start.astimezone(dt.timezone.utc).replace(tzinfo=None),
        end.astimezone(dt.timezone.utc).replace(tzinfo=None),
    )


def to_market(now_utc):
    return now_utc.replace(tzinfo=dt.timezone.utc).astimezone(market_tz())


def iso_utc(value):
    """A naive-UTC datetime as an ISO string with its offset, for JSON."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.timezone.utc).isoformat().replace("+00:00", "Z")
