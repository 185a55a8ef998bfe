"""Who holds the reconciliation run of a business date: the claim row, its heartbeat on the real clock, and taking
over a run whose process died (no heartbeat for RECON_STALE_MINUTES) or that failed.

Times here come from a clock function (the real clock unless a test drives it), never from the business time a
run checks the day as of: a catch-up started hours ago is still alive now.
"""

import datetime as dt
import os
import socket

from peewee import IntegrityError

from models import ReconRun
from models import utcnow
from services import runtime
from services.clock import business_date
from services.errors import BadRequest
from services.unit import transaction

STALE_AFTER = dt.timedelta(minutes=10)
ACTIVE = ("claimed", "running")


class TakenOver(RuntimeError):
    """Another process took the run over (our heartbeat looked stale to it): stop, the day is its now."""


def owner_id():
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after():
    return dt.timedelta(minutes=runtime.settings().recon_stale_minutes or 0) or STALE_AFTER


def refuse_future(day, now):
    """A business date after today (market time) has nothing to reconcile yet: refused."""
    if day > business_date(now):
        raise BadRequest(f"{day} 还没到，不能对账（今天是 {business_date(now)}）", code="future_date")


def claim(day, at, force=False, owner=None):
    """Claim the run of `day` at clock time `at`; None when another process holds it (or it finished and not force).

    A claim with no heartbeat for RECON_STALE_MINUTES (a killed process), a failed or a provisional run is taken over.
    """
    owner = owner or owner_id()
    try:
        with transaction():
            return ReconRun.create(business_date=day, status="claimed", claimed_by=owner, claimed_at=at, heartbeat=at)
    except IntegrityError:
        pass
    run = ReconRun.get(ReconRun.business_date == day)
    if run.status == "finished" and not force:
        return None
    if run.status in ACTIVE and run.heartbeat > at - stale_after():
        return None
    taken = (
        ReconRun.update(
            status="claimed", claimed_by=owner, claimed_at=at, heartbeat=at, attempts=ReconRun.attempts + 1, error=""
        )
        .where(
            (ReconRun.id == run.id)
            & (ReconRun.status == run.status)
            & (ReconRun.heartbeat == run.heartbeat)
            & (ReconRun.claimed_by == run.claimed_by)
        )
        .execute()
    )
    return ReconRun.get_by_id(run.id) if taken else None


class Hold:
    """This process's hold on a claimed run; every write checks the run is still ours (same owner, same attempt)."""

    def __init__(self, run, owner, clock=utcnow):
        self.run, self.owner, self.clock = run, owner, clock

    def _ours(self):
        return (
            (ReconRun.id == self.run.id)
            & (ReconRun.claimed_by == self.owner)
            & (ReconRun.attempts == self.run.attempts)
        )

    def _still_ours(self, updated):
        if updated:
            return
        current = ReconRun.get_by_id(self.run.id)
        if current.claimed_by == self.owner and current.attempts == self.run.attempts:
            return  # MySQL counts changed rows only: a beat within the same second changes nothing
        raise TakenOver(f"run of {self.run.business_date} was taken over by {current.claimed_by}")

    def beat(self):
        """Stamp the heartbeat with the clock's time; raises TakenOver when another process holds the run."""
        self._still_ours(ReconRun.update(heartbeat=self.clock(), status="running").where(self._ours()).execute())

    def finish(self, **values):
        """Write the run's outcome (in the caller's transaction, before its findings); raises TakenOver."""
        self._still_ours(ReconRun.update(**values).where(self._ours()).execute())

    def fail(self, exc):
        """Mark the run failed (when still ours); its heartbeat says when, so a retry waits the stale window."""
        ReconRun.update(status="failed", heartbeat=self.clock(), error=f"{type(exc).__name__}: {exc}"[:500]).where(
            self._ours()
        ).execute()


def stale_days(at, before):
    """Dates before `before` whose run is claimed or running without a heartbeat for the stale window, or failed
    that long ago (a failing check is retried every RECON_STALE_MINUTES, not every minute); oldest first."""
    query = ReconRun.select(ReconRun.business_date).where(
        (ReconRun.business_date < before)
        & (ReconRun.status.in_((*ACTIVE, "failed")))
        & (ReconRun.heartbeat <= at - stale_after())
    )
    return [day for (day,) in query.order_by(ReconRun.business_date).tuples()]
