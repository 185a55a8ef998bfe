"""The console's payouts board: transfers in flight, awaiting the worker's confirmation, failed; workers owed money.

Read-only. Station staff see the payouts that count for their station (models.Payout.station_shares: cash paid at
their desk, transfers settling their station's pieces), each with their station's share as its amount.
"""

import datetime as dt

from peewee import JOIN
from peewee import fn

from models import Account
from models import Payout
from models import Station
from models import Worker
from services.money import ledger
from services.people import directory

GROUPS = {
    "in_flight": ("CREATED", "ACCEPTED", "PROCESSING", "TRANSFERING", "CANCELING"),
    "awaiting": ("WAIT_USER_CONFIRM",),
    "failed": ("FAIL", "CANCELLED"),
    "done": ("SUCCESS",),
}
RECENT_DAYS = 30


def _touching(where, station_ids):
    """Subquery of the ids of the payouts matching `where` that count for one of the stations."""
    shares = Payout.station_shares(where, station_ids).alias("shares")
    return Payout.select(shares.c.payout_id).from_(shares)


def _group(group, now):
    where = Payout.state.in_(GROUPS[group])
    if group in ("failed", "done"):
        where &= Payout.updated_at >= now - dt.timedelta(days=RECENT_DAYS)
    return where


def payouts(station_ids, group, now, limit=200):
    """Payouts of one group with their worker and station (failed and done ones of the last 30 days only).

    Each has `share_fen`: what of it counts for the stations (all of it for the county).
    """
    where = _group(group, now)
    select = (
        Payout.select(Payout, Worker, Station)
        .join(Worker)
        .switch(Payout)
        .join(Station, JOIN.LEFT_OUTER, on=(Payout.station == Station.id))
        .where(where)
    )
    if station_ids is not None:
        select = select.where(Payout.id.in_(_touching(where, station_ids)))
    rows = list(select.order_by(Payout.id.desc()).limit(limit))
    shares = {}
    if station_ids is not None and rows:
        listed = Payout.station_shares(Payout.id.in_([p.id for p in rows]), station_ids).tuples()
        for payout_id, _, fen in listed:
            shares[payout_id] = shares.get(payout_id, 0) + int(fen or 0)
    for payout in rows:
        payout.share_fen = shares.get(payout.id, 0) if station_ids is not None else payout.amount_fen
    return rows


def counts(station_ids, now):
    """{group: number of payouts} for the tabs, in one query."""
    recent = now - dt.timedelta(days=RECENT_DAYS)
    where = Payout.state.in_(GROUPS["in_flight"] + GROUPS["awaiting"]) | (Payout.updated_at >= recent)
    select = Payout.select(Payout.state, fn.COUNT(Payout.id)).where(where).group_by(Payout.state).tuples()
    if station_ids is not None:
        select = select.where(Payout.id.in_(_touching(where, station_ids)))
    by_state = dict(select)
    return {group: sum(by_state.get(s, 0) for s in states) for group, states in GROUPS.items()}


def owed_workers(station_ids, limit=200):
    """Workers linked to the stations who are owed money, most owed first: [(worker, owed fen)] in two queries."""
    select = ledger.owed_query().order_by(Account.balance_fen, Account.worker).limit(limit).tuples()
    if station_ids is not None:
        select = select.where(Account.worker.in_(Worker.select(Worker.id).where(directory.linked(station_ids))))
    owed = {worker_id: int(fen) for worker_id, fen in select}
    workers = (
        Worker.select(Worker, Station)
        .join(Station, JOIN.LEFT_OUTER, on=(Worker.home_station == Station.id))
        .where(Worker.id.in_(list(owed)))
    )
    return sorted(((w, owed[w.id]) for w in workers), key=lambda row: -row[1])
