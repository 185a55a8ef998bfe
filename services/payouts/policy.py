"""The market's payout policy from configuration: when to pay, minimum, per-transfer maximum, daily caps.

PAYOUT_MODE immediate (pay right after an inspection accepts pieces) or cutoff (daily at PAYOUT_CUTOFF, market
time); amounts in fen. A payout above PAYOUT_MAX_PER_TRANSFER_FEN is split (PAYOUT_SPLIT=1) or refused.
"""

import datetime as dt
from dataclasses import dataclass

from services import runtime
from services.settings import SettingError


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
    def from_settings(cls, settings):
        """The policy of typed settings (services.settings.Settings); one that cannot pay stops the start."""
        hour, minute = (int(part) for part in settings.payout_cutoff.split(":"))
        policy = cls(
            mode=settings.payout_mode,
            cutoff=dt.time(hour, minute),
            min_fen=settings.payout_min_fen,
            max_per_transfer_fen=settings.payout_max_per_transfer_fen,
            split=settings.payout_split,
            worker_daily_cap_fen=settings.payout_worker_daily_cap_fen,
            merchant_daily_cap_fen=settings.payout_merchant_daily_cap_fen,
            real_name_from_fen=settings.payout_real_name_from_fen,
            sweep_after=dt.timedelta(seconds=settings.payout_sweep_after_seconds),
            recheck=dt.timedelta(seconds=settings.payout_recheck_seconds),
            remark=str(settings.payout_remark)[:20],
        )
        if policy.min_fen < 10 or policy.max_per_transfer_fen < policy.min_fen:
            raise SettingError("PAYOUT_MIN_FEN must be >= 10 fen and <= PAYOUT_MAX_PER_TRANSFER_FEN")
        return policy


def of(settings):
    """The policy of `settings`, built once per settings object (they are frozen), not on every call."""
    cached = _cache.get(id(settings))
    if cached is None or cached[0] is not settings:
        if len(_cache) > 64:
            _cache.clear()
        cached = _cache[id(settings)] = (settings, Policy.from_settings(settings))
    return cached[1]


def current():
    """The policy of the running app (of the defaults and the environment when there is none)."""
    return of(runtime.settings())


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
