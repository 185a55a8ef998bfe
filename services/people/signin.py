"""Staff sign-in, one rule for every way in (console, staff API): the password check behind a shared throttle.

The throttle (README, "Sign-in throttle") slows guessing with delays that grow with failures instead of locking
anyone out: per username at one address, per address across usernames, per username across addresses. The last
two spare an address the user has signed in from before, so a stranger cannot keep a user out of a known place,
and one stranger's failures alone never slow the user elsewhere.
"""

import datetime as dt

from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from models import KeyValue
from models import Staff
from models import upsert
from services import unit
from services.errors import BadRequest
from services.errors import TooManyRequests
from services.errors import Unauthorized
from services.people import accounts
from services.people import throttle

CHANNELS = ("console", "api")
PAIR = throttle.Backoff(free=5, cap=900, forget=3600)  # one username from one address
ADDRESS = throttle.Backoff(free=20, cap=900, forget=3600)  # one address, any username (a station's NAT is shared)
USERNAME = throttle.Backoff(free=10, cap=900, forget=3600)  # one username, any address
KNOWN_FOR = dt.timedelta(days=30)  # an address a user signed in from is known to the throttle this long
_dummy_hash = None


class _Keys:
    """The KeyValue keys of one attempt (usernames lower-cased: MySQL compares them so)."""

    def __init__(self, username, address):
        user, address = username.strip().lower()[:50], (address or "-").strip().lower()[:45]
        self.pair = f"signin:pair:{user}|{address}"
        self.address = f"signin:addr:{address}"
        self.user = f"signin:user:{user}"
        self.known = f"signin:known:{user}|{address}"


def sign_in_staff(username, password, address, now, channel):
    """(staff, token, expires_at) for the right password, unless this username or address is guessing too fast.

    Every attempt that gets to the password check counts as a failure up front (so racing attempts cannot all
    slip through an open gate); a right password takes its count back. `channel` 'api' returns an API bearer
    token, 'console' a console session handle (never usable on the API).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown sign-in channel {channel!r}")
    if not isinstance(username, str) or not username.strip() or not isinstance(password, str) or not password:
        raise BadRequest("请填写用户名和密码", code="credentials_required")
    username, keys = username.strip()[:50], _Keys(username, address)
    known = KeyValue.get_or_none((KeyValue.key == keys.known) & (KeyValue.expires_at > now)) is not None
    counted_user = _claim(keys, known, now)
    staff = Staff.get_or_none((Staff.username == username) & (Staff.active == True))  # noqa: E712
    if not _password_matches(staff, password):
        someone = staff or Staff.get_or_none(Staff.username == username)
        with unit.transaction(someone, now):
            station = someone.station_id if someone else None
            unit.audit(f"{channel}.login_failed", None, station, username=username, address=address)
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    if channel == "console" and staff.role == "employer":  # employers use the API (services/matching), not the desk
        raise Unauthorized("用人单位账号不能登录工作台", code="bad_credentials")
    with unit.transaction(staff, now):
        _take_back(keys, counted_user, now)
        row = {KeyValue.key: keys.known, KeyValue.value: str(staff.id), KeyValue.expires_at: now + KNOWN_FOR}
        upsert(KeyValue.insert(row), KeyValue.key, [KeyValue.value, KeyValue.expires_at]).execute()
        token, expires_at = accounts.issue_token(now, staff=staff, console=channel == "console")
        unit.audit(f"{channel}.login", staff, staff.station_id, address=address)
    return staff, token, expires_at


def _claim(keys, known, now):
    """Refuse (429) while a gate that applies is closed, else count the attempt; True when the username's count
    across addresses took it (only the first PAIR.free failures of each address do: one place is slowed by its
    own gate, and cannot by itself slow the user everywhere)."""
    counted = (keys.pair, keys.address, keys.user)
    throttle.prepare(counted, now)
    with unit.transaction():
        held = throttle.held(counted)
        pair, address, user = (held[key] for key in counted)
        waits = [PAIR.wait(pair, now)]
        if not known:
            waits += [ADDRESS.wait(address, now), USERNAME.wait(user, now)]
        wait = max(waits)
        if wait > 0:
            raise TooManyRequests(f"登录失败次数太多，请 {throttle.in_words(wait)}后再试", throttle.seconds(wait))
        counts_user = PAIR.current(pair, now).n < PAIR.free
        throttle.save(keys.pair, PAIR, PAIR.failed(pair, now), now)
        throttle.save(keys.address, ADDRESS, ADDRESS.failed(address, now), now)
        if counts_user:
            throttle.save(keys.user, USERNAME, USERNAME.failed(user, now), now)
    return counts_user


def _take_back(keys, counted_user, now):
    """A right password: this username at this address starts afresh; the address and the username keep their
    earlier failures (a guesser's own account must not wash them away) but not this attempt."""
    held = throttle.held((keys.address, keys.user))
    throttle.save(keys.pair, PAIR, throttle.ZERO, now)
    throttle.save(keys.address, ADDRESS, throttle.taken_back(held[keys.address]), now)
    if counted_user:
        throttle.save(keys.user, USERNAME, throttle.taken_back(held[keys.user]), now)


def _password_matches(staff, password):
    """Check the password; an unknown username costs the same hash, so the time taken tells nothing."""
    global _dummy_hash
    if staff is None:
        _dummy_hash = _dummy_hash or generate_password_hash("not-a-password")
        check_password_hash(_dummy_hash, password)
        return False
    return check_password_hash(staff.password_hash, password)
