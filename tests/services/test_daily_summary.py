"""The evening summary notice: one per worker with pieces accepted today, never twice for a date."""

from models import Notice
from services.notices.daily_summary import enqueue_daily_summaries
from tests.recon_helpers import DAY
from tests.recon_helpers import market_time
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)


def test_one_summary_per_worker_per_day(seeded):
    assert enqueue_daily_summaries(market_time(DAY, 20)) == 3
    assert enqueue_daily_summaries(market_time(DAY, 20, 5)) == 3
    summaries = {n.worker_id: n for n in Notice.select().where(Notice.kind == "daily_summary")}
    assert len(summaries) == 3
    alice = summaries[seeded.workers["alice"].id]
    assert '"count": 55' in alice.payload and '"amount_fen": 660' in alice.payload and '"owed_fen": 0' in alice.payload
