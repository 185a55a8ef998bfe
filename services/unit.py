"""One unit of work for every state change: the transaction, the request-id idempotency, the audit row, the
after-commit queue.

A verb is only its business rule; `run()` (or `transaction()` for a verb no client retries) wraps it:
- the transaction is a write transaction (BEGIN IMMEDIATE on SQLite), a savepoint when nested;
- a request id is claimed in that transaction, keyed by who sent it (`run()`, with `services.idempotency.Key`);
- `audit(action, target, station_id, **detail)` records what the verb did into the open unit, which knows who acts
  and when; the unit writes the row in its own transaction, so the row goes with the work if it rolls back;
- `after_commit(fn)` queues work that talks to the outside world (WeChat notices, the payout trigger). It is kept
  only if the outermost transaction commits, and runs when the surrounding `scope()` ends: after the response for a
  request, after the job for the scheduler, after the command for the CLI. Outside any scope it runs right after the
  commit. Nothing talks to WeChat inside a transaction.
"""

import contextlib
import contextvars
import json
import logging

from peewee import IntegrityError

from models import AuditLog
from models import Staff
from models import transaction as _db_transaction
from models import utcnow
from services import idempotency
from services.errors import Conflict
from services.errors import DomainError

log = logging.getLogger(__name__)

_frames = contextvars.ContextVar("lingong_unit_frames", default=None)  # stack of _Frame, one per open transaction
_scope = contextvars.ContextVar("lingong_unit_scope", default=None)  # the scope's queue, None outside a scope
_INHERIT = object()


class _Frame:
    """One open transaction of a unit: who acts and when, its audit rows to write, its after-commit work."""

    __slots__ = ("actor", "now", "audits", "queued")

    def __init__(self, actor, now):
        self.actor, self.now, self.audits, self.queued = actor, now, [], []


@contextlib.contextmanager
def transaction(actor=_INHERIT, now=None):
    """A write transaction whose after-commit work is kept only if it (and every transaction around it) commits.

    `actor` (a Staff row, or None for the CLI and the system) and `now` are who acts and when, for the audit rows
    recorded inside; a nested transaction takes them from the one around it unless it is given its own.
    """
    stack = _frames.get()
    outermost = stack is None
    if outermost:
        stack = []
        token = _frames.set(stack)
    outer = stack[-1] if stack else None
    if actor is _INHERIT:
        actor = outer.actor if outer is not None else None
    frame = _Frame(actor, now if now is not None or outer is None else outer.now)
    stack.append(frame)
    try:
        with _db_transaction():
            yield
            _write_audits(frame)
    except BaseException:
        stack.pop()
        if outermost:
            _frames.reset(token)
        raise
    stack.pop()
    if not outermost:
        stack[-1].queued.extend(frame.queued)
        return
    _frames.reset(token)
    _committed(frame.queued)


def audit(action, target=None, station_id=None, **detail):
    """Record one audit row for the open unit's actor: `action` done to `target` (a row) at `station_id`.

    Written by the unit inside its transaction, when the verb has done its work: rolled back with it.
    """
    stack = _frames.get()
    if not stack:
        raise RuntimeError(f"audit({action!r}) outside a unit of work")
    frame = stack[-1]
    frame.audits.append(
        {
            "staff": frame.actor.id if isinstance(frame.actor, Staff) else None,  # a worker or "cli": none
            "action": action,
            "object_type": type(target).__name__.lower() if target is not None else "",
            "object_id": str(target.id) if target is not None else "",
            "station": station_id,
            "detail": json.dumps(detail, ensure_ascii=False, default=str),
            "created_at": frame.now or utcnow(),
        }
    )


def _write_audits(frame):
    for row in frame.audits:
        AuditLog.create(**row)
    frame.audits.clear()


def _committed(queued):
    """Work whose transaction has committed: into the scope's queue, or run now when no scope will drain it."""
    scope = _scope.get()
    if scope is None:
        _run_all(queued)
    else:
        scope.extend(queued)


def after_commit(fn, soon=False):
    """Queue `fn()` for after the commit (inside a unit's transaction), or run it now when none is open.

    `soon=True` is for work that only speeds up what a periodic job does anyway (delivering an outbox notice now
    rather than at the next delivery run): it is queued only when a scope will drain it, and dropped otherwise.
    """
    if soon and _scope.get() is None:
        return
    stack = _frames.get()
    if stack:
        stack[-1].queued.append(fn)
    else:
        _committed([fn])


@contextlib.contextmanager
def scope():
    """The request, job or command whose after-commit work runs when it ends (`drain()` ends it early)."""
    token = open_scope()
    try:
        yield
    finally:
        drain(close_scope(token))


def open_scope():
    """Begin a scope that the caller ends with `close_scope(token)` (the WSGI layer of handlers/after_response)."""
    return _scope.set([])


def close_scope(token):
    """End a scope begun by `open_scope()`; returns what its transactions queued, for `drain()`."""
    queue = _scope.get() or []
    _scope.reset(token)
    return queue


def _run_all(queue):
    for fn in queue:
        try:
            fn()
        except Exception:  # after commit nothing may undo the work: log it; periodic jobs retry what matters
            log.exception("after-commit work %r failed", fn)


def drain(queue, rounds=5):
    """Run a closed scope's queue (after the response is on its way), and then what that work queued in turn (the
    payout trigger's own notice), a few rounds at most."""
    for _ in range(rounds):
        if not queue:
            return
        token = open_scope()
        try:
            _run_all(queue)
        finally:
            queue = close_scope(token)
    if queue:
        log.warning("after-commit work still queued after %s rounds: left to the periodic jobs", rounds)


def run(actor, request_id, action, verb, replay, now=None):
    """`verb()` once per (actor, request_id) in one unit; returns (row, created).

    The key is claimed first, in the verb's own transaction: when the verb fails, the key goes with it and a resend
    does the work. A resend (or the loser of two racing copies, which waits at the unique index) gets
    `replay(result_id)`; the same key used for another `action` is refused.
    """
    key = idempotency.Key(actor, request_id, action)
    try:
        with transaction(actor, now):
            key.claim(now)
            row = verb()
            key.record(row)
            return row, True
    except IntegrityError:
        previous = key.previous()
        if previous is None:
            raise
    if previous.action != key.action:
        raise Conflict("这个请求编号已用于另一项操作", code="request_id_reused")
    return replay(previous.result_id), False


def apply(actor, request_id, action, verb, replay, now=None):
    """`run()` when the caller sent a request id, else `verb()` in a plain unit; returns the row."""
    if request_id is None:
        with transaction(actor, now):
            return verb()
    return run(actor, request_id, action, verb, replay, now)[0]


def once(lookup, create, attempt=None):
    """`create()` in a write transaction; returns (row, created).

    `attempt()`, when given, is the same write as one statement (no transaction of ours around it) for where the
    database can do it that way; it returns None to decline, and `create()` then runs as usual.

    The first attempt is the common case, so it goes straight to the write. When the write cannot happen (the
    request id is already taken, which the unique index says, or a rule refuses it because the first copy of this
    request already took the pieces) and `lookup()` finds the first result of this request, that is the answer.
    Two copies of one request racing each other meet at the unique index: the loser answers with the winner's row.
    """
    try:
        if attempt is not None:
            row = attempt()
            if row is not None:
                return row, True
        with transaction():
            return create(), True
    except (IntegrityError, DomainError):
        previous = lookup()
        if previous is None:
            raise
        return previous, False
