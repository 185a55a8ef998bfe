"""The short signed code a worker's mini-program shows as a QR, so the desk can find the worker by scanning it.

Code format `LG<worker id>-<10 base32 chars of HMAC-SHA256>`: short enough to type, unforgeable without SECRET_KEY.
"""

import base64
import hashlib
import hmac
import re

CODE_RE = re.compile(r"^LG(\d{1,12})-([A-Z2-7]{10})$")


def _mac(worker_id, secret):
    digest = hmac.new(secret.encode(), f"worker-qr:{worker_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:10]


def code_for(worker_id, secret):
    """The worker's desk code; it never changes for one worker and one SECRET_KEY."""
    return f"LG{worker_id}-{_mac(worker_id, secret)}"


def worker_id_from(code, secret):
    """The worker id a genuine code names, else None (a typo or a forged code finds nobody)."""
    match = CODE_RE.match((code or "").strip().upper())
    if match is None:
        return None
    worker_id = int(match.group(1))
    return worker_id if hmac.compare_digest(match.group(2), _mac(worker_id, secret)) else None
