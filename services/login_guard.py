"""Console sign-in throttle: 5 wrong passwords for one username from one address in 15 minutes lock it out.

Failures are counted in the shared KeyValue table (one row per username+address and per address), so every
process sees the same counts; a successful sign-in clears the username's count.
"""

import datetime as dt
import json

from peewee import IntegrityError

from models import KeyValue
from models import db
from services.errors import DomainError
from services.unit import transaction

WINDOW = dt.timedelta(minutes=15)
MAX_PER_USER = 5
MAX_PER_ADDRESS = 30


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


def _keys(username, address):
    user = (username or "").strip().lower()[:50]
    return f"console_login:{user}:{address}", f"console_login_ip:{address}"


def _recent(key, now):
    row = KeyValue.get_or_none(KeyValue.key == key)
    if row is None:
        return []
    try:
        stamps = [dt.datetime.fromisoformat(s) for s in json.loads(row.value)]
    except (ValueError, TypeError):
        return []
    return [s for s in stamps if s > now - WINDOW]


def check(username, address, now):
    """Refuse (429) while the username from this address, or the address itself, is locked out."""
    user_key, ip_key = _keys(username, address)
    if len(_recent(user_key, now)) >= MAX_PER_USER or len(_recent(ip_key, now)) >= MAX_PER_ADDRESS:
        raise TooManyAttempts("密码错误次数太多，请 15 分钟后再试", wait_minutes=15)


def record_failure(username, address, now):
    """Count one wrong password for the username and for the address."""
    with transaction():
        for key in _keys(username, address):
            stamps = _recent(key, now) + [now]
            value = json.dumps([s.isoformat() for s in stamps[-MAX_PER_ADDRESS:]])
            try:
                with db.atomic():
                    KeyValue.insert(key=key, value=value, expires_at=now + WINDOW).execute()
            except IntegrityError:
                KeyValue.update(value=value, expires_at=now + WINDOW).where(KeyValue.key == key).execute()


def clear(username, address):
    """A correct password forgets the username's earlier failures from this address."""
    user_key, _ = _keys(username, address)
    with transaction():
        KeyValue.delete().where(KeyValue.key == user_key).execute()
