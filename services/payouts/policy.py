"""The market's payout policy from configuration: when to pay, minimum, per-transfer maximum, daily caps.

PAYOUT_MODE immediate (pay right after an inspection accepts pieces) or cutoff (daily at PAYOUT_CUTOFF, market
time); amounts in fen. A payout above PAYOUT_MAX_PER_TRANSFER_FEN is split (PAYOUT_SPLIT=1) or refused.
"""

import datetime as dt
from dataclasses import dataclass

from services import runtime
from services import settings

DEFAULTS = {var.name: var.default for var in settings.VARS if var.name.startswith("PAYOUT_")}  # declared once


@dataclass(frozen=True)
class Policy:
    mode: str
    cutoff: dt.time
    min_fen: int
    max_per_transfer_fen: int
    split: bool
    worker_daily_cap_fen: int
    merchant_daily_cap_fen: int
    real_name_from_fen: int
    sweep_after: dt.timedelta
    recheck: dt.timedelta
    remark: str

    @classmethod
    def from_config(cls, config):
        get = lambda key: config.get(key, DEFAULTS[key])  # noqa: E731
        mode = str(get("PAYOUT_MODE")).lower()
        if mode not in ("immediate", "cutoff"):
            raise ValueError("PAYOUT_MODE must be immediate or cutoff")
        hour, minute = (int(part) for part in str(get("PAYOUT_CUTOFF")).split(":"))
        policy = cls(
            mode=mode,
            cutoff=dt.time(hour, minute),
            min_fen=int(get("PAYOUT_MIN_FEN")),
            max_per_transfer_fen=int(get("PAYOUT_MAX_PER_TRANSFER_FEN")),
            split=settings.flag(get("PAYOUT_SPLIT")),
            worker_daily_cap_fen=int(get("PAYOUT_WORKER_DAILY_CAP_FEN")),
            merchant_daily_cap_fen=int(get("PAYOUT_MERCHANT_DAILY_CAP_FEN")),
            real_name_from_fen=int(get("PAYOUT_REAL_NAME_FROM_FEN")),
            sweep_after=dt.timedelta(seconds=int(get("PAYOUT_SWEEP_AFTER_SECONDS"))),
            recheck=dt.timedelta(seconds=int(get("PAYOUT_RECHECK_SECONDS"))),
            remark=str(get("PAYOUT_REMARK"))[:20],
        )
        if policy.min_fen < 10 or policy.max_per_transfer_fen < policy.min_fen:
            raise ValueError("PAYOUT_MIN_FEN must be >= 10 fen and <= PAYOUT_MAX_PER_TRANSFER_FEN")
        return policy


def current():
    """The policy of the running app (the defaults when there is none)."""
    try:
        config = runtime.current().config
    except RuntimeError:
        config = {}
    key = tuple(config.get(name) for name in DEFAULTS)
    cached = _cache.get(key)
    if cached is None:  # built once per distinct configuration, not on every call
        cached = _cache[key] = Policy.from_config(config)
    return cached


_cache = {}


def plan_amounts(policy, owed_fen, worker_paid_today_fen, merchant_paid_today_fen):
    """Transfer amounts to send now: within the daily caps, each at most the per-transfer maximum.

    Returns (amounts, reason) where reason explains why less than `owed_fen` is sent ('' when all of it is).
    """
    room = min(
        owed_fen,
        policy.worker_daily_cap_fen - worker_paid_today_fen,
        policy.merchant_daily_cap_fen - merchant_paid_today_fen,
    )
    reason = ""
    if room < owed_fen:
        reason = "daily_cap"
    if room < policy.min_fen:
        return [], reason or "below_minimum"
    if room > policy.max_per_transfer_fen and not policy.split:
        return [], "over_transfer_max"
    amounts = []
    left = room
    while left > 0:
        part = min(left, policy.max_per_transfer_fen)
        if part < policy.min_fen:
            # never leave a tail WeChat would refuse: take it from the previous transfer
            amounts[-1] -= policy.min_fen - part
            part = policy.min_fen
        amounts.append(part)
        left -= part
    return amounts, reason
