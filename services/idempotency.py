"""Client retries: a write keyed by (who sent it, the client's request id) happens once; a resend gets the first result.

Two shapes of one rule. `services.unit.run()` claims a `Key` (a `RequestKey` row) in the write's own transaction:
every staff verb (desk, console, API, CLI) goes through it, so a key is never left behind by a write that failed, and one sender's key never
answers another's. `services.unit.once()` is the worker's hot path (taking an order, reporting pieces), where the row written carries
its own unique (worker, request_id) and no second row is needed.
"""

import hashlib

from models import RequestKey
from models import utcnow
from services import validate


def sender_of(actor):
    """The idempotency scope of an actor: a staff member or a worker (their id), or a named process ("cli")."""
    if isinstance(actor, str):
        return actor[:40]
    kind = "worker" if actor.__class__.__name__ == "Worker" else "staff"
    return f"{kind}:{actor.id}"


class Key:
    """One sender's request id for one action, as a `RequestKey` row claimed in the write's transaction."""

    def __init__(self, actor, request_id, action):
        self.sender = sender_of(actor)
        self.request_id = validate.request_id(request_id)
        self.action = action[:96]

    def _where(self):
        return (RequestKey.sender == self.sender) & (RequestKey.request_id == self.request_id)

    def claim(self, now):
        RequestKey.insert(
            sender=self.sender, request_id=self.request_id, action=self.action, created_at=now or utcnow()
        ).execute()

    def record(self, row):
        RequestKey.update(result_id=str(row.id)).where(self._where()).execute()

    def previous(self):
        return RequestKey.get_or_none(self._where())


def seen(actor, request_id):
    """Whether this sender's request id has already done its work (a resent console form)."""
    return RequestKey.select().where(Key(actor, request_id, "")._where()).exists()


def row_key(actor, request_id):
    """The scoped key stored on a row that keeps its own request id (unique across senders, at most 64 chars)."""
    key = f"{sender_of(actor)}:{request_id}"
    if len(key) <= 64:
        return key
    prefix = sender_of(actor) + ":#"
    return prefix + hashlib.sha256(request_id.encode()).hexdigest()[: 64 - len(prefix)]
