"""The console's payouts board: transfers in flight, awaiting the worker's confirmation, failed; workers owed money.

Read-only. A payout belongs to the station that paid it in cash, else to the worker's home station.
"""

import datetime as dt

from peewee import JOIN
from peewee import fn

from models import Account
from models import Payout
from models import Posting
from models import Station
from models import Worker
from services import directory

GROUPS = {
    "in_flight": ("CREATED", "ACCEPTED", "PROCESSING", "TRANSFERING", "CANCELING"),
    "awaiting": ("WAIT_USER_CONFIRM",),
    "failed": ("FAIL", "CANCELLED"),
    "done": ("SUCCESS",),
}
RECENT_DAYS = 30


def payouts(station_ids, group, now, limit=200):
    """Payouts of one group with their worker and station (failed and done ones of the last 30 days only)."""
    owner = fn.COALESCE(Payout.station, Worker.home_station)
    select = (
        Payout.select(Payout, Worker, Station)
        .join(Worker)
        .switch(Payout)
        .join(Station, JOIN.LEFT_OUTER, on=(Payout.station == Station.id))
        .where(Payout.state.in_(GROUPS[group]))
    )
    if group in ("failed", "done"):
        select = select.where(Payout.updated_at >= now - dt.timedelta(days=RECENT_DAYS))
    if station_ids is not None:
        select = select.where(owner.in_(list(station_ids)))
    return list(select.order_by(Payout.id.desc()).limit(limit))


def counts(station_ids, now):
    """{group: number of payouts} for the tabs, in one query."""
    owner = fn.COALESCE(Payout.station, Worker.home_station)
    recent = now - dt.timedelta(days=RECENT_DAYS)
    select = (
        Payout.select(Payout.state, fn.COUNT(Payout.id))
        .join(Worker)
        .where(Payout.state.in_(GROUPS["in_flight"] + GROUPS["awaiting"]) | (Payout.updated_at >= recent))
        .group_by(Payout.state)
        .tuples()
    )
    if station_ids is not None:
        select = select.where(owner.in_(list(station_ids)))
    by_state = dict(select)
    return {group: sum(by_state.get(s, 0) for s in states) for group, states in GROUPS.items()}


def owed_workers(station_ids, limit=200):
    """Workers linked to the stations who are owed money, most owed first: [(worker, owed fen)] in two queries."""
    total = fn.SUM(Posting.amount_fen)
    select = (
        Posting.select(Account.worker, total)
        .join(Account)
        .where(Account.kind == "worker_payable")
        .group_by(Account.worker)
        .having(total < 0)
        .order_by(total)
        .limit(limit)
        .tuples()
    )
    if station_ids is not None:
        select = select.where(Account.worker.in_(Worker.select(Worker.id).where(directory.linked(station_ids))))
    owed = {worker_id: -int(balance) for worker_id, balance in select}
    workers = (
        Worker.select(Worker, Station)
        .join(Station, JOIN.LEFT_OUTER, on=(Worker.home_station == Station.id))
        .where(Worker.id.in_(list(owed)))
    )
    return sorted(((w, owed[w.id]) for w in workers), key=lambda row: -row[1])
